"""A closed client's team takes nobody new: a member sees the whole record. Memberships
still end, responsibility is still transferred (a leaving worker's caseload handed over),
and once the relationship is reopened members are added again."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.models import CareTeamMembership, Client, TeamRole
from notifications.models import Task
from tests.conftest import acting, login

CLOSED = "Asiakkuus on päätetty: avaa asiakkuus uudelleen ennen kuin lisäät tiimiin jäseniä."


@pytest.fixture
def closed(team):
    Client.objects.filter(pk=team["client"].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    return actions.close_client(
        client=Client.objects.get(pk=team["client"].pk),
        closed_by=team["worker"],
        closed_on=timezone.localdate() - datetime.timedelta(days=10),
        reason="Siirtyi opiskelemaan",
    )


def _add_url(target):
    return f"/clients/{target.uuid}/team/add/"


@pytest.mark.parametrize("adder", ["worker", "manager"])
def test_the_action_adds_nobody_to_a_closed_client_s_team(team, closed, adder):
    with pytest.raises(ValidationError) as error:
        actions.add_team_member(
            client=closed,
            user=team["counsellor"],
            role=TeamRole.OTHER,
            added_by=acting(team[adder]),
        )
    assert error.value.messages == [CLOSED]
    assert not CareTeamMembership.objects.filter(user=team["counsellor"]).exists()
    assert not AccessLogEntry.objects.filter(action="clients.membership.added").exists()


@pytest.mark.parametrize("adder", ["worker", "manager"])
def test_the_page_adds_nobody_to_a_closed_client_s_team(client, team, closed, adder):
    """The reviewer's probe: posted to the page, the counsellor got the whole record."""
    counsellor = team["counsellor"]
    login(client, team[adder])
    response = client.post(
        _add_url(closed),
        {"assignment": counsellor.role_assignments.get().pk, "role": TeamRole.OTHER},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{closed.uuid}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [CLOSED]
    assert not CareTeamMembership.objects.filter(user=counsellor).exists()

    # Opened from a link (an access request's task): to the client page, saying why.
    response = client.get(_add_url(closed), follow=True)
    assert response.redirect_chain == [(f"/clients/{closed.uuid}/", 302)]
    assert CLOSED in response.content.decode()

    login(client, counsellor)
    assert client.get(f"/clients/{closed.uuid}/").status_code == 404
    assert client.get(f"/clients/{closed.uuid}/notes/").status_code == 404


def test_the_team_panel_offers_no_adding_but_ending_and_transfer(client, team, closed):
    login(client, team["worker"])
    page = client.get(f"/clients/{closed.uuid}/").content.decode()
    assert _add_url(closed) not in page
    assert "Päätä jäsenyys" in page
    assert f"/clients/{closed.uuid}/transfer/" in page


def test_an_open_client_s_panel_offers_adding(client, team):
    login(client, team["worker"])
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    assert _add_url(team["client"]) in page


def test_memberships_end_and_responsibility_moves_on_a_closed_client(team, closed):
    coach = CareTeamMembership.objects.get(client=closed, user=team["coach"])
    ended = actions.end_membership(membership=coach, ended_by=acting(team["worker"]))
    assert ended.ended_on == timezone.localdate()

    counsellor = team["counsellor"]
    actions.transfer_responsibility(
        client=closed,
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=acting(team["manager"]),
        handover_note="Vastuutyöntekijä jää eläkkeelle.",
    )
    assert (
        CareTeamMembership.objects.current()
        .filter(client=closed, user=counsellor, role=TeamRole.RESPONSIBLE_WORKER)
        .exists()
    )


def test_members_are_added_again_once_reopened(team, closed):
    reopened = actions.reopen_client(client=closed, reopened_by=acting(team["worker"]))
    membership = actions.add_team_member(
        client=reopened,
        user=team["counsellor"],
        role=TeamRole.OTHER,
        added_by=acting(team["worker"]),
    )
    assert membership.accepted_at is not None


def test_an_access_request_s_task_of_a_closed_client_leads_to_the_client_page(client, team, closed):
    task = actions.request_access(
        client=closed,
        requested_by=acting(team["counsellor"]),
        reason="Asiakas palasi ohjaukseen ja tarvitsen tiedot.",
    )
    assert Task.objects.get(pk=task.pk).link == _add_url(closed)
    login(client, team["worker"])
    response = client.get(task.link, follow=True)
    assert response.redirect_chain == [(f"/clients/{closed.uuid}/", 302)]
    assert CLOSED in response.content.decode()
    assert not CareTeamMembership.objects.filter(user=team["counsellor"]).exists()


def test_closing_cancels_a_member_who_would_start_later(team):
    """The reviewer's probe: a colleague added to start in three days, then the client
    closed today; on the start day the colleague reached the closed client's record."""
    start = timezone.localdate() + datetime.timedelta(days=3)
    worker, counsellor = acting(team["worker"]), acting(team["counsellor"])
    later = actions.add_team_member(
        client=team["client"],
        user=counsellor,
        role=TeamRole.OTHER,
        added_by=worker,
        started_on=start,
    )
    coach = CareTeamMembership.objects.get(client=team["client"], user=team["coach"])
    Client.objects.filter(pk=team["client"].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    actions.close_client(
        client=Client.objects.get(pk=team["client"].pk),
        closed_by=worker,
        closed_on=timezone.localdate(),
        reason="Muutti toiselle paikkakunnalle",
    )

    later.refresh_from_db()
    assert later.cancelled and later.ended_on == timezone.localdate()
    assert AccessLogEntry.objects.filter(
        action="clients.membership.cancelled", object_id=str(later.pk)
    ).exists()
    # The team as it was stays: the coach who is on it now keeps their membership.
    coach.refresh_from_db()
    assert coach.ended_on is None
    with time_machine.travel(start + datetime.timedelta(hours=12), tick=False):
        assert not Client.objects.for_user(counsellor).filter(pk=team["client"].pk).exists()
