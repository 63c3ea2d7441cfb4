"""A step refused because the client already has a step of its service at the same time
(the exclusion constraint `step_no_overlap_per_client_and_service`) is refused with a
message naming that service and the period of the step in the way, whether it is planned,
changed or ended (`common.overlap_message`, one helper for all three)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.models import PathwayStep
from tests.pathways.test_step_rules import service


def day(value: datetime.date) -> str:
    return f"{value:%-d.%-m.%Y}"


@pytest.fixture
def studies(worker, client_of, today):
    """Studies from ten days ago for two months."""
    return actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("education"),
        start_on=today - datetime.timedelta(days=10),
        planned_end_on=today + datetime.timedelta(days=50),
    )


def expected(step: PathwayStep) -> str:
    return (
        f"Asiakkaalla on jo samaan aikaan jakso palvelussa {step.service_type.name}: "
        f"{day(step.start_on)}–{day(step.planned_end_on)}. Jaksot eivät voi olla päällekkäin."
    )


def test_planning_a_step_over_another_of_its_service_names_the_one_in_the_way(
    worker, studies, today
):
    with pytest.raises(ValidationError) as refused:
        actions.plan_step(
            client=studies.client,
            planned_by=worker,
            service_type=service("education"),
            start_on=today + datetime.timedelta(days=20),
            planned_end_on=today + datetime.timedelta(days=90),
        )
    assert refused.value.message_dict == {"start_on": [expected(studies)]}
    assert PathwayStep.objects.filter(client=studies.client).count() == 1


def test_moving_a_step_over_another_of_its_service_names_the_one_in_the_way(worker, studies, today):
    later = actions.plan_step(
        client=studies.client,
        planned_by=worker,
        service_type=service("education"),
        start_on=today + datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=120),
    )
    with pytest.raises(ValidationError) as refused:
        actions.update_step(
            step=later, changed_by=worker, start_on=today + datetime.timedelta(days=40)
        )
    assert refused.value.message_dict == {"start_on": [expected(studies)]}
    later.refresh_from_db()
    assert later.start_on == today + datetime.timedelta(days=60)
