import datetime

import pytest
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from services.factories import UnitFactory
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
def client_of(worker, today):
    """A client of the worker aged `age` (default 25), with a current activation plan.

    `organisation` puts the client's responsible unit there (e.g. Essote, whose
    own rule sets then apply)."""

    def make(age=25, plan=True, organisation=None):
        birth = today.replace(year=today.year - age) - datetime.timedelta(days=10)
        extra = {"responsible_unit": UnitFactory(organisation=organisation)} if organisation else {}
        client = ClientFactory(created_by=worker, birth=birth, **extra)
        if plan:
            make_plan(client, worker, plan_type="activation_plan")
        return client

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
