"""PERMISSIONS.md: a work pair joins only when the responsible worker accepts. The responsible
worker adds one directly; a manager who manages the team cannot add one past them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients import actions
from clients.access import relation_to
from clients.factories import add_member
from clients.models import CareTeamMembership, TeamRole
from consents.team_coverage import NO_FITTING_ROLE, end_uncovered_memberships
from notifications.models import Task
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
    counsellor = team["counsellor"]
    response = login(client, team["manager"]).post(
        f"/clients/{team['client'].uuid}/team/add/",
        {"assignment": counsellor.role_assignments.get().pk, "role": TeamRole.OTHER},
    )
    assert response.status_code == 302
    assert (
        CareTeamMembership.objects.current().filter(user=counsellor, role=TeamRole.OTHER).exists()
    )


@pytest.mark.parametrize("adder", ["manager", "worker"])
def test_a_coordinator_does_not_join_as_another_member(client, team, coordinator, adder):
    """A coordinator reads health-related notes: they join only as work pair, which the
    responsible worker decides (PERMISSIONS.md). "Other member" is no way around it, for the
    manager nor for the responsible worker."""
    target = team["client"]
    response = login(client, team[adder]).post(
        f"/clients/{target.uuid}/team/add/",
        {"assignment": coordinator.role_assignments.get().pk, "role": TeamRole.OTHER},
    )
    assert response.status_code == 200
    assert (
        "Työkykykoordinaattori liittyy asiakkaan tiimiin vain työparina"
        in response.content.decode()
    )
    assert not CareTeamMembership.objects.filter(user=coordinator).exists()

    with pytest.raises(ValidationError) as error:
        actions.add_team_member(
            client=target, user=coordinator, role=TeamRole.OTHER, added_by=acting(team[adder])
        )
    assert list(error.value.error_dict) == ["role"]
    assert not CareTeamMembership.objects.filter(user=coordinator).exists()
    login(client, coordinator)
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 404


def test_a_coordinator_s_earlier_other_membership_gives_no_access_and_ends(
    client, team, coordinator
):
    """An "other" membership of a coordinator from before the rule opens nothing; the daily
    re-check ends it and asks the responsible worker to tell them."""
    target = team["client"]
    membership = add_member(target, coordinator, TeamRole.OTHER)
    assert not relation_to(acting(coordinator), target).visible
    login(client, coordinator)
    assert client.get(f"/clients/{target.uuid}/").status_code == 404
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 404

    assert end_uncovered_memberships() == 1
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate()
    task = Task.objects.get(assignee=team["worker"])
    assert str(task.title) == str(NO_FITTING_ROLE).format(name=coordinator.get_full_name())
