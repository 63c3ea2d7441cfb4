"""The care team panel: its order, the roles one person may hold together, and ending a
membership with a confirmation step."""

import re

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import add_member
from clients.models import TeamRole
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _panel(page: str) -> str:
    return re.search(r'id="panel-clients-team".*?</section>', page, re.S).group(0)


def test_the_panel_lists_the_responsible_worker_first_then_by_role(client, team):
    """Added in the reverse order (and the coach by the fixture first of all): shown
    responsible worker, sote contact person, work pair, coaches, others."""
    target, unit = team["client"], team["unit"]
    other = make_user(Role.SOCIAL_COUNSELLOR, unit, first_name="Olli", last_name="Muujäsen")
    pair = make_user(Role.COORDINATOR, unit, first_name="Pirjo", last_name="Työpari")
    sote = make_user(Role.HEALTH_PROFESSIONAL, unit, first_name="Sanna", last_name="Sote")
    for user, role in ((other, TeamRole.OTHER), (pair, TeamRole.WORK_PAIR)):
        add_member(target, user, role)
    add_member(target, sote, TeamRole.SOTE_CONTACT)
    login(client, team["worker"])
    panel = _panel(client.get(f"/clients/{target.uuid}/").content.decode())
    roles = re.findall(r"<li>\s*<strong>(.*?)</strong>", panel)
    assert roles == [
        "Vastuutyöntekijä",
        "Sote-yhteyshenkilö",
        "Työpari",
        "Valmentaja",
        "Muu tiimin jäsen",
    ]
    names = [team["worker"], sote, pair, team["coach"], other]
    positions = [panel.index(user.get_full_name()) for user in names]
    assert positions == sorted(positions)
