"""The review date of a step: set from the rule set's review interval (social rehabilitation:
about 3 months), shown on the step and the timeline, and reminded by a rule."""

import datetime

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from notifications import rules_registry
from notifications.actions import sweep_reminders
from notifications.models import Reminder
from pathways import actions
from pathways import reminders as pathway_rules
from services import actions as service_actions
from services.calendar import add_months
from services.factories import OrganisationFactory, UnitFactory
from services.models import ServiceRuleSet, ServiceType
from tests.conftest import acting, login

SOCIAL_REHABILITATION = "social_rehabilitation"


@pytest.fixture
def only_pathway_rules(monkeypatch):
    monkeypatch.setattr(rules_registry, "_rules", {})
    pathway_rules.register()


def plan_social_rehabilitation(worker, client, start, **fields):
    make_plan(client, worker, plan_type="client_plan")
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code=SOCIAL_REHABILITATION),
        start_on=start,
        decision_reference="SOS-2026-7",
        **fields,
    )


def test_planning_sets_the_review_date_from_the_rule_set(worker, client_of, today):
    step = plan_social_rehabilitation(worker, client_of(), today)
    assert step.rule_set.review_interval_months == 3
    assert step.review_due == add_months(today, 3)
    step.refresh_from_db()
    assert step.review_due == add_months(today, 3)


def test_a_service_without_a_review_interval_gets_no_review_date(worker, client_of, today):
    step = actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=ServiceType.objects.get(code="supported_employment"),
        start_on=today,
    )
    assert step.review_due is None


def test_the_rule_set_in_force_on_the_start_date_decides(worker, client_of, today):
    current = ServiceRuleSet.objects.in_force(SOCIAL_REHABILITATION, None, today)
    change_on = today + datetime.timedelta(days=5)
    service_actions.supersede_rule_set(
        current=current, valid_from=change_on, changes={"review_interval_months": 2}, by=worker
    )
    before = plan_social_rehabilitation(worker, client_of(), change_on - datetime.timedelta(days=1))
    after = plan_social_rehabilitation(worker, client_of(), change_on)
    assert before.review_due == add_months(before.start_on, 3)
    assert after.review_due == add_months(change_on, 2)


def test_steps_planned_before_new_rules_rest_on_them_from_their_start(worker, client_of, today):
    """Planned before the change, a step starting on or after the new rules' first day
    moves to them (its default review date too); one starting before stays."""
    day = datetime.timedelta(days=1)
    change_on = today + 5 * day
    before = plan_social_rehabilitation(worker, client_of(), change_on - day)
    after = plan_social_rehabilitation(worker, client_of(), change_on + 5 * day)
    chosen = change_on + 40 * day
    by_hand = plan_social_rehabilitation(worker, client_of(), change_on, review_due=chosen)
    current = before.rule_set

    successor = service_actions.supersede_rule_set(
        current=current, valid_from=change_on, changes={"review_interval_months": 2}, by=worker
    )

    for step in (before, after, by_hand):
        step.refresh_from_db()
    assert (before.rule_set, before.review_due) == (current, add_months(before.start_on, 3))
    assert (after.rule_set, after.review_due) == (successor, add_months(after.start_on, 2))
    assert (by_hand.rule_set, by_hand.review_due) == (successor, chosen)


def test_an_organisations_own_new_rules_added_in_the_admin_take_its_planned_steps(
    client, worker, client_of, today
):
    day = datetime.timedelta(days=1)
    ours = plan_social_rehabilitation(worker, client_of(), today + 10 * day)
    # Another organisation's client, with its own worker.
    colleague = acting(
        make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=OrganisationFactory()))
    )
    elsewhere_client = ClientFactory(created_by=colleague)
    elsewhere = plan_social_rehabilitation(colleague, elsewhere_client, today + 10 * day)
    general = ours.rule_set
    organisation = ours.client.responsible_unit.organisation
    administrator = make_user(Role.ADMIN, UnitFactory(organisation=organisation), is_staff=True)
    login(client, administrator)
    response = client.post(
        "/admin/services/serviceruleset/add/",
        {
            "service_type": ours.service_type.pk,
            "organisation": organisation.pk,
            "valid_from": (today + 5 * day).isoformat(),
            "valid_to": "",
            "source": "Kunnan oma käytäntö (testi)",
            "review_interval_months": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    own = ServiceRuleSet.objects.get(organisation=organisation, service_type=ours.service_type)
    ours.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (ours.rule_set, ours.review_due) == (own, add_months(ours.start_on, 2))
    assert (elsewhere.rule_set, elsewhere.review_due) == (
        general,
        add_months(elsewhere.start_on, 3),
    )


def test_a_date_chosen_by_hand_stays_and_the_default_follows_the_start(worker, client_of, today):
    chosen = today + datetime.timedelta(days=45)
    step = plan_social_rehabilitation(worker, client_of(), today, review_due=chosen)
    assert step.review_due == chosen
    step = actions.update_step(step=step, changed_by=worker, goal="Ryhmään osallistuminen")
    assert step.review_due == chosen

    # Planned to start tomorrow: a step that has started cannot move its start ahead.
    other = plan_social_rehabilitation(worker, client_of(), today + datetime.timedelta(days=1))
    later = today + datetime.timedelta(days=10)
    other = actions.update_step(step=other, changed_by=worker, start_on=later)
    assert other.review_due == add_months(later, 3)


def test_the_reminder_fires_14_days_before_and_not_the_day_before_that(
    only_pathway_rules, worker, client_of, today
):
    client = client_of()
    step = plan_social_rehabilitation(worker, client, today - datetime.timedelta(days=70))
    due = step.review_due
    first_day = due - datetime.timedelta(days=14)

    sweep_reminders(today=first_day - datetime.timedelta(days=1))
    assert not Reminder.objects.filter(rule=pathway_rules.STEP_REVIEW_DUE).exists()

    sweep_reminders(today=first_day)
    reminders = Reminder.objects.filter(rule=pathway_rules.STEP_REVIEW_DUE)
    assert {(r.recipient_id, int(r.object_id), r.due_date) for r in reminders} == {
        (worker.pk, step.pk, due)
    }
    assert sweep_reminders(today=due).total == 0


def test_the_reminder_window_is_configurable(
    only_pathway_rules, settings, worker, client_of, today
):
    settings.POLKU_REMINDER_WINDOWS = {pathway_rules.STEP_REVIEW_DUE: 3}
    step = plan_social_rehabilitation(worker, client_of(), today - datetime.timedelta(days=70))
    sweep_reminders(today=step.review_due - datetime.timedelta(days=4))
    assert not Reminder.objects.filter(rule=pathway_rules.STEP_REVIEW_DUE).exists()
    sweep_reminders(today=step.review_due - datetime.timedelta(days=3))
    assert Reminder.objects.filter(rule=pathway_rules.STEP_REVIEW_DUE, object_id=step.pk).exists()


def test_recording_the_next_review_date_settles_the_late_review_reminder(
    only_pathway_rules, worker, client_of, today
):
    """The review was due days ago and the inbox says "Sosiaalinen kuntoutus: arviointi ...".
    The worker records the review on the step with the next review date: the old date's
    reminder is marked read, so the inbox and the bell no longer ask for a review already
    done (the row stays). A change of another field leaves it waiting."""
    step = plan_social_rehabilitation(worker, client_of(), today - datetime.timedelta(days=100))
    assert step.review_due < today
    sweep_reminders(today=today)
    unread = Reminder.objects.filter(
        rule=pathway_rules.STEP_REVIEW_DUE, recipient=worker, read_at__isnull=True
    )
    assert unread.count() == 1

    step = actions.update_step(step=step, changed_by=worker, goal="Ryhmään osallistuminen")
    assert unread.count() == 1
    actions.update_step(
        step=step, changed_by=worker, review_due=today + datetime.timedelta(days=90)
    )
    assert unread.count() == 0
    assert Reminder.objects.filter(rule=pathway_rules.STEP_REVIEW_DUE).count() == 1
    assert sweep_reminders(today=today).total == 0


def test_an_ended_step_is_not_reminded(only_pathway_rules, worker, client_of, today):
    step = plan_social_rehabilitation(worker, client_of(), today - datetime.timedelta(days=80))
    actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=today,
        end_reason="goal_reached",
        exit_outcome="capacity_maintained",
    )
    sweep_reminders(today=step.review_due)
    assert not Reminder.objects.filter(rule=pathway_rules.STEP_REVIEW_DUE).exists()


def test_the_step_page_and_the_timeline_show_the_review_date(client, worker, client_of, today):
    client_ = client_of()
    step = plan_social_rehabilitation(worker, client_, today - datetime.timedelta(days=80))
    shown = step.review_due.strftime("%-d.%-m.%Y")
    days = (step.review_due - today).days
    login(client, worker)
    page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
    assert "Seuraava arviointi" in page and shown in page
    timeline = client.get(f"/clients/{client_.uuid}/").content.decode()
    assert f"Arviointi {shown}" in timeline
    assert 'class="polku-timeline__review"' in timeline
    assert f"Arviointi {shown} ({days} päivän kuluttua)." in timeline


def test_the_timeline_flags_on_the_same_windows_as_the_reminders(
    settings, worker, client_of, today
):
    """A changed reminder window changes the timeline's warnings too: they never disagree."""
    from pathways.timeline import step_warnings

    step = plan_social_rehabilitation(worker, client_of(), today - datetime.timedelta(days=80))
    step.review_due = today + datetime.timedelta(days=10)
    step.planned_end_on = today + datetime.timedelta(days=20)
    review = f"Arviointi {step.review_due:%-d.%-m.%Y} (10 päivän kuluttua)."
    ending = "Jakso päättyy 20 päivän kuluttua ilman jatkopolkua."
    assert review in step_warnings(step, today) and ending not in step_warnings(step, today)

    settings.POLKU_REMINDER_WINDOWS = {
        pathway_rules.STEP_REVIEW_DUE: 9,
        pathway_rules.STEP_ENDING_WITHOUT_NEXT: 21,
    }
    assert review not in step_warnings(step, today) and ending in step_warnings(step, today)
