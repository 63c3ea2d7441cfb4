"""A presenter takes part to bring a case: taken off its client's care team, they no longer
see the session nor its cases (404, not the cases named wherever the consent covers their
organisation), its calendar entry or its reminder, while everyone else still does."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, DisclosureLogEntry
from clients.factories import ClientFactory
from clients.models import CareTeamMembership
from consents.factories import ConsentFactory
from consultations import actions, reminders
from consultations.factories import make_request, make_session
from consultations.models import ParticipantKind, Session
from consultations.tasks import send_invitations_task
from tests.conftest import login

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def placed(hki):
    """The coach asks about their client; another client's case, which the coach has no part
    in, is on the same session; the consent of both covers social services."""
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert],
        starts_at=hki.session.starts_at + 14 * DAY,
    )
    own = make_request(hki.client, hki.coach)
    other_client = ClientFactory(
        responsible_worker=hki.worker, first_names="Bertta", last_name="Bergström"
    )
    other = make_request(other_client, hki.worker)
    for client in (hki.client, other_client):
        ConsentFactory(client=client, recorded_by=hki.worker, parties=[hki.sote])
    own_item = actions.place_on_session(request=own, session=session, placed_by=hki.coordinator)
    other_item = actions.place_on_session(request=other, session=session, placed_by=hki.coordinator)
    assert session.participants.get(user=hki.coach).kind == ParticipantKind.PRESENTER
    return session, own_item, other_item


def _off_the_team(hki):
    CareTeamMembership.objects.filter(client=hki.client, user=hki.coach).update(
        ended_on=timezone.localdate()
    )


def _urls(session, *items):
    return [reverse("consultations:session", kwargs={"session_id": session.pk})] + [
        reverse("consultations:case", kwargs={"session_id": session.pk, "item_id": item.pk})
        for item in items
    ]


def test_on_the_team_the_presenter_sees_the_session_and_its_cases(client, hki, placed):
    """Their own case named, as its client's care team does; the other case, which they do
    not bring, pseudonymously although the consent covers their organisation: nothing of
    that client is disclosed to them."""
    session, own_item, other_item = placed
    login(client, hki.coach)
    session_url, own_url, other_url = _urls(session, own_item, other_item)
    assert "Bergström" not in client.get(session_url).content.decode()  # the agenda
    other = client.get(other_url)
    assert other.status_code == 200
    page = other.content.decode()
    assert "Bergström" not in page and "Bertta" not in page
    assert other.context["showing"].named is False
    assert "vain oman tapauksesi esittelijänä" in page
    assert not DisclosureLogEntry.objects.filter(recipient_user=hki.coach).exists()
    assert AccessLogEntry.objects.filter(
        actor=hki.coach,
        client_id=other_item.request.client.uuid,
        action="consultations.case.viewed",
        detail__endswith="pseudonymous",
    ).exists()
    own = client.get(own_url)
    assert own.context["showing"].named is True
    assert hki.client.last_name in own.content.decode()


def test_a_member_of_the_same_organisation_sees_the_other_case_by_consent(client, hki, placed):
    """Someone taking part as a member is not limited to cases of their own: the
    coordinator, of the organisation the consent covers, sees the other case named, and the
    showing is a disclosure."""
    session, _own_item, other_item = placed
    assert session.participants.get(user=hki.coordinator).kind != ParticipantKind.PRESENTER
    login(client, hki.coordinator)
    response = client.get(_urls(session, other_item)[1])
    assert response.context["showing"].named is True
    assert "Bergström" in response.content.decode()
    assert DisclosureLogEntry.objects.filter(recipient_user=hki.coordinator).count() == 1


def test_off_the_team_the_presenter_sees_neither_session_nor_cases(client, hki, placed):
    session, own_item, other_item = placed
    _off_the_team(hki)
    login(client, hki.coach)
    for url in _urls(session, own_item, other_item):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Bergström" not in response.content.decode()
    assert not DisclosureLogEntry.objects.filter(recipient_user=hki.coach).exists()
    assert session not in Session.objects.for_user(hki.coach)
    index = client.get(reverse("consultations:index")).content.decode()
    assert session_url_in(index, session) is False
    # Everyone else still takes part as before; the coach stays on the record.
    client.logout()
    login(client, hki.worker)
    assert client.get(_urls(session)[0]).status_code == 200
    assert session.participants.current().filter(user=hki.coach).exists()


def session_url_in(page: str, session) -> bool:
    return reverse("consultations:session", kwargs={"session_id": session.pk}) in page


def test_off_the_team_the_presenters_feed_and_reminder_leave_it_out(client, hki, placed):
    session, _own, _other = placed
    token = actions.create_feed_token(user=hki.coach)
    feed_url = reverse("consultations:feed", kwargs={"token": token})
    session_path = f"consultations/sessions/{session.pk}/"
    day_before = timezone.localdate(session.starts_at) - DAY

    def reminded() -> set:
        return {
            spec.recipient_id
            for spec in reminders.consultation_tomorrow(day_before, 10)
            if spec.object_id == session.pk
        }

    with mock.patch("consultations.access._made_under_current_second_factor", return_value=True):
        assert session_path in client.get(feed_url).content.decode()
        assert hki.coach.pk in reminded()
        _off_the_team(hki)
        feed = client.get(feed_url)
        assert feed.status_code == 200
        assert session_path not in feed.content.decode()
    assert hki.coach.pk not in reminded() and hki.worker.pk in reminded()
