"""PERMISSIONS.md: a work pair joins only when the responsible worker accepts. The responsible
worker adds one directly; a manager who manages the team cannot add one past them."""

import pytest
from django.core.exceptions import ValidationError

from accounts.factories import make_user
from accounts.roles import Role
from clients import actions
from clients.models import CareTeamMembership, TeamRole
from tests.conftest import acting, login


@pytest.fixture
def coordinator(team):
    return make_user(Role.COORDINATOR, team["unit"])


def test_the_responsible_worker_adds_a_work_pair(team, coordinator):
    membership = actions.add_team_member(
        client=team["client"],
        user=coordinator,
        role=TeamRole.WORK_PAIR,
        added_by=acting(team["worker"]),
    )
    assert membership.accepted_at is not None
    assert CareTeamMembership.objects.current().filter(user=coordinator).exists()


def test_a_manager_cannot_add_a_work_pair_past_the_responsible_worker(client, team, coordinator):
    manager = acting(team["manager"])
    with pytest.raises(ValidationError) as error:
        actions.add_team_member(
            client=team["client"], user=coordinator, role=TeamRole.WORK_PAIR, added_by=manager
        )
    assert list(error.value.error_dict) == ["role"]

    # Through the page: the refusal stands next to the role, and nothing is saved.
    response = login(client, team["manager"]).post(
        f"/clients/{team['client'].uuid}/team/add/",
        {"assignment": coordinator.role_assignments.get().pk, "role": TeamRole.WORK_PAIR},
    )
    assert response.status_code == 200
    assert "Työparin lisää asiakkaan vastuutyöntekijä" in response.content.decode()
    assert not CareTeamMembership.objects.filter(user=coordinator).exists()

    # The manager still adds other members.
    response = login(client, team["manager"]).post(
        f"/clients/{team['client'].uuid}/team/add/",
        {"assignment": coordinator.role_assignments.get().pk, "role": TeamRole.OTHER},
    )
    assert response.status_code == 302
    assert (
        CareTeamMembership.objects.current().filter(user=coordinator, role=TeamRole.OTHER).exists()
    )
