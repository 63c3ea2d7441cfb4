"""A coach replaced on a step is no longer reminded of it, also when they stay on the client's
care team (they coach another of the client's steps): their reminders about the step and the
companion that took the new coach with it are settled in the change, and the next sweep
reminds the new coach."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.factories import make_user
from accounts.roles import Role
from clients.models import CareTeamMembership, TeamRole
from notifications import rules_registry
from notifications.actions import sweep_reminders
from notifications.factories import ReminderFactory
from notifications.models import Reminder
from pathways import actions
from pathways import reminders as pathway_rules
from pathways.models import PathwayStep
from pathways.step_rules import period_end_limit
from services.models import ServiceType

DAY = datetime.timedelta(days=1)


@pytest.fixture
def only_pathway_rules(monkeypatch):
    monkeypatch.setattr(rules_registry, "_rules", {})
    pathway_rules.register()


def about(step, recipient, rule=pathway_rules.STEP_PLANNED_END_PASSED):
    return ReminderFactory(
        recipient=recipient,
        rule=rule,
        content_type=ContentType.objects.get_for_model(PathwayStep),
        object_id=str(step.pk),
        due_date=step.start_on - DAY,
        client_id=step.client.uuid,
    )


def test_a_replaced_coach_who_stays_on_the_team_is_no_longer_reminded_of_the_step(
    only_pathway_rules, worker, coach, client_of, today
):
    successor = make_user(Role.WORK_COACH, worker.active_assignment.unit)
    client = client_of()
    period = actions.plan_step(
        client=client,
        planned_by=worker,
        coach=coach,
        service_type=ServiceType.objects.get(code="rehabilitative_work_activity"),
        start_on=today,
        planned_end_on=period_end_limit(today, 6),
        review_due=today + 7 * DAY,
        days_per_week=3,
        hours_per_day=5,
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )
    (coaching,) = PathwayStep.objects.filter(client=client, coach=coach).exclude(pk=period.pk)
    trial = actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="work_trial"),
        start_on=period.planned_end_on + DAY,
        coach=coach,
    )
    sweep_reminders(today=today)
    review = Reminder.objects.get(recipient=coach, rule=pathway_rules.STEP_REVIEW_DUE)
    assert review.object_id == str(period.pk)
    of_coaching = about(coaching, coach)
    of_trial = about(trial, coach)
    of_worker = Reminder.objects.get(recipient=worker, rule=pathway_rules.STEP_REVIEW_DUE)

    actions.update_step(step=period, changed_by=worker, coach=successor)

    # Still on the team as the work trial's coach: leaving the team settles nothing.
    assert (
        CareTeamMembership.objects.current()
        .filter(client=client, user=coach, role=TeamRole.COACH)
        .exists()
    )
    for reminder in (review, of_coaching, of_trial, of_worker):
        reminder.refresh_from_db()
    assert review.read_at is not None and review.settled_at is not None
    assert of_coaching.read_at is not None and of_coaching.settled_at is not None
    # The coach's reminder of the step they still coach, and the worker's, stay theirs.
    assert of_trial.read_at is None
    assert of_worker.read_at is None

    sweep_reminders(today=today)
    assert not Reminder.objects.filter(recipient=coach).exclude(pk=of_trial.pk).unread().exists()
    assert Reminder.objects.filter(
        recipient=successor, rule=pathway_rules.STEP_REVIEW_DUE, object_id=str(period.pk)
    ).exists()
