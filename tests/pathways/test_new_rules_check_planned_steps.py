"""New rules from a date take the steps planned to start on or after it; each is checked
against them, and a step that breaks them stays on them (the rules in force on its start
date decide) while the responsible worker gets a task naming the step and the rule broken."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from notifications.models import Task
from pathways import actions
from pathways.actions.new_rules import STEP_BREAKS_NEW_RULES_TASK
from pathways.models import PathwayStep
from pathways.step_rules import period_end_limit
from services import actions as service_actions
from services.models import ServiceRuleSet, ServiceType
from tests.conftest import login

REHAB = "rehabilitative_work_activity"
SOURCE = "(Laki kuntouttavasta työtoiminnasta 189/2001)"


def plan_rehab(worker, client, start, months):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code=REHAB),
        start_on=start,
        planned_end_on=period_end_limit(start, months),
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )


def bring_in_12_months_rules(today, change_on, by):
    """`by` brings in general rules of rehabilitative work activity from `change_on` that
    allow at most 12 months; returns the new rule set."""
    return service_actions.supersede_rule_set(
        current=ServiceRuleSet.objects.in_force(REHAB, None, today),
        valid_from=change_on,
        changes={"max_duration_months": 12, "warning_month": 10},
        by=by,
    )


def test_a_planned_step_breaking_the_new_rules_moves_and_the_worker_is_told(
    worker, client_of, today
):
    admin = make_user(Role.ADMIN, worker.active_assignment.unit)
    change_on = today + datetime.timedelta(days=10)
    start = change_on + datetime.timedelta(days=5)
    breaking = plan_rehab(worker, client_of(), start, 18)
    fitting = plan_rehab(worker, client_of(), start, 6)

    successor = bring_in_12_months_rules(today, change_on, by=admin)

    for step in (breaking, fitting):
        step.refresh_from_db()
        assert step.rule_set == successor
    task = Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK)
    assert task.assignee == worker
    assert task.concerning == breaking
    assert task.client_id == breaking.client.uuid
    assert f"Kuntouttava työtoiminta, {start:%-d.%-m.%Y}" in task.title
    assert "enintään 12 kuukautta" in task.description
    assert SOURCE in task.description
    assert task.link == f"/clients/{breaking.client.uuid}/steps/{breaking.pk}/edit/"
    assert task.created_by == admin
    # The change history names the administrator who brought in the rules.
    event = PathwayStep.pgh_event_model.objects.filter(pgh_obj=breaking).order_by("pgh_id").last()
    assert event.rule_set_id == successor.pk
    assert event.pgh_context.metadata["user"] == admin.pk
    assert event.pgh_context.metadata["action"] == "pathways.step.moved_to_new_rules"


def test_the_task_is_in_the_workers_language(worker, client_of, today):
    worker.preferred_language = "en"
    worker.save(update_fields=["preferred_language"])
    change_on = today + datetime.timedelta(days=10)
    plan_rehab(worker, client_of(), change_on, 18)
    bring_in_12_months_rules(today, change_on, by=worker)
    task = Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK)
    assert "Kuntouttava" not in task.title and "Rehabilitative work activity" in task.title


class TestFutureRuleSetChangedInTheAdmin:
    """A rule set not yet in force may still be edited (its first day, its scope, its rules):
    the planned steps follow, so that each rests on the rule set in force on its start date.
    Each test plans a step from `start` (15 days on) and signs the administrator in to add
    the organisation's own rules from `first_day` (10 days on), before it."""

    @pytest.fixture
    def admin(self, worker):
        """A staff administrator of the worker's unit."""
        return make_user(Role.ADMIN, worker.active_assignment.unit, is_staff=True)

    @pytest.fixture
    def start(self, today):
        return today + datetime.timedelta(days=15)

    @pytest.fixture
    def first_day(self, today):
        return today + datetime.timedelta(days=10)

    def add_own_rules(self, client, admin, valid_from, **rules):
        """The administrator adds their organisation's own rules from `valid_from`."""
        organisation = admin.role_assignments.get().unit.organisation
        login(client, admin)
        response = client.post(
            reverse("admin:services_serviceruleset_add"),
            {
                "service_type": ServiceType.objects.get(code=REHAB).pk,
                "organisation": organisation.pk,
                "valid_from": valid_from.isoformat(),
                "valid_to": "",
                "source": "Oma käytäntö",
                **rules,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return ServiceRuleSet.objects.get(organisation=organisation, service_type__code=REHAB)

    def edit(self, client, rule_set, **fields):
        data = {
            "service_type": rule_set.service_type_id,
            "organisation": rule_set.organisation_id,
            "valid_from": rule_set.valid_from.isoformat(),
            "valid_to": "",
            "source": rule_set.source,
            "max_duration_months": rule_set.max_duration_months or "",
            **fields,
        }
        response = client.post(
            reverse("admin:services_serviceruleset_change", args=[rule_set.pk]), data
        )
        assert response.status_code == 302, response.content.decode()[:2000]

    def test_a_step_no_longer_within_a_later_first_day_returns_to_the_rules_in_force(
        self, client, worker, client_of, today, admin, start, first_day
    ):
        step = plan_rehab(worker, client_of(), start, 6)
        general = step.rule_set
        own = self.add_own_rules(client, admin, first_day, max_duration_months="12")
        step.refresh_from_db()
        assert step.rule_set == own

        self.edit(client, own, valid_from=(today + datetime.timedelta(days=30)).isoformat())

        step.refresh_from_db()
        organisation = worker.active_assignment.unit.organisation
        assert step.rule_set == ServiceRuleSet.objects.in_force(REHAB, organisation, start)
        assert step.rule_set == general

    def test_a_step_resting_on_rules_changed_before_they_come_into_force_is_checked(
        self, client, worker, client_of, admin, start, first_day
    ):
        step = plan_rehab(worker, client_of(), start, 10)
        own = self.add_own_rules(client, admin, first_day, max_duration_months="12")
        assert not Task.objects.filter(kind=STEP_BREAKS_NEW_RULES_TASK).exists()

        self.edit(client, own, max_duration_months="8")

        step.refresh_from_db()
        assert step.rule_set == own
        task = Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK)
        assert (task.assignee, task.concerning) == (worker, step)
        assert "enintään 8 kuukautta" in task.description

    def test_rules_changed_to_admit_the_step_settle_its_task(
        self, client, worker, client_of, admin, start, first_day
    ):
        step = plan_rehab(worker, client_of(), start, 10)
        own = self.add_own_rules(client, admin, first_day, max_duration_months="8")
        task = Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK)
        assert task.done_at is None

        own.refresh_from_db()
        self.edit(client, own, max_duration_months="12")

        step.refresh_from_db()
        assert step.rule_set == own
        task.refresh_from_db()
        assert task.done_at is not None
        assert task.done_by == admin
        assert not Task.objects.filter(kind=STEP_BREAKS_NEW_RULES_TASK, done_at__isnull=True)

    def test_a_step_returning_to_rules_it_left_is_asked_again(
        self, client, worker, client_of, today, admin, start, first_day
    ):
        """The rules' first day moved past the step and back: the step rests on them again
        and still breaks them, so its worker is asked again (the first task was checked off
        when the step left them)."""
        step = plan_rehab(worker, client_of(), start, 10)
        own = self.add_own_rules(client, admin, first_day, max_duration_months="8")
        first = Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK)

        own.refresh_from_db()
        self.edit(client, own, valid_from=(today + datetime.timedelta(days=30)).isoformat())
        step.refresh_from_db()
        assert step.rule_set != own
        first.refresh_from_db()
        assert first.done_at is not None

        own.refresh_from_db()
        self.edit(client, own, valid_from=first_day.isoformat())

        step.refresh_from_db()
        assert step.rule_set == own
        again = Task.objects.get(kind=STEP_BREAKS_NEW_RULES_TASK, done_at__isnull=True)
        assert again.pk != first.pk
        assert (again.assignee, again.concerning) == (worker, step)
        assert "enintään 8 kuukautta" in again.description
        # Saved once more unchanged: the open task stays the only one.
        own.refresh_from_db()
        self.edit(client, own)
        assert Task.objects.filter(kind=STEP_BREAKS_NEW_RULES_TASK).count() == 2
