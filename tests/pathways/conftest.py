import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from pathways import actions
from services.factories import UnitFactory
from services.models import ServiceType
from tests.conftest import acting


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def worker(db):
    return acting(make_user(Role.SOCIAL_WORKER, UnitFactory()))


@pytest.fixture
def coach(worker):
    return make_user(Role.WORK_COACH, worker.active_assignment.unit)


@pytest.fixture
def job_coach(worker):
    return make_user(Role.JOB_COACH, worker.active_assignment.unit)


@pytest.fixture
def client_of(worker, today):
    """A client of the worker aged `age` (default 25), with a current activation plan.

    `organisation` puts the client in that organisation's register (e.g. Essote, whose
    own rule sets then apply), and the worker's unit with them: a responsible worker works
    for the client's organisation (team access counts only that one without a consent)."""

    def make(age=25, plan=True, organisation=None):
        birth = today.replace(year=today.year - age) - datetime.timedelta(days=10)
        extra = {}
        if organisation:
            unit = worker.active_assignment.unit  # shared with the coaches: changed in place
            if unit.organisation_id != organisation.pk:
                unit.organisation = organisation
                unit.save(update_fields=["organisation"])
            extra = {"responsible_unit": unit}
        client = ClientFactory(created_by=worker, birth=birth, **extra)
        if plan:
            make_plan(client, worker, plan_type="activation_plan")
        return client

    return make


@pytest.fixture
def ips_step(worker, client_of, today, job_coach):
    """Plans supported employment (IPS) for a new client of `worker`, coached by `job_coach`
    and begun 40 days ago (`fields` as plan_step takes them, e.g. the starting `ips_phase`);
    returns (client, step)."""

    def make(**fields):
        client = client_of()
        step = actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="supported_employment"),
            start_on=today - datetime.timedelta(days=40),
            coach=job_coach,
            **fields,
        )
        return client, step

    return make


@pytest.fixture
def jobcenter_period(worker, client_of, today, coach):
    """Plans, for a new client of `worker`, rehabilitative work activity with work coaching
    by `coach` (by default from 60 days ago to 200 days on) and a Jobcenter paid-work period
    in it from `start_on` to `planned_end_on`; returns the Jobcenter period."""

    def make(start_on, planned_end_on, work_activity=(-60, 200)):
        client = client_of()
        actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="rehabilitative_work_activity"),
            start_on=today + datetime.timedelta(days=work_activity[0]),
            planned_end_on=today + datetime.timedelta(days=work_activity[1]),
            days_per_week=3,
            hours_per_day=Decimal(5),
            goal="Työelämään",
            support_given="Työvalmennus",
            coach=coach,
        )
        return actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="jobcenter_paid_work"),
            start_on=start_on,
            planned_end_on=planned_end_on,
        )

    return make


@pytest.fixture
def essote(db):
    """The Essote organisation, which the reference data gives rule sets of its own."""
    from services.models import Organisation

    return Organisation.objects.get(slug="essote")


@pytest.fixture
def workshop_unit(db):
    """A youth workshop, where a youth workshop period takes place."""
    from services.models import UnitKind

    return UnitFactory(kind=UnitKind.YOUTH_WORKSHOP, name_fi="Puutyöpaja")


@pytest.fixture
def monday(today):
    """Monday of last week: every day of the week is in the past."""
    return today - datetime.timedelta(days=today.weekday() + 7)


def save_contract(period, saved_by, start, end):
    """The paid job of the Jobcenter `period` from `start` to `end`, saved by `saved_by`."""
    return actions.save_jobcenter_contract(
        step=period,
        saved_by=saved_by,
        employer_unit=None,
        employer_name="Kaupunki",
        job_title="Kiinteistöhuolto",
        weekly_hours=Decimal(30),
        hourly_wage=Decimal(12),
        contract_start=start,
        contract_end=end,
    )
