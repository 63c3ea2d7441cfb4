"""The dates Polku accepts: from 1.1.1900 to 31.12.2100, in every form and every address.

Nothing Polku records lies outside (a birth date, a consent, a step, a session), so a
date there is a typing error (0001 for 2001, 9999 for "no end"). Kept out, such dates
cannot overflow the arithmetic done with them (a period's end months later, a week's
Sunday, a Helsinki time in UTC) or be stored in a form PostgreSQL cannot give back.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)

OUT_OF_RANGE = _("Tarkista päivämäärä: sen pitää olla vuosien %(first)s ja %(last)s välillä.")


def in_range(day: datetime.date) -> bool:
    """Whether the day (a datetime: its own calendar day) is one Polku accepts."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


def validate_in_range(value: datetime.date) -> None:
    """The validator of every date and time field: ValidationError (code "date_out_of_range")
    for a day outside FIRST_DAY–LAST_DAY."""
    if not in_range(value):
        raise ValidationError(
            OUT_OF_RANGE,
            code="date_out_of_range",
            params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )
