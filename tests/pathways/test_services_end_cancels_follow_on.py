"""A Jobcenter period that ended into a follow-on step still only planned: when the client
then moves away, dies or the client relationship ends, the follow-on is cancelled because
the client's services end altogether. The ended period then has no follow-on but that reason
and an outcome (the one way a Jobcenter period loses its follow-on), logged, its old values
kept in its history; and the client can be closed. Without such a reason the follow-on is
still cancelled only with another next step."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from clients import actions as client_actions
from pathways import actions
from pathways.models import EndReason, PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.conftest import save_contract
from tests.pathways.test_history import assert_by, last_event
from tests.pathways.test_step_rules import service

REASON = "Asiakas muuttaa Espooseen."


@pytest.fixture
def ended(jobcenter_period, worker, today):
    """A Jobcenter period, run alongside work activity with work coaching (its contract
    recorded), ended into an education period planned to start in ten days, after the work
    activity ends (studies may not run alongside it)."""
    jobcenter = jobcenter_period(today - datetime.timedelta(days=30), today, work_activity=(-90, 5))
    save_contract(jobcenter, worker, jobcenter.start_on, today)
    follow_on = actions.plan_step(
        client=jobcenter.client,
        planned_by=worker,
        follows=jobcenter,
        service_type=service("education"),
        start_on=today + datetime.timedelta(days=10),
    )
    actions.end_step(
        step=jobcenter,
        ended_by=worker,
        ended_on=today,
        end_reason="completed",
        next_step=follow_on,
    )
    jobcenter.refresh_from_db()
    return jobcenter


def cancel_url(step):
    return f"/clients/{step.client.uuid}/steps/{step.next_step_id}/cancel/"


@pytest.mark.parametrize("reason", ["moved_away", "died", "relationship_ended"])
def test_the_follow_on_is_cancelled_as_the_clients_services_end(ended, worker, today, reason):
    follow_on = ended.next_step
    cancelled = actions.cancel_step(
        step=follow_on,
        cancelled_by=worker,
        reason=REASON,
        services_end_reason=reason,
        exit_outcome="moved_away",
    )
    follow_on.refresh_from_db()
    ended.refresh_from_db()
    assert (follow_on.status, follow_on.end_reason) == (StepStatus.ENDED, EndReason.CANCELLED)
    assert (
        ended.status,
        ended.ended_on,
        ended.next_step,
        ended.end_reason,
        ended.exit_outcome,
    ) == (
        StepStatus.ENDED,
        today,
        None,
        reason,
        "moved_away",
    )
    assert cancelled.follow_on_replaced == [ended]
    entry = AccessLogEntry.objects.get(
        action="pathways.step.follow_on_replaced", object_id=str(ended.pk)
    )
    assert entry.actor == worker
    assert reason in entry.detail and "moved_away" in entry.detail
    # The history keeps what the period ended with before, and who changed it.
    assert_by(last_event(PathwayStep, ended), worker, "pathways.step.cancelled")
    before = PathwayStep.pgh_event_model.objects.filter(pgh_obj=ended).order_by("pgh_id")
    assert (before[len(before) - 2].end_reason, before[len(before) - 2].next_step_id) == (
        "completed",
        follow_on.pk,
    )


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"services_end_reason": "died"}, "exit_outcome", "Valitse päättyneelle jaksolle tulos"),
        (
            {"services_end_reason": "completed", "exit_outcome": "pension"},
            "services_end_reason",
            "",
        ),
        (
            {"services_end_reason": "died", "exit_outcome": "died", "next_step": "later"},
            "next_step",
            "ei valita uutta jatkopolkua",
        ),
    ],
)
def test_a_services_end_comes_with_an_outcome_and_no_new_follow_on(
    ended, worker, today, fields, field, text
):
    follow_on = ended.next_step
    if fields.get("next_step") == "later":
        fields["next_step"] = actions.plan_step(
            client=ended.client,
            planned_by=worker,
            service_type=service("kela_vocational_rehabilitation"),
            start_on=today + datetime.timedelta(days=20),
        )
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(step=follow_on, cancelled_by=worker, reason=REASON, **fields)
    assert text in " ".join(refused.value.message_dict[field])
    follow_on.refresh_from_db()
    ended.refresh_from_db()
    assert follow_on.status == StepStatus.PLANNED
    assert (ended.next_step, ended.end_reason, ended.exit_outcome) == (
        follow_on,
        "completed",
        "",
    )


def test_the_client_can_then_be_closed(ended, worker, today):
    client_ = ended.client
    with pytest.raises(ValidationError):
        client_actions.close_client(
            client=client_, closed_by=worker, closed_on=today, reason="Muutti Espooseen."
        )
    actions.cancel_step(
        step=ended.next_step,
        cancelled_by=worker,
        reason=REASON,
        services_end_reason="moved_away",
        exit_outcome="moved_away",
    )
    work_activity = PathwayStep.objects.get(
        client=client_, service_type__code="rehabilitative_work_activity"
    )
    actions.end_step(
        step=work_activity,
        ended_by=worker,
        ended_on=today,
        end_reason="moved_away",
        exit_outcome="moved_away",
        review_decision="exit",
    )
    closed = client_actions.close_client(
        client=client_, closed_by=worker, closed_on=today, reason="Muutti Espooseen."
    )
    assert closed.closed_on == today
    assert not PathwayStep.objects.open().filter(client=client_).exists()


def test_the_cancel_form_asks_for_the_reason_and_the_outcome(client, ended, worker):
    login(client, worker)
    url = cancel_url(ended)
    page = client.get(url).content.decode()
    assert 'name="services_end_reason"' in page
    for value in ("moved_away", "died", "relationship_ended"):
        assert f'<option value="{value}">' in page
    assert "Päättyneen jakson tulos, kun asiakkaan palvelut päättyvät" in page
    assert "koska asiakkaan palvelut päättyvät kokonaan" in page

    response = client.post(url, {"reason": REASON, "services_end_reason": "died"})

    assert response.status_code == 200
    assert "Valitse päättyneelle jaksolle tulos" in field_errors(
        response.content.decode(), "exit_outcome"
    )
    ended.refresh_from_db()
    assert ended.next_step.status == StepStatus.PLANNED

    response = client.post(
        url, {"reason": REASON, "services_end_reason": "died", "exit_outcome": "died"}, follow=True
    )

    page = response.content.decode()
    assert "Palvelujakso peruttu." in page
    assert "Asiakkaan palvelut päättyvät: päätä tai peru asiakkaan muut jaksot" in page
    ended.refresh_from_db()
    assert (ended.next_step, ended.end_reason, ended.exit_outcome) == (None, "died", "died")
