"""The task asking to change or cancel a planned step that breaks the new rules it rests on
is checked off once its matter is settled: the step cancelled, ended, or changed so that it
fits the rules. A change the rules still refuse leaves it open. Another step's task stays
open meanwhile, so no inbox asks for what is done and no transfer hands it on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from notifications.models import Task
from pathways import actions
from pathways.actions.new_rules import STEP_BREAKS_NEW_RULES_TASK, new_rules_task_key
from pathways.models import StepStatus
from pathways.step_rules import period_end_limit
from services import actions as service_actions
from services.models import ServiceRuleSet
from tests.pathways.test_new_rules_check_planned_steps import REHAB, plan_rehab


@pytest.fixture
def start(today):
    return today + datetime.timedelta(days=15)


@pytest.fixture
def breaking(worker, client_of, today, start):
    """Two planned work activity periods of 18 months each (of two clients), and rules from
    before their start allowing 12: each period's worker is asked to change or cancel it.
    Returns the first; the second is `other`'s."""
    steps = [plan_rehab(worker, client_of(), start, 18) for _ in range(2)]
    admin = make_user(Role.ADMIN, worker.active_assignment.unit)
    successor = service_actions.supersede_rule_set(
        current=ServiceRuleSet.objects.in_force(REHAB, None, today),
        valid_from=today + datetime.timedelta(days=10),
        changes={"max_duration_months": 12, "warning_month": 10},
        by=admin,
    )
    for step in steps:
        step.refresh_from_db()
        assert step.rule_set == successor
    assert Task.objects.filter(kind=STEP_BREAKS_NEW_RULES_TASK, done_at__isnull=True).count() == 2
    return steps[0]


def task_of(step) -> Task:
    return Task.objects.get(key=new_rules_task_key(step.pk, step.rule_set_id))


@pytest.fixture
def other(breaking):
    return Task.objects.exclude(pk=task_of(breaking).pk).get(kind=STEP_BREAKS_NEW_RULES_TASK)


def assert_settled_by(task: Task, worker) -> None:
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.done_by == worker
    assert task.done_on == timezone.localdate()


def assert_open(task: Task) -> None:
    task.refresh_from_db()
    assert task.done_at is None


def test_cancelling_the_step_settles_its_task(worker, breaking, other):
    task = task_of(breaking)

    actions.cancel_step(step=breaking, cancelled_by=worker, reason="Ei toteudu")

    assert_settled_by(task, worker)
    assert_open(other)


def test_a_change_that_makes_the_step_fit_settles_its_task(worker, breaking, other, start):
    task = task_of(breaking)

    changed = actions.update_step(
        step=breaking, changed_by=worker, planned_end_on=period_end_limit(start, 12)
    )

    assert changed.planned_end_on == period_end_limit(start, 12)
    assert_settled_by(task, worker)
    assert_open(other)


def test_a_change_the_new_rules_still_refuse_leaves_the_task_open(worker, breaking):
    task = task_of(breaking)

    with pytest.raises(ValidationError) as refused:
        actions.update_step(step=breaking, changed_by=worker, goal="Työkyvyn vahvistaminen")

    assert "enintään 12 kuukautta" in str(refused.value.message_dict["planned_end_on"])
    assert_open(task)


def test_a_change_to_a_start_date_before_the_new_rules_settles_their_task(worker, breaking, today):
    """The step moved back before the new rules' first day rests on the rules in force then,
    and fits them: the new rules' task asks for nothing any more."""
    task = task_of(breaking)
    before_the_change = today + datetime.timedelta(days=5)

    changed = actions.update_step(
        step=breaking,
        changed_by=worker,
        start_on=before_the_change,
        planned_end_on=period_end_limit(before_the_change, 18),
    )

    assert changed.rule_set == ServiceRuleSet.objects.in_force(REHAB, None, today)
    assert_settled_by(task, worker)


def test_ending_the_step_settles_its_task(worker, breaking, other, start, time_machine):
    task = task_of(breaking)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=18), tick=False)
    assert timezone.localdate() == start + datetime.timedelta(days=3)
    actions.set_step_status(step=breaking, status=StepStatus.ACTIVE, changed_by=worker)
    assert_open(task)

    actions.end_step(
        step=breaking,
        ended_by=worker,
        ended_on=timezone.localdate(),
        end_reason="interrupted",
        review_decision="exit",
        exit_outcome="dropped_out",
    )

    assert_settled_by(task, worker)
    assert_open(other)


def test_a_step_moved_to_later_rules_settles_the_task_of_the_rules_it_left(
    worker, breaking, other, today
):
    """Rules from a day still before the step's start, allowing its 18 months: the step
    moves to them and fits, and the task about the rules it rested on is checked off."""
    task = task_of(breaking)
    admin = make_user(Role.ADMIN, worker.active_assignment.unit)

    later = service_actions.supersede_rule_set(
        current=breaking.rule_set,
        valid_from=today + datetime.timedelta(days=12),
        changes={"max_duration_months": 24, "warning_month": 20},
        by=admin,
    )

    breaking.refresh_from_db()
    assert breaking.rule_set == later
    assert_settled_by(task, admin)
    assert_settled_by(other, admin)  # the other client's step moved too
    assert not Task.objects.filter(kind=STEP_BREAKS_NEW_RULES_TASK, done_at__isnull=True)


def test_a_step_moved_to_later_rules_it_also_breaks_is_asked_about_those(worker, breaking, today):
    task = task_of(breaking)
    admin = make_user(Role.ADMIN, worker.active_assignment.unit)

    later = service_actions.supersede_rule_set(
        current=breaking.rule_set,
        valid_from=today + datetime.timedelta(days=12),
        changes={"max_duration_months": 6, "warning_month": 5},
        by=admin,
    )

    breaking.refresh_from_db()
    assert breaking.rule_set == later
    assert_settled_by(task, admin)
    assert_open(Task.objects.get(key=new_rules_task_key(breaking.pk, later.pk)))
