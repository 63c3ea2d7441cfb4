"""Nobody is booked into two sessions at once: the database refuses it (test_invariants),
and the actions refuse the chair and every participant first with a message next to the
field that invites them, on scheduling, moving, changing the chair and inviting a guest.
Cancelled sessions and people taken off a session do not count."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from consultations import actions
from consultations.factories import NetworkFactory, add_network_member
from consultations.ics import HELSINKI
from consultations.models import Session
from consultations.tasks import send_invitations_task
from tests.conftest import acting, field_errors, login

HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def other(hki):
    """A second coordinator of the same organisation, running another network."""
    coordinator = acting(
        make_user(Role.COORDINATOR, hki.social_work, first_name="Oona", last_name="Koordinoija")
    )
    network = NetworkFactory(
        name_fi="Toinen verkosto", convening_organisation=hki.sote, created_by=coordinator
    )
    return coordinator, network


def _schedule(other, *, starts_at, chair=None, members=(), guests=()):
    coordinator, network = other
    return actions.schedule_session(
        network=network,
        scheduled_by=coordinator,
        starts_at=starts_at,
        duration_minutes=60,
        chair=chair or coordinator,
        place="Huone 7",
        members=list(members),
        guests=list(guests),
    )


def _refused(call) -> dict:
    count = Session.objects.count()
    with pytest.raises(ValidationError) as error:
        call()
    assert Session.objects.count() == count
    return error.value.message_dict


def test_a_chair_busy_in_another_session_is_refused(hki, other):
    overlapping = hki.session.starts_at + datetime.timedelta(minutes=30)
    errors = _refused(lambda: _schedule(other, starts_at=overlapping, chair=hki.coordinator))
    assert errors == {
        "chair": [
            "Puheenjohtajalla on samaan aikaan toinen istunto. "
            "Valitse toinen puheenjohtaja tai toinen aika."
        ]
    }
    _schedule(other, starts_at=hki.session.ends_at, chair=hki.coordinator)  # right after is fine


def test_members_and_guests_busy_in_another_session_are_named_next_to_their_field(hki, other):
    add_network_member(other[1], hki.expert)
    add_network_member(other[1], hki.nurse)
    overlapping = hki.session.starts_at + datetime.timedelta(minutes=30)
    errors = _refused(
        lambda: _schedule(
            other,
            starts_at=overlapping,
            members=[hki.expert, hki.nurse],
            guests=[hki.kela_liaison],
        )
    )
    assert errors["members"] == [
        "Samaan aikaan toisessa istunnossa: Tero Työllinen. "
        "Valitse toinen aika tai jätä heidät pois istunnosta."
    ]
    assert "Kerttu Kelalainen" in errors["guest_emails"][0]
    assert "Terhi Terveys" not in str(errors)
    # Left out, the others are booked.
    session = _schedule(other, starts_at=overlapping, members=[hki.nurse])
    assert set(session.participants.values_list("user", flat=True)) == {
        hki.nurse.pk,
        other[0].pk,
    }


def test_a_cancelled_session_or_a_removed_participant_does_not_make_anyone_busy(hki, other):
    add_network_member(other[1], hki.expert)
    overlapping = hki.session.starts_at + datetime.timedelta(minutes=30)
    participant = hki.session.participants.current().get(user=hki.kela_liaison)
    actions.remove_participant(participant=participant, removed_by=hki.coordinator)
    _schedule(other, starts_at=overlapping, guests=[hki.kela_liaison])
    actions.cancel_session(session=hki.session, cancelled_by=hki.coordinator, reason="Peruttu")
    _schedule(other, starts_at=overlapping + datetime.timedelta(hours=3), members=[hki.expert])


def test_moving_a_session_onto_a_participants_other_session_is_refused(hki, other):
    add_network_member(other[1], hki.expert)
    later = _schedule(other, starts_at=hki.session.ends_at + HOUR, members=[hki.expert])
    with pytest.raises(ValidationError) as error:
        actions.change_session(
            session=later,
            changed_by=other[0],
            starts_at=hki.session.starts_at,
            duration_minutes=60,
            chair=other[0],
            place="Huone 7",
        )
    assert "Tero Työllinen" in error.value.message_dict["starts_at"][0]
    later.refresh_from_db()
    assert later.starts_at == hki.session.ends_at + HOUR and later.sequence == 0


def test_a_new_chair_busy_at_the_time_is_refused(hki, other):
    overlapping = _schedule(other, starts_at=hki.session.starts_at + datetime.timedelta(minutes=30))
    with pytest.raises(ValidationError) as error:
        actions.change_session(
            session=overlapping,
            changed_by=other[0],
            starts_at=overlapping.starts_at,
            duration_minutes=60,
            chair=hki.coordinator,
            place="Huone 7",
        )
    assert list(error.value.message_dict) == ["chair"]
    overlapping.refresh_from_db()
    assert overlapping.chair == other[0] and overlapping.sequence == 0


def test_a_guest_busy_at_the_time_is_not_invited(hki, other):
    overlapping = _schedule(other, starts_at=hki.session.starts_at + datetime.timedelta(minutes=30))
    with pytest.raises(ValidationError) as error:
        actions.invite_guest(session=overlapping, invited_by=other[0], user=hki.expert)
    assert "Tero Työllinen" in error.value.message_dict["email"][0]
    assert not overlapping.participants.filter(user=hki.expert).exists()
    actions.invite_guest(session=overlapping, invited_by=other[0], user=hki.nurse)


def test_the_form_shows_a_busy_member_next_to_the_member_list(client, hki, other):
    coordinator, network = other
    add_network_member(network, hki.expert, expertise="Työllisyyspalvelut")
    login(client, coordinator)
    local = hki.session.starts_at.astimezone(HELSINKI) + datetime.timedelta(minutes=30)
    response = client.post(
        reverse("consultations:session_create", args=[network.pk]),
        {
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "place": "Huone 7",
            "chair": coordinator.pk,
            "members": [hki.expert.pk],
        },
    )
    assert response.status_code == 200
    assert "Samaan aikaan toisessa istunnossa: Tero Työllinen." in field_errors(
        response.content.decode(), "members"
    )
    assert Session.objects.filter(network=network).count() == 0
