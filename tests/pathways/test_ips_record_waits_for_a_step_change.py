"""An IPS phase recorded while the same step is being changed waits for the change and is
then saved: the record locks the client first and then the step, as every write of the
client's pathway does, so the two cannot each hold the row the other waits for (a deadlock,
one of them aborted)."""

import pytest

from pathways import actions
from pathways.actions.common import lock_client
from pathways.models import IpsPhaseChange, PathwayStep
from tests.transfers import while_holding

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phase_recorded_while_the_step_changes_waits_and_both_are_saved(
    ips_step, worker, job_coach, today
):
    client, step = ips_step()
    # update_step has locked the client and is about to lock the step when the coach's
    # phase arrives.
    _recorded, waited = while_holding(
        lambda: lock_client(client),
        lambda: actions.record_ips_phase(
            step=step, phase="profiling", entered_on=today, recorded_by=job_coach
        ),
        then=lambda: actions.update_step(step=step, changed_by=worker, goal="Työ kahvilassa"),
    )
    assert waited > 0
    assert PathwayStep.objects.get(pk=step.pk).goal == "Työ kahvilassa"
    assert IpsPhaseChange.objects.filter(step=step, phase="profiling").count() == 1
