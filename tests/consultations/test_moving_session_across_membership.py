"""A session moved to another day keeps as members only those who are members of the network
on the new day, as scheduling and invitations admit them. One invited as a member whose
membership ends before the new day (or begins after it) is named next to the start, and the
move is refused: the coordinator takes them off the session first or picks another day. One
who brings a case on the agenda takes part on as its presenter, as when a membership ends
(networks.leave_later_sessions)."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from consultations import actions
from consultations.factories import add_network_member
from consultations.forms import DATETIME_LOCAL
from consultations.ics import HELSINKI
from consultations.models import NetworkMember, ParticipantKind, SessionParticipant
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login

DAY = datetime.timedelta(days=1)


@pytest.fixture
def sent():
    with mock.patch.object(send_invitations_task, "delay") as delay:
        yield delay


def _day(hki) -> datetime.date:
    return timezone.localdate(hki.session.starts_at)


def _end_membership(hki, user, until: datetime.date) -> None:
    NetworkMember.objects.filter(network=hki.network, user=user).update(active_until=until)


def _move(hki, days: int):
    return actions.change_session(
        session=hki.session,
        changed_by=hki.coordinator,
        starts_at=hki.session.starts_at + days * DAY,
        duration_minutes=hki.session.duration_minutes,
        chair=hki.session.chair,
        place=hki.session.place,
    )


def _participation(session, user) -> SessionParticipant | None:
    return SessionParticipant.objects.current().filter(session=session, user=user).first()


def test_a_move_past_the_end_of_a_membership_is_refused_naming_the_member(
    hki, sent, django_capture_on_commit_callbacks
):
    _end_membership(hki, hki.kela_liaison, _day(hki) + DAY)
    starts_at, sequence = hki.session.starts_at, hki.session.sequence

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        _move(hki, 7)

    new_day = date_format(_day(hki) + 7 * DAY, "SHORT_DATE_FORMAT")
    assert error.value.message_dict["starts_at"] == [
        f"Kerttu Kelalainen ei ole verkoston jäsen istunnon uutena päivänä {new_day}. "
        "Poista hänet ensin osallistujista, tai valitse toinen päivä."
    ]
    hki.session.refresh_from_db()
    assert (hki.session.starts_at, hki.session.sequence) == (starts_at, sequence)
    assert _participation(hki.session, hki.kela_liaison).kind == ParticipantKind.MEMBER
    assert not sent.called


def test_every_member_not_in_the_network_on_the_new_day_is_named(hki, sent):
    _end_membership(hki, hki.kela_liaison, _day(hki) + DAY)
    _end_membership(hki, hki.expert, _day(hki) + 2 * DAY)

    with pytest.raises(ValidationError) as error:
        _move(hki, 7)

    assert error.value.message_dict["starts_at"][0].startswith(
        "Kerttu Kelalainen, Tero Työllinen eivät ole verkoston jäseniä istunnon uutena päivänä"
    )


def test_a_move_to_the_last_day_of_a_membership_keeps_the_member(hki, sent):
    _end_membership(hki, hki.kela_liaison, _day(hki) + 7 * DAY)

    moved = _move(hki, 7)

    assert timezone.localdate(moved.starts_at) == _day(hki) + 7 * DAY
    assert _participation(moved, hki.kela_liaison).kind == ParticipantKind.MEMBER


def test_a_move_before_a_membership_begins_is_refused(hki, sent):
    nurse = add_network_member(
        hki.network, hki.nurse, expertise="Terveys", active_from=_day(hki) - 2 * DAY
    )
    actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=hki.nurse)
    assert _participation(hki.session, hki.nurse).kind == ParticipantKind.MEMBER

    with pytest.raises(ValidationError) as error:
        _move(hki, -5)
    assert error.value.message_dict["starts_at"][0].startswith("Terhi Terveys ei ole verkoston")

    # From the first day of the membership on, the move is fine.
    NetworkMember.objects.filter(pk=nurse.pk).update(active_from=_day(hki) - 5 * DAY)
    moved = _move(hki, -5)
    assert _participation(moved, hki.nurse).kind == ParticipantKind.MEMBER


def test_once_the_member_is_taken_off_the_session_moves(hki, sent):
    _end_membership(hki, hki.kela_liaison, _day(hki) + DAY)
    actions.remove_participant(
        participant=_participation(hki.session, hki.kela_liaison), removed_by=hki.coordinator
    )

    moved = _move(hki, 7)

    assert timezone.localdate(moved.starts_at) == _day(hki) + 7 * DAY
    assert _participation(moved, hki.kela_liaison) is None
    assert _participation(moved, hki.expert).kind == ParticipantKind.MEMBER


def test_a_member_who_brings_a_case_takes_part_on_as_its_presenter(hki, sent):
    # The client's responsible worker, who asked, is a member of the network until D+1.
    add_network_member(hki.network, hki.worker, expertise="Aikuissosiaalityö")
    _end_membership(hki, hki.worker, _day(hki) + DAY)
    actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=hki.worker)
    assert _participation(hki.session, hki.worker).kind == ParticipantKind.MEMBER

    moved = _move(hki, 7)

    assert timezone.localdate(moved.starts_at) == _day(hki) + 7 * DAY
    assert _participation(moved, hki.worker).kind == ParticipantKind.PRESENTER
    assert _participation(moved, hki.kela_liaison).kind == ParticipantKind.MEMBER


def test_the_edit_form_shows_the_refusal_next_to_the_start(client, hki, sent):
    _end_membership(hki, hki.kela_liaison, _day(hki) + DAY)
    login(client, hki.coordinator)
    url = reverse("consultations:session_edit", kwargs={"session_id": hki.session.pk})
    new_start = hki.session.starts_at + 7 * DAY

    response = client.post(
        url,
        {
            "starts_at": new_start.astimezone(HELSINKI).strftime(DATETIME_LOCAL),
            "duration_minutes": hki.session.duration_minutes,
            "place": hki.session.place,
            "video_link": "",
            "chair": hki.session.chair_id,
        },
    )

    assert response.status_code == 200
    assert "Kerttu Kelalainen ei ole verkoston jäsen" in field_errors(
        response.content.decode(), "starts_at"
    )
    hki.session.refresh_from_db()
    assert timezone.localdate(hki.session.starts_at) == _day(hki)
