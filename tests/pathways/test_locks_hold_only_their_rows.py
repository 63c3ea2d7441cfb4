"""A pathway write locks the client's row and the step's, nothing it only reads with them: a
worker changing one client's pathway does not hold up the organisation's other clients (their
changes, and the access-log rows of their pages, which check the actor's organisation) nor
the other steps of the same service."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from audit.models import AccessLogEntry
from clients.access import log_client_access
from pathways import actions
from pathways.actions.common import lock_client
from pathways.models import PathwayStep
from services.models import ServiceType

pytestmark = pytest.mark.django_db(transaction=True)


def in_another_connection(action):
    """Runs `action` in a transaction of its own connection that gives up after waiting two
    seconds for a lock; returns the errors it raised."""
    errors = []

    def run():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                action()
        except Exception as error:  # surfaced by the caller's assertion
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=10)
    return errors


def test_another_client_of_the_organisation_is_locked_and_logged_meanwhile(worker, client_of):
    a, b = client_of(), client_of()
    assert a.responsible_unit.organisation_id == b.responsible_unit.organisation_id

    def change_b():
        lock_client(b)
        log_client_access(worker, b, "clients.client.viewed")

    with transaction.atomic():
        lock_client(a)
        errors = in_another_connection(change_b)

    assert errors == []
    assert AccessLogEntry.objects.filter(client_id=b.uuid, action="clients.client.viewed").exists()


def test_a_step_of_the_same_service_is_planned_while_another_changes(worker, client_of, today):
    education = ServiceType.objects.get(code="education")
    a, b = client_of(), client_of()
    step = actions.plan_step(client=a, planned_by=worker, service_type=education, start_on=today)

    def plan_for_b():
        actions.plan_step(client=b, planned_by=worker, service_type=education, start_on=today)

    with transaction.atomic():
        actions.update_step(
            step=step, changed_by=worker, planned_end_on=today + datetime.timedelta(days=90)
        )
        errors = in_another_connection(plan_for_b)

    assert errors == []
    assert PathwayStep.objects.filter(client=b, service_type=education).exists()
