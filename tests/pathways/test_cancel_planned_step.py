"""A planned step that has not started can be cancelled, with the reason why: it stays on the
pathway as cancelled (peruttu), ended on its start date without a follow-on or an outcome,
its dates free for another step of the service; the companion planned with it is cancelled
with it. A step that started is ended instead, and a step another one needs is cancelled
only after that one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AccessLogEntry
from clients.models import CareTeamMembership, TeamRole
from pathways import actions
from pathways.factories import make_step
from pathways.models import Attendance, EndReason, PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.test_history import assert_by, last_event
from tests.pathways.test_step_rules import rehab_fields, service

REASON = "Asiakas aloittaa opinnot elokuussa, eikä jaksoa tarvita."


@pytest.fixture
def start(today):
    return today + datetime.timedelta(days=14)


@pytest.fixture
def planned(worker, coach, client_of, start):
    """Rehabilitative work activity with its work coaching, planned to start in two weeks."""
    return actions.plan_step(
        client=client_of(), planned_by=worker, coach=coach, **rehab_fields(start)
    )


def coaching_of(client):
    return PathwayStep.objects.get(client=client, service_type__code="work_coaching")


def test_a_planned_step_in_the_future_cannot_be_ended(worker, planned, start):
    """Why cancelling is needed: ending refuses a future date, and one before the start."""
    for day in (start, start - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            actions.end_step(
                step=planned,
                ended_by=worker,
                ended_on=day,
                end_reason="other",
                exit_outcome="other_service",
                review_decision="exit",
            )


def test_the_worker_cancels_a_planned_step_with_its_reason(client, worker, coach, planned, start):
    login(client, worker)
    base = f"/clients/{planned.client.uuid}"
    page = client.get(f"{base}/steps/{planned.pk}/").content.decode()
    assert f"/steps/{planned.pk}/cancel/" in page
    url = f"{base}/steps/{planned.pk}/cancel/"
    assert "Peru jakso" in client.get(url).content.decode()

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "reason")
    planned.refresh_from_db()
    assert planned.status == StepStatus.PLANNED

    response = client.post(url, {"reason": REASON}, follow=True)

    assert response.redirect_chain[-1][0] == f"{base}/"
    page = response.content.decode()
    assert "Palvelujakso peruttu." in page
    assert "Samalla peruttiin: Työvalmennus." in page
    coaching = coaching_of(planned.client)
    for step in (planned, coaching):
        step.refresh_from_db()
        assert (
            step.status,
            step.ended_on,
            step.end_reason,
            step.cancellation_reason,
            step.next_step,
            step.exit_outcome,
        ) == (StepStatus.ENDED, start, EndReason.CANCELLED, REASON, None, "")
        assert AccessLogEntry.objects.filter(
            action="pathways.step.cancelled", object_id=str(step.pk), actor=worker
        ).exists()
        assert_by(last_event(PathwayStep, step), worker, "pathways.step.cancelled")
    # The pathway shows both as cancelled, with the reason.
    assert page.count("Peruttu") >= 2 and REASON in page
    assert "Kuntouttava työtoiminta (peruttu)" in page
    step_page = client.get(f"{base}/steps/{planned.pk}/").content.decode()
    assert "Peruttu" in step_page and REASON in step_page
    assert f"/steps/{planned.pk}/cancel/" not in step_page
    assert f"/steps/{planned.pk}/end/" not in step_page
    assert client.get(url).status_code == 404
    # The coach has no open step of the client left: their coaching membership ends.
    assert (
        not CareTeamMembership.objects.current()
        .filter(client=planned.client, user=coach, role=TeamRole.COACH)
        .exists()
    )


def test_the_dates_of_a_cancelled_step_are_free_for_another(worker, planned, start):
    actions.cancel_step(step=planned, cancelled_by=worker, reason=REASON)
    again = actions.plan_step(client=planned.client, planned_by=worker, **rehab_fields(start))
    assert again.status == StepStatus.PLANNED
    assert coaching_of_open(planned.client).start_on == start


def coaching_of_open(client):
    return PathwayStep.objects.open().get(client=client, service_type__code="work_coaching")


def test_a_running_step_whose_follow_on_it_was_has_none_again(worker, client_of, today):
    running = actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("education"),
        start_on=today - datetime.timedelta(days=30),
        planned_end_on=today + datetime.timedelta(days=10),
    )
    follow_on = actions.plan_step(
        client=running.client,
        planned_by=worker,
        follows=running,
        service_type=service("volunteering"),
        start_on=today + datetime.timedelta(days=11),
    )
    actions.cancel_step(step=follow_on, cancelled_by=worker, reason=REASON)
    running.refresh_from_db()
    assert running.next_step is None and running.status == StepStatus.ACTIVE


def test_a_started_step_is_ended_not_cancelled(client, worker, client_of, today):
    running = make_step(client_of(), "education", created_by=worker, start_on=today)
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(step=running, cancelled_by=worker, reason=REASON)
    assert "Alkanut jakso päätetään" in " ".join(refused.value.messages)
    login(client, worker)
    assert client.get(f"/clients/{running.client.uuid}/steps/{running.pk}/cancel/").status_code == (
        404
    )
    running.refresh_from_db()
    assert running.status == StepStatus.ACTIVE and not running.end_reason


def test_a_step_with_attendance_recorded_has_started(worker, client_of, today):
    """Planned, but its first days were recorded: it is ended, not cancelled."""
    step = make_step(
        client_of(),
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=2),
        status=StepStatus.PLANNED,
    )
    Attendance.objects.create(
        step=step, day=step.start_on, present=True, hours=Decimal(5), recorded_by=worker
    )
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(step=step, cancelled_by=worker, reason=REASON)
    assert "läsnäoloja" in " ".join(refused.value.messages)
    step.refresh_from_db()
    assert step.status == StepStatus.PLANNED


def test_a_step_another_needs_alongside_is_cancelled_after_it(worker, planned, start):
    paid = actions.plan_step(
        client=planned.client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=start + datetime.timedelta(days=30),
        planned_end_on=start + datetime.timedelta(days=60),
    )
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(step=planned, cancelled_by=worker, reason=REASON)
    assert "Työtoiminnan täsmätyö (Jobcenter-malli)" in " ".join(refused.value.messages)
    for step in (planned, coaching_of(planned.client), paid):
        step.refresh_from_db()
        assert step.status == StepStatus.PLANNED and not step.end_reason
    # The coaching alone is not cancelled under the work activity that needs it.
    with pytest.raises(ValidationError):
        actions.cancel_step(step=coaching_of(planned.client), cancelled_by=worker, reason=REASON)

    actions.cancel_step(step=paid, cancelled_by=worker, reason=REASON)
    cancelled = actions.cancel_step(step=planned, cancelled_by=worker, reason=REASON)
    assert [s.service_type.code for s in cancelled.cancelled_with] == ["work_coaching"]


def test_the_end_form_does_not_offer_cancelling_and_ending_refuses_it(
    client, worker, client_of, today
):
    step = make_step(client_of(), "education", created_by=worker, start_on=today)
    login(client, worker)
    form = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/end/").content.decode()
    assert 'value="cancelled"' not in form
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason=EndReason.CANCELLED,
            exit_outcome="studies",
        )
    assert "end_reason" in refused.value.message_dict


def test_no_attendance_is_recorded_for_a_cancelled_step(worker, client_of, today):
    step = make_step(
        client_of(),
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=1),
        status=StepStatus.PLANNED,
        days_per_week=3,
        hours_per_day=Decimal(5),
    )
    actions.cancel_step(step=step, cancelled_by=worker, reason=REASON)
    step.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        actions.record_week_attendance(
            step=step,
            recorded_by=worker,
            days={step.start_on: {"present": True, "hours": Decimal(5)}},
        )
    assert "peruttu" in " ".join(refused.value.messages)
    assert not Attendance.objects.filter(step=step).exists()


class TestInvariants:
    def cancelled(self, worker, client, start, **fields):
        return make_step(
            client,
            "education",
            created_by=worker,
            start_on=start,
            status=StepStatus.ENDED,
            **{
                "ended_on": start,
                "end_reason": EndReason.CANCELLED,
                "cancellation_reason": REASON,
                **fields,
            },
        )

    def refused(self, call):
        with (
            pytest.raises(IntegrityError, match="step_cancelled_before_it_started"),
            transaction.atomic(),
        ):
            call()

    def test_a_cancelled_step_ends_on_its_start_date_with_its_reason_and_nothing_after(
        self, worker, client_of, start
    ):
        client = client_of()
        self.cancelled(worker, client, start)
        day = datetime.timedelta(days=1)
        self.refused(lambda: self.cancelled(worker, client, start, ended_on=start + day))
        self.refused(lambda: self.cancelled(worker, client, start, cancellation_reason=""))
        self.refused(lambda: self.cancelled(worker, client, start, exit_outcome="studies"))
        follow_on = make_step(client, "volunteering", created_by=worker, start_on=start)
        self.refused(lambda: self.cancelled(worker, client, start, next_step=follow_on))

    def test_only_a_cancelled_step_has_a_cancellation_reason(self, worker, client_of, today):
        self.refused(
            lambda: make_step(
                client_of(),
                "education",
                created_by=worker,
                start_on=today,
                cancellation_reason=REASON,
            )
        )

    def test_an_ended_step_other_than_cancelled_still_needs_what_follows(
        self, worker, client_of, today
    ):
        with (
            pytest.raises(IntegrityError, match="step_ended_has_reason_and_continuation"),
            transaction.atomic(),
        ):
            make_step(
                client_of(),
                "education",
                created_by=worker,
                start_on=today,
                status=StepStatus.ENDED,
                ended_on=today,
                end_reason="other",
            )

    def test_a_cancelled_step_does_not_hold_its_dates(self, worker, client_of, start):
        client = client_of()
        self.cancelled(worker, client, start, planned_end_on=start + datetime.timedelta(days=90))
        make_step(client, "education", created_by=worker, start_on=start)
