"""Coming of age (täysi-ikäisyys, 18 years): the last day a client is a minor, in Python and
as an SQL expression, counted as `Client.age_on` counts age. One born on 29 February comes of
age on 1 March in a year without a 29 February (and is a minor on 28 February), as Finnish
law counts it: add_months and PostgreSQL both clamp the 29th to the 28th, which is then the
last day as a minor rather than the birthday."""

import datetime

from django.db.models import DateField, Func

from services.calendar import add_months

AGE_OF_MAJORITY = 18


def last_day_as_minor(birth_date: datetime.date) -> datetime.date:
    """The day before the 18th birthday: the last day `age_on` gives under 18."""
    birthday = add_months(birth_date, 12 * AGE_OF_MAJORITY)
    if birthday.day != birth_date.day:
        # Born on 29 February, in a year without one: of age on 1 March.
        return birthday
    return birthday - datetime.timedelta(days=1)


def adults_born_by(day: datetime.date) -> datetime.date:
    """Everyone born on this date or earlier is of age on `day` (`age_on(day) >= 18`), and
    everyone born later is a minor on `day`."""
    return add_months(day, -12 * AGE_OF_MAJORITY)


class LastDayAsMinor(Func):
    """`last_day_as_minor` of a birth-date expression, in SQL: the date 18 years later (which
    PostgreSQL clamps to the month's last day, as add_months does) and the day before it,
    unless the clamping already moved it back a day."""

    arity = 1
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        born, params = compiler.compile(self.source_expressions[0])
        birthday = f"(({born}) + make_interval(years => {AGE_OF_MAJORITY}))::date"
        sql = (
            f"(CASE WHEN EXTRACT(DAY FROM {birthday}) = EXTRACT(DAY FROM ({born})) "
            f"THEN {birthday} - 1 ELSE {birthday} END)"
        )
        return sql, (*params, *params, *params, *params)
