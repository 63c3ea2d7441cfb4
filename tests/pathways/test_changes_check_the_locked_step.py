"""A change to a step's plan is checked against the step as it is when it is saved, not as
the page loaded it: a step ended or cancelled meanwhile takes no change, and its coach
does not join the team."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clients.models import CareTeamMembership
from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus

DAY = datetime.timedelta(days=1)
ENDED = "Päättynyttä jaksoa ei voi muuttaa."


@pytest.mark.parametrize("how", ["ended", "cancelled"])
def test_a_step_ended_after_the_page_loaded_it_takes_no_change(
    ips_step, client_of, worker, coach, today, how
):
    if how == "ended":
        client_, step = ips_step()
    else:
        client_ = client_of()
        step = make_step(
            client_, "supported_employment", created_by=worker, start_on=today + 5 * DAY
        )
    stale = PathwayStep.objects.get(pk=step.pk)
    if how == "ended":
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            exit_outcome="studies",
        )
    else:
        actions.cancel_step(step=step, cancelled_by=worker, reason="Asiakas muutti.")
    before = PathwayStep.objects.get(pk=step.pk)
    assert before.status == StepStatus.ENDED and stale.status != StepStatus.ENDED

    with pytest.raises(ValidationError) as refused:
        actions.update_step(step=stale, changed_by=worker, goal="Uusi tavoite", coach=coach)

    assert refused.value.messages == [ENDED]
    after = PathwayStep.objects.get(pk=step.pk)
    assert (after.goal, after.coach_id) == (before.goal, before.coach_id)
    assert not CareTeamMembership.objects.filter(client=client_, user=coach).exists()
