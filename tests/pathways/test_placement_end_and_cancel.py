"""A job or studies recorded as a placement ends on a day with a reason, and one agreed to begin
later that falls through is cancelled before it begins: by the step's coach or the responsible
worker, each with its access-log row and its change history; a cancelled job's in-work support
dated ahead moves to the next job awaited or goes, so the IPS step stays in its phase."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import add_member
from clients.models import TeamRole
from pathways import actions
from pathways.models import IpsPhaseChange, Placement
from services.models import ServiceType
from tests.conftest import field_errors, login

DAY = datetime.timedelta(days=1)
NO_JOB = "Työnantaja perui työpaikan."


def logged(client_, action) -> int:
    return AccessLogEntry.objects.filter(client_id=client_.uuid, action=action).count()


def events(model, pk):
    return model.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")


def d(day) -> str:
    return f"{day.day}.{day.month}.{day.year}"


@pytest.fixture
def ips(ips_step):
    return ips_step(ips_phase="job_search")


def job(step, recorded_by, started_on, employer="Kahvila Kulma", kind="open_market_job"):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=recorded_by,
        kind=kind,
        organisation_name=employer,
        weekly_hours=None if kind == "studies" else Decimal(20),
        started_on=started_on,
    )


def placement_url(client_, step, placement, what):
    return f"/clients/{client_.uuid}/steps/{step.pk}/placements/{placement.pk}/{what}/"


def phases(step):
    return list(step.phase_changes.values_list("phase", "entered_on"))


class TestEndingAJob:
    def test_the_coach_records_the_end_with_its_reason(self, ips, job_coach, today):
        client_, step = ips
        placement = job(step, job_coach, today - 20 * DAY)
        ended = actions.end_placement(
            placement=placement, ended_by=job_coach, ended_on=today - DAY, end_reason="resigned"
        )
        placement.refresh_from_db()
        assert (placement.ended_on, placement.end_reason) == (today - DAY, "resigned")
        assert ended.ended_on == today - DAY
        entry = AccessLogEntry.objects.get(
            client_id=client_.uuid, action="pathways.placement.ended"
        )
        assert (entry.actor_id, entry.detail) == (job_coach.pk, "resigned")
        event = events(Placement, placement.pk).last()
        assert (event.ended_on, event.end_reason) == (today - DAY, "resigned")
        assert event.pgh_context.metadata["user"] == job_coach.pk
        assert event.pgh_context.metadata["action"] == "pathways.placement.ended"

    def test_the_ips_phase_does_not_change_with_the_end(self, ips, job_coach, today):
        """The coach records what follows (back to job search, say): the step stays in in-work
        support until then."""
        _client, step = ips
        placement = job(step, job_coach, today - 20 * DAY)
        before = phases(step)
        actions.end_placement(
            placement=placement, ended_by=job_coach, ended_on=today, end_reason="fixed_term"
        )
        assert phases(step) == before
        assert step.ips_phase_on(today) == "in_work_support"

    @pytest.mark.parametrize(
        ("offset", "reason", "field", "message"),
        [
            (1, "resigned", "ended_on", "Päättyminen kirjataan päättymispäivänä tai sen jälkeen."),
            (-21, "resigned", "ended_on", "Päättymispäivä ei voi olla ennen alkamispäivää"),
            (0, "", "end_reason", "Valitse päättymisen syy."),
            (0, "cancelled", "end_reason", "Valitse päättymisen syy."),
        ],
    )
    def test_a_day_in_the_future_or_before_the_start_or_no_reason_is_refused(
        self, ips, job_coach, today, offset, reason, field, message
    ):
        client_, step = ips
        started_on = today - 20 * DAY
        placement = job(step, job_coach, started_on)
        with pytest.raises(ValidationError) as error:
            actions.end_placement(
                placement=placement,
                ended_by=job_coach,
                ended_on=today + offset * DAY,
                end_reason=reason,
            )
        assert list(error.value.error_dict) == [field]
        assert message in error.value.message_dict[field][0]
        placement.refresh_from_db()
        assert (placement.ended_on, placement.end_reason) == (None, "")
        assert logged(client_, "pathways.placement.ended") == 0

    def test_the_day_it_began_and_today_are_accepted(self, ips, job_coach, today):
        _client, step = ips
        first = job(step, job_coach, today - 5 * DAY)
        actions.end_placement(
            placement=first, ended_by=job_coach, ended_on=today - 5 * DAY, end_reason="other"
        )
        second = job(step, job_coach, today, employer="Leipomo Lämmin")
        actions.end_placement(
            placement=second, ended_by=job_coach, ended_on=today, end_reason="dismissed"
        )
        assert Placement.objects.filter(ended_on__isnull=False).count() == 2

    def test_one_not_begun_ended_or_cancelled_is_refused(self, ips, job_coach, today):
        _client, step = ips
        later = job(step, job_coach, today + 5 * DAY)
        with pytest.raises(ValidationError, match="eivät ole alkaneet"):
            actions.end_placement(
                placement=later, ended_by=job_coach, ended_on=today, end_reason="other"
            )
        actions.cancel_placement(placement=later, cancelled_by=job_coach, reason=NO_JOB)
        with pytest.raises(ValidationError, match="on peruttu ennen alkua"):
            actions.end_placement(
                placement=later, ended_by=job_coach, ended_on=today, end_reason="other"
            )
        begun = job(step, job_coach, today - 5 * DAY)
        actions.end_placement(
            placement=begun, ended_by=job_coach, ended_on=today - DAY, end_reason="other"
        )
        with pytest.raises(ValidationError, match="on jo kirjattu"):
            actions.end_placement(
                placement=begun, ended_by=job_coach, ended_on=today, end_reason="resigned"
            )
        begun.refresh_from_db()
        assert (begun.ended_on, begun.end_reason) == (today - DAY, "other")

    def test_a_job_may_end_after_the_step_ended(self, ips, job_coach, worker, today):
        """A job found in supported employment goes on when the step ends; the responsible
        worker records its end later (the job coach's access ended with the step)."""
        _client, step = ips
        placement = job(step, job_coach, today - 20 * DAY)
        actions.end_step(
            step=step,
            ended_by=job_coach,
            ended_on=today - 10 * DAY,
            end_reason="goal_reached",
            exit_outcome="open_market_job",
        )
        actions.end_placement(
            placement=placement, ended_by=worker, ended_on=today - DAY, end_reason="fixed_term"
        )
        placement.refresh_from_db()
        assert placement.ended_on == today - DAY


class TestCancellingAJobThatHasNotBegun:
    def test_the_awaited_in_work_support_goes_and_the_step_stays_in_its_phase(
        self, ips, job_coach, worker, today
    ):
        client_, step = ips
        begins = today + 10 * DAY
        placement = job(step, job_coach, begins)
        awaited = step.phase_changes.get()
        assert step.ips_phase_on(begins) == "in_work_support"
        actions.cancel_placement(placement=placement, cancelled_by=worker, reason=NO_JOB)
        placement.refresh_from_db()
        assert placement.is_cancelled
        assert (placement.cancelled_by, placement.cancellation_reason) == (worker, NO_JOB)
        assert not step.phase_changes.exists()
        assert step.ips_phase_on(begins) == "job_search"
        entry = AccessLogEntry.objects.get(
            client_id=client_.uuid, action="pathways.placement.cancelled"
        )
        assert (entry.actor_id, entry.detail) == (worker.pk, "open_market_job")
        # The history keeps the placement's cancellation and the change's removal.
        event = events(Placement, placement.pk).last()
        assert event.cancelled_by_id == worker.pk
        assert event.pgh_context.metadata["action"] == "pathways.placement.cancelled"
        removed = events(IpsPhaseChange, awaited.pk).last()
        assert (removed.pgh_label, removed.entered_on) == ("delete", begins)
        assert removed.pgh_context.metadata["user"] == worker.pk
        assert removed.pgh_context.metadata["action"] == "pathways.placement.cancelled"

    def test_the_awaited_support_moves_to_the_next_job_awaited(self, ips, job_coach, worker, today):
        _client, step = ips
        first = job(step, job_coach, today + 5 * DAY)
        job(step, job_coach, today + 20 * DAY, employer="Leipomo Lämmin")
        assert phases(step) == [("in_work_support", today + 5 * DAY)]
        actions.cancel_placement(placement=first, cancelled_by=worker, reason=NO_JOB)
        change = step.phase_changes.get()
        assert (change.entered_on, change.recorded_by) == (today + 20 * DAY, worker)
        assert step.ips_phase_on(today + 19 * DAY) == "job_search"
        assert step.ips_phase_on(today + 20 * DAY) == "in_work_support"

    def test_a_later_job_cancelled_leaves_the_earlier_ones_support(self, ips, job_coach, today):
        _client, step = ips
        job(step, job_coach, today + 5 * DAY)
        later = job(step, job_coach, today + 20 * DAY, employer="Leipomo Lämmin")
        actions.cancel_placement(placement=later, cancelled_by=job_coach, reason=NO_JOB)
        assert phases(step) == [("in_work_support", today + 5 * DAY)]

    def test_a_job_awaited_while_another_has_begun_leaves_the_phase(self, ips, job_coach, today):
        """In in-work support already (a job began): the later job awaited nothing to cancel."""
        _client, step = ips
        job(step, job_coach, today - 5 * DAY)
        later = job(step, job_coach, today + 5 * DAY, employer="Leipomo Lämmin")
        before = phases(step)
        actions.cancel_placement(placement=later, cancelled_by=job_coach, reason=NO_JOB)
        assert phases(step) == before == [("in_work_support", today - 5 * DAY)]

    def test_studies_and_jobs_of_other_services_touch_no_phase(
        self, ips, job_coach, worker, client_of, today
    ):
        _client, step = ips
        awaited = job(step, job_coach, today + 10 * DAY)
        studies = job(step, job_coach, today + 10 * DAY, employer="Stadin AO", kind="studies")
        actions.cancel_placement(placement=studies, cancelled_by=job_coach, reason=NO_JOB)
        assert phases(step) == [("in_work_support", today + 10 * DAY)]
        assert not awaited.is_cancelled

    def test_one_that_has_begun_or_is_cancelled_is_refused(self, ips, job_coach, today):
        client_, step = ips
        begun = job(step, job_coach, today)
        with pytest.raises(ValidationError, match="ovat jo alkaneet"):
            actions.cancel_placement(placement=begun, cancelled_by=job_coach, reason=NO_JOB)
        later = job(step, job_coach, today + DAY, employer="Leipomo Lämmin")
        actions.cancel_placement(placement=later, cancelled_by=job_coach, reason=NO_JOB)
        with pytest.raises(ValidationError, match="on jo peruttu"):
            actions.cancel_placement(placement=later, cancelled_by=job_coach, reason=NO_JOB)
        assert not Placement.objects.get(pk=begun.pk).is_cancelled
        assert logged(client_, "pathways.placement.cancelled") == 1

    def test_a_reason_is_needed(self, ips, job_coach, today):
        client_, step = ips
        later = job(step, job_coach, today + 5 * DAY)
        for reason in ("", "  ", "x" * 301):
            with pytest.raises(ValidationError) as error:
                actions.cancel_placement(placement=later, cancelled_by=job_coach, reason=reason)
            assert list(error.value.error_dict) == ["reason"]
        assert not Placement.objects.get(pk=later.pk).is_cancelled
        assert phases(step) == [("in_work_support", today + 5 * DAY)]
        assert logged(client_, "pathways.placement.cancelled") == 0

    def test_a_cancelled_job_is_no_job_start_when_its_day_comes(
        self, ips, job_coach, today, time_machine
    ):
        """In-work support is given once a job has begun: a job cancelled never began."""
        _client, step = ips
        begins = today + 3 * DAY
        placement = job(step, job_coach, begins)
        actions.cancel_placement(placement=placement, cancelled_by=job_coach, reason=NO_JOB)
        time_machine.move_to(datetime.datetime.combine(begins + DAY, datetime.time(12)))
        with pytest.raises(ValidationError, match="Kirjaa ensin työllistyminen"):
            actions.add_in_work_support(
                step=step, recorded_by=job_coach, supported_on=begins, note="Käynti"
            )
        assert step.ips_phase_on(begins + DAY) == "job_search"

    def test_a_new_job_after_a_cancelled_one_awaits_again(self, ips, job_coach, today):
        _client, step = ips
        placement = job(step, job_coach, today + 10 * DAY)
        actions.cancel_placement(placement=placement, cancelled_by=job_coach, reason=NO_JOB)
        job(step, job_coach, today + 15 * DAY, employer="Leipomo Lämmin")
        assert phases(step) == [("in_work_support", today + 15 * DAY)]


class TestTheDatabaseHoldsTheInvariants:
    def fields(self, worker, client_of, today):
        return {
            "client": client_of(),
            "kind": "open_market_job",
            "organisation_name": "Kahvila Kulma",
            "weekly_hours": Decimal(20),
            "started_on": today,
            "recorded_by": worker,
        }

    def test_a_reason_only_with_an_end_and_a_known_one(self, worker, client_of, today):
        fields = self.fields(worker, client_of, today)
        with (
            pytest.raises(IntegrityError, match="placement_end_reason_with_end"),
            transaction.atomic(),
        ):
            Placement.objects.create(**fields, end_reason="resigned")
        with (
            pytest.raises(IntegrityError, match="placement_end_reason_known"),
            transaction.atomic(),
        ):
            Placement.objects.create(**fields, ended_on=today, end_reason="cancelled")
        # An end recorded before ends had reasons keeps none.
        Placement.objects.create(**fields, ended_on=today)
        Placement.objects.create(**fields, ended_on=today, end_reason="resigned")

    def test_cancelled_by_someone_for_a_reason_and_never_ended(self, worker, client_of, today):
        fields = self.fields(worker, client_of, today)
        now = datetime.datetime.now(tz=datetime.UTC)
        cancelled = {"cancelled_at": now, "cancelled_by": worker, "cancellation_reason": NO_JOB}
        constraint = "placement_cancelled_by_whom_why_not_ended"
        for bad in (
            {"cancelled_at": now},
            {"cancelled_by": worker},
            {"cancellation_reason": NO_JOB},
            {**cancelled, "cancellation_reason": ""},
            {**cancelled, "ended_on": today},
        ):
            with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
                Placement.objects.create(**fields, **bad)
        Placement.objects.create(**fields, **cancelled)


class TestPages:
    def test_the_step_page_offers_the_end_of_a_begun_job_and_the_cancel_of_a_later_one(
        self, client, ips, job_coach, today
    ):
        client_, step = ips
        begun = job(step, job_coach, today - 5 * DAY)
        later = job(step, job_coach, today + 5 * DAY, employer="Leipomo Lämmin")
        login(client, job_coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert placement_url(client_, step, begun, "end") in page
        assert placement_url(client_, step, begun, "cancel") not in page
        assert placement_url(client_, step, later, "cancel") in page
        assert placement_url(client_, step, later, "end") not in page
        # Each link names its job to a screen reader.
        assert (
            'Kirjaa päättyminen<span class="polku-visually-hidden"> (Kahvila Kulma)</span>' in page
        )
        assert 'Peru<span class="polku-visually-hidden"> (Leipomo Lämmin)</span>' in page

    def test_a_team_member_who_may_not_log_the_step_sees_no_actions(
        self, client, ips, job_coach, worker, today
    ):
        client_, step = ips
        placement = job(step, job_coach, today - 5 * DAY)
        nurse = make_user(Role.HEALTH_PROFESSIONAL, worker.active_assignment.unit)
        add_member(client_, nurse, TeamRole.SOTE_CONTACT)
        login(client, nurse)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert "Kahvila Kulma" in page
        assert placement_url(client_, step, placement, "end") not in page
        assert client.get(placement_url(client_, step, placement, "end")).status_code == 403
        response = client.post(
            placement_url(client_, step, placement, "end"),
            {"ended_on": today.isoformat(), "end_reason": "other"},
        )
        assert response.status_code == 403
        assert Placement.objects.get(pk=placement.pk).ended_on is None

    def test_the_coach_ends_a_job_through_the_page(self, client, ips, job_coach, today):
        client_, step = ips
        placement = job(step, job_coach, today - 30 * DAY)
        url = placement_url(client_, step, placement, "end")
        login(client, job_coach)
        page = client.get(url).content.decode()
        assert f"Työ avoimilla työmarkkinoilla: Kahvila Kulma, alkoi {d(today - 30 * DAY)}." in page
        assert "IPS-vaihe ei muutu työn päättyessä" in page
        assert logged(client_, "pathways.step.viewed") == 1
        response = client.post(
            url, {"ended_on": d(today - 2 * DAY), "end_reason": "fixed_term"}, follow=True
        )
        assert response.redirect_chain[-1][0] == f"/clients/{client_.uuid}/steps/{step.pk}/"
        page = response.content.decode()
        assert "Työn tai opintojen päättyminen kirjattu." in page
        assert "IPS-vaihe ei muutu työn päättyessä." in page
        assert (
            f"{d(today - 30 * DAY)}–{d(today - 2 * DAY)}: Työ avoimilla työmarkkinoilla, "
            "Kahvila Kulma (20 h/vko) – Määräaika päättyi tai opinnot valmistuivat"
        ) in page
        assert url not in page
        assert logged(client_, "pathways.placement.ended") == 1
        # Ended: the page is gone.
        assert client.get(url).status_code == 404

    def test_a_refused_end_shows_next_to_the_field_and_is_logged_as_a_view(
        self, client, ips, job_coach, today
    ):
        client_, step = ips
        placement = job(step, job_coach, today - 30 * DAY)
        login(client, job_coach)
        response = client.post(
            placement_url(client_, step, placement, "end"),
            {"ended_on": d(today + DAY), "end_reason": ""},
        )
        assert response.status_code == 200
        assert field_errors(response.text, "ended_on") == (
            "Päättyminen kirjataan päättymispäivänä tai sen jälkeen."
        )
        assert field_errors(response.text, "end_reason") == "Valitse päättymisen syy."
        assert "autofocus" in response.text  # the error summary takes the focus
        assert logged(client_, "pathways.placement.ended") == 0
        assert logged(client_, "pathways.step.viewed") == 1
        assert Placement.objects.get(pk=placement.pk).ended_on is None

    def test_the_cancel_page_says_what_follows_and_cancels(self, client, ips, job_coach, today):
        client_, step = ips
        begins = today + 10 * DAY
        placement = job(step, job_coach, begins)
        url = placement_url(client_, step, placement, "cancel")
        login(client, job_coach)
        page = client.get(url).content.decode()
        assert f"Kahvila Kulma, sovittu alkamaan {d(begins)}." in page
        assert (
            f"Tuki työssä -vaihe ei ala {d(begins)}: jakso jatkuu vaiheessa Nopea työnhaku." in page
        )
        assert '<button type="submit"' in page
        response = client.post(url, {"reason": "  "})
        assert field_errors(response.text, "reason") == "Tämä kenttä vaaditaan."
        assert logged(client_, "pathways.placement.cancelled") == 0
        response = client.post(url, {"reason": NO_JOB}, follow=True)
        assert response.redirect_chain[-1][0] == f"/clients/{client_.uuid}/steps/{step.pk}/"
        page = response.content.decode()
        assert "Työ tai opinnot peruttu." in page
        assert f"Kahvila Kulma (20 h/vko) – Peruttu ennen alkua: {NO_JOB}" in page
        assert url not in page
        assert "kun työ alkaa" not in page
        assert logged(client_, "pathways.placement.cancelled") == 1
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": NO_JOB}).status_code == 404

    def test_the_cancel_page_names_the_next_job_awaited(self, client, ips, job_coach, today):
        client_, step = ips
        placement = job(step, job_coach, today + 5 * DAY)
        job(step, job_coach, today + 20 * DAY, employer="Leipomo Lämmin")
        login(client, job_coach)
        page = client.get(placement_url(client_, step, placement, "cancel")).content.decode()
        assert (
            f"Tuki työssä -vaihe alkaa silloin, kun seuraava sovittu työ alkaa {d(today + 20 * DAY)}."
        ) in page

    def test_no_end_page_before_the_start_and_no_cancel_page_after_it(
        self, client, ips, job_coach, today
    ):
        client_, step = ips
        begun = job(step, job_coach, today)
        later = job(step, job_coach, today + DAY, employer="Leipomo Lämmin")
        login(client, job_coach)
        assert client.get(placement_url(client_, step, begun, "cancel")).status_code == 404
        assert client.get(placement_url(client_, step, later, "end")).status_code == 404
        # Posted from a page opened the day before its start: the refusal shows on the page.
        response = client.post(placement_url(client_, step, begun, "cancel"), {"reason": NO_JOB})
        assert response.status_code == 200
        assert "ovat jo alkaneet" in response.text
        assert not Placement.objects.get(pk=begun.pk).is_cancelled
        assert logged(client_, "pathways.placement.cancelled") == 0

    def test_a_placement_of_another_step_or_client_answers_404(
        self, client, ips, ips_step, job_coach, worker, client_of, today
    ):
        """IDOR: the placement must be of the step, and the step of the client, in the address."""
        client_, step = ips
        other_step = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="work_trial"),
            start_on=today - 10 * DAY,
            coach=job_coach,
        )
        of_other_step = job(other_step, job_coach, today - 5 * DAY)
        other_client, their_step = ips_step()
        theirs = job(their_step, job_coach, today - 5 * DAY)
        theirs_later = job(their_step, job_coach, today + 5 * DAY)
        login(client, job_coach)
        for placement, what in [(of_other_step, "end"), (theirs, "end"), (theirs_later, "cancel")]:
            url = placement_url(client_, step, placement, what)
            assert client.get(url).status_code == 404, url
            assert (
                client.post(url, {"ended_on": d(today), "end_reason": "other"}).status_code == 404
            )
        # Their placement under their step but this client's address.
        url = f"/clients/{client_.uuid}/steps/{their_step.pk}/placements/{theirs.pk}/end/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"ended_on": d(today), "end_reason": "other"}).status_code == 404
        assert not Placement.objects.filter(ended_on__isnull=False).exists()
        assert not Placement.objects.filter(cancelled_at__isnull=False).exists()
        assert logged(client_, "pathways.step.viewed") == 0
        assert logged(other_client, "pathways.step.viewed") == 0


@pytest.mark.parametrize("count", [3, 30])
def test_the_step_page_query_count_does_not_grow_with_placements(
    client, worker, client_of, job_coach, today, count
):
    queries = {}
    for size in (3, count):
        client_ = client_of()
        step = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="supported_employment"),
            start_on=today - 400 * DAY,
            coach=job_coach,
        )
        for index in range(size):
            placement = job(
                step, job_coach, today - (index + 1) * 10 * DAY, employer=f"Työ {index}"
            )
            if index % 3 == 1:
                actions.end_placement(
                    placement=placement, ended_by=job_coach, ended_on=today, end_reason="other"
                )
        cancelled = job(step, job_coach, today + 5 * DAY, employer="Peruttu työ")
        actions.cancel_placement(placement=cancelled, cancelled_by=job_coach, reason=NO_JOB)
        job(step, job_coach, today + 6 * DAY, employer="Tuleva työ")
        login(client, job_coach)
        client.get("/")
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        # Every begun job not ended offers its end; the one awaited its cancel.
        assert len(re.findall(r"/placements/\d+/end/", page)) == size - size // 3
        assert len(re.findall(r"/placements/\d+/cancel/", page)) == 1
        assert page.count("– Peruttu ennen alkua") == 1
        queries[size] = len(context.captured_queries)
    assert queries[3] == queries[count]
