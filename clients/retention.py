"""How long a client's records are kept (DOMAIN.md, "Logs and retention").

A client's records are kept POLKU_CLIENT_RECORDS_KEPT_YEARS (10) years after the client
relationship closed; a relationship opened again starts the count anew when it closes
again. Then the records are destroyed, except those of clients born on one of
POLKU_PERMANENTLY_KEPT_BIRTH_DAYS (the 8th, 18th and 28th): the National Archives keeps
them permanently as its sample of social welfare client documents, so they go to the
archive instead.

Polku tells which records are due (`Client.objects.past_retention()`, the manager's report,
`manage.py clients_past_retention`); the county's archive process destroys or transfers
them, as it removes old log rows (docs/operations.md): the consent records and the logs
refuse every deletion by the application itself.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    """The records of a relationship closed on or before this day are past retention."""
    today = today or timezone.localdate()
    return years_before(today, settings.POLKU_CLIENT_RECORDS_KEPT_YEARS)


def kept_permanently(birth_date: datetime.date) -> bool:
    """Whether the client's records belong to the archive's permanent sample."""
    return birth_date.day in settings.POLKU_PERMANENTLY_KEPT_BIRTH_DAYS


def kept_permanently_condition(prefix: str = "") -> Q:
    """`kept_permanently` in SQL, of the client at `prefix` ("" for Client itself)."""
    return Q(**{f"{prefix}birth_date__day__in": settings.POLKU_PERMANENTLY_KEPT_BIRTH_DAYS})
