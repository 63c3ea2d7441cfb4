"""Work coaching lasts 3–24 months with the work activity it is part of (DOMAIN.md: "coaching
inside work activity, 3–24 months with it"). A fresh database has the limits from 2024; data
migration 0008 supersedes from tomorrow a general rule set that lacks them, never editing the
one in force."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from pathways import actions
from pathways.models import PathwayStep
from pathways.step_rules import period_end_limit
from services.factories import UnitFactory
from services.models import ServiceRuleSet, ServiceType
from services.reference import (
    REFERENCE_START,
    REHABILITATIVE_WORK_ACTIVITY_ACT,
    limit_work_coaching_period,
)
from tests.conftest import acting

pytestmark = pytest.mark.django_db

COACHING = "work_coaching"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def worker():
    return acting(make_user(Role.SOCIAL_WORKER, UnitFactory()))


@pytest.fixture
def client(worker, today):
    """A client in work activity for disabled people, which has no length of its own: the
    coaching alongside it is planned on its own, with its own dates."""
    client = ClientFactory(created_by=worker, birth=today.replace(year=today.year - 30))
    actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="disability_work_activity"),
        start_on=today,
        days_per_week=3,
        hours_per_day=Decimal(4),
    )
    return client


def plan_coaching(client, worker, start, end):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code=COACHING),
        start_on=start,
        planned_end_on=end,
    )


def general(on):
    return ServiceRuleSet.objects.in_force(COACHING, None, on)


def refused(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_the_reference_rule_set_limits_work_coaching_to_3_to_24_months(today):
    rule_set = general(today)
    assert (rule_set.min_duration_months, rule_set.max_duration_months) == (3, 24)
    assert rule_set.valid_from == REFERENCE_START
    assert rule_set.source == REHABILITATIVE_WORK_ACTIVITY_ACT


@pytest.mark.parametrize(
    ("months", "days", "ok"),
    [(24, 0, True), (24, 1, False), (3, 0, True), (3, -1, False)],
)
def test_work_coaching_lasts_3_to_24_months(worker, client, today, months, days, ok):
    end = period_end_limit(today, months) + datetime.timedelta(days=days)
    call = lambda: plan_coaching(client, worker, today, end)
    if ok:
        assert call().planned_end_on == end
        return
    errors = refused(call)
    text = " ".join(errors["planned_end_on"])
    assert f"{months} kuukautta" in text
    assert "(Laki kuntouttavasta työtoiminnasta 189/2001)" in text
    assert not PathwayStep.objects.filter(client=client, service_type__code=COACHING).exists()


def test_work_coaching_has_a_planned_end(worker, client, today):
    errors = refused(lambda: plan_coaching(client, worker, today, None))
    assert "suunniteltu päättymispäivä" in " ".join(errors["planned_end_on"])


def test_on_a_fresh_database_the_migration_changes_nothing(today):
    before = ServiceRuleSet.objects.count()
    limit_work_coaching_period(apps)
    assert ServiceRuleSet.objects.count() == before
    assert (general(today + DAY).valid_from, general(today + DAY).valid_to) == (
        REFERENCE_START,
        None,
    )


@pytest.fixture
def loaded_before_0008():
    """The general rule set of 2024 as a database loaded before migration 0008 has it:
    without a length limit."""
    rule_set = general(REFERENCE_START)
    table = connection.ops.quote_name(ServiceRuleSet._meta.db_table)
    with connection.cursor() as cursor:  # as it was: rule sets in force are otherwise read-only
        # Deferred checks of the rows made so far fire now: ALTER TABLE refuses pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        ServiceRuleSet.objects.filter(pk=rule_set.pk).update(
            min_duration_months=None, max_duration_months=None
        )
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    rule_set.refresh_from_db()
    return rule_set


def test_a_database_loaded_before_0008_gets_the_limits_from_tomorrow(
    loaded_before_0008, worker, client, today
):
    old = loaded_before_0008
    limit_work_coaching_period(apps)
    count = ServiceRuleSet.objects.count()
    limit_work_coaching_period(apps)  # idempotent
    assert ServiceRuleSet.objects.count() == count

    old.refresh_from_db()
    # Past decisions keep their rules.
    assert (old.valid_to, old.max_duration_months) == (today, None)
    assert general(today) == old
    successor = general(today + DAY)
    assert successor.supersedes_id == old.pk
    assert (successor.valid_from, successor.valid_to) == (today + DAY, None)
    assert (successor.min_duration_months, successor.max_duration_months) == (3, 24)
    assert successor.source == old.source
    assert sorted(successor.requires_one_of.values_list("code", flat=True)) == sorted(
        old.requires_one_of.values_list("code", flat=True)
    )
    assert sorted(successor.may_run_alongside.values_list("code", flat=True)) == sorted(
        old.may_run_alongside.values_list("code", flat=True)
    )

    # Coaching starting today keeps the old rules (no limit); from tomorrow 3–24 months.
    long_end = period_end_limit(today, 30)
    assert plan_coaching(client, worker, today, long_end).rule_set == old
    other = ClientFactory(created_by=worker, birth=today.replace(year=today.year - 30))
    actions.plan_step(
        client=other,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="disability_work_activity"),
        start_on=today,
        days_per_week=3,
        hours_per_day=Decimal(4),
    )
    tomorrow = today + DAY
    assert "24 kuukautta" in " ".join(
        refused(lambda: plan_coaching(other, worker, tomorrow, period_end_limit(tomorrow, 30)))[
            "planned_end_on"
        ]
    )
    assert (
        plan_coaching(other, worker, tomorrow, period_end_limit(tomorrow, 24)).rule_set == successor
    )
