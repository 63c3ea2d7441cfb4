"""A closed client gets no new pathway steps until the relationship is reopened: the action
refuses on the locked client row, and the form shows the refusal above the form."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clients import actions as client_actions
from pathways import actions
from pathways.models import PathwayStep
from services.models import ServiceType
from tests.conftest import login

REFUSAL = "Asiakkuus on päättynyt. Avaa asiakkuus uudelleen"


@pytest.fixture
def closed_client(worker, client_of, today):
    client = client_of()
    PathwayStep.objects.filter(client=client).delete()
    return client_actions.close_client(
        client=client, closed_by=worker, closed_on=today, reason="Muutti pois."
    )


def plan(client, worker, today):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="education"),
        start_on=today + datetime.timedelta(days=10),
    )


def test_planning_for_a_closed_client_is_refused(closed_client, worker, today):
    with pytest.raises(ValidationError) as error:
        plan(closed_client, worker, today)
    assert REFUSAL in " ".join(error.value.messages)
    assert not PathwayStep.objects.filter(client=closed_client).exists()


def test_a_stale_open_copy_of_a_closed_client_is_refused_too(worker, client_of, today):
    client = client_of()
    PathwayStep.objects.filter(client=client).delete()
    client_actions.close_client(client=client, closed_by=worker, closed_on=today, reason="Kuoli.")
    assert client.closed_on is None  # the copy loaded before the closing
    with pytest.raises(ValidationError):
        plan(client, worker, today)
    assert not PathwayStep.objects.filter(client=client).exists()


def test_a_reopened_client_can_be_planned_for_again(closed_client, worker, today):
    client = client_actions.reopen_client(client=closed_client, reopened_by=worker)
    assert plan(client, worker, today).client_id == client.pk


def test_the_form_shows_the_refusal(client, closed_client, worker, today):
    login(client, worker)
    response = client.post(
        f"/clients/{closed_client.uuid}/steps/new/?type=education",
        {"start_on": (today + datetime.timedelta(days=10)).isoformat()},
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not PathwayStep.objects.filter(client=closed_client).exists()
