"""The task about a planned step that breaks new rules, made while responsibility for the
client moves, is the new worker's: the steps' clients are locked first, the order a transfer
of responsibility and the step actions keep, and the worker is read under that lock."""

import datetime

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from notifications.models import Task
from pathways.actions.new_rules import STEP_BREAKS_NEW_RULES_TASK
from services import actions as service_actions
from services.models import ServiceRuleSet
from tests.conftest import acting
from tests.pathways.test_new_rules_check_planned_steps import REHAB, plan_rehab
from tests.transfers import while_responsibility_moves


@pytest.mark.django_db(transaction=True)
def test_a_new_rules_task_made_while_responsibility_moves_is_the_new_workers(
    worker, client_of, today
):
    admin = make_user(Role.ADMIN, worker.active_assignment.unit)
    change_on = today + datetime.timedelta(days=10)
    client = client_of()
    plan_rehab(worker, client, change_on + datetime.timedelta(days=5), 18)
    successor = acting(make_user(Role.SOCIAL_WORKER, client.responsible_unit))

    _rule_set, waited = while_responsibility_moves(
        client,
        successor,
        lambda: service_actions.supersede_rule_set(
            current=ServiceRuleSet.objects.in_force(REHAB, None, today),
            valid_from=change_on,
            changes={"max_duration_months": 12, "warning_month": 10},
            by=admin,
        ),
    )
    assert waited > 0
    assert Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK).assignee == successor
