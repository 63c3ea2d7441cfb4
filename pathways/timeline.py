"""The pathway as a timeline: steps as bars on a time axis, today marked, warnings.

Computed here, drawn by a template as SVG with presentation attributes only
(the CSP forbids style attributes); the same data feeds the table alternative.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils import dateformat, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pathways.models import PathwayStep
from pathways.reminders import ending_window_days, review_window_days, warning_month_of
from pathways.step_rules import contract_needed_to_end, period_month
from services.calendar import add_months

WIDTH = 760
LABEL_WIDTH = 0
ROW_HEIGHT = 34
BAR_HEIGHT = 22
AXIS_HEIGHT = 28
# Room for one month label of the axis ("12/2026" at the timeline's 11-12 unit font is about
# 50 units wide) with a gap to the next: labels are never closer than this, and none is
# drawn where it would run off the picture's right edge.
TICK_LABEL_WIDTH = 56
# The same for a month named in words, as the client's printed summary names it: the longest,
# "September 2026", "september 2026" or "marraskuu 2026", is about 92 units wide in the print's
# DejaVu Sans at 11 units (tests/pathways/test_timeline_axis.py measures it).
MONTH_NAME_TICK_WIDTH = 104
# How many months apart the axis' labels may be: each a whole part of a year, so that the
# labels fall on the same months every year and January (the year's change) is among them.
TICK_STEPS = (1, 2, 3, 4, 6, 12, 24)
# The narrowest bar drawn, so a step of a few days (or one starting at the axis' end) shows.
MIN_BAR_WIDTH = 8


@dataclass
class Bar:
    step: PathwayStep
    x: float
    width: float
    y: float
    text_y: float
    css: str
    open_ended: bool
    warnings: list[str] = field(default_factory=list)
    review_x: float | None = None


@dataclass
class Timeline:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    today_x: float | None
    width: int
    height: int
    start: datetime.date
    end: datetime.date
    # Where the "today" label is drawn: just after its line, or just before it near the
    # right edge (an SVG text-anchor), never on the line, which would hide its first letter.
    today_label_x: float | None = None
    today_label_anchor: str = "start"


def step_warnings(step: PathwayStep, today: datetime.date) -> list[str]:
    """Warnings worth seeing on the timeline and the step page."""
    if step.status == "ended":
        return []
    code, rules, warnings = step.service_type.code, step.rule_set, []
    # The companion that ends with its period has no end of its own to warn of.
    end = None if _ends_with_its_period(step) else step.planned_end_on
    # The rule set's warning month, else the act's month 21 as the reminder counts it.
    warning_month = warning_month_of(step)
    if rules and warning_month and rules.max_duration_months:
        month = period_month(step.start_on, today)
        if warning_month <= month <= rules.max_duration_months:
            warnings.append(
                _("Kuukausi %(month)s/%(max)s: arvioi jatko.")
                % {"month": month, "max": rules.max_duration_months}
            )
    if end and step.next_step_id is None and today <= end:
        days = (end - today).days
        if days == 0:
            warnings.append(
                _("Palkkajakso päättyy tänään ilman jatkopolkua.")
                if code == "jobcenter_paid_work"
                else _("Jakso päättyy tänään ilman jatkopolkua.")
            )
        elif days <= ending_window_days(code):
            if code == "jobcenter_paid_work":
                warnings.append(
                    ngettext(
                        "Palkkajakso päättyy %(days)s päivän kuluttua ilman jatkopolkua.",
                        "Palkkajakso päättyy %(days)s päivän kuluttua ilman jatkopolkua.",
                        days,
                    )
                    % {"days": days}
                )
            else:
                warnings.append(
                    ngettext(
                        "Jakso päättyy %(days)s päivän kuluttua ilman jatkopolkua.",
                        "Jakso päättyy %(days)s päivän kuluttua ilman jatkopolkua.",
                        days,
                    )
                    % {"days": days}
                )
    if contract_needed_to_end(step):
        warnings.append(
            _("Työsopimusta ei ole kirjattu: kirjaa se, ennen kuin palkkajakso päätetään.")
        )
    if end and today > end:
        warnings.append(
            _("Suunniteltu päättymispäivä %(date)s on ohitettu: päätä jakso.")
            % {"date": _date(end)}
        )
    if step.review_due:
        days = (step.review_due - today).days
        if days < 0:
            warnings.append(
                _("Arviointi oli %(date)s: kirjaa arvio ja seuraava arviointipäivä.")
                % {"date": _date(step.review_due)}
            )
        elif days == 0:
            warnings.append(_("Arviointi tänään %(date)s.") % {"date": _date(step.review_due)})
        elif days <= review_window_days():
            warnings.append(
                ngettext(
                    "Arviointi %(date)s (%(days)s päivän kuluttua).",
                    "Arviointi %(date)s (%(days)s päivän kuluttua).",
                    days,
                )
                % {"date": _date(step.review_due), "days": days}
            )
    if code == "supported_employment" and rules and rules.employer_contact_alert_days:
        contacts = getattr(step, "contact_count", None)
        days = (today - step.start_on).days
        if contacts == 0 and days >= rules.employer_contact_alert_days:
            warnings.append(
                ngettext(
                    "Ei työnantajakontaktia %(days)s päivään.",
                    "Ei työnantajakontaktia %(days)s päivään.",
                    days,
                )
                % {"days": days}
            )
    return warnings


def _ends_with_its_period(step: PathwayStep) -> bool:
    """Whether the open step is the companion that ends with the open step it accompanies
    (PathwayStepQuerySet.with_ends_with_period, as the reminders about a step's end leave it
    out): read from the list's annotation, else asked (one query), only for a step with a
    planned end."""
    if step.planned_end_on is None or step.pk is None:
        return False
    known = getattr(step, "ends_with_period", None)
    if known is None:
        known = (
            PathwayStep.objects.filter(pk=step.pk)
            .with_ends_with_period()
            .values_list("ends_with_period", flat=True)
            .get()
        )
    return known


def _drawn_end(step: PathwayStep) -> datetime.date | None:
    """Where a step's bar ends: its end, or its planned end while it runs. A step
    cancelled before it started is drawn over the period it was planned for, marked
    cancelled (its end date is its start date)."""
    if step.is_cancelled:
        return step.planned_end_on
    return step.end_or_planned_end


def build(
    steps: list[PathwayStep], today: datetime.date, *, language: str | None = None
) -> Timeline | None:
    """The steps as bars on one axis from the month of the first start to two months past the
    latest day drawn: an end, a planned end, today, or the start of a step without an end
    (a step planned far ahead is on the picture). Every bar lies within the width, at least
    MIN_BAR_WIDTH wide.

    The axis names its months "7/2026" on the worker's page; given a `language`, as the
    client's printed summary asks, it names them in words in that language ("heinäkuu 2026",
    "juli 2026", "July 2026"): plain language, no numbers to decode and no abbreviations."""
    if not steps:
        return None
    start = min(s.start_on for s in steps).replace(day=1)
    last = max([_drawn_end(s) or s.start_on for s in steps] + [today])
    end = add_months(last.replace(day=1), 2)
    span = max((end - start).days, 1)

    def x_of(day: datetime.date) -> float:
        return round(LABEL_WIDTH + (day - start).days / span * (WIDTH - LABEL_WIDTH), 1)

    bars = []
    for index, step in enumerate(steps):
        finish = _drawn_end(step)
        open_ended = finish is None
        # A short bar near the axis' end starts earlier rather than running off the picture.
        x = min(x_of(step.start_on), WIDTH - MIN_BAR_WIDTH)
        width = max(x_of(finish or end) - x, MIN_BAR_WIDTH)
        y = AXIS_HEIGHT + index * ROW_HEIGHT
        css = (
            "polku-bar polku-bar--cancelled"
            if step.is_cancelled
            else f"polku-bar polku-bar--{step.status}"
        )
        review_x = (
            x_of(step.review_due)
            if step.review_due and step.status != "ended" and start <= step.review_due <= end
            else None
        )
        bars.append(
            Bar(
                step,
                x,
                round(width, 1),
                y,
                y + BAR_HEIGHT - 6,
                css,
                open_ended,
                step_warnings(step, today),
                review_x,
            )
        )
    ticks = []
    label_width = MONTH_NAME_TICK_WIDTH if language else TICK_LABEL_WIDTH
    # Every month, or every second, third... month: as often as the labels have room, also
    # where the step is at its narrowest (a February, 28 days).
    needed = label_width * span / (28 * (WIDTH - LABEL_WIDTH))
    step_months = next((n for n in TICK_STEPS if n >= needed), math.ceil(needed / 12) * 12)
    # The first labelled month is one the step falls on (January, April, July, October for
    # every third month): the same months are named however the pathway starts.
    month = add_months(start, (1 - start.month) % step_months)
    while month <= end:
        x = x_of(month)
        if x + label_width > WIDTH:
            break  # its label would run off the picture
        ticks.append((x, _month_label(month, language)))
        month = add_months(month, step_months)
    today_x = x_of(today) if start <= today <= end else None
    drawn = Timeline(
        bars, ticks, today_x, WIDTH, AXIS_HEIGHT + len(steps) * ROW_HEIGHT + 8, start, end
    )
    if today_x is not None:
        if today_x + 4 + TICK_LABEL_WIDTH <= WIDTH:
            drawn.today_label_x, drawn.today_label_anchor = today_x + 4, "start"
        else:
            drawn.today_label_x, drawn.today_label_anchor = today_x - 4, "end"
    return drawn


def _month_label(month: datetime.date, language: str | None) -> str:
    """The axis' name of a month: with its whole year, as the client reads it."""
    if language is None:
        return f"{month.month}/{month.year}"
    with translation.override(language):
        return dateformat.format(month, "F Y")


def _date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")
