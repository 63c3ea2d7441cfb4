"""Rehabilitative work activity never just ends: the action asks for the review decision
(step_rules.endings), and the database refuses an end without one too."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus

REFUSED = "step_rehab_ends_with_review_decision"


def _ending(step, **fields):
    today = timezone.localdate()
    values = {
        "status": StepStatus.ENDED,
        "ended_on": today,
        "end_reason": "completed",
        "exit_outcome": "other_service",
        **fields,
    }
    PathwayStep.objects.filter(pk=step.pk).update(**values)


def test_an_end_without_a_review_decision_is_refused(worker, client_of):
    step = make_step(client_of(), "rehabilitative_work_activity", created_by=worker)
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        _ending(step)
    _ending(step, review_decision="exit")
    assert PathwayStep.objects.get(pk=step.pk).review_decision == "exit"
    # Taking the decision away afterwards is refused as well.
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        PathwayStep.objects.filter(pk=step.pk).update(review_decision="")


def test_other_services_and_a_cancelled_period_need_no_review_decision(worker, client_of):
    other = make_step(client_of(), "social_rehabilitation", created_by=worker)
    _ending(other)
    planned = make_step(
        client_of(),
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    PathwayStep.objects.filter(pk=planned.pk).update(
        status=StepStatus.ENDED,
        ended_on=planned.start_on,
        end_reason="cancelled",
        cancellation_reason="Asiakas aloitti opinnot.",
    )
    assert PathwayStep.objects.filter(status=StepStatus.ENDED).count() == 2


def test_a_period_ended_before_the_rule_may_still_be_corrected(worker, client_of):
    """Only a write that ends a period without a decision is refused: a period left so
    before the rule existed can still have, say, its goal corrected."""
    step = make_step(client_of(), "rehabilitative_work_activity", created_by=worker)
    with connection_without_trigger():
        _ending(step)
    PathwayStep.objects.filter(pk=step.pk).update(goal="Korjattu tavoite")
    assert PathwayStep.objects.get(pk=step.pk).goal == "Korjattu tavoite"


def connection_without_trigger():
    import pgtrigger

    return pgtrigger.ignore("pathways.PathwayStep:step_rehab_review_decision")
