"""The database refuses double bookings (of a coordinator, and of anyone taking part,
the coordinator and the chair included) and a case on two sessions (core PostgreSQL
exclusion and unique constraints, no btree_gist), and the actions say so clearly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations import actions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    make_request,
    make_session,
    next_weekday_at,
    put_on_agenda,
)
from consultations.models import (
    PARTICIPANT_NOT_DOUBLE_BOOKED,
    AgendaItem,
    NetworkMember,
    Session,
    SessionParticipant,
)

HOUR = datetime.timedelta(hours=1)


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def _session_at(hki, starts_at, minutes=60, **fields):
    fields = {"place": "Huone 1", **fields}
    return Session(
        network=hki.network,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        chair=hki.coordinator,
        coordinator=hki.coordinator,
        created_by=hki.coordinator,
        **fields,
    )


def test_a_coordinator_cannot_be_in_two_overlapping_sessions(hki):
    start = hki.session.starts_at + datetime.timedelta(minutes=30)
    refused(lambda: _session_at(hki, start).save())


def test_back_to_back_and_cancelled_sessions_do_not_collide(hki):
    _session_at(hki, hki.session.ends_at).save()  # starts when the other ends
    cancelled = _session_at(hki, hki.session.starts_at)
    cancelled.cancelled_at = hki.session.starts_at
    cancelled.cancellation_reason = "Sairastuminen"
    cancelled.save()
    other = NetworkFactory(convening_organisation=hki.sote, created_by=hki.coordinator)
    another_coordinator_session = _session_at(hki, hki.session.starts_at)
    another_coordinator_session.network = other
    another_coordinator_session.coordinator = hki.worker
    another_coordinator_session.save()


def test_un_cancelling_into_a_double_booking_is_refused(hki):
    session = _session_at(hki, hki.session.starts_at)
    session.cancelled_at = hki.session.starts_at
    session.cancellation_reason = "Peruttu"
    session.save()

    def uncancel():
        Session.objects.filter(pk=session.pk).update(cancelled_at=None, cancellation_reason="")

    refused(uncancel)


def test_double_booking_is_refused_with_a_clear_message(hki):
    with pytest.raises(ValidationError) as error:
        actions.schedule_session(
            network=hki.network,
            scheduled_by=hki.coordinator,
            starts_at=hki.session.starts_at + datetime.timedelta(minutes=15),
            duration_minutes=60,
            chair=hki.coordinator,
            place="Huone 2",
        )
    message = error.value.message_dict["starts_at"][0]
    assert "Koordinaattorilla on jo istunto samaan aikaan" in message
    assert "Työkyvyn tuen verkosto" in message
    assert Session.objects.count() == 1


def test_moving_a_session_onto_another_is_refused_and_changes_nothing(hki):
    later = _saved(hki, hki.session.ends_at + HOUR)
    with pytest.raises(ValidationError) as error:
        actions.change_session(
            session=later,
            changed_by=hki.coordinator,
            starts_at=hki.session.starts_at,
            duration_minutes=60,
            chair=hki.coordinator,
            place="Huone 2",
        )
    assert (
        "Koordinaattorilla on jo istunto samaan aikaan" in error.value.message_dict["starts_at"][0]
    )
    later.refresh_from_db()
    assert later.starts_at == hki.session.ends_at + HOUR and later.sequence == 0


def _saved(hki, starts_at):
    session = _session_at(hki, starts_at)
    session.save()
    return session


def test_a_request_cannot_be_on_two_sessions(hki):
    later = make_session(
        hki.network, hki.worker, starts_at=hki.session.starts_at + datetime.timedelta(days=7)
    )
    refused(
        lambda: AgendaItem.objects.create(
            session=later,
            request=hki.request,
            starts_at=later.starts_at,
            ends_at=later.starts_at + HOUR,
        )
    )


def test_placing_a_scheduled_request_again_is_refused_with_a_clear_message(hki):
    later = make_session(
        hki.network, hki.coordinator, starts_at=hki.session.starts_at + datetime.timedelta(days=7)
    )
    with pytest.raises(ValidationError) as error:
        actions.place_on_session(request=hki.request, session=later, placed_by=hki.coordinator)
    assert "toisen istunnon esityslistalla" in error.value.message_dict["session"][0]
    assert AgendaItem.objects.filter(request=hki.request).count() == 1


def test_two_cases_cannot_share_a_slot(hki):
    other = make_request(hki.client, hki.worker)
    refused(
        lambda: AgendaItem.objects.create(
            session=hki.session,
            request=other,
            starts_at=hki.item.starts_at + datetime.timedelta(minutes=10),
            ends_at=hki.item.ends_at + datetime.timedelta(minutes=10),
        )
    )
    put_on_agenda(other, hki.session)  # the next free slot is fine


def test_a_members_periods_in_one_network_do_not_overlap(hki):
    member = NetworkMember.objects.get(network=hki.network, user=hki.expert)
    refused(lambda: add_network_member(hki.network, hki.expert))
    member.active_until = datetime.date.today()
    member.save()
    add_network_member(
        hki.network, hki.expert, active_from=datetime.date.today() + datetime.timedelta(days=1)
    )


def test_a_session_needs_a_place_or_a_link_and_an_end_after_its_start(hki):
    start = next_weekday_at(9, days_ahead=30)
    refused(lambda: _session_at(hki, start, place="").save())
    refused(lambda: _session_at(hki, start, minutes=0).save())


# Nobody takes part in two sessions at once (the coordinator and the chair included)


def refused_as(constraint: str, change) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        change()


def _participate(session, user, **fields):
    return SessionParticipant.objects.create(
        session=session,
        user=user,
        organisation=user.organisation,
        kind="guest",
        invited_by=session.coordinator,
        **fields,
    )


@pytest.fixture
def elsewhere(hki):
    """A session of another network and coordinator, overlapping the Helsinki session."""
    other = NetworkFactory(convening_organisation=hki.sote, created_by=hki.worker)
    return make_session(
        other,
        hki.worker,
        starts_at=hki.session.starts_at + datetime.timedelta(minutes=30),
        minutes=60,
    )


def test_a_coordinator_cannot_take_part_in_an_overlapping_session(hki, elsewhere):
    """The Helsinki coordinator coordinates and chairs the Helsinki session: the database
    refuses them as a participant of another one at the same time."""
    refused_as(PARTICIPANT_NOT_DOUBLE_BOOKED, lambda: _participate(elsewhere, hki.coordinator))


def test_a_chair_cannot_chair_one_session_and_take_part_in_another(hki, elsewhere):
    Session.objects.filter(pk=hki.session.pk).update(chair=hki.expert)
    refused_as(PARTICIPANT_NOT_DOUBLE_BOOKED, lambda: _participate(elsewhere, hki.expert))


def test_moving_or_uncancelling_a_session_onto_a_participants_other_session_is_refused(hki):
    """The session's time and cancellation reach its participations by a trigger, so a
    move or an un-cancelling written straight to the session is refused too."""
    other = NetworkFactory(convening_organisation=hki.sote, created_by=hki.worker)
    later = make_session(
        other, hki.worker, participants=[hki.kela_liaison], starts_at=hki.session.ends_at
    )
    move = {"starts_at": hki.session.starts_at, "ends_at": hki.session.ends_at}
    refused_as(
        PARTICIPANT_NOT_DOUBLE_BOOKED,
        lambda: Session.objects.filter(pk=later.pk).update(**move),
    )
    Session.objects.filter(pk=later.pk).update(
        cancelled_at=timezone.now(), cancellation_reason="Peruttu"
    )
    Session.objects.filter(pk=later.pk).update(**move)  # cancelled, it may lie anywhere
    refused_as(
        PARTICIPANT_NOT_DOUBLE_BOOKED,
        lambda: Session.objects.filter(pk=later.pk).update(
            cancelled_at=None, cancellation_reason=""
        ),
    )


def test_removed_participants_cancelled_and_back_to_back_sessions_do_not_collide(hki, elsewhere):
    gone = hki.session.participants.get(user=hki.kela_liaison)
    SessionParticipant.objects.filter(pk=gone.pk).update(removed_at=timezone.now())
    _participate(elsewhere, hki.kela_liaison)
    right_after = make_session(
        NetworkFactory(convening_organisation=hki.sote, created_by=hki.worker),
        hki.nurse,
        starts_at=hki.session.ends_at,
    )
    _participate(right_after, hki.expert)
    cancelled = make_session(
        NetworkFactory(convening_organisation=hki.sote, created_by=hki.worker),
        hki.outsider,
        starts_at=hki.session.starts_at,
        cancelled_at=timezone.now(),
        cancellation_reason="Peruttu",
    )
    _participate(cancelled, hki.expert)
    # Taking them off the Helsinki session and putting them back is refused only while the
    # other participation stands.
    refused_as(
        PARTICIPANT_NOT_DOUBLE_BOOKED,
        lambda: SessionParticipant.objects.filter(pk=gone.pk).update(removed_at=None),
    )


def test_the_participations_carry_their_sessions_time_and_cancellation(hki):
    """What the constraint reads is kept by triggers, whatever Python wrote."""
    expert = hki.session.participants.get(user=hki.expert)
    assert (expert.session_period.lower, expert.session_period.upper) == (
        hki.session.starts_at,
        hki.session.ends_at,
    )
    assert expert.session_cancelled is False
    SessionParticipant.objects.filter(pk=expert.pk).update(
        session_period=None, session_cancelled=True
    )
    expert.refresh_from_db()
    assert expert.session_period.lower == hki.session.starts_at and not expert.session_cancelled
    moved = hki.session.starts_at + datetime.timedelta(days=1)
    Session.objects.filter(pk=hki.session.pk).update(
        starts_at=moved, ends_at=moved + HOUR, cancelled_at=moved, cancellation_reason="Lakko"
    )
    expert.refresh_from_db()
    assert (expert.session_period.lower, expert.session_period.upper) == (moved, moved + HOUR)
    assert expert.session_cancelled is True


def test_a_double_booking_past_the_check_is_refused_by_the_database_with_a_message(hki, elsewhere):
    """Were the action's own check to miss a booking (made meanwhile, by another path), the
    database refuses it and the action still answers with a ValidationError, not a 500."""
    from unittest import mock

    from consultations.actions import sessions

    with (
        mock.patch.object(sessions, "_busy_people", return_value=[]),
        pytest.raises(ValidationError) as error,
    ):
        actions.invite_guest(session=elsewhere, invited_by=hki.worker, user=hki.coordinator)
    assert error.value.messages == [
        "Joku kutsutuista on samaan aikaan toisessa istunnossa. Tarkista ajat ja yritä uudelleen."
    ]
    assert not elsewhere.participants.filter(user=hki.coordinator).exists()
    elsewhere.refresh_from_db()
    assert elsewhere.sequence == 0
