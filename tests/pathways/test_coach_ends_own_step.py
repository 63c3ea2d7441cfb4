"""A coach who ends the step they coach leaves the client's care team with it (a coach is on
the team while a step of theirs runs): the end page then leads to the client list, with the
confirmation, not to a client page that would answer 404. The responsible worker, who stays
on the team, is led back to the client page."""

import datetime
from decimal import Decimal

import pytest

from clients.access import sees_client_now
from pathways import actions
from pathways.models import PathwayStep, StepStatus
from services.models import ServiceType
from tests.conftest import login

DAY = datetime.timedelta(days=1)


@pytest.fixture
def period(worker, client_of, coach, today):
    """Rehabilitative work activity coached by `coach`, begun 120 days ago and planned to end
    today, with a work trial planned as its follow-on from tomorrow (a work trial may not run
    alongside it)."""
    client = client_of()
    work_activity = actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="rehabilitative_work_activity"),
        start_on=today - 120 * DAY,
        planned_end_on=today,
        days_per_week=3,
        hours_per_day=Decimal(4),
        goal="Päivärytmi",
        support_given="Työvalmennus",
        coach=coach,
    )
    actions.plan_step(
        client=client,
        planned_by=worker,
        follows=work_activity,
        service_type=ServiceType.objects.get(code="work_trial"),
        start_on=today + DAY,
        planned_end_on=today + 60 * DAY,
    )
    work_activity.refresh_from_db()
    return work_activity


def end(client, period, today):
    return client.post(
        f"/clients/{period.client.uuid}/steps/{period.pk}/end/",
        {
            "ended_on": today.isoformat(),
            "end_reason": "moved_on",
            "next_step": period.next_step_id,
            "review_decision": "move",
        },
        follow=True,
    )


def test_the_coach_ending_their_step_lands_on_the_client_list(client, period, coach, today):
    login(client, coach)

    response = end(client, period, today)

    period.refresh_from_db()
    assert period.status == StepStatus.ENDED and period.ended_on == today
    assert not sees_client_now(coach, period.client)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/clients/"
    page = response.content.decode()
    assert "Palvelujakso päätetty." in page
    assert "Samalla päättyi: Työvalmennus." in page


def test_the_responsible_worker_ending_it_returns_to_the_client_page(client, period, worker, today):
    login(client, worker)

    response = end(client, period, today)

    assert response.redirect_chain[-1][0] == f"/clients/{period.client.uuid}/"
    assert response.status_code == 200
    assert "Palvelujakso päätetty." in response.content.decode()
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ENDED
