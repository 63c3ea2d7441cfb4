"""Consultation indicators of DOMAIN.md "Outcomes and indicators" (consultations held and
time from request to session), per network, read in SQL.

Two scopes, the same figures:

- a coordinator's: the networks they run (consultations' `Network.objects.run_by`),
  with every session, case and request of those networks, whoever the client;
- a manager's: the requests asked about clients of their organisation (the client's
  responsible unit belongs to it), by the network that took them, and the sessions
  where those cases were discussed.

Definitions (the period is whole Finnish days, as in reports.indicators):

- a session held is not cancelled, starts within the period and has started;
- a case discussed is a request on a held session's agenda (a request is on one
  session at most); a withdrawn request never is (withdrawing takes it off the
  agenda before its session starts, and it is left out here all the same);
- a request received was asked (created) within the period, whatever became of it
  (declined and withdrawn ones too); its network is the one
  that took it (triage or placement on a session), or, while none has, the network
  the worker preferred; a manager's requests with neither make a row of their own
  (shown, like every network's row, whether or not there are any);
- days from request to session are Finnish calendar days from the day the request
  was asked to the day of the held session it was discussed on; the median is over
  the cases discussed in the period.

Cases and requests are tables of disjoint groups (one network each) with a known
total, suppressed by the number of distinct clients (reports.suppression.table), read
with their clients' ids (never returned), since one client's requests may go to more than
one network and networks hidden together must hold five distinct clients;
a median needs five clients. A manager's sessions are counted from their clients'
cases, so they are suppressed with those cases; a coordinator's sessions held count
meetings of the network (empty ones too), not clients, and are always shown.
Nothing here returns a client's name, identity code or case reference. A network is
labelled with its name in the reader's language (services.i18n.Phrase: marked Finnish where
it has none) and listed in the order of those names.

Queries: six for a coordinator (networks, sessions, cases by network and in total,
requests by network and in total), five for a manager (networks, cases by network and
in total, requests by network and in total), whatever the amount of data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Network,
    RequestStatus,
    Session,
)
from reports.expressions import DaysBetween, Median
from reports.suppression import (
    DAYS,
    Figure,
    complementary,
    count,
    median_days,
    meetings,
    table,
)
from services.i18n import Phrase, in_name_order, name_phrase

if TYPE_CHECKING:
    from clients.models import Client
    from reports.indicators import ReportPeriod

# The row of a manager's requests that no network has taken and that name none.
NO_NETWORK = None
# A network's name in the three languages, as read with values().
NAMES = ("name_fi", "name_sv", "name_en")


def _name(row: dict) -> Phrase:
    return name_phrase(*(row[field] for field in NAMES))


@dataclass(frozen=True)
class NetworkActivity:
    """One row: a network (or the total) in the period."""

    label: str  # a Phrase for a network
    sessions: Figure
    cases: Figure
    requests: Figure
    median_days: Figure


@dataclass(frozen=True)
class ConsultationActivity:
    rows: list[NetworkActivity]
    total: NetworkActivity


def held_sessions(period: ReportPeriod, now: datetime.datetime) -> QuerySet[Session]:
    """Sessions held in the period: not cancelled, started within it and by `now`."""
    start, end = period.bounds()
    return Session.objects.not_cancelled().filter(
        starts_at__gte=start, starts_at__lt=end, starts_at__lte=now
    )


def _cases(cases: QuerySet[AgendaItem]) -> tuple[dict, dict]:
    """Cases, their distinct clients and sessions, and the median days, by network and
    in total (two queries). A withdrawn request is no case discussed."""
    cases = cases.exclude(request__status=RequestStatus.WITHDRAWN)
    figures = {
        "cases": Count("pk"),
        "clients": Count("request__client_id", distinct=True),
        "sessions": Count("session_id", distinct=True),
        "median": Median(
            DaysBetween(TruncDate("session__starts_at"), TruncDate("request__created_at"))
        ),
    }
    by_network = {
        row["session__network_id"]: row
        for row in cases.values("session__network_id")
        .annotate(**figures, client_ids=ArrayAgg("request__client_id", distinct=True))
        .order_by()
    }
    return by_network, cases.aggregate(**figures)


def _received(requests: QuerySet[ConsultationRequest]) -> tuple[dict, dict]:
    """Requests and their distinct clients by network and in total (two queries)."""
    figures = {"requests": Count("pk"), "clients": Count("client_id", distinct=True)}
    by_network = {
        row["for_network"]: row
        for row in requests.values("for_network")
        .annotate(**figures, client_ids=ArrayAgg("client_id", distinct=True))
        .order_by()
    }
    return by_network, requests.aggregate(**figures)


def _requests_in(
    requests: QuerySet[ConsultationRequest], period: ReportPeriod
) -> QuerySet[ConsultationRequest]:
    """The requests asked in the period, annotated with their network (taken, else preferred)."""
    start, end = period.bounds()
    return requests.filter(created_at__gte=start, created_at__lt=end).annotate(
        for_network=Coalesce("network_id", "preferred_network_id")
    )


def _activity(
    labels: dict[int | None, str],
    *,
    cases: tuple[dict, dict],
    received: tuple[dict, dict],
    sessions_held: dict[int, int] | None,
) -> ConsultationActivity:
    """The rows of `labels` (in their order) and the total, through the suppression.

    `sessions_held` are a coordinator's sessions by network; None counts the
    sessions of the cases instead (a manager's), suppressed with them.
    """
    case_groups, case_total = cases
    request_groups, request_total = received

    def cell(groups: dict, key, name: str) -> int:
        return groups[key][name] if key in groups else 0

    keys = list(labels)
    case_figures = table(
        [
            (key, cell(case_groups, key, "cases"), cell(case_groups, key, "client_ids"))
            for key in keys
        ]
    )
    request_figures = table(
        [
            (key, cell(request_groups, key, "requests"), cell(request_groups, key, "client_ids"))
            for key in keys
        ]
    )
    if sessions_held is None:
        session_figures = table(
            [
                (key, cell(case_groups, key, "sessions"), cell(case_groups, key, "client_ids"))
                for key in keys
            ]
        )
        session_total = count(case_total["sessions"], clients=case_total["clients"])
    else:
        session_figures = {key: meetings(sessions_held.get(key, 0)) for key in keys}
        session_total = meetings(sum(sessions_held.values()))

    def median(key) -> Figure:
        """Over five clients or more, and only beside a shown count of the cases: beside
        a hidden one it would tell that the network had five clients (or all of them)."""
        figure = median_days(
            case_groups[key]["median"] if key in case_groups else None,
            clients=cell(case_groups, key, "clients"),
        )
        return complementary(DAYS) if case_figures[key].hidden and not figure.hidden else figure

    rows = [
        NetworkActivity(
            label=labels[key],
            sessions=session_figures[key],
            cases=case_figures[key],
            requests=request_figures[key],
            median_days=median(key),
        )
        for key in keys
    ]
    total = NetworkActivity(
        label=_("Yhteensä"),
        sessions=session_total,
        cases=count(case_total["cases"], clients=case_total["clients"]),
        requests=count(request_total["requests"], clients=request_total["clients"]),
        median_days=median_days(case_total["median"], clients=case_total["clients"]),
    )
    return ConsultationActivity(rows=rows, total=total)


def network_activity(
    networks: QuerySet[Network], period: ReportPeriod, now: datetime.datetime | None = None
) -> ConsultationActivity:
    """A coordinator's networks (`Network.objects.run_by(user)`) in the period (six queries).

    A row for every network they run, by name: leaving out the quiet ones
    would tell that nobody was brought to them (zero is a small group too).
    """
    now = now or timezone.now()
    held = held_sessions(period, now).filter(network__in=networks.values("pk"))
    sessions_held = {
        row["network_id"]: row["sessions"]
        for row in held.values("network_id").annotate(sessions=Count("pk")).order_by()
    }
    cases = _cases(AgendaItem.objects.filter(session__in=held))
    received = _received(
        _requests_in(ConsultationRequest.objects.all(), period).filter(
            for_network__in=networks.values("pk")
        )
    )
    labels = {
        row["pk"]: _name(row)
        for row in networks.order_by(in_name_order(), "pk").values("pk", *NAMES)
    }
    return _activity(labels, cases=cases, received=received, sessions_held=sessions_held)


def organisation_activity(
    clients: QuerySet[Client], period: ReportPeriod, now: datetime.datetime | None = None
) -> ConsultationActivity:
    """The requests about `clients` (a manager's organisation's) in the period (five queries).

    A row for every network, by name, and one for the requests no network has taken
    and that name none ("Verkosto valitsematta"), whether or not the organisation's
    clients had anything there: a worker may ask any network, and a row that appeared
    with a request would tell that one was made (zero is a small group too), as the
    coordinator's table lists every network they run.
    """
    now = now or timezone.now()
    cases = _cases(
        AgendaItem.objects.filter(
            session__in=held_sessions(period, now), request__client__in=clients
        )
    )
    received = _received(
        _requests_in(ConsultationRequest.objects.filter(client__in=clients), period)
    )
    labels: dict[int | None, str] = {
        row["pk"]: _name(row)
        for row in Network.objects.order_by(in_name_order(), "pk").values("pk", *NAMES)
    }
    labels[NO_NETWORK] = _("Verkosto valitsematta")
    return _activity(labels, cases=cases, received=received, sessions_held=None)


# The coordinator's report ------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkReport:
    """A coordinator's report: their networks' consultations in the period."""

    period: ReportPeriod
    today: datetime.date
    consultations: ConsultationActivity


def network_report(networks: QuerySet[Network], period: ReportPeriod) -> NetworkReport:
    """The consultation indicators of the networks: six queries, whatever the amount of data."""
    now = timezone.now()
    return NetworkReport(
        period=period,
        today=timezone.localdate(now),
        consultations=network_activity(networks, period, now),
    )
