"""The reports page and its CSV through HTTP: scope, suppression, no client data, query counts."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import make_plan
from consents.factories import ConsentFactory
from pathways.factories import make_step
from pathways.models import Placement, StepStatus
from tests.conftest import field_errors, login, scroll_regions
from tests.reports.conftest import TODAY, make_clients
from tests.security.test_csp import INLINE_SCRIPT, STYLE_ATTRIBUTE

INDEX = reverse("reports:index")
EXPORT = reverse("reports:export")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def value(rows, indicator_start: str, group: str) -> str:
    (found,) = [r[2] for r in rows if r[0].startswith(indicator_start) and r[1] == group]
    return found


def populate(worker, size: int) -> list:
    """`size` of everything each indicator reads, for the worker's organisation."""
    clients = make_clients(worker, size)
    for i, client in enumerate(clients):
        make_plan(client, worker, next_review_on=TODAY + days(-1 if i % 2 else 10))
        ConsentFactory(client=client)
        rehab = make_step(
            client,
            "rehabilitative_work_activity",
            created_by=worker,
            start_on=TODAY - days(700),
            planned_end_on=TODAY + days(20),
        )
        workshop = make_step(client, "youth_workshop", created_by=worker, start_on=TODAY - days(90))
        make_step(
            client,
            "social_rehabilitation",
            created_by=worker,
            start_on=TODAY - days(200),
            planned_end_on=TODAY - days(91),
            status=StepStatus.ENDED,
            ended_on=TODAY - days(91),
            end_reason="moved_on",
            next_step=workshop,
        )
        ips = make_step(
            client, "supported_employment", created_by=worker, start_on=TODAY - days(60)
        )
        Placement.objects.create(
            client=client,
            step=ips,
            kind="open_market_job",
            organisation_name="Kahvila",
            started_on=TODAY - days(10),
            recorded_by=worker,
        )
        assert rehab.pk
    return clients


@pytest.fixture
def manager_client(client, manager):
    return login(client, manager)


class TestThePage:
    def test_the_manager_sees_the_indicators_of_the_organisation(
        self, manager_client, worker, outsider
    ):
        clients = populate(worker, 6)
        make_clients(outsider, 9)
        page = manager_client.get(INDEX)
        assert page.status_code == 200
        text = page.text
        assert "Asiakkaita vastuutyöntekijää kohden" in text
        assert "<caption>" in text and 'scope="row"' in text and 'scope="col"' in text
        # The worker's caseload of six, the organisation's six active clients, not the outsider's.
        assert '<th scope="row">Sanna Sosiaali</th><td>6</td>' in text
        assert "Olli Ulkopuoli" not in text
        # The rehabilitative work activity's phases name no months: each step's rule set
        # sets its own warning month and maximum, which the note below the table says.
        assert '<th scope="row">Varoituskuukausina</th><td>ei näytetä</td>' in text
        assert '<th scope="row">Enimmäiskesto täynnä</th><td>alle 5</td>' in text
        assert "24 kk" not in text
        # Aggregates only: no client is named, and nothing is logged.
        for client in clients:
            assert client.last_name not in text
            assert client.identity_code_masked not in text
            assert str(client.uuid) not in text
        assert not AccessLogEntry.objects.exists()

    def test_charts_are_svg_with_presentation_attributes_only(self, manager_client, worker):
        populate(worker, 5)
        response = manager_client.get(INDEX)
        text = response.text
        assert '<svg viewBox="0 0 640' in text
        assert 'fill="#0072c6"' in text
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert not STYLE_ATTRIBUTE.findall(text)
        assert not INLINE_SCRIPT.findall(text)

    def test_a_group_of_four_is_hidden_and_of_five_shown(self, manager_client, worker):
        make_clients(worker, 4)
        assert (
            '<th scope="row">Sanna Sosiaali</th><td>alle 5</td>' in manager_client.get(INDEX).text
        )
        make_clients(worker, 1)
        assert '<th scope="row">Sanna Sosiaali</th><td>5</td>' in manager_client.get(INDEX).text

    def test_the_period_comes_from_the_query_string(self, manager_client, worker):
        page = manager_client.get(INDEX, {"start": "2026-01-01", "end": "2026-03-31"})
        assert "Jaksoa koskevat luvut: 1.1.2026–31.3.2026" in page.text
        assert "start=2026-01-01&amp;end=2026-03-31" in page.text  # the CSV link keeps it

    def test_a_period_typed_as_d_m_yyyy_is_shown_in_the_date_fields(self, manager_client):
        """A date input shows only an ISO value: 1.1.2026 from the address is shown as the
        day it is, not as an empty field."""
        page = manager_client.get(INDEX, {"start": "1.1.2026", "end": "31.3.2026"})
        assert "Jaksoa koskevat luvut: 1.1.2026–31.3.2026" in page.text
        assert 'name="start" value="2026-01-01"' in page.text
        assert 'name="end" value="2026-03-31"' in page.text

    def test_a_refused_d_m_yyyy_day_is_shown_as_the_day_it_is(self, manager_client):
        page = manager_client.get(INDEX, {"end": "1.7.2026"})
        assert "Jakso voi päättyä viimeistään kuluvana kuukautena." in field_errors(
            page.text, "end"
        )
        assert 'name="end" value="2026-07-01"' in page.text

    def test_a_day_that_is_not_a_date_is_quoted_next_to_the_field(self, manager_client):
        """The date input cannot show 31.2.2026 (it shows an empty field): the error beside
        it says what was typed."""
        page = manager_client.get(INDEX, {"start": "31.2.2026"})
        assert page.status_code == 200
        assert "”31.2.2026”" in field_errors(page.text, "start")
        assert "Asiakkaita vastuutyöntekijää kohden" not in page.text

    def test_a_period_ending_after_the_current_month_is_refused(self, manager_client):
        page = manager_client.get(INDEX, {"end": "2026-07-01"})
        assert page.status_code == 200
        assert "Jakso voi päättyä viimeistään kuluvana kuukautena." in page.text
        assert "Asiakkaita vastuutyöntekijää kohden" not in page.text

    def test_the_period_is_whole_calendar_months(self, manager_client):
        """Any day stands for its month, in the fields and in older links alike: periods
        that differ by a day could each show groups of five and tell by their difference
        what became of one client on that day. The CSV link keeps the whole months."""
        page = manager_client.get(INDEX, {"start": "2026-01-15", "end": "10.3.2026"})
        assert "Jaksoa koskevat luvut: 1.1.2026–31.3.2026" in page.text
        assert "start=2026-01-01&amp;end=2026-03-31" in page.text
        assert "kuukauden ensimmäisenä päivänä" in page.text  # the help text says so
        # The current month ends today (a later day of it too); start after end in a month.
        page = manager_client.get(INDEX, {"start": "2026-06-20", "end": "2026-06-16"})
        assert "Jaksoa koskevat luvut: 1.6.2026–15.6.2026" in page.text
        response = manager_client.get(EXPORT, {"start": "2026-02-27", "end": "2026-03-02"})
        assert "tunnusluvut-20260201-20260331.csv" in response["Content-Disposition"]

    def test_an_end_month_before_the_start_month_is_refused(self, manager_client):
        page = manager_client.get(INDEX, {"start": "2026-04-01", "end": "2026-03-31"})
        assert "Loppukuukausi on ennen alkukuukautta." in field_errors(page.text, "end")
        assert "Asiakkaita vastuutyöntekijää kohden" not in page.text

    def test_a_start_month_after_the_current_one_is_refused_at_the_start(self, manager_client):
        """With no end chosen the period ends today: the start month is what is wrong, so
        the error is beside it, not beside the empty end field."""
        page = manager_client.get(INDEX, {"start": "2026-07-01"})
        assert "Jakso voi alkaa viimeistään kuluvana kuukautena." in field_errors(
            page.text, "start"
        )
        assert "Loppukuukausi on ennen alkukuukautta." not in page.text
        assert "Asiakkaita vastuutyöntekijää kohden" not in page.text

    def test_two_periods_a_day_apart_tell_no_ones_outcome(self, manager_client, worker):
        """Five clients died on 14.4., a sixth on 15.4.: periods ending on those days were
        "Kuoli 5" and "Kuoli 6", the sixth client's outcome. Both are April now."""
        base = datetime.date(2026, 4, 14)
        for i, client in enumerate(make_clients(worker, 6)):
            ended_on = base + days(1 if i == 5 else 0)
            make_step(
                client,
                "rehabilitative_work_activity",
                created_by=worker,
                start_on=ended_on - days(120),
                planned_end_on=ended_on,
                status=StepStatus.ENDED,
                ended_on=ended_on,
                end_reason="completed",
                exit_outcome="died",
            )
        kuoli = []
        for end in ("2026-04-14", "2026-04-15"):
            rows = rows_of(manager_client.get(EXPORT, {"start": "2026-02-13", "end": end}))
            assert value(rows, "Jakso", "") == "1.2.2026–30.4.2026"
            kuoli.append(value(rows, "Siirtymät", "Kuntouttava työtoiminta → Kuoli"))
        assert kuoli[0] == kuoli[1]

    def test_a_coordinator_sees_none_of_the_organisations_indicators(self, client, unit, worker):
        """Only the consultations of their networks (tests/reports/test_consultations.py)."""
        populate(worker, 5)
        coordinator = make_user(Role.COORDINATOR, unit)
        page = login(client, coordinator).get(INDEX)
        assert page.status_code == 200
        assert '<h2 id="consultations-heading">Konsultaatioverkostot</h2>' in page.text
        assert "Asiakkaita vastuutyöntekijää kohden" not in page.text
        assert "Sanna Sosiaali" not in page.text

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.DPO, Role.ADMIN, Role.JOB_COACH])
    def test_other_roles_are_refused(self, client, unit, role):
        login(client, make_user(role, unit))
        assert client.get(INDEX).status_code == 403
        assert client.get(EXPORT).status_code == 403

    def test_the_active_role_decides(self, client, unit, manager):
        from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT
        from accounts.models import RoleAssignment

        worker_role = RoleAssignment.objects.create(
            user=manager, role=Role.SOCIAL_WORKER, unit=unit
        )
        login(client, manager)
        session = client.session
        session[SESSION_ACTIVE_ASSIGNMENT] = worker_role.pk
        session.save()
        assert client.get(INDEX).status_code == 403

    def test_each_scrolling_table_is_named_by_its_caption(self, manager_client, worker):
        """Region landmarks a screen reader lists: named alike ("scrollable table"), the
        report's nine tables could not be told apart."""
        populate(worker, 6)
        regions = scroll_regions(manager_client.get(INDEX).text)
        assert len(regions) == 9
        assert all(name == caption != "" for name, caption in regions), regions
        assert len({name for name, _caption in regions}) == 9
        assert regions[-1][0] == (
            "Organisaatiosi asiakkaista pyydetyt konsultaatiot verkostoittain, jaksolla"
        )


class TestTheCsv:
    def test_the_same_figures_as_csv_with_a_bom_and_semicolons(self, manager_client, worker):
        clients = populate(worker, 6)
        response = manager_client.get(EXPORT)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "tunnusluvut-20250701-20260615.csv" in response["Content-Disposition"]
        rows = rows_of(response)
        assert rows[0] == ["Tunnusluku", "Ryhmä", "Arvo"]
        assert all(len(row) == 3 for row in rows)
        assert value(rows, "Asiakkaita vastuutyöntekijää", "Sanna Sosiaali") == "6"
        assert value(rows, "Asiakkaita vastuutyöntekijää", "Ei vastuutyöntekijää") == "alle 5"
        assert value(rows, "Asiakkaita vastuutyöntekijää", "Yhteensä") == "6"
        assert value(rows, "Suostumuskattavuus", "Kirjallinen suostumus voimassa") == "ei näytetä"
        assert value(rows, "Suostumuskattavuus", "Kattavuus") == "ei näytetä (alle 5)"
        # Every active client is in work activity: "6 of 6" would be every client's, so the
        # count is hidden (suppression.part_of). All six periods are in their warning
        # months: beside the other phases' none, that one is hidden too (suppression.table).
        assert value(rows, "Kuntouttava työtoiminta", "Asiakkaita") == "ei näytetä"
        # The phases are named without months: each step's rule set sets its own.
        assert value(rows, "Kuntouttava työtoiminta", "Varoituskuukausina") == "ei näytetä"
        assert value(rows, "Kuntouttava työtoiminta", "Enimmäiskesto täynnä") == "alle 5"
        # Every social rehabilitation step went on to the workshop: the lone row would be
        # the total, where every one of its clients went, so it is hidden.
        assert value(rows, "Siirtymät", "Sosiaalinen kuntoutus: yhteensä") == "6"
        assert value(rows, "Siirtymät", "Sosiaalinen kuntoutus → Nuorten työpaja") == "ei näytetä"
        assert value(rows, "Tuettu työllistyminen", "Tavoite") == "50–70 %"
        assert value(rows, "Jakso", "") == "1.7.2025–15.6.2026"
        assert value(rows, "Tilanne päivältä", "") == "15.6.2026"
        text = response.content.decode("utf-8")
        for client in clients:
            assert client.last_name not in text
        assert not AccessLogEntry.objects.exists()

    def test_shares_appear_when_both_parts_are_five(self, manager_client, worker):
        clients = make_clients(worker, 10)
        for client in clients[:5]:
            ConsentFactory(client=client)
        rows = rows_of(manager_client.get(EXPORT))
        assert value(rows, "Suostumuskattavuus", "Kattavuus") == "50 %"

    def test_a_cell_that_looks_like_a_formula_is_defused(self, manager_client, unit):
        formula = make_user(Role.SOCIAL_WORKER, unit, first_name="=HYPERLINK(1)", last_name="X")
        make_clients(formula, 5)
        rows = rows_of(manager_client.get(EXPORT))
        assert value(rows, "Asiakkaita vastuutyöntekijää", "'=HYPERLINK(1) X") == "5"

    def test_a_coordinators_csv_has_only_consultation_figures(self, client, unit, worker):
        populate(worker, 5)
        response = login(client, make_user(Role.COORDINATOR, unit)).get(EXPORT)
        assert response.status_code == 200
        rows = rows_of(response)
        header = ["Tunnusluku", "Organisaatio", "Jakso", "Tilanne päivältä"]
        assert [row[0] for row in rows[:4]] == header
        assert rows[-1][0] == "Huomautus"
        assert all(row[0].startswith("Konsultaatiot:") for row in rows[4:-1])
        assert "Sanna Sosiaali" not in response.content.decode("utf-8")

    def test_a_coordinators_csv_with_a_bad_period_answers_400(self, client, unit):
        response = login(client, make_user(Role.COORDINATOR, unit)).get(
            EXPORT, {"start": "2026-05-01", "end": "2026-04-01"}
        )
        assert response.status_code == 400
        assert "Loppukuukausi on ennen alkukuukautta." in response.text

    def test_a_bad_period_answers_400(self, manager_client):
        response = manager_client.get(EXPORT, {"start": "2026-05-01", "end": "2026-04-30"})
        assert response.status_code == 400
        assert "Loppukuukausi on ennen alkukuukautta." in response.text


class TestQueryCounts:
    """The page and the CSV read a fixed number of queries, however many clients there are."""

    @pytest.mark.parametrize("url", [INDEX, EXPORT])
    def test_independent_of_the_number_of_clients(
        self, manager_client, worker, unit, url, django_assert_num_queries
    ):
        populate(worker, 5)
        manager_client.get(url)  # the first request of a session reads a little more
        with CaptureQueriesContext(connection) as small:
            assert manager_client.get(url).status_code == 200
        second = make_user(Role.SOCIAL_COUNSELLOR, unit)
        populate(worker, 10)
        populate(second, 10)
        with django_assert_num_queries(len(small)):
            response = manager_client.get(url)
        if url == INDEX:
            assert '<th scope="row">Sanna Sosiaali</th><td>15</td>' in response.text


class TestDashboardAndNavigation:
    def test_the_manager_sees_the_panel_and_the_menu_item(self, manager_client, worker):
        clients = make_clients(worker, 10)
        for client in clients[:5]:
            ConsentFactory(client=client)
        page = manager_client.get(reverse("dashboard"))
        assert "Organisaation tunnusluvut" in page.text
        assert "<dd>50 %</dd>" in page.text
        assert f'href="{INDEX}"' in page.text

    def test_a_figure_the_panel_hides_comes_with_the_reason(self, manager_client, worker):
        """Ten clients, seven with a plan in force: the three without would be told by
        subtraction, so the overdue reviews are hidden, and the panel says why."""
        clients = make_clients(worker, 10)
        for client in clients[:7]:
            make_plan(client, worker)
        page = manager_client.get(reverse("dashboard")).text
        panel = page[page.index("Organisaation tunnusluvut") :]
        assert "<dt>Suunnitelman arviointi myöhässä</dt><dd>ei näytetä</dd>" in panel
        assert "Luku, josta pienen ryhmän koko voisi päätellä muista luvuista" in panel

    def test_the_panel_with_every_figure_shown_has_no_note(self, manager_client, worker):
        # Five of ten reviews overdue, five of fifteen clients without a plan, ten of
        # fifteen covered by a consent.
        clients = make_clients(worker, 15)
        for client in clients[:5]:
            make_plan(client, worker, next_review_on=TODAY - datetime.timedelta(days=1))
            ConsentFactory(client=client)
        for client in clients[5:10]:
            make_plan(client, worker, next_review_on=TODAY + datetime.timedelta(days=30))
        for client in clients[10:]:
            ConsentFactory(client=client)
        page = manager_client.get(reverse("dashboard")).text
        panel = page[page.index("Organisaation tunnusluvut") :]
        assert "<dt>Suunnitelman arviointi myöhässä</dt><dd>5</dd>" in panel
        assert "<dd>67 %</dd>" in panel
        assert "Alle viiden asiakkaan ryhmien lukuja" not in panel

    def test_the_coordinator_has_the_menu_item_but_no_panel(self, client, unit):
        page = login(client, make_user(Role.COORDINATOR, unit)).get(reverse("dashboard"))
        assert f'<a href="{INDEX}"' in page.text
        assert "Organisaation tunnusluvut" not in page.text

    def test_a_social_worker_has_neither(self, client, unit):
        page = login(client, make_user(Role.SOCIAL_WORKER, unit)).get(reverse("dashboard"))
        assert INDEX not in page.text
