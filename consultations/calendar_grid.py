"""The coordinator's calendar as a grid of days (a week or a month, Monday first),
with each day's sessions in Helsinki time."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from consultations.ics import HELSINKI
from services.calendar import add_months

WEEK = "week"
MONTH = "month"


@dataclass
class Day:
    date: datetime.date
    in_period: bool
    is_today: bool
    sessions: list = field(default_factory=list)


@dataclass
class Period:
    view: str
    day: datetime.date
    first: datetime.date
    last: datetime.date
    previous: datetime.date
    next: datetime.date
    weeks: list[list[Day]]

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.weeks[0][0].date, datetime.time.min, tzinfo=HELSINKI)

    @property
    def end(self) -> datetime.datetime:
        after = self.weeks[-1][-1].date + datetime.timedelta(days=1)
        return datetime.datetime.combine(after, datetime.time.min, tzinfo=HELSINKI)


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def period(view: str, day: datetime.date) -> Period:
    """The days of the week or month containing `day`, padded to whole weeks. `day` is one
    Polku accepts (config.dates), so the padding and the periods before and after exist."""
    today = timezone.localdate()
    if view == MONTH:
        first = day.replace(day=1)
        last = add_months(first, 1) - datetime.timedelta(days=1)
        previous, following = add_months(first, -1), add_months(first, 1)
    else:
        view = WEEK
        first = _monday(day)
        last = first + datetime.timedelta(days=6)
        previous, following = first - datetime.timedelta(days=7), first + datetime.timedelta(days=7)
    start = _monday(first)
    end = _monday(last) + datetime.timedelta(days=6)
    days = [
        Day(date=d, in_period=first <= d <= last, is_today=d == today)
        for d in (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    ]
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return Period(view, day, first, last, previous, following, weeks)


def place_sessions(grid: Period, sessions) -> Period:
    by_date = {d.date: d for week in grid.weeks for d in week}
    for session in sessions:
        day = by_date.get(timezone.localtime(session.starts_at, HELSINKI).date())
        if day is not None:
            day.sessions.append(session)
    return grid
