"""Values a view reads from the address (or, on a POST, from the form's hidden fields) and
uses in a query. Anything can be typed into an address; what is typed is never a server error.
"""

import datetime

from django.http import Http404

from config.dates import in_range


def is_ascii_number(text: str) -> bool:
    """Only the digits 0–9. (str.isdigit() also takes "²" and "٣", which int() refuses or
    reads as another number.)"""
    return text.isascii() and text.isdigit()


def text_param(request, name: str) -> str:
    """The named value from the address, else from the posted form; "" when absent.
    NUL characters are dropped: no text Polku stores or searches has one, and
    PostgreSQL refuses a query that does."""
    value = request.GET.get(name) or request.POST.get(name) or ""
    return value.replace("\x00", "")


def id_param(request, name: str) -> int | None:
    """A row id named in the address or a hidden field (`?amends=12`); None when absent.
    Http404 unless it is a plain number: a hand-edited address finds nothing."""
    value = text_param(request, name)
    if not value:
        return None
    if not is_ascii_number(value):
        raise Http404
    return int(value)


def day_param(request, name: str) -> datetime.date | None:
    """An ISO date in the address (`?day=2026-11-30`); None unless it is one Polku accepts
    (config.dates)."""
    try:
        day = datetime.date.fromisoformat(text_param(request, name))
    except ValueError:
        return None
    return day if in_range(day) else None


def week_param(request, name: str) -> datetime.date | None:
    """The Monday of an ISO week in the address (`?week=2026-W47`); None unless it is one
    Polku accepts (config.dates)."""
    year, separator, week = text_param(request, name).partition("-W")
    if not (separator and is_ascii_number(year) and is_ascii_number(week)):
        return None
    try:
        monday = datetime.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return monday if in_range(monday) else None
