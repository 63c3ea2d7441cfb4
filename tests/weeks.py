"""Weeks for tests that record attendance and read it back by month."""

import datetime


def past_week_within_a_month(today: datetime.date) -> tuple[datetime.date, str]:
    """The Monday and ISO week ("2026-W48") of the latest week before this one whose seven
    days are all in one month, so that the monthly attendance totals of the week it records
    are one month's whatever day the test runs on (last week may span two)."""
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    while (monday + datetime.timedelta(days=6)).month != monday.month:
        monday -= datetime.timedelta(days=7)
    year, week, _weekday = monday.isocalendar()
    return monday, f"{year}-W{week:02d}"
