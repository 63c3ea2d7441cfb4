"""A Jobcenter paid-work period cannot be ended without a follow-on step (DOMAIN.md), except
when the client's services end altogether: the client moves to another municipality, dies,
or the client relationship ends. Then the period ends with that reason and an outcome, the
reason is logged, and the client can be closed (which refuses a client with a running step)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AccessLogEntry
from clients import actions as client_actions
from pathways import actions
from pathways.factories import make_step
from pathways.models import (
    CLIENT_SERVICES_END,
    JOBCENTER_ENDS_WITH_FOLLOW_ON_FUNC,
    EndReason,
    PathwayStep,
    StepStatus,
)
from tests.conftest import field_errors, login
from tests.pathways.conftest import save_contract

SERVICES_END = ["moved_away", "died", "relationship_ended"]


@pytest.fixture
def period(jobcenter_period, today):
    """Work activity with work coaching by `coach`, and a Jobcenter period running in it,
    its contract recorded until today."""
    period = jobcenter_period(
        today - datetime.timedelta(days=10), today + datetime.timedelta(days=50)
    )
    save_contract(period, period.created_by, period.start_on, today)
    return period


def url(period, page=""):
    return f"/clients/{period.client.uuid}/steps/{period.pk}/{page}"


@pytest.mark.parametrize("reason", SERVICES_END)
def test_the_period_ends_without_a_follow_on_when_the_clients_services_end(
    period, worker, today, reason
):
    ended = actions.end_step(
        step=period, ended_by=worker, ended_on=today, end_reason=reason, exit_outcome="moved_away"
    )
    period.refresh_from_db()
    assert (period.status, period.end_reason, period.next_step_id) == (
        StepStatus.ENDED,
        reason,
        None,
    )
    assert ended.ended_with == []
    entry = AccessLogEntry.objects.get(action="pathways.step.ended", object_id=str(period.pk))
    assert reason in entry.detail


@pytest.mark.parametrize("reason", ["completed", "interrupted", "health", "other", "moved_on"])
def test_any_other_reason_still_needs_a_follow_on(period, worker, today, reason):
    with pytest.raises(ValidationError) as error:
        actions.end_step(
            step=period,
            ended_by=worker,
            ended_on=today,
            end_reason=reason,
            exit_outcome="dropped_out",
        )
    message = " ".join(error.value.message_dict["next_step"])
    assert "ilman jatkopolkua" in message
    assert "palvelut päättyvät" in message
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ACTIVE


def test_services_ending_leaves_no_follow_on_to_point_at(period, worker, today):
    """A client whose services end goes to no next step: a follow-on chosen with that reason
    is refused next to the follow-on, nothing saved."""
    follow_on = make_step(
        period.client,
        "youth_workshop",
        created_by=worker,
        start_on=today + datetime.timedelta(days=60),
    )
    with pytest.raises(ValidationError) as error:
        actions.end_step(
            step=period,
            ended_by=worker,
            ended_on=today,
            end_reason="moved_away",
            next_step=follow_on,
        )
    assert "next_step" in error.value.message_dict
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ACTIVE


def test_the_client_whose_services_end_can_then_be_closed(period, worker, today):
    client_ = period.client
    actions.end_step(
        step=period,
        ended_by=worker,
        ended_on=today,
        end_reason="moved_away",
        exit_outcome="moved_away",
    )
    work_activity = PathwayStep.objects.get(
        client=client_, service_type__code="rehabilitative_work_activity"
    )
    ended = actions.end_step(
        step=work_activity,
        ended_by=worker,
        ended_on=today,
        end_reason="moved_away",
        exit_outcome="moved_away",
        review_decision="exit",
    )
    assert [s.service_type.code for s in ended.ended_with] == ["work_coaching"]
    closed = client_actions.close_client(
        client=client_, closed_by=worker, closed_on=today, reason="Muutti Espooseen."
    )
    assert closed.closed_on == today


def test_the_database_lets_only_such_a_reason_end_the_period_without_a_follow_on(period, today):
    assert f"({', '.join(repr(str(r)) for r in CLIENT_SERVICES_END)})" in (
        JOBCENTER_ENDS_WITH_FOLLOW_ON_FUNC
    )
    rows = PathwayStep.objects.filter(pk=period.pk)
    ended = {"status": StepStatus.ENDED, "ended_on": today, "exit_outcome": "moved_away"}
    with (
        pytest.raises(IntegrityError, match="step_jobcenter_ends_with_follow_on"),
        transaction.atomic(),
    ):
        rows.update(**ended, end_reason="interrupted")
    rows.update(**ended, end_reason="died")
    # Nor can the reason be changed afterwards into one that needs a follow-on.
    with (
        pytest.raises(IntegrityError, match="step_jobcenter_ends_with_follow_on"),
        transaction.atomic(),
    ):
        rows.update(end_reason="completed")
    assert rows.get().end_reason == EndReason.DIED


def test_the_end_form_offers_the_reasons_and_explains_them(client, period, coach):
    login(client, coach)
    page = client.get(url(period, "end/")).content.decode()
    assert '<optgroup label="Asiakkaan palvelut päättyvät kokonaan">' in page
    for value in SERVICES_END:
        assert f'value="{value}"' in page
    assert "Ilman jatkopolkua Jobcenter-jakso päätetään vain" in page


def test_the_end_form_refuses_an_ordinary_reason_next_to_the_follow_on(
    client, period, coach, today
):
    login(client, coach)
    data = {"ended_on": today.isoformat(), "end_reason": "other", "exit_outcome": "moved_away"}
    response = client.post(url(period, "end/"), data)
    assert response.status_code == 200
    assert "ilman jatkopolkua" in field_errors(response.content.decode(), "next_step")
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ACTIVE
    response = client.post(url(period, "end/"), {**data, "end_reason": "relationship_ended"})
    assert response.status_code == 302
    assert PathwayStep.objects.get(pk=period.pk).end_reason == "relationship_ended"
