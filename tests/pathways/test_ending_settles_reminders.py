"""Ending or cancelling a step settles its reminders at once, in the action's transaction:
the inbox and the bell stop asking for a review or a follow-on of a step that is over,
without waiting for the next sweep."""

import datetime

import pytest

from notifications import rules_registry
from notifications.actions import sweep_reminders
from notifications.models import Reminder
from notifications.rules_registry import registered_rules
from pathways import actions
from pathways import reminders as pathway_rules
from tests.pathways.test_review_due import plan_social_rehabilitation


@pytest.fixture
def only_pathway_rules(monkeypatch):
    monkeypatch.setattr(rules_registry, "_rules", {})
    pathway_rules.register()


def reminders_of(step) -> dict[str, bool]:
    """The step's reminders by rule: whether each is read."""
    return {
        reminder.rule: reminder.read_at is not None
        for reminder in Reminder.objects.concerning(step)
    }


def test_every_step_rule_is_settled_with_the_step():
    """A new pathways rule about steps is settled by end_step and cancel_step only if it is
    listed in STEP_RULES."""
    pathways_rules = {rule.code for rule in registered_rules() if rule.code.startswith("pathways.")}
    assert set(pathway_rules.STEP_RULES) == pathways_rules


def test_ending_a_step_takes_back_its_coming_reminders_and_marks_past_ones_read(
    only_pathway_rules, worker, client_of, today
):
    step = plan_social_rehabilitation(
        worker,
        client_of(),
        today - datetime.timedelta(days=100),
        planned_end_on=today + datetime.timedelta(days=10),
    )
    other = plan_social_rehabilitation(
        worker,
        client_of(),
        today - datetime.timedelta(days=100),
        planned_end_on=today + datetime.timedelta(days=10),
    )
    assert step.review_due < today
    sweep_reminders(today=today)
    both = {pathway_rules.STEP_REVIEW_DUE: False, pathway_rules.STEP_ENDING_WITHOUT_NEXT: False}
    assert reminders_of(step) == reminders_of(other) == both

    actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=today,
        end_reason="goal_reached",
        exit_outcome="capacity_maintained",
    )

    # The overdue review's reminder stays, read (it was right on its day); the end still to
    # come is taken back. The other client's step keeps its own.
    assert reminders_of(step) == {pathway_rules.STEP_REVIEW_DUE: True}
    assert reminders_of(other) == both


def test_cancelling_a_step_takes_back_its_reminders(only_pathway_rules, worker, client_of, today):
    client = client_of()
    step = plan_social_rehabilitation(
        worker,
        client,
        today + datetime.timedelta(days=3),
        planned_end_on=today + datetime.timedelta(days=12),
    )
    sweep_reminders(today=today)
    assert reminders_of(step) == {pathway_rules.STEP_ENDING_WITHOUT_NEXT: False}

    actions.cancel_step(
        step=step, cancelled_by=worker, reason="Asiakas muutti, eikä jaksoa aloiteta."
    )

    assert reminders_of(step) == {}
