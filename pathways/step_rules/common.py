"""What the rule modules share: the service codes fixed in code, a violation and raising
it, the rule set in force for a step, the months of a period, and numbers and dates as
the messages give them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import ngettext

from config.numbers import plain_number, plural_count
from pathways.models import PathwayStep
from services.calendar import add_months
from services.models import NoRuleSetInForce, ServiceRuleSet

REHABILITATIVE_WORK_ACTIVITY = "rehabilitative_work_activity"
DISABILITY_WORK_ACTIVITY = "disability_work_activity"
WORK_COACHING = "work_coaching"
JOBCENTER = "jobcenter_paid_work"
SUPPORTED_EMPLOYMENT = "supported_employment"
SOCIAL_REHABILITATION = "social_rehabilitation"
YOUTH_WORKSHOP = "youth_workshop"
OPEN_WORK = "open_work"


@dataclass(frozen=True)
class Violation:
    field: str | None
    message: str


def arranging_organisations(client, unit=None) -> list:
    """The organisations whose own rule sets apply to a step, first first: the organisation
    of the unit arranging it (a youth workshop keeps its own period lengths whoever's client
    comes to it), then the client's (the county responsible for the client's services)."""
    organisations = [unit.organisation] if unit is not None else []
    return [*organisations, client.responsible_unit.organisation]


def rule_set_for(step: PathwayStep) -> ServiceRuleSet:
    """The rule set in force on the step's start date: the arranging unit's organisation's
    own, else the client's organisation's own, else the general one (arranging_organisations).
    With none in force (a start before the rules Polku holds), the step cannot be checked:
    ValidationError on its start date."""
    organisations = arranging_organisations(step.client, step.unit)
    try:
        return ServiceRuleSet.objects.in_force(step.service_type, organisations, step.start_on)
    except NoRuleSetInForce as error:
        raise ValidationError({"start_on": str(error)}) from None


def period_end_limit(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` months starting on `start`: the day before the
    same date `months` later (24 months from 1.1. end on 31.12.). Where that date does not
    exist (a start on the 29th to 31st), the period runs to the end of that month: 3 months
    from 31.1. end on 30.4. (a missing date is the month's last day, as in laki 150/1930,
    4 §), not on 29.4."""
    later = add_months(start, months)
    if later.day < start.day:  # no such date in that month: add_months gave its last day
        return later
    return later - datetime.timedelta(days=1)


def period_month_start(start: datetime.date, month: int) -> datetime.date:
    """The first day of month `month` (1, 2, ...) of a period starting on `start`: the day
    after a period of `month - 1` months ends (period_end_limit). Month 21 from 31.1.2024
    begins on 1.10.2025, the day after 30.9.2025, the last day of month 20. The reminder,
    the timeline and the duration limits count months by this one rule."""
    return period_end_limit(start, month - 1) + datetime.timedelta(days=1)


def period_month(start: datetime.date, day: datetime.date) -> int:
    """Which month of a period starting on `start` `day` falls in (1 from `start` on, as
    period_month_start counts them; 0 or less before the start)."""
    month = (day.year - start.year) * 12 + day.month - start.month + 1
    # Month `month` begins in `day`'s calendar month or, for a start late in a month, on the
    # 1st of the next one; month `month - 1` has begun by then either way.
    if period_month_start(start, month) > day:
        month -= 1
    return month


def step_list(steps: list[PathwayStep]) -> str:
    return ", ".join(
        f"{s.service_type.name} ({day_text(s.start_on)}–"
        f"{day_text(s.planned_end_on) if s.planned_end_on else ''})"
        for s in steps
    )


def raise_for(violations: list[Violation]) -> None:
    if violations:
        errors: dict[str, list[str]] = {}
        for violation in violations:
            errors.setdefault(violation.field or "__all__", []).append(violation.message)
        raise ValidationError(errors)


def covers(companion: PathwayStep, start: datetime.date, end: datetime.date | None) -> bool:
    if companion.status == "ended" and companion.ended_on and companion.ended_on < (end or start):
        return False
    companion_end = companion.ended_on or companion.planned_end_on
    if companion.start_on > start:
        return False
    if companion_end is None:
        return True
    return companion_end >= (end or start)


def format_day(day: datetime.date) -> str:
    """A date as in the messages (d.m.yyyy, not zero-padded)."""
    return f"{day:%-d.%-m.%Y}"


def format_period(start: datetime.date, end: datetime.date | None) -> str:
    """A step's period as in the messages: 1.2.2027–31.7.2027, or 1.2.2027– without an end."""
    return f"{format_day(start)}–{format_day(end) if end else ''}"


def day_text(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def number_text(value: Decimal) -> str:
    return plain_number(value)


def min_hours_message(rules: ServiceRuleSet, source: str) -> str:
    """ "A day lasts at least 4 hours": the hours may be a fraction (`plural_count`)."""
    hours = rules.min_hours_per_day
    return ngettext(
        "Päivän on kestettävä vähintään %(hours)s tunnin (%(source)s).",
        "Päivän on kestettävä vähintään %(hours)s tuntia (%(source)s).",
        plural_count(hours),
    ) % {"hours": number_text(hours), "source": source}
