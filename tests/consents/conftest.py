import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, add_member
from clients.models import TeamRole
from consents.factories import acting, kela
from services.factories import OrganisationFactory, UnitFactory


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Scans go to a directory of the test's own; no virus scanner unless a test sets one."""
    settings.POLKU_PRIVATE_ROOT = tmp_path / "private"
    settings.POLKU_CLAMAV_SOCKET = ""
    return settings.POLKU_PRIVATE_ROOT


@pytest.fixture
def parties(db):
    """Kela, one employment-services organisation, one health-care organisation."""
    return {
        "kela": kela(),
        "employment": OrganisationFactory(
            employment_services=True, slug="hki-tyollisyys", name_fi="Helsingin työllisyyspalvelut"
        ),
        "other_employment": OrganisationFactory(
            employment_services=True, slug="muu-tyollisyys", name_fi="Muu työllisyysalue"
        ),
        "health": OrganisationFactory(
            health_care=True, slug="terveysasema", name_fi="Terveysasema"
        ),
        "provider": OrganisationFactory(kind="provider", slug="paja", name_fi="Paja ry"),
    }


@pytest.fixture
def team(db):
    """A client whose responsible worker is a social worker and sote contact a health
    professional; a work coach on the team; a manager and an outsider in the unit."""
    unit = UnitFactory()
    worker = acting(make_user(Role.SOCIAL_WORKER, unit))
    client = ClientFactory(responsible_worker=worker, first_names="Tuisku", last_name="Tietävä")
    sote = acting(make_user(Role.HEALTH_PROFESSIONAL, unit))
    add_member(client, sote, TeamRole.SOTE_CONTACT)
    coach = acting(make_user(Role.WORK_COACH, unit))
    add_member(client, coach, TeamRole.COACH)
    return {
        "unit": unit,
        "worker": worker,
        "sote": sote,
        "coach": coach,
        "client": client,
        "manager": acting(make_user(Role.MANAGER, unit)),
        "outsider": acting(make_user(Role.SOCIAL_WORKER, UnitFactory())),
    }
