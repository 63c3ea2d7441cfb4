import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from services.factories import UnitFactory

# A fixed "now": 15 June 2026 at noon in Helsinki (UTC+3 in summer).
NOW = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def now(db):
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def unit(db):
    return UnitFactory()


@pytest.fixture
def manager(unit):
    return make_user(Role.MANAGER, unit, first_name="Maija", last_name="Esihenkilö")


@pytest.fixture
def worker(unit):
    # Another unit of the same organisation: the manager's scope is the organisation.
    other_unit = UnitFactory(organisation=unit.organisation)
    return make_user(Role.SOCIAL_WORKER, other_unit, first_name="Sanna", last_name="Sosiaali")


@pytest.fixture
def outsider(db):
    """A social worker of another organisation."""
    return make_user(Role.SOCIAL_WORKER, UnitFactory(), first_name="Olli", last_name="Ulkopuoli")


def make_clients(worker, n: int, **fields) -> list:
    return [ClientFactory(created_by=worker, **fields) for _ in range(n)]


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
