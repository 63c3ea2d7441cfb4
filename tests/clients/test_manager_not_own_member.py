"""A manager does not put themselves on their unit's client's team: acting as manager they
reach the client without the team's records (plans, assessments, notes), and their way to
those is break-the-glass, which is reviewed. Holding another role that would fit the team
(a social worker's, say), they are neither offered nor accepted as a member or as the new
responsible worker by their own hand; a colleague may add them (team_scope.may_add_themselves)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from clients import actions
from clients.factories import ClientFactory, make_note
from clients.forms import AddMemberForm, HandoverForm, TransferForm
from clients.models import CareTeamMembership, TeamRole
from clients.querysets import responsible_worker_of
from tests.conftest import acting, login_acting

REFUSED = "Et voi lisätä itseäsi asiakkaan tiimiin etkä siirtää vastuuta itsellesi esihenkilönä"


@pytest.fixture
def manager(team):
    """The unit's manager, who also holds a social worker's role in the unit."""
    user = team["manager"]
    return {
        "user": user,
        "manager": user.role_assignments.get(role=Role.MANAGER),
        "social_worker": RoleAssignment.objects.create(
            user=user, role=Role.SOCIAL_WORKER, unit=team["unit"]
        ),
    }


@pytest.fixture
def other_manager(team):
    return make_user(Role.MANAGER, team["unit"])


def _as_manager(manager):
    return acting(manager["user"], manager["manager"])


def _options(page: str) -> str:
    """The person select of the page (the header's role switcher holds assignment ids too)."""
    start = page.index('id="id_assignment"')
    return page[start : page.index("</select>", start)]


def _memberships(client, user):
    return list(
        CareTeamMembership.objects.filter(client=client, user=user).values_list("role", flat=True)
    )


# Adding a member ------------------------------------------------------------------------


def test_a_manager_is_not_offered_their_own_role_for_the_team(team, manager, other_manager):
    offered = set(
        AddMemberForm(client=team["client"], actor=_as_manager(manager))
        .fields["assignment"]
        .queryset
    )
    assert manager["social_worker"] not in offered
    assert team["counsellor"].role_assignments.get() in offered
    # Another manager of the unit is offered the manager's social worker role.
    colleague = acting(other_manager)
    assert manager["social_worker"] in set(
        AddMemberForm(client=team["client"], actor=colleague).fields["assignment"].queryset
    )


def test_a_manager_adding_themselves_is_refused_next_to_the_person(team, manager):
    with pytest.raises(ValidationError) as refused, translation.override("fi"):
        actions.add_team_member(
            client=team["client"],
            user=manager["user"],
            role=TeamRole.OTHER,
            added_by=_as_manager(manager),
        )
    assert REFUSED in refused.value.message_dict["assignment"][0]
    assert _memberships(team["client"], manager["user"]) == []


def test_the_reviewers_scenario_leaves_the_health_note_unread(client, team, manager):
    """Acting as manager, a post of their own social worker role (from a page the list no
    longer offers it on) adds nothing: switched to that role, the client is not theirs."""
    make_note(team["client"], team["worker"], text="SALAINEN terveystieto", health_related=True)
    url = f"/clients/{team['client'].uuid}/team/add/"
    login_acting(client, manager["user"], manager["manager"])
    page = client.get(url).content.decode()
    assert f'value="{manager["social_worker"].pk}"' not in _options(page)
    assert f'value="{team["counsellor"].role_assignments.get().pk}"' in _options(page)
    response = client.post(url, {"assignment": manager["social_worker"].pk, "role": "other"})
    assert response.status_code == 200
    assert "assignment" in response.context["form"].errors
    assert _memberships(team["client"], manager["user"]) == []
    login_acting(client, manager["user"], manager["social_worker"])
    response = client.get(f"/clients/{team['client'].uuid}/")
    assert response.status_code == 404
    assert "SALAINEN" not in response.content.decode()


def test_a_colleague_still_adds_the_managers_other_role(client, team, manager, other_manager):
    actions.add_team_member(
        client=team["client"],
        user=manager["user"],
        role=TeamRole.OTHER,
        added_by=acting(other_manager),
    )
    assert _memberships(team["client"], manager["user"]) == [TeamRole.OTHER]
    # The responsible worker adds a colleague of the unit through the page as before.
    login_acting(client, team["worker"], team["worker"].role_assignments.get())
    response = client.post(
        f"/clients/{team['client'].uuid}/team/add/",
        {"assignment": team["counsellor"].role_assignments.get().pk, "role": "sote_contact"},
    )
    assert response.status_code == 302
    assert _memberships(team["client"], team["counsellor"]) == [TeamRole.SOTE_CONTACT]


def test_a_responsible_worker_still_adds_their_own_other_role(client, team):
    """On the team with access, a social worker who also coaches joins as the client's coach
    by their own hand, as before."""
    worker = team["worker"]
    coach_role = RoleAssignment.objects.create(user=worker, role=Role.WORK_COACH, unit=team["unit"])
    social_worker = worker.role_assignments.get(role=Role.SOCIAL_WORKER)
    login_acting(client, worker, social_worker)
    url = f"/clients/{team['client'].uuid}/team/add/"
    assert f'value="{coach_role.pk}"' in _options(client.get(url).content.decode())
    response = client.post(url, {"assignment": coach_role.pk, "role": TeamRole.COACH})
    assert response.status_code == 302
    assert sorted(_memberships(team["client"], worker)) == sorted(
        [TeamRole.RESPONSIBLE_WORKER, TeamRole.COACH]
    )


# Transfer of responsibility -------------------------------------------------------------


def _transfer_offers(client, actor):
    return set(TransferForm(client=client, actor=actor).fields["assignment"].queryset)


def test_a_manager_is_not_offered_responsibility_for_themselves(team, manager, other_manager):
    assert manager["social_worker"] not in _transfer_offers(team["client"], _as_manager(manager))
    assert team["counsellor"].role_assignments.get() in _transfer_offers(
        team["client"], _as_manager(manager)
    )
    assert manager["social_worker"] in _transfer_offers(team["client"], acting(other_manager))
    worker = team["worker"]
    assert manager["social_worker"] in _transfer_offers(team["client"], acting(worker))


def test_a_manager_transferring_responsibility_to_themselves_is_refused(client, team, manager):
    """Nor does the page take a post of it: the non-disclosed address stays unshown."""
    target = team["client"]
    target.street_address = "Piilokuja 13"
    target.address_non_disclosure = True
    target.save()
    with pytest.raises(ValidationError) as refused, translation.override("fi"):
        actions.transfer_responsibility(
            client=target,
            to_user=manager["user"],
            to_unit=team["unit"],
            transferred_by=_as_manager(manager),
            handover_note="Otan asiakkaan itselleni.",
        )
    assert REFUSED in refused.value.message_dict["assignment"][0]
    login_acting(client, manager["user"], manager["manager"])
    url = f"/clients/{target.uuid}/transfer/"
    page = client.get(url).content.decode()
    assert f'value="{manager["social_worker"].pk}"' not in _options(page)
    assert f'value="{team["counsellor"].role_assignments.get().pk}"' in _options(page)
    response = client.post(
        url, {"assignment": manager["social_worker"].pk, "handover_note": "Otan itselleni."}
    )
    assert response.status_code == 200
    assert "assignment" in response.context["form"].errors
    assert responsible_worker_of(target) == team["worker"]
    login_acting(client, manager["user"], manager["social_worker"])
    assert "Piilokuja" not in client.get(f"/clients/{target.uuid}/").content.decode()


def test_a_colleague_still_transfers_responsibility_to_the_manager(
    client, team, manager, other_manager
):
    login_acting(client, other_manager, other_manager.role_assignments.get())
    response = client.post(
        f"/clients/{team['client'].uuid}/transfer/",
        {"assignment": manager["social_worker"].pk, "handover_note": "Sinulle jatkoon."},
    )
    assert response.status_code == 302
    assert responsible_worker_of(team["client"]) == manager["user"]


# A caseload handed over -----------------------------------------------------------------


def test_a_manager_hands_a_caseload_to_no_role_of_their_own(client, team, manager, other_manager):
    leaving = team["worker"]
    second = ClientFactory(responsible_worker=leaving, created_by=leaving)
    form = HandoverForm(from_user=leaving, unit=team["unit"], actor=_as_manager(manager))
    field = f"client_{team['client'].pk}"
    assert manager["social_worker"] not in set(form.fields[field].offered)
    assert team["counsellor"].role_assignments.get() in set(form.fields[field].offered)
    with pytest.raises(ValidationError) as refused, translation.override("fi"):
        actions.hand_over_caseload(
            from_user=leaving,
            assignments={
                team["client"].pk: (team["counsellor"], team["unit"]),
                second.pk: (manager["user"], team["unit"]),
            },
            handed_over_by=_as_manager(manager),
            handover_note="Työntekijä lähtee.",
        )
    assert REFUSED in refused.value.message_dict[f"client_{second.pk}"][0]
    assert responsible_worker_of(team["client"]) == leaving  # all or nothing
    assert responsible_worker_of(second) == leaving

    # Another manager of the unit may hand it to them.
    login_acting(client, other_manager, other_manager.role_assignments.get())
    response = client.post(
        f"/clients/handover/?from={leaving.pk}",
        {
            "from": leaving.pk,
            field: team["counsellor"].role_assignments.get().pk,
            f"client_{second.pk}": manager["social_worker"].pk,
            "handover_note": "Työntekijä lähtee.",
        },
    )
    assert response.status_code == 302
    assert responsible_worker_of(team["client"]) == team["counsellor"]
    assert responsible_worker_of(second) == manager["user"]
