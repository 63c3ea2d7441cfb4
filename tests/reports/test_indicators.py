"""Each indicator's value on a small known data set (Helsinki time frozen at 15.6.2026)."""

import datetime

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, add_member, make_plan
from clients.models import CareTeamMembership, Client, ClientPlan, TeamRole
from consents.factories import ConsentFactory
from pathways.factories import make_step
from pathways.models import Placement, StepStatus
from reports.indicators import (
    IpsEmployment,
    ReportPeriod,
    caseload,
    current_situation,
    ips_employment,
    organisation_clients,
    registration_to_first_plan,
    rehabilitative_work_activity,
    transitions,
)
from reports.suppression import split
from services.calendar import add_months
from services.factories import UnitFactory
from tests.reports.conftest import TODAY, aware, make_clients

PERIOD = ReportPeriod(start=datetime.date(2025, 6, 16), end=TODAY)


def scope(unit):
    return organisation_clients(unit.organisation_id)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def test_the_default_period_is_the_last_twelve_calendar_months():
    """The current month up to today and the eleven before it, whole (see ReportPeriodForm)."""
    assert ReportPeriod.default() == ReportPeriod(start=datetime.date(2025, 7, 1), end=TODAY)


class TestCaseload:
    def test_active_clients_per_current_responsible_worker(self, unit, worker):
        big = make_user(Role.SOCIAL_WORKER, unit, first_name="Aino", last_name="Aalto")
        small = make_user(Role.SOCIAL_COUNSELLOR, unit, first_name="Pekka", last_name="Pieni")
        middle = make_user(Role.SOCIAL_WORKER, unit, first_name="Kaisa", last_name="Keski")
        make_clients(big, 7)
        make_clients(small, 4)
        make_clients(middle, 5)
        make_clients(worker, 6)
        # Not counted: a closed client; a work pair is not a responsible worker.
        ClientFactory(created_by=big, closed_on=TODAY, closure_reason="Muutti pois")
        add_member(make_clients(big, 1)[0], small, TeamRole.WORK_PAIR)

        result = caseload(scope(unit))

        shown = {row.label: row.figure.text for row in result.rows}
        assert shown == {
            "Aino Aalto": "8",
            "Kaisa Keski": "ei näytetä",  # the smallest shown cell: 4 = total - the rest otherwise
            "Pekka Pieni": "alle 5",
            "Sanna Sosiaali": "6",
        }
        assert [row.label for row in result.rows] == [
            "Aino Aalto",
            "Kaisa Keski",
            "Pekka Pieni",
            "Sanna Sosiaali",
        ]
        assert result.without_worker.text == "alle 5"
        assert result.total.text == "23"

    def test_five_clients_without_a_responsible_worker_are_shown(self, unit, worker):
        make_clients(worker, 6)
        for client in make_clients(worker, 5):
            CareTeamMembership.objects.filter(client=client).update(ended_on=TODAY)
        pending = make_clients(worker, 1)[0]
        CareTeamMembership.objects.filter(client=pending).update(accepted_at=None)
        result = caseload(scope(unit))
        assert result.without_worker.text == "6"
        assert [row.figure.text for row in result.rows] == ["6"]

    def test_a_responsible_membership_not_yet_begun_counts_as_no_worker(self, unit, worker):
        """Until its first day the membership gives the worker nothing of the client (the
        care team's current()): the client is not yet in their caseload."""
        make_clients(worker, 6)
        later = make_clients(worker, 5)
        CareTeamMembership.objects.filter(
            client__in=later, role=TeamRole.RESPONSIBLE_WORKER
        ).update(started_on=TODAY + days(3))
        result = caseload(scope(unit))
        assert [(row.label, row.figure.text) for row in result.rows] == [("Sanna Sosiaali", "6")]
        assert result.without_worker.text == "5"
        assert result.total.text == "11"
        # From its first day on it is.
        result = caseload(scope(unit), TODAY + days(3))
        assert [(row.label, row.figure.text) for row in result.rows] == [("Sanna Sosiaali", "11")]

    def test_a_responsible_membership_not_yet_admitted_counts_as_no_worker(self, unit, worker):
        """Begun but not yet admitted (the daily task has not run on its first day): it gives
        the worker nothing of the client yet (the care team's current())."""
        make_clients(worker, 6)
        waiting = make_clients(worker, 5)
        CareTeamMembership.objects.filter(
            client__in=waiting, role=TeamRole.RESPONSIBLE_WORKER
        ).update(admitted_at=None)
        result = caseload(scope(unit))
        assert [(row.label, row.figure.text) for row in result.rows] == [("Sanna Sosiaali", "6")]
        assert result.without_worker.text == "5"
        assert result.total.text == "11"

    def test_another_organisations_clients_are_excluded(self, unit, worker, outsider):
        make_clients(worker, 5)
        make_clients(outsider, 9)
        result = caseload(scope(unit))
        assert [(row.label, row.figure.text) for row in result.rows] == [("Sanna Sosiaali", "5")]
        assert result.total.text == "5"


class TestRegistrationToFirstPlan:
    def test_median_days_from_registration_to_the_first_plan(self, unit, worker):
        registered_on = TODAY - days(60)
        clients = make_clients(worker, 11)
        Client.objects.filter(pk__in=[c.pk for c in clients]).update(
            created_at=aware(registered_on, 9)
        )
        # Days to the first plan: 2, 4, 6, 8, 10, 30; the later versions do not count.
        for client, wait in zip(clients, [2, 4, 6, 8, 10, 30], strict=False):
            first = make_plan(client, worker)
            ClientPlan.objects.filter(pk=first.pk).update(
                created_at=aware(registered_on + days(wait), 15)
            )
            make_plan(client, worker)  # a revision today
        # Registered before the period: not counted.
        early = make_clients(worker, 1)[0]
        Client.objects.filter(pk=early.pk).update(created_at=aware(PERIOD.start - days(1)))
        make_plan(early, worker)

        result = registration_to_first_plan(scope(unit), PERIOD)

        assert result.registered.text == "11"
        assert result.with_plan.text == "6"
        assert result.without_plan.text == "5"
        assert result.median_days.value == 7.0  # (6 + 8) / 2
        assert result.median_days.text == "7"

    def test_the_median_is_hidden_beside_a_hidden_count_of_clients_with_a_plan(self, unit, worker):
        """Eight registered, six with a plan: the six are hidden so that the two without
        cannot be worked out. A median (of five or more) beside them would tell that at
        least five have a plan, so at most three have none; of five registered, that all
        five have one."""
        clients = make_clients(worker, 8)
        for client in clients[:6]:
            make_plan(client, worker)
        result = registration_to_first_plan(scope(unit), PERIOD)
        assert (result.registered.text, result.with_plan.text, result.without_plan.text) == (
            "8",
            "ei näytetä",
            "alle 5",
        )
        assert result.median_days.hidden
        assert result.median_days.text == "ei näytetä"

    def test_every_registered_client_with_a_plan_is_not_told(self, unit, worker):
        """Six registered, all with a plan: "with a plan 6" beside "without alle 5" (no
        one) would tell that every one of them has a plan, the 100 % a share never shows.
        The one shown cell beside hidden cells of no client is hidden too."""
        clients = make_clients(worker, 6)
        Client.objects.filter(pk__in=[c.pk for c in clients]).update(
            created_at=aware(TODAY - days(10))
        )
        for client in clients:
            make_plan(client, worker)
        day = TODAY - days(10)
        result = registration_to_first_plan(scope(unit), ReportPeriod(start=day, end=day))
        assert (result.registered.text, result.with_plan.text, result.without_plan.text) == (
            "6",
            "ei näytetä",
            "alle 5",
        )
        assert result.median_days.hidden

    def test_a_median_of_four_clients_is_hidden(self, unit, worker):
        for client in make_clients(worker, 4):
            make_plan(client, worker)
        result = registration_to_first_plan(scope(unit), PERIOD)
        assert result.median_days.hidden
        assert result.median_days.text == "ei näytetä (alle 5)"

    def test_days_are_counted_in_finnish_calendar_days(self, unit, worker):
        """Registered at 23.30 and planned at 00.30 the next night is one day, not zero.
        (Five more without a plan, so that the five with one, and their median, are shown.)"""
        clients = make_clients(worker, 10)
        day = TODAY - days(10)
        late_evening = aware(day, 23) + datetime.timedelta(minutes=30)
        Client.objects.filter(pk__in=[c.pk for c in clients]).update(created_at=late_evening)
        for client in clients[:5]:
            plan = make_plan(client, worker)
            ClientPlan.objects.filter(pk=plan.pk).update(
                created_at=late_evening + datetime.timedelta(hours=1)
            )
        assert registration_to_first_plan(scope(unit), PERIOD).median_days.value == 1.0


class TestCurrentSituation:
    def test_overdue_plan_reviews(self, unit, worker):
        overdue, on_time = make_clients(worker, 5), make_clients(worker, 6)
        for client in overdue:
            make_plan(client, worker, next_review_on=TODAY - days(3))
        for client in on_time:
            make_plan(client, worker, next_review_on=TODAY)
        # Not overdue: a draft, a superseded version, a closed client's plan.
        make_plan(
            make_clients(worker, 1)[0], worker, status="draft", next_review_on=TODAY - days(9)
        )
        revised = make_clients(worker, 1)[0]
        make_plan(revised, worker, next_review_on=TODAY - days(9))
        make_plan(revised, worker, next_review_on=TODAY + days(30))
        closed = ClientFactory(created_by=worker, closed_on=TODAY, closure_reason="Muutti pois")
        make_plan(closed, worker, next_review_on=TODAY - days(9))
        # Five active clients without a plan in force (the draft's and four without any),
        # so the clients with one are not told apart from them by subtraction.
        make_clients(worker, 4)

        reviews = current_situation(scope(unit)).overdue_reviews

        assert reviews.whole.text == "12"  # 5 + 6 + the revised one; not the draft
        assert reviews.part.text == "5"
        assert reviews.rest.text == "7"
        assert reviews.share.text == "42 %"  # 5 / 12

    def test_the_clients_with_a_plan_are_hidden_when_one_to_four_active_have_none(
        self, unit, worker
    ):
        """13 active clients of whom 10 have a plan in force: showing 10 next to 13 would
        tell of the 3 without one, so the 10 are hidden, and the overdue split with them."""
        for index, client in enumerate(make_clients(worker, 10)):
            make_plan(client, worker, next_review_on=TODAY + days(3 if index % 2 else -3))
        without = make_clients(worker, 3)
        situation = current_situation(scope(unit))
        reviews = situation.overdue_reviews
        assert situation.active.text == "13"
        assert (reviews.whole.text, reviews.part.text, reviews.rest.text, reviews.share.text) == (
            "ei näytetä",
            "ei näytetä",
            "ei näytetä",
            "ei näytetä",
        )
        # Two more without a plan: five of them, and all is shown.
        make_clients(worker, 2)
        reviews = current_situation(scope(unit)).overdue_reviews
        assert (reviews.whole.text, reviews.part.text, reviews.rest.text) == ("10", "5", "5")
        assert without  # the three were there all along

    def test_every_active_client_with_a_plan_is_not_told(self, unit, worker):
        """Seven active clients, all with a plan in force: "7 of 7 active" would say of
        each of them that they have one, the 100 % a share never shows."""
        for client in make_clients(worker, 7):
            make_plan(client, worker, next_review_on=TODAY + days(5))
        situation = current_situation(scope(unit))
        assert situation.active.text == "7"
        assert situation.overdue_reviews.whole.text == "ei näytetä"
        assert situation.overdue_reviews.part.text == "ei näytetä"

    def test_four_overdue_reviews_are_hidden_and_five_shown(self, unit, worker):
        make_clients(worker, 5)  # without a plan: the clients with one are not all of them
        for client in make_clients(worker, 7):
            make_plan(client, worker, next_review_on=TODAY + days(5))
        late = make_clients(worker, 4)
        for client in late:
            make_plan(client, worker, next_review_on=TODAY - days(1))
        reviews = current_situation(scope(unit)).overdue_reviews
        assert (reviews.part.text, reviews.share.text) == ("alle 5", "ei näytetä (alle 5)")
        make_plan(make_clients(worker, 1)[0], worker, next_review_on=TODAY - days(1))
        reviews = current_situation(scope(unit)).overdue_reviews
        assert (reviews.part.text, reviews.rest.text, reviews.share.text) == ("5", "7", "42 %")

    def test_consent_coverage_counts_written_consents_in_force(self, unit, worker):
        covered = make_clients(worker, 5)
        for client in covered:
            ConsentFactory(client=client)
        ConsentFactory(client=covered[0])  # two consents: still one client
        uncovered = make_clients(worker, 5)
        ConsentFactory(client=uncovered[0], oral=True)
        ConsentFactory(client=uncovered[1], expired=True)
        ConsentFactory(client=uncovered[2], upcoming=True)
        ConsentFactory(
            client=uncovered[3],
            revoked_at=aware(TODAY - days(1)),
            revoked_on=TODAY - days(1),
            revoked_by=worker,
            revocation_method="written",
            revoked_through="Asiakas itse",
        )
        closed = ClientFactory(created_by=worker, closed_on=TODAY, closure_reason="Muutti pois")
        ConsentFactory(client=closed)

        situation = current_situation(scope(unit))

        assert situation.active.text == "10"
        coverage = situation.consent_coverage
        assert (coverage.whole.text, coverage.part.text, coverage.rest.text) == ("10", "5", "5")
        assert coverage.share.text == "50 %"


class TestRehabilitativeWorkActivity:
    CODE = "rehabilitative_work_activity"

    def _open_step(self, client, worker, start_on):
        return make_step(
            client,
            self.CODE,
            created_by=worker,
            start_on=start_on,
            planned_end_on=add_months(start_on, 24) - days(1),
        )

    @staticmethod
    def _texts(result) -> list[str]:
        """The figures as shown: all in it, then before, in and past the warning months."""
        return [
            figure.text
            for figure in (
                result.open_steps,
                result.before_warning,
                result.in_warning_months,
                result.past_maximum,
            )
        ]

    @staticmethod
    def _five_not_in_it(worker):
        """Five active clients outside work activity: those in it are not all of them."""
        make_clients(worker, 5)

    def test_open_periods_by_how_far_they_have_run(self, unit, worker):
        for client in make_clients(worker, 6):
            self._open_step(client, worker, TODAY - days(40))
        # Month 21 begins add_months(start, 20): today exactly, and earlier.
        warning = make_clients(worker, 5)
        self._open_step(warning[0], worker, add_months(TODAY, -20))
        for client in warning[1:]:
            self._open_step(client, worker, add_months(TODAY, -22))
        # 24 months full: from add_months(start, 24) on.
        for client in make_clients(worker, 5):
            self._open_step(client, worker, add_months(TODAY, -24))
        # Not counted: an ended period, another service, a closed client's period.
        ended = make_clients(worker, 1)[0]
        make_step(
            ended,
            self.CODE,
            created_by=worker,
            start_on=add_months(TODAY, -23),
            status=StepStatus.ENDED,
            ended_on=TODAY - days(1),
            end_reason="completed",
            exit_outcome="studies",
        )
        make_step(
            make_clients(worker, 1)[0],
            "social_rehabilitation",
            created_by=worker,
            start_on=add_months(TODAY, -23),
        )
        closed = ClientFactory(created_by=worker, closed_on=TODAY, closure_reason="Muutti pois")
        self._open_step(closed, worker, add_months(TODAY, -22))
        # Five active clients not in work activity (the two above and three more), so the
        # clients in it are not told apart from them by subtraction.
        make_clients(worker, 3)

        result = rehabilitative_work_activity(scope(unit), TODAY)

        assert result.open_steps.text == "16"
        assert result.before_warning.text == "6"
        assert result.in_warning_months.text == "5"
        assert result.past_maximum.text == "5"

    def test_the_clients_in_it_are_hidden_when_one_to_four_active_are_not(self, unit, worker):
        for client in make_clients(worker, 10):
            self._open_step(client, worker, TODAY - days(40))
        make_clients(worker, 2)
        result = rehabilitative_work_activity(scope(unit), TODAY)
        assert self._texts(result) == ["ei näytetä", "ei näytetä", "alle 5", "alle 5"]

    def test_every_active_client_in_it_is_not_told(self, unit, worker):
        for client in make_clients(worker, 12):
            self._open_step(client, worker, TODAY - days(40))
        result = rehabilitative_work_activity(scope(unit), TODAY)
        assert self._texts(result) == ["ei näytetä", "ei näytetä", "alle 5", "alle 5"]

    def test_the_edges_of_the_warning_months(self, unit, worker):
        self._five_not_in_it(worker)
        clients = make_clients(worker, 15)
        for client in clients[:5]:  # month 21 begins tomorrow
            self._open_step(client, worker, add_months(TODAY, -20) + days(1))
        for client in clients[5:10]:  # the last day of month 24
            self._open_step(client, worker, add_months(TODAY, -24) + days(1))
        for client in clients[10:]:  # 24 months full yesterday
            self._open_step(client, worker, add_months(TODAY, -24) - days(1))
        result = rehabilitative_work_activity(scope(unit), TODAY)
        assert [
            result.before_warning.text,
            result.in_warning_months.text,
            result.past_maximum.text,
        ] == ["5", "5", "5"]

    @pytest.mark.parametrize(
        ("today", "late_start", "expected"),
        [
            # Month 21 of a period from 31.1.2024 begins on 1.10.2025 (step_rules.
            # period_month_start, as the reminder and the timeline count it): on 30.9.2025,
            # the last day of month 20, the period is not yet in its warning months.
            (datetime.date(2025, 9, 30), datetime.date(2024, 1, 31), ["10", "5", "alle 5"]),
            # A period from 29.2.2024 runs to 28.2.2026 (period_end_limit): on its last day
            # it is in its warning months, not past its maximum.
            (datetime.date(2026, 2, 28), datetime.date(2024, 2, 29), ["5", "5", "5"]),
        ],
    )
    def test_a_start_late_in_the_month_counts_months_as_the_reminder_does(
        self, unit, worker, today, late_start, expected
    ):
        self._five_not_in_it(worker)
        clients = make_clients(worker, 15)
        for client in clients[:5]:
            self._open_step(client, worker, late_start)
        for client in clients[5:10]:  # well before the warning months
            self._open_step(client, worker, today - days(40))
        for client in clients[10:]:  # in month 21 from 1.9.2025, past month 24 from 1.1.2026
            self._open_step(client, worker, datetime.date(2024, 1, 1))
        result = rehabilitative_work_activity(scope(unit), today)
        assert [
            result.before_warning.text,
            result.in_warning_months.text,
            result.past_maximum.text,
        ] == expected

    def test_a_small_group_hides_the_smallest_shown_one_too(self, unit, worker):
        self._five_not_in_it(worker)
        clients = make_clients(worker, 13)
        for client in clients[:6]:
            self._open_step(client, worker, TODAY - days(10))
        for client in clients[6:11]:
            self._open_step(client, worker, add_months(TODAY, -21))
        for client in clients[11:]:
            self._open_step(client, worker, add_months(TODAY, -26))
        result = rehabilitative_work_activity(scope(unit), TODAY)
        assert result.open_steps.text == "13"
        assert result.past_maximum.text == "alle 5"
        assert result.in_warning_months.text == "ei näytetä"  # else 13 - 6 - 5 = 2
        assert result.before_warning.text == "6"

    def test_an_empty_group_gives_nothing_away(self, unit, worker):
        self._five_not_in_it(worker)
        clients = make_clients(worker, 11)
        for client in clients[:6]:
            self._open_step(client, worker, TODAY - days(10))
        for client in clients[6:]:
            self._open_step(client, worker, add_months(TODAY, -21))
        result = rehabilitative_work_activity(scope(unit), TODAY)
        assert [
            result.before_warning.text,
            result.in_warning_months.text,
            result.past_maximum.text,
        ] == ["6", "5", "alle 5"]


class TestTransitions:
    def _ended(self, client, worker, code, *, ended_on, next_step=None, exit_outcome=""):
        return make_step(
            client,
            code,
            created_by=worker,
            start_on=ended_on - days(120),
            planned_end_on=ended_on,
            status=StepStatus.ENDED,
            ended_on=ended_on,
            end_reason="moved_on" if next_step else "completed",
            next_step=next_step,
            exit_outcome=exit_outcome,
        )

    def test_ended_steps_by_service_and_where_the_client_went(self, unit, worker, outsider):
        """Cells by service and where the client went, each of five clients or hidden.

        A service whose steps all went one way has a lone row equal to its total. It
        used to be shown (Social rehabilitation → capacity maintained 6): it told where
        every one of its clients went. It is hidden now, beside its shown total."""
        ended_on = TODAY - days(20)
        rehab = "rehabilitative_work_activity"
        for client in make_clients(worker, 5):
            workshop = make_step(client, "youth_workshop", created_by=worker, start_on=ended_on)
            self._ended(client, worker, rehab, ended_on=ended_on, next_step=workshop)
        for client in make_clients(worker, 6):
            self._ended(client, worker, rehab, ended_on=ended_on, exit_outcome="studies")
        for client in make_clients(worker, 6):
            self._ended(
                client,
                worker,
                "social_rehabilitation",
                ended_on=ended_on,
                exit_outcome="capacity_maintained",
            )
        for client in make_clients(worker, 4):
            self._ended(
                client, worker, "youth_workshop", ended_on=ended_on, exit_outcome="dropped_out"
            )
        # Not counted: ended before the period, still open, another organisation's.
        for client in make_clients(worker, 5):
            self._ended(
                client, worker, rehab, ended_on=PERIOD.start - days(1), exit_outcome="pension"
            )
        for client in make_clients(outsider, 5):
            self._ended(client, outsider, rehab, ended_on=ended_on, exit_outcome="pension")

        groups = {group.service: group for group in transitions(scope(unit), PERIOD)}

        assert set(groups) == {
            "Kuntouttava työtoiminta",
            "Sosiaalinen kuntoutus",
            "Nuorten työpaja",
        }
        rehab_group = groups["Kuntouttava työtoiminta"]
        assert rehab_group.total.text == "11"
        assert {row.label: row.figure.text for row in rehab_group.rows} == {
            "Nuorten työpaja": "5",
            "Aloitti opinnot": "6",
        }
        # The workshop's four are hidden, and nothing else for them: there is no grand
        # total to tell them by. Social rehabilitation's one row is hidden: shown, it
        # would be its total (six), and it would tell where every one of its clients went
        # (the "all of them" a share never shows).
        assert groups["Nuorten työpaja"].total.text == "alle 5"
        assert groups["Sosiaalinen kuntoutus"].total.text == "6"
        assert [(r.label, r.figure.text) for r in groups["Sosiaalinen kuntoutus"].rows] == [
            ("Toimintakyky säilyi", "ei näytetä")
        ]

    def test_a_small_service_hides_nothing_of_another(self, unit, worker):
        """The section shows no grand total, so a service's total gives nothing of another
        away: each is hidden only for its own few clients. (Suppressed as one table, the
        four clients of the workshop hid the work trial's total and, with it, every row.)"""
        ended_on = TODAY - days(20)
        for client in make_clients(worker, 4):
            self._ended(
                client, worker, "youth_workshop", ended_on=ended_on, exit_outcome="dropped_out"
            )
        for outcome in ("pension", "studies"):
            for client in make_clients(worker, 5):
                self._ended(client, worker, "work_trial", ended_on=ended_on, exit_outcome=outcome)
        groups = {group.service: group for group in transitions(scope(unit), PERIOD)}
        assert groups["Nuorten työpaja"].total.text == "alle 5"
        assert [row.figure.text for row in groups["Nuorten työpaja"].rows] == ["alle 5"]
        trial = groups["Työkokeilu"]
        assert trial.total.text == "10"
        assert [row.figure.text for row in trial.rows] == ["5", "5"]

    def test_a_row_is_not_told_by_its_services_total(self, unit, worker):
        """Within a service, the total minus the shown rows must not tell a small row."""
        ended_on = TODAY - days(20)
        for outcome, n in (("pension", 5), ("studies", 6), ("dropped_out", 2)):
            for client in make_clients(worker, n):
                self._ended(client, worker, "work_trial", ended_on=ended_on, exit_outcome=outcome)
        (group,) = transitions(scope(unit), PERIOD)
        assert group.total.text == "13"
        # In the order of the outcomes: dropped out, pension, studies.
        assert [row.figure.text for row in group.rows] == ["alle 5", "ei näytetä", "6"]

    def test_a_cell_of_many_steps_of_few_clients_is_hidden(self, unit, worker):
        """Two steps each of three clients are six steps but three clients."""
        clients = make_clients(worker, 3)
        for client in clients:
            for months_ago in (2, 6):
                self._ended(
                    client,
                    worker,
                    "work_trial",
                    ended_on=add_months(TODAY, -months_ago),
                    exit_outcome="other_service",
                )
        (group,) = transitions(scope(unit), PERIOD)
        assert group.total.text == "alle 5"
        assert [row.figure.text for row in group.rows] == ["alle 5"]

    def test_hidden_cells_of_the_same_clients_are_not_told_by_the_total(self, unit, worker):
        """Three clients' steps end in studies and two of them had an earlier step end in
        dropping out: two small cells of five clients counted cell by cell but of three
        clients, so the total minus the shown cell would tell the steps of three clients."""
        for client in make_clients(worker, 6):
            self._ended(
                client, worker, "work_trial", ended_on=TODAY - days(20), exit_outcome="pension"
            )
        clients = make_clients(worker, 3)
        for client in clients:
            self._ended(
                client, worker, "work_trial", ended_on=TODAY - days(20), exit_outcome="studies"
            )
        for client in clients[:2]:
            self._ended(
                client,
                worker,
                "work_trial",
                ended_on=add_months(TODAY, -6),
                exit_outcome="dropped_out",
            )
        (group,) = transitions(scope(unit), PERIOD)
        assert group.total.text == "11"
        # In the order of the outcomes: dropped out, pension, studies.
        assert [row.figure.text for row in group.rows] == ["alle 5", "ei näytetä", "alle 5"]

    def test_a_step_cancelled_before_it_started_is_no_transition(self, unit, worker):
        for client in make_clients(worker, 5):
            start = TODAY - days(20)
            make_step(
                client,
                "work_trial",
                created_by=worker,
                start_on=start,
                status=StepStatus.ENDED,
                ended_on=start,
                end_reason="cancelled",
                cancellation_reason="Työpaikka ei järjestynyt.",
            )
        assert transitions(scope(unit), PERIOD) == []


class TestIpsEmployment:
    CODE = "supported_employment"

    def _ips(self, client, worker, start_on=None, **fields):
        return make_step(
            client, self.CODE, created_by=worker, start_on=start_on or TODAY - days(180), **fields
        )

    def _job(self, client, worker, step, kind="open_market_job", started_on=None, **fields):
        return Placement.objects.create(
            client=client,
            step=step,
            kind=kind,
            organisation_name="Kahvila Kulma",
            started_on=started_on or TODAY - days(30),
            recorded_by=worker,
            **fields,
        )

    def test_share_employed_against_the_rule_sets_target(self, unit, worker):
        employed = make_clients(worker, 6)
        for client in employed[:5]:
            self._job(client, worker, self._ips(client, worker))
        subsidised = employed[5]
        self._job(subsidised, worker, self._ips(subsidised, worker), kind="subsidised_job")
        not_employed = make_clients(worker, 5)
        for client in not_employed[:4]:
            self._ips(client, worker)
        # Not employed: studies, a job before IPS began, a job that ended before the period.
        self._job(not_employed[0], worker, None, kind="studies")
        self._job(not_employed[1], worker, None, started_on=TODAY - days(400))
        self._ips(not_employed[4], worker, start_on=TODAY - days(500))
        self._job(
            not_employed[4],
            worker,
            None,
            started_on=TODAY - days(450),
            ended_on=PERIOD.start - days(1),
        )
        # Not in IPS during the period: an IPS step that ended before it, a job without IPS.
        before = make_clients(worker, 1)[0]
        step = self._ips(
            before,
            worker,
            start_on=PERIOD.start - days(200),
            status=StepStatus.ENDED,
            ended_on=PERIOD.start - days(10),
            end_reason="goal_reached",
            exit_outcome="open_market_job",
        )
        self._job(before, worker, step, started_on=PERIOD.start - days(20))
        self._job(make_clients(worker, 1)[0], worker, None)

        result = ips_employment(scope(unit), PERIOD, unit.organisation)

        assert result.employed.whole.text == "11"
        assert result.employed.part.text == "6"
        assert result.employed.rest.text == "5"
        assert result.employed.share.text == "55 %"
        assert (result.target_min, result.target_max) == (50, 70)
        assert result.assessment == "tavoitteessa"

    def test_an_ended_ips_step_in_the_period_counts(self, unit, worker):
        clients = make_clients(worker, 10)
        for client in clients:
            step = self._ips(
                client,
                worker,
                start_on=TODAY - days(300),
                status=StepStatus.ENDED,
                ended_on=TODAY - days(30),
                end_reason="goal_reached",
                exit_outcome="open_market_job",
            )
        for client in clients[:5]:
            self._job(client, worker, step, started_on=TODAY - days(60))
        result = ips_employment(scope(unit), PERIOD, unit.organisation)
        assert result.employed.share.text == "50 %"

    def test_an_open_ips_step_past_its_planned_end_counts(self, unit, worker):
        """A step is not ended at its planned end: until the coach ends it, the client is
        in IPS, though its planned end passed before the period began."""
        clients = make_clients(worker, 10)
        for client in clients:
            step = self._ips(
                client,
                worker,
                start_on=PERIOD.start - days(300),
                planned_end_on=PERIOD.start - days(10),
            )
        for client in clients[:5]:
            self._job(client, worker, client.pathway_steps.get())
        assert step.status == StepStatus.ACTIVE
        result = ips_employment(scope(unit), PERIOD, unit.organisation)
        assert (result.employed.whole.text, result.employed.part.text) == ("10", "5")

    def test_paused_steps_count_and_planned_ones_do_not(self, unit, worker):
        """A paused step is a client in IPS; a step still planned (not begun, though its
        start day has come) is not, nor is one that starts after the period."""
        clients = make_clients(worker, 10)
        for client in clients[:5]:
            self._ips(client, worker, status=StepStatus.PAUSED, paused_on=TODAY - days(40))
        for client in clients[5:]:
            self._ips(client, worker)
        for client in clients[:5]:
            self._job(client, worker, client.pathway_steps.get())
        for client in make_clients(worker, 5):
            self._ips(client, worker, start_on=TODAY - days(5), status=StepStatus.PLANNED)
        for client in make_clients(worker, 5):
            self._ips(client, worker, start_on=TODAY + days(5))
        result = ips_employment(scope(unit), PERIOD, unit.organisation)
        assert (result.employed.whole.text, result.employed.part.text) == ("10", "5")

    def test_an_ips_step_cancelled_before_it_started_is_not_ips(self, unit, worker):
        clients = make_clients(worker, 10)
        for client in clients:
            self._ips(client, worker)
        for client in make_clients(worker, 5):
            start = TODAY - days(60)
            step = self._ips(
                client,
                worker,
                start_on=start,
                status=StepStatus.ENDED,
                ended_on=start,
                end_reason="cancelled",
                cancellation_reason="Asiakas muutti pois.",
            )
            self._job(client, worker, step)
        for client in clients[:5]:
            self._job(client, worker, None)
        result = ips_employment(scope(unit), PERIOD, unit.organisation)
        assert (result.employed.whole.text, result.employed.part.text) == ("10", "5")

    def test_a_job_cancelled_before_it_began_is_no_employment(self, unit, worker):
        """A job agreed that fell through (cancelled before its start day, which has since
        passed) counts nowhere; a job that ended within the period counts, as it overlaps it."""
        clients = make_clients(worker, 10)
        for client in clients:
            step = self._ips(client, worker)
            self._job(
                client,
                worker,
                step,
                started_on=TODAY - days(10),
                cancelled_at=aware(TODAY - days(20)),
                cancelled_by=worker,
                cancellation_reason="Työnantaja perui työpaikan.",
            )
        for client in clients[:5]:
            self._job(
                client,
                worker,
                client.pathway_steps.get(),
                started_on=TODAY - days(90),
                ended_on=TODAY - days(30),
                end_reason="resigned",
            )
        result = ips_employment(scope(unit), PERIOD, unit.organisation)
        assert (result.employed.whole.text, result.employed.part.text) == ("10", "5")

    def test_few_employed_hide_the_share_but_not_the_target(self, unit, worker):
        clients = make_clients(worker, 9)
        for client in clients:
            step = self._ips(client, worker)
        self._job(clients[0], worker, step)
        result = ips_employment(scope(unit), PERIOD, unit.organisation)
        assert result.employed.whole.text == "9"
        assert result.employed.share.hidden
        assert result.assessment == ""
        assert result.target_min == 50


def test_nothing_of_another_organisation_is_counted(unit, worker, outsider):
    other_unit = UnitFactory()
    assert other_unit.organisation_id != unit.organisation_id
    mine = make_clients(worker, 10)
    for client in mine[:5]:
        ConsentFactory(client=client)
    for client in make_clients(outsider, 8):
        ConsentFactory(client=client)
        make_plan(client, outsider, next_review_on=TODAY - days(1))
    situation = current_situation(scope(unit))
    assert situation.active.text == "10"
    assert situation.consent_coverage.part.text == "5"
    assert situation.overdue_reviews.whole.text == "alle 5"


@pytest.mark.parametrize(
    ("employed", "clients", "assessment"),
    [(5, 20, "alle tavoitteen"), (10, 16, "tavoitteessa"), (15, 20, "yli tavoitteen"), (8, 10, "")],
)
def test_the_share_employed_is_judged_against_the_target(employed, clients, assessment):
    ips = IpsEmployment(employed=split(employed, clients), target_min=50, target_max=70)
    assert ips.assessment == assessment
    assert ips.target_text == "50–70 %"


@pytest.mark.parametrize(
    ("employed", "clients", "shown", "assessment"),
    [
        (63, 127, "50 %", "tavoitteessa"),  # 49.6 %
        (99, 200, "50 %", "tavoitteessa"),  # 49.5 %
        (98, 200, "49 %", "alle tavoitteen"),
        (352, 500, "70 %", "tavoitteessa"),  # 70.4 %
        (141, 200, "71 %", "yli tavoitteen"),  # 70.5 %
    ],
)
def test_the_share_employed_is_judged_as_it_is_shown(employed, clients, shown, assessment):
    """The report reads "50 % (alle tavoitteen)" nowhere: the share is judged in the whole
    percent it is shown in, not in the decimals behind it."""
    ips = IpsEmployment(employed=split(employed, clients), target_min=50, target_max=70)
    assert ips.employed.share.text == shown
    assert ips.assessment == assessment


def test_a_target_without_an_upper_limit():
    ips = IpsEmployment(employed=split(6, 10), target_min=50, target_max=None)
    assert ips.target_text == "vähintään 50 %"
    assert IpsEmployment(employed=split(6, 10), target_min=None, target_max=None).target_text == ""
