"""The database refuses double bookings and a case on two sessions (core PostgreSQL
exclusion and unique constraints, no btree_gist), and the actions say so clearly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consultations import actions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    make_request,
    make_session,
    next_weekday_at,
    put_on_agenda,
)
from consultations.models import AgendaItem, NetworkMember, Session

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
