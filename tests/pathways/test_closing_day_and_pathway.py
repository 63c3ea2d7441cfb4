"""The closing day and the pathway agree: a relationship is not closed before the last day
its pathway records the client taking part (a step's end, a day of attendance), and a
reopened relationship gets no step dated back before its reopening."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clients import actions as client_actions
from clients.models import Client
from pathways import actions
from pathways.factories import make_step
from pathways.models import Attendance, PathwayStep, StepStatus
from services.models import ServiceType

DAYS = datetime.timedelta


@pytest.fixture
def registered_long_ago(worker, client_of, today):
    client = client_of()
    PathwayStep.objects.filter(client=client).delete()
    Client.objects.filter(pk=client.pk).update(created_at=client.created_at - DAYS(days=200))
    client.refresh_from_db()
    return client


def close(client, worker, day):
    return client_actions.close_client(
        client=client, closed_by=worker, closed_on=day, reason="Muutti pois."
    )


def test_not_closed_before_the_last_step_ended(registered_long_ago, worker, today):
    make_step(
        registered_long_ago,
        "education",
        created_by=worker,
        start_on=today - DAYS(days=100),
        status=StepStatus.ENDED,
        ended_on=today - DAYS(days=20),
        end_reason="completed",
        exit_outcome="capacity_maintained",
    )
    with pytest.raises(ValidationError) as refused:
        close(registered_long_ago, worker, today - DAYS(days=60))
    assert "viimeistä kirjattua palvelupäivää" in refused.value.message_dict["closed_on"][0]
    assert close(registered_long_ago, worker, today - DAYS(days=20)).closed_on is not None


def test_not_closed_before_the_last_day_of_attendance(registered_long_ago, worker, today):
    step = make_step(
        registered_long_ago,
        "education",
        created_by=worker,
        start_on=today - DAYS(days=100),
        status=StepStatus.ENDED,
        ended_on=today - DAYS(days=50),
        end_reason="completed",
        exit_outcome="capacity_maintained",
    )
    Attendance.objects.create(
        step=step,
        day=today - DAYS(days=40),
        present=False,
        absence_reason="sick",
        recorded_by=worker,
    )
    with pytest.raises(ValidationError):
        close(registered_long_ago, worker, today - DAYS(days=45))
    close(registered_long_ago, worker, today - DAYS(days=40))


def test_a_cancelled_step_is_no_day_of_service(registered_long_ago, worker, today):
    make_step(
        registered_long_ago,
        "education",
        created_by=worker,
        start_on=today - DAYS(days=10),
        status=StepStatus.ENDED,
        ended_on=today - DAYS(days=10),
        end_reason="cancelled",
        cancellation_reason="Ei toteutunut.",
    )
    assert close(registered_long_ago, worker, today - DAYS(days=30)).closed_on is not None


def test_a_reopened_client_gets_no_step_before_the_reopening(registered_long_ago, worker, today):
    close(registered_long_ago, worker, today - DAYS(days=30))
    client = client_actions.reopen_client(client=registered_long_ago, reopened_by=worker)
    education = ServiceType.objects.get(code="education")
    with pytest.raises(ValidationError) as refused:
        actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=education,
            start_on=today - DAYS(days=15),
        )
    assert "ennen kuin asiakkuus avattiin uudelleen" in refused.value.message_dict["start_on"][0]
    assert actions.plan_step(
        client=client, planned_by=worker, service_type=education, start_on=today
    ).pk
