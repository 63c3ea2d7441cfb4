"""A member copied onto a session sees its cases. One whose membership ends leaves the
network's later sessions (METHOD:CANCEL to them, the updated REQUEST to the rest), but not
the session of the day the membership ends, nor one they chair or bring a case to."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import actions
from consultations.factories import add_network_member, make_request, make_session
from consultations.models import NetworkMember, ParticipantKind
from consultations.tasks import send_invitations_task
from tests.conftest import login

DAY = datetime.timedelta(days=1)


@pytest.fixture
def sent():
    with mock.patch.object(send_invitations_task, "delay") as delay:
        yield delay


def _member(hki, user):
    return NetworkMember.objects.get(network=hki.network, user=user)


def _taking_part(session, user) -> bool:
    return session.participants.current().filter(user=user).exists()


def _later(hki, days, **fields):
    return make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert, hki.kela_liaison],
        starts_at=hki.session.starts_at + days * DAY,
        **fields,
    )


def test_an_ended_member_leaves_the_later_sessions_and_is_told(
    hki, sent, client, django_capture_on_commit_callbacks
):
    later = _later(hki, 14)
    sequence = later.sequence

    with django_capture_on_commit_callbacks(execute=True):
        actions.end_member(
            member=_member(hki, hki.kela_liaison),
            ended_by=hki.coordinator,
            on=timezone.localdate(hki.session.starts_at),
        )

    later.refresh_from_db()
    assert not _taking_part(later, hki.kela_liaison)
    assert _taking_part(later, hki.expert)
    assert later.sequence == sequence + 1
    assert mock.call(later.pk, [hki.kela_liaison.pk], "CANCEL") in sent.call_args_list
    rest = sorted([hki.coordinator.pk, hki.expert.pk])
    assert mock.call(later.pk, rest, "REQUEST") in sent.call_args_list
    # The session of the membership's last day keeps them; its invitation is unchanged.
    assert _taking_part(hki.session, hki.kela_liaison)
    assert not any(c.args[0] == hki.session.pk for c in sent.call_args_list)
    # The later session's page answers the former member 404.
    login(client, hki.kela_liaison)
    assert client.get(reverse("consultations:session", args=[later.pk])).status_code == 404
    assert client.get(reverse("consultations:session", args=[hki.session.pk])).status_code == 200


def test_a_member_who_chairs_a_session_stays_on_it(hki, sent):
    chaired = _later(hki, 7, chair=hki.expert)
    other = _later(hki, 14)

    actions.end_member(member=_member(hki, hki.expert), ended_by=hki.coordinator)

    assert _taking_part(chaired, hki.expert)
    assert not _taking_part(other, hki.expert)


def test_a_member_who_brings_a_case_stays_as_its_presenter(hki, sent):
    add_network_member(hki.network, hki.worker, expertise="Aikuissosiaalityö")
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.worker, hki.expert],
        starts_at=hki.session.starts_at + 7 * DAY,
    )
    other = make_request(hki.client, hki.coach)
    actions.place_on_session(request=other, session=session, placed_by=hki.coordinator)
    assert session.participants.get(user=hki.worker).kind == ParticipantKind.MEMBER

    actions.end_member(member=_member(hki, hki.worker), ended_by=hki.coordinator)

    participant = session.participants.current().get(user=hki.worker)
    assert participant.kind == ParticipantKind.PRESENTER
    # Taking the case off the agenda now takes them off with it, as any presenter.
    actions.remove_from_agenda(item=other.agenda_items.get(), removed_by=hki.coordinator)
    assert not _taking_part(session, hki.worker)


def test_a_withdrawn_nomination_leaves_the_sessions_it_was_copied_onto(hki, sent):
    member = _member(hki, hki.kela_liaison)
    NetworkMember.objects.filter(pk=member.pk).update(active_from=timezone.localdate() + DAY)
    later = _later(hki, 7)

    assert actions.end_member(member=member, ended_by=hki.coordinator) is None

    assert not _taking_part(hki.session, hki.kela_liaison)
    assert not _taking_part(later, hki.kela_liaison)


def test_the_coordinator_is_told_where_the_former_member_still_chairs(hki, sent, client):
    chaired = _later(hki, 7, chair=hki.expert)
    login(client, hki.coordinator)
    url = reverse("consultations:member_end", args=[hki.network.pk, _member(hki, hki.expert).pk])

    page = client.post(url, follow=True).content.decode()

    assert "Jäsenyys päättyy tänään" in page
    day = timezone.localtime(chaired.starts_at)
    assert f"{day.day}.{day.month}.{day.year}" in page
    assert "Vaihda puheenjohtaja" in page


def _two_periods(hki, user):
    """`user`'s membership runs for 60 days from now; a second period begins on day 90."""
    today = timezone.localdate()
    NetworkMember.objects.filter(network=hki.network, user=user).update(
        active_until=today + 60 * DAY
    )
    return add_network_member(
        hki.network, user, active_from=today + 90 * DAY, expertise="Työllisyyspalvelut"
    )


def test_withdrawing_a_later_period_keeps_the_sessions_of_the_current_one(hki, sent):
    later_period = _two_periods(hki, hki.expert)
    in_the_later_period = _later(hki, 100)

    assert actions.end_member(member=later_period, ended_by=hki.coordinator) is None

    # hki.session is within the current period: the withdrawal does not touch it.
    assert _taking_part(hki.session, hki.expert)
    assert not any(c.args[0] == hki.session.pk for c in sent.call_args_list)
    assert not _taking_part(in_the_later_period, hki.expert)


def test_ending_a_period_keeps_the_sessions_a_later_period_covers(hki, sent):
    current = _member(hki, hki.expert)
    _two_periods(hki, hki.expert)
    in_the_later_period = _later(hki, 100)
    sequence = in_the_later_period.sequence

    actions.end_member(member=current, ended_by=hki.coordinator)

    assert not _taking_part(hki.session, hki.expert)
    assert _taking_part(in_the_later_period, hki.expert)
    in_the_later_period.refresh_from_db()
    assert in_the_later_period.sequence == sequence
    assert not any(c.args[0] == in_the_later_period.pk for c in sent.call_args_list)


def test_ending_a_membership_that_ended_already_says_so(hki, client):
    """end_member leaves a membership that ended before today as it was; the page says when
    it ended, not that it ends today."""
    member = _member(hki, hki.kela_liaison)
    ended_on = timezone.localdate() - 3 * DAY
    NetworkMember.objects.filter(pk=member.pk).update(
        active_from=ended_on - 30 * DAY, active_until=ended_on
    )
    login(client, hki.coordinator)
    url = reverse("consultations:member_end", args=[hki.network.pk, member.pk])

    page = client.post(url, follow=True).content.decode()

    assert f"Jäsenyys päättyi jo {ended_on.day}.{ended_on.month}.{ended_on.year}." in page
    assert "Jäsenyys päättyy tänään" not in page
    member.refresh_from_db()
    assert member.active_until == ended_on
