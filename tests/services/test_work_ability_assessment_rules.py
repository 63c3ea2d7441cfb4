"""The work-ability assessment needs no work-ability support plan: the plan is its outcome
(DOMAIN.md). Data migration 0007 supersedes a general rule set that still requires it."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from clients.models import ClientPlan
from pathways import actions
from pathways.models import PathwayStep
from services.factories import UnitFactory
from services.models import PlanType, ServiceRuleSet, ServiceType
from services.reference import (
    REFERENCE_START,
    WORK_ABILITY_ASSESSMENT_MODEL,
    drop_work_ability_assessment_plan_requirement,
)
from tests.conftest import acting

pytestmark = pytest.mark.django_db

ASSESSMENT = "work_ability_assessment"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def worker():
    return acting(make_user(Role.SOCIAL_WORKER, UnitFactory()))


@pytest.fixture
def client(worker, today):
    """A client of the worker with no plan at all, as before the assessment."""
    return ClientFactory(created_by=worker, birth=today.replace(year=today.year - 40))


def plan_assessment(client, worker, start):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code=ASSESSMENT),
        start_on=start,
        goal="Selvitetään työkyky: selkä, mieliala, toimeentulo ja asuminen.",
    )


def general(on):
    return ServiceRuleSet.objects.in_force(ASSESSMENT, None, on)


@pytest.fixture
def loaded_before_0007():
    """The general rule set of 2024 as a database loaded before migration 0007 has it:
    requiring the work-ability support plan (and here with a companion link, to see it copied)."""
    rule_set = general(REFERENCE_START)
    volunteering = ServiceType.objects.get(code="volunteering")
    link = ServiceRuleSet.may_run_alongside.through
    tables = [connection.ops.quote_name(model._meta.db_table) for model in (ServiceRuleSet, link)]
    with connection.cursor() as cursor:  # as it was: rule sets in force are otherwise read-only
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        ServiceRuleSet.objects.filter(pk=rule_set.pk).update(
            required_plan_type=PlanType.WORK_ABILITY_SUPPORT_PLAN
        )
        link.objects.create(serviceruleset_id=rule_set.pk, servicetype_id=volunteering.pk)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    rule_set.refresh_from_db()
    return rule_set


def test_the_reference_rule_set_requires_no_plan(today):
    rule_set = general(today)
    assert rule_set.required_plan_type == ""
    assert rule_set.source == WORK_ABILITY_ASSESSMENT_MODEL
    assert rule_set.valid_from == REFERENCE_START
    assert rule_set.supersedes is None


def test_an_assessment_is_planned_for_a_client_without_a_work_ability_support_plan(
    worker, client, today
):
    assert not ClientPlan.objects.filter(
        client=client, plan_type=PlanType.WORK_ABILITY_SUPPORT_PLAN
    ).exists()
    step = plan_assessment(client, worker, today)
    assert step.pk and step.rule_set == general(today)
    assert step.plan is None


def test_on_a_fresh_database_the_migration_changes_nothing(today):
    before = ServiceRuleSet.objects.count()
    drop_work_ability_assessment_plan_requirement(apps)
    assert ServiceRuleSet.objects.count() == before
    rule_set = general(today + DAY)
    assert (rule_set.valid_from, rule_set.valid_to) == (REFERENCE_START, None)


def test_a_database_loaded_before_0007_has_the_plan_requirement_superseded_from_tomorrow(
    loaded_before_0007, worker, client, today
):
    old = loaded_before_0007
    drop_work_ability_assessment_plan_requirement(apps)
    after = (
        ServiceRuleSet.objects.count(),
        ServiceRuleSet.may_run_alongside.through.objects.count(),
    )
    drop_work_ability_assessment_plan_requirement(apps)  # idempotent
    assert (
        ServiceRuleSet.objects.count(),
        ServiceRuleSet.may_run_alongside.through.objects.count(),
    ) == after

    old.refresh_from_db()
    assert old.valid_to == today
    # Past decisions keep their rules.
    assert old.required_plan_type == PlanType.WORK_ABILITY_SUPPORT_PLAN
    assert general(today) == old
    successor = general(today + DAY)
    assert successor.supersedes_id == old.pk
    assert (successor.valid_from, successor.valid_to) == (today + DAY, None)
    assert successor.required_plan_type == ""
    assert successor.source == WORK_ABILITY_ASSESSMENT_MODEL
    assert successor.created_by is None
    assert list(successor.may_run_alongside.values_list("code", flat=True)) == ["volunteering"]
    assert not successor.requires.exists() and not successor.requires_one_of.exists()

    # Today the old rule set still refuses an assessment without the plan; from tomorrow
    # the assessment can be planned.
    with pytest.raises(ValidationError) as error:
        plan_assessment(client, worker, today)
    assert "suunnitelmaa" in " ".join(error.value.messages)
    assert not PathwayStep.objects.filter(client=client).exists()
    step = plan_assessment(client, worker, today + DAY)
    assert step.rule_set == successor
