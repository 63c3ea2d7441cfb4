from dataclasses import dataclass

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from services.factories import UnitFactory


@dataclass
class World:
    """One user per role, all in one unit; later issues add clients and their teams."""

    unit: object
    users: dict
    current_assignment_id: int | None = None


@pytest.fixture
def world(db):
    unit = UnitFactory()
    users = {role: make_user(role, unit, is_staff=role == Role.ADMIN) for role in Role.values}
    return World(unit=unit, users=users)
