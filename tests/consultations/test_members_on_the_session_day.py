"""The new-session form ticks the network's members of today; the session invites as members
only those who are members on its own day. One ticked whose membership has ended by then is
refused by name next to the member list, unless the coordinator invites them as a guest:
nobody is turned into a guest without the coordinator knowing."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.factories import next_weekday_at
from consultations.forms import DATETIME_LOCAL
from consultations.ics import HELSINKI
from consultations.models import NetworkMember, ParticipantKind, Session, SessionParticipant
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def leaving(hki):
    """The Kela liaison's membership ends in five days, before the session to be scheduled."""
    NetworkMember.objects.filter(network=hki.network, user=hki.kela_liaison).update(
        active_until=timezone.localdate() + datetime.timedelta(days=5)
    )
    return hki.kela_liaison


def create_url(hki):
    return reverse("consultations:session_create", kwargs={"network_id": hki.network.pk})


def post(client, hki, members, guest_emails=""):
    starts = next_weekday_at(10, days_ahead=20)
    return client.post(
        create_url(hki),
        {
            "starts_at": starts.astimezone(HELSINKI).strftime(DATETIME_LOCAL),
            "duration_minutes": 90,
            "place": "Huone 1",
            "chair": hki.coordinator.pk,
            "members": members,
            "guest_emails": guest_emails,
        },
    )


def participants(session):
    return dict(SessionParticipant.objects.filter(session=session).values_list("user_id", "kind"))


def test_a_member_leaving_before_the_session_is_refused_by_name_when_ticked(client, hki, leaving):
    login(client, hki.coordinator)
    form = client.get(create_url(hki)).context["form"]
    ticked = form.fields["members"].initial
    assert leaving.pk in ticked  # a member today
    assert "tänään" in str(form.fields["members"].help_text)
    sessions = Session.objects.count()

    response = post(client, hki, ticked)

    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "members")
    assert "Kerttu Kelalainen ei ole verkoston jäsen istunnon päivänä" in errors
    assert "Tero Työllinen" not in errors
    assert Session.objects.count() == sessions


def test_unticked_the_leaving_member_is_not_invited(client, hki, leaving):
    login(client, hki.coordinator)
    response = post(client, hki, [hki.expert.pk, hki.coordinator.pk])
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert participants(session) == {
        hki.coordinator.pk: ParticipantKind.MEMBER,
        hki.expert.pk: ParticipantKind.MEMBER,
    }


def test_ticked_and_listed_as_a_guest_the_leaving_member_comes_as_a_guest(client, hki, leaving):
    login(client, hki.coordinator)
    response = post(
        client, hki, [hki.expert.pk, leaving.pk, hki.coordinator.pk], guest_emails=leaving.email
    )
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert participants(session) == {
        hki.coordinator.pk: ParticipantKind.MEMBER,
        hki.expert.pk: ParticipantKind.MEMBER,
        leaving.pk: ParticipantKind.GUEST,
    }
    guest = SessionParticipant.objects.get(session=session, user=leaving)
    assert guest.organisation_id == leaving.organisation_id
