"""An IPS phase recorded while the same step is being changed waits for the change and is
then saved: the record locks the client first and then the step, as every write of the
client's pathway does, so the two cannot each hold the row the other waits for (a deadlock,
one of them aborted)."""

import threading
import time

import pytest
from django.db import connections, transaction

from pathways import actions
from pathways.actions.common import lock_client
from pathways.models import IpsPhaseChange, PathwayStep
from tests.transfers import waiting_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phase_recorded_while_the_step_changes_waits_and_both_are_saved(
    ips_step, worker, job_coach, today
):
    client, step = ips_step()
    outcome, errors = [], []

    def record_phase():
        try:
            outcome.append(
                actions.record_ips_phase(
                    step=step, phase="profiling", entered_on=today, recorded_by=job_coach
                )
            )
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=record_phase)
    with transaction.atomic():
        # update_step has locked the client and is about to lock the step when the
        # coach's phase arrives.
        lock_client(client)
        thread.start()
        waited = 0
        deadline = time.monotonic() + 10
        while not waited and thread.is_alive() and time.monotonic() < deadline:
            waited = waiting_on_a_lock()
            time.sleep(0.02)
        actions.update_step(step=step, changed_by=worker, goal="Työ kahvilassa")
    thread.join(timeout=10)

    assert errors == []
    assert waited > 0
    assert PathwayStep.objects.get(pk=step.pk).goal == "Työ kahvilassa"
    assert IpsPhaseChange.objects.filter(step=step, phase="profiling").count() == 1
