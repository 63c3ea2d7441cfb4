import datetime

import pytest
import time_machine

from accounts.factories import make_user
from accounts.roles import Role
from audit.actions import log_access, log_disclosure
from audit.models import Basis
from clients.audit_subjects import register_audit_subjects
from clients.factories import ClientFactory, demo_identity_code
from services.factories import UnitFactory

# A fixed "now": 15 June 2026 at noon in Helsinki (UTC+3 in summer).
NOW = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _client_subjects():
    """The clients app registers these in its ready(); registering again is harmless."""
    register_audit_subjects()


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def unit(db):
    return UnitFactory()


@pytest.fixture
def dpo(unit):
    return make_user(Role.DPO, unit, first_name="Tiina", last_name="Tietosuoja")


@pytest.fixture
def worker(unit):
    # Another unit of the same organisation: the DPO's scope is the organisation.
    other_unit = UnitFactory(organisation=unit.organisation)
    return make_user(Role.SOCIAL_WORKER, other_unit, first_name="Sanna", last_name="Sosiaali")


@pytest.fixture
def coach(unit):
    return make_user(Role.WORK_COACH, unit, first_name="Ville", last_name="Valmentaja")


@pytest.fixture
def outsider(db):
    """A social worker of another organisation, with a client of their own."""
    return make_user(Role.SOCIAL_WORKER, UnitFactory(), first_name="Olli", last_name="Ulkopuoli")


CODE = "010594Y9032"
UNKNOWN_CODE = demo_identity_code(datetime.date(2001, 1, 1), 999)
OTHER_ORGANISATION_CODE = demo_identity_code(datetime.date(1980, 5, 5), 950)


@pytest.fixture
def subject_client(worker):
    return ClientFactory(
        responsible_worker=worker,
        first_names="Silmu Aurora",
        last_name="Suunnistaja",
        code=CODE,
    )


@pytest.fixture
def other_client(worker):
    return ClientFactory(responsible_worker=worker, first_names="Toivo", last_name="Toinen")


@pytest.fixture
def outsiders_client(outsider):
    return ClientFactory(
        responsible_worker=outsider,
        first_names="Ulla",
        last_name="Ulkomaa",
        code=OTHER_ORGANISATION_CODE,
    )


def acting(user):
    user.active_assignment = user.role_assignments.select_related("unit").order_by("pk").first()
    return user


def access(actor, client, *, at, action="clients.client.viewed", basis=Basis.CARE_TEAM):
    """An access-log row written at `at`, as the clients app writes it."""
    with time_machine.travel(at, tick=False):
        return log_access(actor=acting(actor), client_id=client.uuid, action=action, basis=basis)


def disclosure(actor, client, *, at, **fields):
    with time_machine.travel(at, tick=False):
        return log_disclosure(actor=actor, client_id=client.uuid, **fields)
