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


def consent_team_coverage():
    """The coverage the consents app is to register from its AppConfig.ready()
    (clients.team_scope): joining a client's team discloses identity, pathway and plans
    (and health data to a role that reads health-related notes) for service planning and
    coordination, decided and logged by consents.coverage."""
    from clients.team_scope import TeamCoverage
    from consents.coverage import DisclosureNotCovered, disclosure_basis, record_disclosure
    from consents.models import InformationCategory, Purpose

    def categories(health: bool) -> list[str]:
        ordinary = [InformationCategory.IDENTITY, InformationCategory.PATHWAY]
        return [*ordinary, InformationCategory.HEALTH] if health else ordinary

    def covered(client, organisations, *, health: bool) -> set[int]:
        return {
            organisation.pk
            for organisation in organisations
            if disclosure_basis(
                client=client,
                organisation=organisation,
                category=categories(health),
                purpose=Purpose.SERVICE_PLANNING,
            )
            is not None
        }

    def disclose(*, actor, client, organisation, recipient, health: bool) -> bool:
        try:
            record_disclosure(
                actor=actor,
                client=client,
                organisation=organisation,
                category=categories(health),
                purpose=Purpose.SERVICE_PLANNING,
                channel="care_team",
                recipient_user=recipient,
                recipient_description="Omatiimin jäsen",
            )
        except DisclosureNotCovered:
            return False
        return True

    return TeamCoverage(covered=covered, disclose=disclose)


@pytest.fixture
def consent_coverage():
    """Registers the consents app's team coverage for the test, then restores what was."""
    from clients import team_scope

    before = team_scope.team_coverage()
    team_scope.register_team_coverage(consent_team_coverage())
    yield
    team_scope.register_team_coverage(before)
