"""The work coaching planned with a rehabilitative work activity period is checked against its
own rule set, as a change of the period checks it: a coaching limited to fewer months than
the period is refused with the period, naming the coaching, next to the end date on the
form, and nothing is saved (neither the period nor the coaching)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from pathways import actions
from pathways.models import PathwayStep
from pathways.step_rules import period_end_limit
from services import actions as service_actions
from services.models import ServiceRuleSet
from tests.conftest import field_errors, login
from tests.pathways.test_step_rules import rehab_fields

COACHING_LIMIT = "Työvalmennus, joka suunnitellaan jakson rinnalle: Jakso voi kestää kerrallaan enintään 12 kuukautta"


@pytest.fixture
def start(worker, today):
    """A start after the work coaching's rules change to at most 12 months."""
    change_on = today + datetime.timedelta(days=10)
    service_actions.supersede_rule_set(
        current=ServiceRuleSet.objects.in_force("work_coaching", None, today),
        valid_from=change_on,
        changes={"max_duration_months": 12},
        by=make_user(Role.ADMIN, worker.active_assignment.unit),
    )
    return change_on + datetime.timedelta(days=5)


def test_a_period_longer_than_its_coaching_may_last_is_refused(worker, client_of, start):
    client_ = client_of()
    with pytest.raises(ValidationError) as refused:
        actions.plan_step(
            client=client_,
            planned_by=worker,
            **rehab_fields(start, planned_end_on=period_end_limit(start, 24)),
        )
    [message] = refused.value.message_dict["planned_end_on"]
    assert message.startswith(COACHING_LIMIT)
    assert f"viimeistään {period_end_limit(start, 12):%-d.%-m.%Y}" in message
    assert not PathwayStep.objects.filter(client=client_).exists()
    assert not AccessLogEntry.objects.filter(action="pathways.step.planned").exists()


def test_within_the_coachings_limit_both_are_planned(worker, client_of, start):
    client_ = client_of()
    end = period_end_limit(start, 12)
    actions.plan_step(client=client_, planned_by=worker, **rehab_fields(start, planned_end_on=end))
    coaching = PathwayStep.objects.get(client=client_, service_type__code="work_coaching")
    assert (coaching.start_on, coaching.planned_end_on) == (start, end)
    assert coaching.rule_set.max_duration_months == 12


def test_the_form_shows_it_next_to_the_end_date(client, worker, client_of, start):
    client_ = client_of()
    login(client, worker)
    fields = rehab_fields(start, planned_end_on=period_end_limit(start, 24))
    data = {
        **{name: value for name, value in fields.items() if name != "service_type"},
        "start_on": start.isoformat(),
        "planned_end_on": fields["planned_end_on"].isoformat(),
    }
    response = client.post(
        f"/clients/{client_.uuid}/steps/new/?type=rehabilitative_work_activity", data
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "planned_end_on").startswith(COACHING_LIMIT)
    assert not PathwayStep.objects.filter(client=client_).exists()
