"""A transfer of responsibility that commits while a sweep runs: the sweep read the caseload
before it and writes after the transfer settled the former worker's reminders. The end of the
sweep settles what it wrote for someone no longer on the client's team, so no inbox keeps a
reminder about a client that is no longer its reader's."""

import datetime

from django.utils import timezone

from clients import actions
from clients import reminders as client_rules
from clients.factories import ClientFactory, make_plan
from notifications import rules_registry
from notifications.actions import sweep_reminders
from notifications.factories import ReminderFactory
from notifications.models import Reminder
from tests.conftest import acting

DAY = datetime.timedelta(days=1)


def test_a_reminder_written_for_the_former_worker_after_the_transfer_is_settled_by_the_sweep(
    team, monkeypatch
):
    monkeypatch.setattr(rules_registry, "_rules", {})
    client_rules.register()
    worker, counsellor, client_of = acting(team["worker"]), team["counsellor"], team["client"]
    today = timezone.localdate()
    plan = make_plan(client_of, worker, next_review_on=today + 3 * DAY)
    other_plan = make_plan(ClientFactory(created_by=worker), worker, next_review_on=today + 3 * DAY)
    # A manager told of the client as a manager of its unit, not as a member of its team.
    managers = ReminderFactory(
        recipient=team["manager"],
        rule=client_rules.RESPONSIBLE_WORKER_UNREACHABLE,
        client_id=client_of.uuid,
    )
    reviews = rules_registry._rules[client_rules.PLAN_REVIEW_DUE]

    def read_then_transferred(day, batch_size):
        read = list(reviews.func(day, batch_size))
        actions.transfer_responsibility(
            client=client_of,
            to_user=counsellor,
            to_unit=team["unit"],
            transferred_by=worker,
            handover_note="Suunnitelman tarkistus on tulossa.",
        )
        yield from read

    monkeypatch.setitem(
        rules_registry._rules,
        client_rules.PLAN_REVIEW_DUE,
        rules_registry.ReminderRule(
            code=reviews.code,
            label=reviews.label,
            func=read_then_transferred,
            withdraw_stale=reviews.withdraw_stale,
            reminds_the_team=reviews.reminds_the_team,
        ),
    )

    result = sweep_reminders(today=today)

    assert result.created[client_rules.PLAN_REVIEW_DUE] == 2
    written = Reminder.objects.get(recipient=worker, object_id=str(plan.pk))
    assert written.read_at is not None and written.settled_at is not None
    # Their other client's reminder, and the manager's, stay unread.
    assert Reminder.objects.get(recipient=worker, object_id=str(other_plan.pk)).read_at is None
    managers.refresh_from_db()
    assert managers.read_at is None

    rules_registry._rules[client_rules.PLAN_REVIEW_DUE] = reviews
    sweep_reminders(today=today)
    assert set(
        Reminder.objects.unread().filter(client_id=client_of.uuid).values_list("recipient", "rule")
    ) == {
        (counsellor.pk, client_rules.PLAN_REVIEW_DUE),
        (team["manager"].pk, client_rules.RESPONSIBLE_WORKER_UNREACHABLE),
    }


def test_every_rule_that_reminds_the_clients_team_says_so():
    """The rules whose reminders go to the client's responsible worker or a step's coach as
    members of its team are settled at the end of a sweep for whoever left it meanwhile.
    Those of the unit's managers, of a task's assignee (who follows the task:
    notifications.actions.hand_over_tasks) and of a session's participants are not."""
    team_rules = {rule.code for rule in rules_registry.registered_rules() if rule.reminds_the_team}
    assert team_rules == {
        "clients.plan_review_due",
        "clients.plan_review_overdue",
        "clients.membership_ending",
        "consents.consent_expiring",
        "consents.guardian_consent_ends_at_majority",
        "pathways.rehab_month_21",
        "pathways.step_ending_without_next",
        "pathways.jobcenter_ending_without_next",
        "pathways.ips_no_employer_contact",
        "pathways.step_review_due",
        "pathways.step_planned_end_passed",
    }
