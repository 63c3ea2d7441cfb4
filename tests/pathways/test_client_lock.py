"""Rules across a client's steps are checked one change at a time: every step action
locks the client's row first, so two workers cannot both pass a companion check."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from clients.models import Client
from pathways import actions
from pathways.models import PathwayStep, StepStatus
from tests.pathways.test_step_rules import rehab_fields, service

pytestmark = pytest.mark.django_db(transaction=True)


def test_ending_work_activity_waits_for_a_jobcenter_period_being_planned(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    locked = threading.Event()
    errors = []

    def plan_jobcenter_slowly():
        try:
            with transaction.atomic():
                Client.objects.select_for_update().get(pk=client.pk)
                locked.set()
                time.sleep(0.5)  # the ending below starts and waits meanwhile
                actions.plan_step(
                    client=client,
                    planned_by=worker,
                    service_type=service("jobcenter_paid_work"),
                    start_on=today,
                    planned_end_on=today + datetime.timedelta(days=30),
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=plan_jobcenter_slowly)
    thread.start()
    assert locked.wait(5)
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=rehab,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            exit_outcome="other_service",
            review_decision="move",
        )
    thread.join(10)
    assert errors == []
    assert "Työtoiminnan täsmätyö (Jobcenter-malli)" in " ".join(refused.value.messages)
    # The Jobcenter period runs during the work activity, which did not end under it.
    assert PathwayStep.objects.get(pk=rehab.pk).status == StepStatus.ACTIVE
    assert PathwayStep.objects.filter(
        client=client, service_type__code="jobcenter_paid_work", status=StepStatus.ACTIVE
    ).exists()
