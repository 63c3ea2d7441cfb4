import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, add_member
from clients.models import TeamRole
from services.factories import UnitFactory


@pytest.fixture
def team(db):
    """A unit with a social worker whose client has a work coach on the team, plus colleagues."""
    unit = UnitFactory()
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(created_by=worker, first_names="Silmu Aurora", last_name="Suunnistaja")
    coach = make_user(Role.WORK_COACH, unit)
    add_member(client, coach, TeamRole.COACH)
    return {
        "unit": unit,
        "worker": worker,
        "client": client,
        "coach": coach,
        "counsellor": make_user(Role.SOCIAL_COUNSELLOR, unit),
        "manager": make_user(Role.MANAGER, unit),
    }


@pytest.fixture
def consent_coverage():
    """The consents app's team coverage registered for the test (as at start-up), then
    what was before restored: tests of the fail-closed rule unregister it."""
    from clients import team_scope
    from consents.team_coverage import team_coverage

    before = team_scope.team_coverage()
    team_scope.register_team_coverage(team_coverage())
    yield
    team_scope.register_team_coverage(before)
