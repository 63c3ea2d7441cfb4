"""Consultation indicators (sessions held, cases discussed, requests received, median days
from request to session) for a coordinator's networks and a manager's organisation, on a
small known data set, through the page and the CSV (Helsinki time frozen at 15.6.2026 12.00)."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from consultations import actions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    local_time,
    make_request,
    make_session,
    put_on_agenda,
)
from consultations.models import ConsultationRequest, Network
from reports.consultation_indicators import network_activity, organisation_activity
from reports.indicators import ReportPeriod, organisation_clients
from services.factories import OrganisationFactory, UnitFactory
from tests.conftest import acting, login
from tests.reports.conftest import TODAY, aware, make_clients
from tests.reports.test_views import EXPORT, INDEX, rows_of, value

PERIOD = ReportPeriod(start=datetime.date(2025, 6, 16), end=TODAY)
SESSIONS = "Konsultaatiot: pidettyjä istuntoja"
CLIENT_SESSIONS = "Konsultaatiot: istuntoja, joissa"
CASES = "Konsultaatiot: käsiteltyjä tapauksia"
REQUESTS = "Konsultaatiot: vastaanotettuja pyyntöjä"
MEDIAN = "Konsultaatiot: pyynnöstä istuntoon"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def session(network, coordinator, day: datetime.date, hour: int = 13, **fields):
    return make_session(network, coordinator, starts_at=local_time(day, hour), **fields)


def ask(client, asked_on: datetime.date, hour: int = 10, **fields) -> ConsultationRequest:
    """A request about the client, asked on that Finnish day."""
    request = make_request(client, **fields)
    ConsultationRequest.objects.filter(pk=request.pk).update(created_at=aware(asked_on, hour))
    request.refresh_from_db()
    return request


def discuss(clients, on_session, waits) -> list[ConsultationRequest]:
    """Each client's request, asked `wait` days before the session, on its agenda."""
    session_day = timezone.localdate(on_session.starts_at)
    requests = []
    for client, wait in zip(clients, waits, strict=True):
        request = ask(client, session_day - days(wait))
        put_on_agenda(request, on_session, minutes=10)
        requests.append(request)
    return requests


def coordinator_in(organisation, first_name="Kaisa", last_name="Koordinaattori"):
    unit = UnitFactory(organisation=organisation, name_fi="Työkykykoordinaatio")
    return make_user(Role.COORDINATOR, unit, first_name=first_name, last_name=last_name)


def shown(activity) -> dict[str, tuple[str, str, str, str]]:
    return {
        row.label: (row.sessions.text, row.cases.text, row.requests.text, row.median_days.text)
        for row in [*activity.rows, activity.total]
    }


@pytest.fixture
def coordinator(unit):
    return coordinator_in(unit.organisation)


@pytest.fixture
def consulted(unit, worker, outsider, coordinator):
    """Three networks and the organisation's clients' (and an outsider's) cases on them.

    - Alfa, convened by the coordinator's organisation (run by them): two sessions held,
      six cases of our clients (asked 5, 7, 9, 12, 20, 40 days before) and two of the
      outsider's (1, 2 days); three more requests asked in the period (triaged, only
      preferred, declined), one asked before it; a cancelled session, one before the
      period, one later today.
    - Beta, convened elsewhere, the coordinator a member (run by them): one session,
      five cases of our clients (3, 3, 4, 6, 10 days).
    - Gamma, convened by the outsider's organisation, the coordinator's membership
      ended yesterday (not run by them): one session, five cases of our clients (30
      days each) and three of the outsider's.
    - One request of our clients that names no network.
    """
    partner = OrganisationFactory(name_fi="Työllisyyspalvelut")
    other_coordinator = coordinator_in(outsider.organisation, "Outi", "Ohjaaja")
    alfa = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
    beta = NetworkFactory(name_fi="Beta-verkosto", convening_organisation=partner)
    gamma = NetworkFactory(name_fi="Gamma-verkosto", convening_organisation=outsider.organisation)
    add_network_member(beta, coordinator, active_from=TODAY - days(400))
    add_network_member(
        gamma, coordinator, active_from=TODAY - days(400), active_until=TODAY - days(1)
    )

    ours = make_clients(worker, 30)
    theirs = make_clients(outsider, 6)

    first = session(alfa, coordinator, TODAY - days(30))
    second = session(alfa, coordinator, TODAY - days(10))
    requests = discuss(ours[0:3], first, [5, 7, 9])
    requests += discuss(ours[3:6], second, [12, 20, 40])
    requests += discuss(theirs[0:2], second, [1, 2])
    # Received in the period, not discussed: triaged, only preferred, declined.
    ask(ours[6], TODAY - days(5), network=alfa, status="triaged")
    ask(ours[7], TODAY - days(4), preferred_network=alfa)
    ask(
        theirs[2],
        TODAY - days(3),
        preferred_network=alfa,
        status="declined",
        declined_at=aware(TODAY - days(2)),
        decline_reason="Kuuluu toiselle verkostolle.",
    )
    # Not held: cancelled, before the period, later today (its case is still received).
    session(
        alfa,
        coordinator,
        TODAY - days(20),
        cancelled_at=aware(TODAY - days(25)),
        cancellation_reason="Puheenjohtaja sairastui.",
    )
    early = session(alfa, coordinator, PERIOD.start - days(10))
    old = ask(ours[8], PERIOD.start - days(40))
    put_on_agenda(old, early)
    later_today = session(alfa, coordinator, TODAY, hour=15)
    put_on_agenda(ask(ours[9], TODAY - days(3)), later_today)
    # Asked before the period, triaged: neither received nor discussed.
    ask(ours[10], PERIOD.start - days(1), network=alfa, status="triaged")

    third = session(beta, coordinator, TODAY - days(60))
    requests += discuss(ours[11:16], third, [3, 3, 4, 6, 10])

    fourth = session(gamma, other_coordinator, TODAY - days(40))
    requests += discuss(ours[16:21], fourth, [30] * 5)
    requests += discuss(theirs[3:6], fourth, [30] * 3)

    ask(ours[21], TODAY - days(1))  # no network taken, none preferred
    return SimpleNamespace(
        alfa=alfa,
        beta=beta,
        gamma=gamma,
        ours=ours,
        theirs=theirs,
        requests=ConsultationRequest.objects.all(),
    )


class TestCoordinatorsNetworks:
    def test_figures_per_network_run_and_in_total(self, consulted, coordinator):
        activity = network_activity(Network.objects.run_by(acting(coordinator)), PERIOD)

        assert [row.label for row in activity.rows] == ["Alfa-verkosto", "Beta-verkosto"]
        assert shown(activity) == {
            # Sessions held; cases of every organisation's clients; requests: 8 discussed,
            # the triaged, preferred and declined ones, and the one on today's later session.
            "Alfa-verkosto": ("2", "8", "12", "8"),  # median of 1 2 5 7 | 9 12 20 40
            "Beta-verkosto": ("1", "5", "5", "4"),
            # Gamma is not theirs any more; the request that names no network is no one's.
            "Yhteensä": ("3", "13", "17", "6"),  # the 7th of 13 values
        }
        assert activity.rows[0].median_days.value == 8.0

    def test_sessions_held_start_in_the_period_and_have_started(self, coordinator, unit):
        network = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        session(network, coordinator, PERIOD.start, hour=0)  # 00.00 on its first day: held
        session(network, coordinator, PERIOD.start - days(1), hour=23, minutes=30)  # the eve
        session(network, coordinator, TODAY, hour=8)  # this morning: held
        session(network, coordinator, TODAY, hour=14)  # this afternoon: not yet
        session(
            network,
            coordinator,
            TODAY - days(3),
            cancelled_at=aware(TODAY - days(4)),
            cancellation_reason="Liian vähän tapauksia.",
        )
        activity = network_activity(Network.objects.run_by(acting(coordinator)), PERIOD)
        assert activity.rows[0].sessions.text == "2"
        assert activity.total.sessions.text == "2"

    def test_a_quiet_network_is_shown_with_its_empty_cells_hidden(self, coordinator, unit):
        NetworkFactory(name_fi="Hiljainen verkosto", convening_organisation=unit.organisation)
        activity = network_activity(Network.objects.run_by(acting(coordinator)), PERIOD)
        assert shown(activity) == {
            "Hiljainen verkosto": ("0", "alle 5", "alle 5", "ei näytetä (alle 5)"),
            "Yhteensä": ("0", "alle 5", "alle 5", "ei näytetä (alle 5)"),
        }

    def test_four_cases_are_hidden_and_five_shown(self, coordinator, unit, worker):
        network = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        held = session(network, coordinator, TODAY - days(7))
        clients = make_clients(worker, 5)
        discuss(clients[:4], held, [2, 4, 6, 8])
        runs = Network.objects.run_by(acting(coordinator))
        assert shown(network_activity(runs, PERIOD))["Alfa-verkosto"] == (
            "1",
            "alle 5",
            "alle 5",
            "ei näytetä (alle 5)",
        )
        discuss(clients[4:], held, [10])
        assert shown(network_activity(runs, PERIOD))["Alfa-verkosto"] == ("1", "5", "5", "6")

    def test_requests_are_hidden_by_the_number_of_clients(self, coordinator, unit, worker):
        """Five requests of four clients are four clients: hidden."""
        network = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        clients = make_clients(worker, 4)
        for client in [*clients, clients[0]]:
            ask(client, TODAY - days(3), network=network, status="triaged")
        runs = Network.objects.run_by(acting(coordinator))
        assert network_activity(runs, PERIOD).rows[0].requests.text == "alle 5"
        ask(make_clients(worker, 1)[0], TODAY - days(3), network=network, status="triaged")
        assert network_activity(runs, PERIOD).rows[0].requests.text == "6"

    def test_a_small_network_hides_the_next_smallest_too(self, coordinator, unit, worker):
        """Else the total minus the other network would give the small one away."""
        alfa = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        beta = NetworkFactory(name_fi="Beta-verkosto", convening_organisation=unit.organisation)
        gamma = NetworkFactory(name_fi="Gamma-verkosto", convening_organisation=unit.organisation)
        for network, size in ((alfa, 7), (beta, 5), (gamma, 2)):
            for client in make_clients(worker, size):
                ask(client, TODAY - days(3), network=network, status="triaged")
        activity = network_activity(Network.objects.run_by(acting(coordinator)), PERIOD)
        assert [row.requests.text for row in activity.rows] == ["7", "ei näytetä", "alle 5"]
        assert activity.total.requests.text == "14"

    def test_small_networks_of_the_same_clients_hide_another_one_too(
        self, coordinator, unit, worker
    ):
        """Three clients asked of Beta and two of them of Gamma too: five clients counted
        network by network but three together, so the total minus Alfa would tell the
        requests of three clients."""
        alfa = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        beta = NetworkFactory(name_fi="Beta-verkosto", convening_organisation=unit.organisation)
        gamma = NetworkFactory(name_fi="Gamma-verkosto", convening_organisation=unit.organisation)
        for client in make_clients(worker, 7):
            ask(client, TODAY - days(3), network=alfa, status="triaged")
        few = make_clients(worker, 3)
        for client in few:
            ask(client, TODAY - days(3), network=beta, status="triaged")
        for client in few[:2]:
            ask(client, TODAY - days(3), network=gamma, status="triaged")
        activity = network_activity(Network.objects.run_by(acting(coordinator)), PERIOD)
        assert [row.requests.text for row in activity.rows] == ["ei näytetä", "alle 5", "alle 5"]
        assert activity.total.requests.text == "12"

    def test_a_withdrawn_request_is_received_but_never_a_case_discussed(
        self, consulted, coordinator, worker
    ):
        """Withdrawn before this evening's session, the case is not on it when it has been
        held; the request still counts as received, as a declined one does. A withdrawn
        request left on a held agenda by any other path is no case either."""
        runs = Network.objects.run_by(acting(coordinator))
        tonight = aware(TODAY, 21)
        before = shown(network_activity(runs, PERIOD, tonight))["Alfa-verkosto"]

        evening = session(consulted.alfa, coordinator, TODAY, hour=18)
        request = ask(consulted.ours[22], TODAY - days(2), network=consulted.alfa)
        put_on_agenda(request, evening)
        actions.withdraw_request(
            request=request, withdrawn_by=worker, reason="Lähetetty vahingossa."
        )
        held = session(consulted.alfa, coordinator, TODAY - days(3))
        left = ask(consulted.ours[23], TODAY - days(9), network=consulted.alfa)
        put_on_agenda(left, held)
        ConsultationRequest.objects.filter(pk=left.pk).update(
            status="withdrawn",
            withdrawn_at=aware(TODAY - days(4)),
            withdrawn_by=worker,
            withdraw_reason="Tilanne ratkesi.",
        )

        after = shown(network_activity(runs, PERIOD, tonight))["Alfa-verkosto"]
        sessions, cases, requests, median = before
        assert after == (str(int(sessions) + 2), cases, str(int(requests) + 2), median)

    def test_another_coordinator_does_not_see_these_networks(self, consulted, outsider):
        theirs = coordinator_in(outsider.organisation, "Outi", "Ohjaaja")
        activity = network_activity(Network.objects.run_by(acting(theirs)), PERIOD)
        assert shown(activity) == {
            "Gamma-verkosto": ("1", "8", "8", "30"),
            "Yhteensä": ("1", "8", "8", "30"),
        }


class TestOrganisationsClients:
    def test_figures_of_the_organisations_clients_by_network(self, consulted, unit):
        activity = organisation_activity(organisation_clients(unit.organisation_id), PERIOD)

        assert [row.label for row in activity.rows] == [
            "Alfa-verkosto",
            "Beta-verkosto",
            "Gamma-verkosto",
            "Verkosto valitsematta",
        ]
        assert shown(activity) == {
            # Our six cases, not the outsider's two; requests: those six, the triaged and
            # the preferred one, the one on today's later session.
            "Alfa-verkosto": ("2", "6", "9", "10,5"),  # median of 5 7 9 | 12 20 40
            # Beta's five requests are hidden so that 1 cannot be worked out from the total.
            "Beta-verkosto": ("1", "5", "ei näytetä", "4"),
            "Gamma-verkosto": ("1", "5", "5", "30"),  # whoever runs it
            "Verkosto valitsematta": (
                "alle 5",
                "alle 5",
                "alle 5",
                "ei näytetä (alle 5)",
            ),
            "Yhteensä": ("4", "16", "20", "11"),  # the median of 16: (10 + 12) / 2
        }
        assert activity.rows[0].median_days.value == 10.5

    def test_another_organisations_clients_are_not_counted(self, consulted, outsider):
        activity = organisation_activity(organisation_clients(outsider.organisation_id), PERIOD)
        # Two cases and a declined request on Alfa, three cases on Gamma: all small. Beta and
        # "no network", where they asked nothing, are listed all the same.
        assert {row.label: row.requests.text for row in activity.rows} == {
            "Alfa-verkosto": "alle 5",
            "Beta-verkosto": "alle 5",
            "Gamma-verkosto": "alle 5",
            "Verkosto valitsematta": "alle 5",
        }
        # Together five cases (1, 2, 30, 30, 30 days) on two sessions, six requests.
        assert shown(activity)["Yhteensä"] == ("2", "5", "6", "30")

    def test_sessions_are_hidden_with_the_cases_they_are_counted_from(
        self, coordinator, unit, worker
    ):
        network = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        clients = make_clients(worker, 5)
        for n, client in enumerate(clients[:4]):
            discuss([client], session(network, coordinator, TODAY - days(10 + n)), [3])
        activity = organisation_activity(organisation_clients(unit.organisation_id), PERIOD)
        assert (activity.rows[0].sessions.text, activity.rows[0].cases.text) == (
            "alle 5",
            "alle 5",
        )
        discuss(clients[4:], session(network, coordinator, TODAY - days(20)), [3])
        # Another network's five, so that Alfa's five are not every case of the total.
        beta = NetworkFactory(name_fi="Beta-verkosto", convening_organisation=unit.organisation)
        discuss(make_clients(worker, 5), session(beta, coordinator, TODAY - days(30)), [4] * 5)
        activity = organisation_activity(organisation_clients(unit.organisation_id), PERIOD)
        assert shown(activity)["Alfa-verkosto"] == ("5", "5", "5", "3")

    def test_a_network_of_every_case_is_hidden_beside_the_total(self, coordinator, unit, worker):
        """Five clients' cases, all on Alfa: every other network's row (and "no network")
        is listed with no case, hidden as "alle 5", so Alfa's five beside a total of five
        would tell that every case went to Alfa. Alfa is hidden too, and its median,
        which would tell that Alfa had five clients."""
        network = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        NetworkFactory(name_fi="Beta-verkosto", convening_organisation=unit.organisation)
        discuss(make_clients(worker, 5), session(network, coordinator, TODAY - days(20)), [3] * 5)
        figures = shown(organisation_activity(organisation_clients(unit.organisation_id), PERIOD))
        assert figures["Alfa-verkosto"] == ("ei näytetä",) * 4
        assert figures["Beta-verkosto"] == ("alle 5", "alle 5", "alle 5", "ei näytetä (alle 5)")
        assert figures["Yhteensä"] == ("1", "5", "5", "3")

    def test_days_are_counted_in_finnish_calendar_days(self, coordinator, unit, worker):
        """Asked at 00.30 on Monday (21.30 on Sunday in UTC), discussed on Tuesday: one day."""
        network = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        monday = TODAY - days(14)
        held = session(network, coordinator, monday + days(1), hour=9)
        for client in make_clients(worker, 5):
            request = make_request(client)
            ConsultationRequest.objects.filter(pk=request.pk).update(
                created_at=local_time(monday, 0, 30)
            )
            put_on_agenda(request, held, minutes=10)
        activity = organisation_activity(organisation_clients(unit.organisation_id), PERIOD)
        assert activity.total.median_days.value == 1.0


class TestNamesInTheReadersLanguage:
    """A network is labelled by its name in the reader's language and the rows run in the
    order of those names; one with no name in it by its Finnish name, marked as Finnish."""

    @pytest.fixture
    def named(self, consulted):
        Network.objects.filter(pk=consulted.alfa.pk).update(name_sv="Östra nätverket")
        Network.objects.filter(pk=consulted.gamma.pk).update(name_sv="Andra nätverket")
        return consulted

    def test_the_coordinators_networks(self, named, coordinator):
        runs = Network.objects.run_by(acting(coordinator))
        with translation.override("sv"):
            rows = network_activity(runs, PERIOD).rows
        assert [(row.label, row.label.lang) for row in rows] == [
            ("Beta-verkosto", "fi"),
            ("Östra nätverket", None),
        ]
        assert [row.label for row in network_activity(runs, PERIOD).rows] == [
            "Alfa-verkosto",
            "Beta-verkosto",
        ]

    def test_the_organisations_clients_networks(self, named, unit):
        clients = organisation_clients(unit.organisation_id)
        with translation.override("sv"):
            rows = organisation_activity(clients, PERIOD).rows
        # Names read from the cases and from the requests (a network taken or preferred).
        assert [(row.label, getattr(row.label, "lang", None)) for row in rows] == [
            ("Andra nätverket", None),
            ("Beta-verkosto", "fi"),
            ("Östra nätverket", None),
            ("Inget nätverk valt", None),
        ]

    def test_the_page_marks_a_finnish_name_on_a_swedish_page(self, client, named, coordinator):
        login(client, coordinator).cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
        text = client.get(INDEX).text
        assert '<tr><th scope="row"><span lang="fi">Beta-verkosto</span></th>' in text
        assert '<tr><th scope="row">Östra nätverket</th>' in text
        assert text.index("Beta-verkosto") < text.index("Östra nätverket")


class TestThePageAndTheCsv:
    def test_the_coordinator_sees_the_networks_they_run(self, client, consulted, coordinator):
        page = login(client, coordinator).get(INDEX)
        assert page.status_code == 200
        text = page.text
        assert "ei ole raportoitavia tunnuslukuja" not in text
        assert "Jaksoa koskevat luvut: 1.7.2025–15.6.2026." in text
        assert (
            '<tr><th scope="row">Alfa-verkosto</th><td>2</td><td>8</td><td>12</td><td>8</td></tr>'
        ) in text
        assert (
            '<tr><th scope="row">Beta-verkosto</th><td>1</td><td>5</td><td>5</td><td>4</td></tr>'
        ) in text
        assert "Gamma-verkosto" not in text
        assert '<th scope="col">Pidettyjä istuntoja</th>' in text
        # Aggregates only: no client, no case reference; nothing logged.
        for request in consulted.requests:
            assert request.reference not in text
            assert request.client.last_name not in text
        assert "Asiakkaita vastuutyöntekijää kohden" not in text
        assert not AccessLogEntry.objects.exists()

    def test_a_coordinator_who_runs_no_network_is_told_so(self, client, db):
        lone = coordinator_in(OrganisationFactory(), "Liisa", "Yksinäinen")
        page = login(client, lone).get(INDEX)
        assert "Et koordinoi yhtään konsultaatioverkostoa." in page.text

    def test_the_period_applies_to_the_coordinators_page(self, client, consulted, coordinator):
        page = login(client, coordinator).get(INDEX, {"start": "2026-06-01", "end": "2026-06-15"})
        # Only Alfa's second session (on 5.6.: 1 2 | 12 | 20 40 days) and the six asked since 1.6.
        # Every case and request of the month is Alfa's, Beta's row none ("alle 5"), so Alfa's
        # would equal the total: they are hidden, its median with them (suppression.table).
        assert (
            '<tr><th scope="row">Alfa-verkosto</th><td>1</td><td>ei näytetä</td>'
            "<td>ei näytetä</td><td>ei näytetä</td></tr>"
        ) in page.text
        assert '<th scope="row">Yhteensä</th><td>1</td><td>5</td><td>6</td><td>12</td>' in page.text
        assert "start=2026-06-01&amp;end=2026-06-15" in page.text

    def test_the_manager_sees_the_organisations_clients_consultations(
        self, client, consulted, manager
    ):
        text = login(client, manager).get(INDEX).text
        assert '<h2 id="consultations-heading">Konsultaatiot</h2>' in text
        assert '<th scope="col">Istuntoja, joissa käsiteltiin asiakkaitanne</th>' in text
        assert (
            '<tr><th scope="row">Alfa-verkosto</th><td>2</td><td>6</td><td>9</td><td>10,5</td></tr>'
        ) in text
        assert (
            '<tr><th scope="row">Gamma-verkosto</th><td>1</td><td>5</td><td>5</td><td>30</td></tr>'
        ) in text
        assert '<th scope="row">Yhteensä</th><td>4</td><td>16</td><td>20</td><td>11</td>' in text
        for request in consulted.requests:
            assert request.reference not in text
        assert not AccessLogEntry.objects.exists()

    def test_the_coordinators_csv(self, client, consulted, coordinator):
        response = login(client, coordinator).get(EXPORT)
        assert response.status_code == 200
        assert "tunnusluvut-20250701-20260615.csv" in response["Content-Disposition"]
        rows = rows_of(response)
        assert [row[0] for row in rows[:4]] == [
            "Tunnusluku",
            "Organisaatio",
            "Jakso",
            "Tilanne päivältä",
        ]
        consultations = [row for row in rows if row[0].startswith("Konsultaatiot")]
        assert [(row[1], row[2]) for row in consultations] == [
            ("Alfa-verkosto", "2"),
            ("Beta-verkosto", "1"),
            ("Yhteensä", "3"),
            ("Alfa-verkosto", "8"),
            ("Beta-verkosto", "5"),
            ("Yhteensä", "13"),
            ("Alfa-verkosto", "12"),
            ("Beta-verkosto", "5"),
            ("Yhteensä", "17"),
            ("Alfa-verkosto", "8"),
            ("Beta-verkosto", "4"),
            ("Yhteensä", "6"),
        ]
        assert value(rows, SESSIONS, "Alfa-verkosto") == "2"
        assert value(rows, MEDIAN, "Yhteensä") == "6"
        assert rows[-1][0] == "Huomautus"
        text = response.content.decode("utf-8")
        assert "Gamma-verkosto" not in text
        for request in consulted.requests:
            assert request.reference not in text
            assert request.client.last_name not in text

    def test_the_managers_csv_has_the_same_rows(self, client, consulted, manager):
        rows = rows_of(login(client, manager).get(EXPORT))
        assert value(rows, CLIENT_SESSIONS, "Alfa-verkosto") == "2"
        assert value(rows, CASES, "Alfa-verkosto") == "6"
        assert value(rows, REQUESTS, "Beta-verkosto") == "ei näytetä"
        assert value(rows, REQUESTS, "Verkosto valitsematta") == "alle 5"
        assert value(rows, REQUESTS, "Yhteensä") == "20"
        assert value(rows, MEDIAN, "Alfa-verkosto") == "10,5"
        assert value(rows, MEDIAN, "Verkosto valitsematta") == "ei näytetä (alle 5)"
        # The other indicators are still there, before these.
        assert value(rows, "Asiakkaita vastuutyöntekijää", "Sanna Sosiaali") == "30"
        assert rows[-1][0] == "Huomautus"

    def test_a_network_name_that_looks_like_a_formula_is_defused(self, client, coordinator, unit):
        NetworkFactory(name_fi="=HYPERLINK(1)", convening_organisation=unit.organisation)
        rows = rows_of(login(client, coordinator).get(EXPORT))
        assert value(rows, SESSIONS, "'=HYPERLINK(1)") == "0"


def grow(coordinator, worker, network, size: int, *, days_ago: int) -> None:
    """`size` held sessions of the network from `days_ago` back, each with two cases, and
    `size` more requests."""
    clients = make_clients(worker, 3 * size)
    for n in range(size):
        held = session(network, coordinator, TODAY - days(days_ago + n))
        discuss(clients[2 * n : 2 * n + 2], held, [n + 1, n + 2])
        ask(clients[2 * size + n], TODAY - days(n + 1), network=network, status="triaged")


class TestQueryCounts:
    """The same number of queries at two sizes of data (and of networks)."""

    @pytest.mark.parametrize("url", [INDEX, EXPORT])
    @pytest.mark.parametrize("role", ["coordinator", "manager"])
    def test_independent_of_the_amount_of_data(
        self, client, coordinator, manager, worker, unit, url, role, django_assert_num_queries
    ):
        login(client, coordinator if role == "coordinator" else manager)
        alfa = NetworkFactory(name_fi="Alfa-verkosto", convening_organisation=unit.organisation)
        grow(coordinator, worker, alfa, 5, days_ago=5)
        client.get(url)  # the first request of a session reads a little more
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        beta = NetworkFactory(name_fi="Beta-verkosto", convening_organisation=unit.organisation)
        grow(coordinator, worker, alfa, 10, days_ago=100)
        grow(coordinator, worker, beta, 10, days_ago=200)
        with django_assert_num_queries(len(small)):
            response = client.get(url)
        text = response.content.decode("utf-8")
        if url == INDEX:
            assert '<tr><th scope="row">Beta-verkosto</th><td>10</td><td>20</td><td>30</td>' in (
                text
            )
        else:
            assert value(rows_of(response), CASES, "Yhteensä") == "50"
