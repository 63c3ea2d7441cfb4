"""A rehabilitative work activity period whose review decided to continue ended into its next
period, still only planned; then the client moves away, dies or the client relationship
ends. The next period is cancelled because the client's services end altogether: the ended
period then has no follow-on but that reason and an outcome, and it is not held to the
review decision's new period (the decision stays as recorded: it was the decision then).
Without such a reason, continuing still needs a new period of the service."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from clients import actions as client_actions
from clients.factories import make_plan
from pathways import actions
from pathways.models import EndReason, PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.test_step_rules import plan_rehab, service

REASON = "Asiakas muuttaa Espooseen."
CONTINUING = "suunnittele uusi kuntouttavan työtoiminnan jakso"


def end_into(period, worker, next_step, decision):
    actions.end_step(
        step=period,
        ended_by=worker,
        ended_on=period.planned_end_on,
        end_reason="completed",
        next_step=next_step,
        review_decision=decision,
    )
    period.refresh_from_db()
    return period


@pytest.fixture
def period(worker, client_of, today):
    """A work activity period (with its work coaching) ending today."""
    return plan_rehab(
        worker, client_of(), today - datetime.timedelta(days=150), planned_end_on=today
    )


@pytest.fixture
def continued(worker, period, today):
    """The period ended today with the review decision to continue, into a next period that
    starts tomorrow on the plan renewed at the review."""
    renewed = make_plan(period.client, worker, plan_type="activation_plan")
    next_period = plan_rehab(
        worker, period.client, today + datetime.timedelta(days=1), plan=renewed
    )
    return end_into(period, worker, next_period, "continue")


def cancel(step, worker, **fields):
    return actions.cancel_step(step=step, cancelled_by=worker, reason=REASON, **fields)


@pytest.mark.parametrize("reason", ["moved_away", "died", "relationship_ended"])
def test_the_next_period_is_cancelled_as_the_clients_services_end(continued, worker, today, reason):
    next_period = continued.next_step
    cancelled = cancel(next_period, worker, services_end_reason=reason, exit_outcome="moved_away")
    next_period.refresh_from_db()
    continued.refresh_from_db()
    assert (next_period.status, next_period.end_reason) == (StepStatus.ENDED, EndReason.CANCELLED)
    assert (
        continued.status,
        continued.ended_on,
        continued.next_step,
        continued.end_reason,
        continued.exit_outcome,
        continued.review_decision,
    ) == (StepStatus.ENDED, today, None, reason, "moved_away", "continue")
    assert continued in cancelled.follow_on_replaced
    entry = AccessLogEntry.objects.get(
        action="pathways.step.follow_on_replaced", object_id=str(continued.pk)
    )
    assert reason in entry.detail and "moved_away" in entry.detail


def test_the_client_can_then_be_closed(continued, worker, today):
    client_ = continued.client
    with pytest.raises(ValidationError):
        client_actions.close_client(
            client=client_, closed_by=worker, closed_on=today, reason="Muutti Espooseen."
        )
    cancel(continued.next_step, worker, services_end_reason="moved_away", exit_outcome="moved_away")
    assert not PathwayStep.objects.open().filter(client=client_).exists()
    closed = client_actions.close_client(
        client=client_, closed_by=worker, closed_on=today, reason="Muutti Espooseen."
    )
    assert closed.closed_on == today


def test_without_a_services_end_continuing_still_needs_a_new_period(continued, worker):
    next_period = continued.next_step
    with pytest.raises(ValidationError) as refused:
        cancel(next_period, worker, exit_outcome="moved_away")
    assert CONTINUING in " ".join(refused.value.message_dict["exit_outcome"])
    next_period.refresh_from_db()
    continued.refresh_from_db()
    assert next_period.status == StepStatus.PLANNED
    assert (continued.next_step, continued.end_reason) == (next_period, "completed")


def test_a_move_into_another_service_ends_so_too(period, worker, today):
    """Moving needs another service's step or the outcome "moved to another service": not
    when the client's services end before that step begins."""
    studies = actions.plan_step(
        client=period.client,
        planned_by=worker,
        service_type=service("education"),
        start_on=today + datetime.timedelta(days=1),
    )
    moved = end_into(period, worker, studies, "move")
    cancel(studies, worker, services_end_reason="died", exit_outcome="died")
    moved.refresh_from_db()
    assert (moved.next_step, moved.end_reason, moved.exit_outcome, moved.review_decision) == (
        None,
        "died",
        "died",
        "move",
    )


def test_a_period_ending_as_the_services_end_still_records_its_review_decision(
    period, worker, today
):
    """Ended at once for such a reason: the decision of the review stays whatever it was,
    but there is one."""
    ending = {
        "step": period,
        "ended_by": worker,
        "ended_on": today,
        "end_reason": "moved_away",
        "exit_outcome": "moved_away",
    }
    with pytest.raises(ValidationError) as refused:
        actions.end_step(**ending)
    assert "review_decision" in refused.value.message_dict
    ended = actions.end_step(**ending, review_decision="continue")
    assert (ended.status, ended.next_step, ended.review_decision) == (
        StepStatus.ENDED,
        None,
        "continue",
    )


def test_through_the_cancel_form_on_the_step_page(client, continued, worker):
    next_period = continued.next_step
    login(client, worker)
    step_page = client.get(
        f"/clients/{next_period.client.uuid}/steps/{next_period.pk}/"
    ).content.decode()
    url = f"/clients/{next_period.client.uuid}/steps/{next_period.pk}/cancel/"
    assert f'href="{url}"' in step_page
    page = client.get(url).content.decode()
    assert 'name="services_end_reason"' in page

    response = client.post(url, {"reason": REASON, "exit_outcome": "moved_away"})

    assert response.status_code == 200
    assert "eikä se voi päättyä ilman jatkopolkua" in field_errors(
        response.content.decode(), "next_step"
    )
    next_period.refresh_from_db()
    assert next_period.status == StepStatus.PLANNED

    response = client.post(
        url,
        {"reason": REASON, "services_end_reason": "moved_away", "exit_outcome": "moved_away"},
        follow=True,
    )

    page = response.content.decode()
    assert "Palvelujakso peruttu." in page
    assert "Asiakkaan palvelut päättyvät: päätä tai peru asiakkaan muut jaksot" in page
    continued.refresh_from_db()
    next_period.refresh_from_db()
    assert next_period.end_reason == EndReason.CANCELLED
    assert (
        continued.next_step,
        continued.end_reason,
        continued.exit_outcome,
        continued.review_decision,
    ) == (None, "moved_away", "moved_away", "continue")
    ended_page = client.get(
        f"/clients/{continued.client.uuid}/steps/{continued.pk}/"
    ).content.decode()
    assert "Jatketaan uudella jaksolla ja suunnitelmalla" in ended_page
    assert "Asiakas muutti toiseen kuntaan" in ended_page
