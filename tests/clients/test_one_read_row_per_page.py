"""A page that sends the user on instead of showing its form (nothing to do there) writes no
access-log row of its own: the page the user lands on logs the one read. A form page shown
logs its read once, as before."""

import datetime

import pytest
from django.utils import timezone

from clients import actions
from clients.factories import make_note
from clients.models import CareTeamMembership, Client, TeamRole
from tests.conftest import acting, login
from tests.log_rows import followed, last_log_id, log_rows_since

VIEWED = "clients.client.viewed"


def _membership(team, role):
    return CareTeamMembership.objects.get(client=team["client"], role=role)


def test_ending_the_responsible_workers_membership_logs_only_the_client_page(client, team):
    login(client, team["worker"])
    detail = f"/clients/{team['client'].uuid}/"
    membership = _membership(team, TeamRole.RESPONSIBLE_WORKER)
    mark = last_log_id()
    page = followed(client, f"{detail}team/{membership.pk}/end/", [detail])
    assert "Vastuutyöntekijän jäsenyys päättyy vain siirtämällä" in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_ending_an_ended_membership_logs_only_the_client_page(client, team):
    login(client, team["worker"])
    detail = f"/clients/{team['client'].uuid}/"
    membership = _membership(team, TeamRole.COACH)
    actions.end_membership(membership=membership, ended_by=acting(team["worker"]))
    mark = last_log_id()
    page = followed(client, f"{detail}team/{membership.pk}/end/", [detail])
    assert "Jäsenyys on jo päättynyt." in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_the_end_membership_question_shown_is_logged_once(client, team):
    login(client, team["worker"])
    membership = _membership(team, TeamRole.COACH)
    mark = last_log_id()
    followed(client, f"/clients/{team['client'].uuid}/team/{membership.pk}/end/", [])
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_replacing_a_permanent_identity_code_logs_only_the_client_page(client, team):
    assert not team["client"].identity_code_is_temporary
    login(client, team["worker"])
    detail = f"/clients/{team['client'].uuid}/"
    mark = last_log_id()
    page = followed(client, f"{detail}identity-code/replace/", [detail])
    assert "Asiakkaan henkilötunnus on jo pysyvä." in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_the_replace_identity_code_form_shown_is_logged_once(client, team):
    Client.objects.filter(pk=team["client"].pk).update(identity_code_is_temporary=True)
    login(client, team["worker"])
    mark = last_log_id()
    followed(client, f"/clients/{team['client'].uuid}/identity-code/replace/", [])
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_closing_a_closed_client_logs_only_the_client_page(client, team):
    actions.close_client(
        client=team["client"],
        closed_by=acting(team["worker"]),
        closed_on=timezone.localdate(),
        reason="Muutti pois.",
    )
    login(client, team["worker"])
    detail = f"/clients/{team['client'].uuid}/"
    mark = last_log_id()
    page = followed(client, f"{detail}close/", [detail])
    assert "Asiakkuus on jo päättynyt." in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_the_close_form_shown_is_logged_once(client, team):
    login(client, team["worker"])
    mark = last_log_id()
    followed(client, f"/clients/{team['client'].uuid}/close/", [])
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_the_edit_page_of_an_old_note_logs_only_the_amendment_form(client, team):
    note = make_note(
        team["client"],
        team["worker"],
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1),
    )
    login(client, team["worker"])
    notes = f"/clients/{team['client'].uuid}/notes/"
    mark = last_log_id()
    page = followed(client, f"{notes}{note.pk}/edit/", [f"{notes}new/?amends={note.pk}"])
    assert f'name="amends" value="{note.pk}"' in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_the_edit_page_of_a_fresh_note_is_logged_once(client, team):
    note = make_note(team["client"], team["worker"], text="Tuore kirjaus.")
    login(client, team["worker"])
    mark = last_log_id()
    page = followed(client, f"/clients/{team['client'].uuid}/notes/{note.pk}/edit/", [])
    assert "Tuore kirjaus." in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


@pytest.mark.parametrize("whose", ["another_members", "missing"])
def test_an_edit_page_refused_logs_nothing(client, team, whose):
    """Someone else's note (403) or none (404): no form, no client data shown, no row."""
    note = make_note(team["client"], team["coach"])
    login(client, team["worker"])
    note_id = note.pk if whose == "another_members" else note.pk + 1000
    mark = last_log_id()
    response = client.get(f"/clients/{team['client'].uuid}/notes/{note_id}/edit/")
    assert response.status_code == (403 if whose == "another_members" else 404)
    assert log_rows_since(team["client"], mark) == []
