"""A step planned with its companion (rehabilitative work activity with its work coaching)
is refused when the client already has a step of the companion's service at the same time,
and the refusal names that service and the period of its step in the way: the overlap is not
in the service on the form."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep
from tests.pathways.test_step_rules import rehab_fields


def test_the_overlapping_companion_is_named_by_its_service(worker, coach, client_of, today):
    client = client_of()
    coaching = make_step(
        client,
        "work_coaching",
        created_by=worker,
        coach=coach,
        start_on=today - datetime.timedelta(days=10),
        planned_end_on=today + datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as refused:
        actions.plan_step(client=client, planned_by=worker, coach=coach, **rehab_fields(today))
    assert refused.value.message_dict == {
        "start_on": [
            "Asiakkaalla on jo samaan aikaan jakso palvelussa Työvalmennus, joka kulkee tämän "
            f"jakson rinnalla: {coaching.start_on:%-d.%-m.%Y}–{coaching.planned_end_on:%-d.%-m.%Y}. "
            "Jaksot eivät voi olla päällekkäin."
        ]
    }
    assert list(
        PathwayStep.objects.filter(client=client).values_list("service_type__code", flat=True)
    ) == ["work_coaching"]
