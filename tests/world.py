from dataclasses import dataclass, field

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, add_member
from clients.models import TeamRole
from services.factories import UnitFactory


@dataclass
class World:
    """One user per role, all in one unit, and a client whose team exercises every rule.

    The client's team: social_worker (responsible worker), health_professional
    (sote contact person), coordinator (work pair), work_coach (coach). Everyone
    else of the unit is outside the team; the manager manages the unit.
    `other_client` belongs to another unit's team, for the IDOR test.
    """

    unit: object
    users: dict
    client: object = None
    other_client: object = None
    current_assignment_id: int | None = None
    extra: dict = field(default_factory=dict)


def build_world():
    unit = UnitFactory()
    users = {role: make_user(role, unit, is_staff=role == Role.ADMIN) for role in Role.values}
    client = ClientFactory(responsible_worker=users[Role.SOCIAL_WORKER])
    add_member(client, users[Role.HEALTH_PROFESSIONAL], TeamRole.SOTE_CONTACT)
    add_member(client, users[Role.COORDINATOR], TeamRole.WORK_PAIR)
    add_member(client, users[Role.WORK_COACH], TeamRole.COACH)
    other_unit = UnitFactory(organisation=unit.organisation)
    other_client = ClientFactory(responsible_worker=make_user(Role.SOCIAL_WORKER, other_unit))
    return World(unit=unit, users=users, client=client, other_client=other_client)
