"""A client relationship closes only when no pathway step is open: a planned step is cancelled
first, a running one ended with its reason (clients.actions.close_client asks pathways through
its on_closing registry); and a closed client is no part of a coach's caseload."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions as client_actions
from clients.models import Client
from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from tests.conftest import login


def close(client, worker, today):
    return client_actions.close_client(
        client=client, closed_by=worker, closed_on=today, reason="Muutti pois."
    )


def day(value: datetime.date) -> str:
    return f"{value:%-d.%-m.%Y}"


def test_a_client_with_open_steps_is_not_closed_and_the_steps_are_named(worker, client_of, today):
    client = client_of()
    running = make_step(
        client, "education", created_by=worker, start_on=today - datetime.timedelta(days=10)
    )
    paused = make_step(
        client,
        "volunteering",
        created_by=worker,
        start_on=today - datetime.timedelta(days=5),
        status=StepStatus.PAUSED,
        paused_on=today,
    )
    planned = make_step(
        client, "work_trial", created_by=worker, start_on=today + datetime.timedelta(days=20)
    )
    with pytest.raises(ValidationError) as error:
        close(client, worker, today)
    running_text, planned_text = error.value.messages
    assert f"Koulutus ja opinnot, {day(running.start_on)}" in running_text
    assert f"Vapaaehtoistoiminta, {day(paused.start_on)}" in running_text
    assert "Päätä ne ensin" in running_text
    assert f"Työkokeilu, {day(planned.start_on)}" in planned_text
    assert "Peru se ensin" in planned_text
    assert Client.objects.get(pk=client.pk).closed_on is None

    # Once the planned step is cancelled and the running ones ended, the client closes.
    actions.cancel_step(step=planned, cancelled_by=worker, reason="Ei enää tarpeen.")
    for step in (running, paused):
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            exit_outcome="moved_away",
        )
    assert close(client, worker, today).closed_on == today


def test_the_close_page_lists_the_open_steps_and_logs_the_reading(client, worker, client_of, today):
    target = client_of()
    PathwayStep.objects.filter(client=target).delete()
    step = make_step(
        target, "education", created_by=worker, start_on=today - datetime.timedelta(days=10)
    )
    login(client, worker)
    response = client.post(
        reverse("clients:close", kwargs={"client_id": target.uuid}),
        {"closed_on": today.isoformat(), "reason": "Muutti pois."},
    )
    assert response.status_code == 200
    assert f"Koulutus ja opinnot, {day(step.start_on)}" in response.content.decode()
    assert Client.objects.get(pk=target.pk).closed_on is None
    assert AccessLogEntry.objects.filter(
        client_id=target.uuid, action="clients.client.viewed", actor=worker
    ).exists()


def test_a_closed_client_is_no_part_of_the_coach_caseload(worker, client_of, today):
    coach = make_user(Role.JOB_COACH, worker.active_assignment.unit)
    clients = [client_of(), client_of()]
    for each in clients:
        make_step(
            each,
            "supported_employment",
            created_by=worker,
            coach=coach,
            start_on=today - datetime.timedelta(days=10),
        )
    assert PathwayStep.objects.caseload(coach, "supported_employment") == 2
    # Closed before this rule (or by hand): its step left open.
    Client.objects.filter(pk=clients[0].pk).update(closed_on=today, closure_reason="Muutti pois.")
    assert PathwayStep.objects.caseload(coach, "supported_employment") == 1
