"""Closing a client relationship: once, and on a day between registration and today."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.models import Client
from tests.conftest import field_errors, login


def close_url(client):
    return reverse("clients:close", kwargs={"client_id": client.uuid})


def registered_days_ago(client, days: int) -> Client:
    Client.objects.filter(pk=client.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return Client.objects.get(pk=client.pk)


def test_a_second_close_is_refused_and_keeps_the_first_day_and_reason(client, team):
    """A double-submitted close form: the second post changes nothing."""
    registered_days_ago(team["client"], 60)
    first_day = timezone.localdate() - datetime.timedelta(days=10)
    login(client, team["worker"])
    first = client.post(
        close_url(team["client"]),
        {"closed_on": first_day.isoformat(), "reason": "Siirtyi opiskelemaan."},
    )
    assert first.status_code == 302

    second = client.post(
        close_url(team["client"]),
        {"closed_on": timezone.localdate().isoformat(), "reason": "Muutti pois."},
    )

    assert second.status_code == 200
    assert "Asiakkuus on jo päättynyt." in second.content.decode()
    closed = Client.objects.get(pk=team["client"].pk)
    assert (closed.closed_on, closed.closure_reason) == (first_day, "Siirtyi opiskelemaan.")
    assert AccessLogEntry.objects.filter(action="clients.client.closed").count() == 1


def test_the_close_page_of_a_closed_client_leads_back_to_the_client(client, team):
    registered_days_ago(team["client"], 60)
    actions.close_client(
        client=team["client"],
        closed_by=team["worker"],
        closed_on=timezone.localdate(),
        reason="Siirtyi opiskelemaan.",
    )
    login(client, team["worker"])
    response = client.get(close_url(team["client"]), follow=True)
    assert response.redirect_chain[-1][0] == f"/clients/{team['client'].uuid}/"
    assert "Asiakkuus on jo päättynyt." in response.content.decode()


def test_the_action_refuses_a_closed_client_read_before_it_was_closed(team):
    """The check is made on the locked row, not on the caller's (possibly stale) instance."""
    stale = Client.objects.get(pk=team["client"].pk)
    today = timezone.localdate()
    actions.close_client(
        client=team["client"], closed_by=team["worker"], closed_on=today, reason="x"
    )
    with pytest.raises(ValidationError, match=r"Asiakkuus on jo päättynyt\."):
        actions.close_client(client=stale, closed_by=team["worker"], closed_on=today, reason="y")
    assert Client.objects.get(pk=stale.pk).closure_reason == "x"


def test_the_closing_day_is_not_before_registration(client, team):
    registered = registered_days_ago(team["client"], 5)
    registered_on = timezone.localdate(registered.created_at)
    login(client, team["worker"])

    response = client.post(
        close_url(registered),
        {
            "closed_on": (registered_on - datetime.timedelta(days=1)).isoformat(),
            "reason": "Siirtyi opiskelemaan.",
        },
    )

    assert response.status_code == 200
    assert field_errors(response.content.decode(), "closed_on") == (
        f"Päättymispäivä ei voi olla ennen kuin asiakas rekisteröitiin ({registered_on:%-d.%-m.%Y})."
    )
    assert Client.objects.get(pk=registered.pk).closed_on is None
    assert not AccessLogEntry.objects.filter(action="clients.client.closed").exists()
    closed = actions.close_client(
        client=registered, closed_by=team["worker"], closed_on=registered_on, reason="Muutti."
    )
    assert closed.closed_on == registered_on  # the day of registration itself is fine


def test_a_closing_day_in_the_future_is_told_beside_a_missing_reason(client, team):
    """Both refusals at once, each next to its field: the day's rules are not left for a
    second submit after the reason is written."""
    registered_days_ago(team["client"], 5)
    login(client, team["worker"])

    response = client.post(
        close_url(team["client"]),
        {"closed_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "reason") == "Tämä kenttä vaaditaan."
    assert field_errors(page, "closed_on") == "Päättymispäivä ei voi olla tulevaisuudessa."
    assert Client.objects.get(pk=team["client"].pk).closed_on is None


def test_the_action_tells_a_missing_reason_and_a_wrong_day_together(team):
    registered = registered_days_ago(team["client"], 5)
    with pytest.raises(ValidationError) as refused:
        actions.close_client(
            client=registered,
            closed_by=team["worker"],
            closed_on=timezone.localdate() + datetime.timedelta(days=1),
            reason=" ",
        )
    assert refused.value.message_dict == {
        "reason": ["Kirjaa asiakkuuden päättymisen syy."],
        "closed_on": ["Päättymispäivä ei voi olla tulevaisuudessa."],
    }


def _assessment_in_progress(team, started_days_ago: int = 3):
    from clients.models import ServiceNeedAssessment

    actions.save_assessment(
        client=team["client"],
        written_by=team["worker"],
        started_on=timezone.localdate() - datetime.timedelta(days=started_days_ago),
    )
    return ServiceNeedAssessment.objects.get(client=team["client"])


def test_a_client_with_an_assessment_in_progress_is_not_closed(team):
    """A closed client's assessment is not saved: one in progress is completed first."""
    registered_days_ago(team["client"], 60)
    assessment = _assessment_in_progress(team)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        actions.close_client(
            client=team["client"], closed_by=team["worker"], closed_on=today, reason="Muutti."
        )
    assert error.value.messages == [
        f"Asiakkaalla on kesken palvelutarpeen arvio, aloitettu {assessment.started_on:%-d.%-m.%Y}. "
        "Kirjaa se ensin valmistuneeksi johtopäätöksineen arvion sivulla."
    ]
    assert Client.objects.get(pk=team["client"].pk).closed_on is None
    assert not AccessLogEntry.objects.filter(action="clients.client.closed").exists()

    actions.save_assessment(
        client=team["client"],
        written_by=team["worker"],
        assessment=assessment,
        completed_on=today,
        special_support="no",
        conclusion="Tarve työllistymistä tukeville palveluille.",
        client_view="Asiakkaan oma näkemys palvelutarpeesta.",
    )
    closed = actions.close_client(
        client=team["client"], closed_by=team["worker"], closed_on=today, reason="Muutti."
    )
    assert closed.closed_on == today


def test_the_close_form_says_to_complete_the_assessment_and_changes_nothing(client, team):
    registered_days_ago(team["client"], 60)
    assessment = _assessment_in_progress(team)
    login(client, team["worker"])
    response = client.post(
        close_url(team["client"]),
        {"closed_on": timezone.localdate().isoformat(), "reason": "Muutti pois."},
    )
    assert response.status_code == 200
    assert (
        f"Asiakkaalla on kesken palvelutarpeen arvio, aloitettu {assessment.started_on:%-d.%-m.%Y}."
        in response.content.decode()
    )
    unchanged = Client.objects.get(pk=team["client"].pk)
    assert (unchanged.closed_on, unchanged.closure_reason) == (None, "")
    assert not AccessLogEntry.objects.filter(action="clients.client.closed").exists()
