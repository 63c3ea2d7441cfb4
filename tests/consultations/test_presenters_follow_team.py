"""A presenter brings the case of a client they work with: when the client's care team
changes, the upcoming sessions follow. The new responsible worker is invited as presenter
(a transfer, a caseload handed over) and a presenter who left the team is taken off (a
transfer away, a membership ended), in the team action's transaction: e-mails go on
commit only, access-log rows carry the basis the actor had before the change, and the
history carries the team action's label. A held or cancelled session stays as it was."""

import datetime
from unittest import mock

import icalendar
import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AccessLogEntry, Basis
from clients import actions as client_actions
from clients.models import CareTeamMembership, TeamRole
from clients.tasks import end_lapsed_memberships_task
from consents.factories import acting
from consents.team_coverage import ENDED_UNCOVERED, end_uncovered_memberships
from consultations import actions
from consultations.factories import add_presenter, make_request, make_session, put_on_agenda
from consultations.ics import event_uid
from consultations.log_labels import PRESENTER_INVITED, PRESENTER_RELEASED
from consultations.models import ParticipantKind, Session
from consultations.tasks import send_invitations_task
from pathways import actions as pathway_actions
from pathways.factories import make_step

DAY = datetime.timedelta(days=1)


@pytest.fixture
def successor(hki):
    return acting(
        make_user(Role.SOCIAL_WORKER, hki.social_work, first_name="Selma", last_name="Seuraaja")
    )


@pytest.fixture
def session(hki):
    """A session a fortnight later with the worker's case placed on it: the worker (who
    asked and is the responsible worker) takes part as presenter."""
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert],
        starts_at=hki.session.starts_at + 14 * DAY,
    )
    request = make_request(hki.client, hki.worker)
    with mock.patch.object(send_invitations_task, "delay"):
        actions.place_on_session(request=request, session=session, placed_by=hki.coordinator)
    session.refresh_from_db()
    assert _presenters(session) == {hki.worker.pk}
    return session


def _presenters(session) -> set[int]:
    return set(
        session.participants.current()
        .filter(kind=ParticipantKind.PRESENTER)
        .values_list("user_id", flat=True)
    )


def _transfer(hki, to_user):
    return client_actions.transfer_responsibility(
        client=hki.client,
        to_user=to_user,
        to_unit=hki.social_work,
        transferred_by=acting(hki.worker),
        handover_note="Selma jatkaa, konsultaatio on tulossa.",
    )


def _sent(django_capture_on_commit_callbacks, action):
    """Runs the action; returns what it enqueued, as (session id, user ids, method), and
    checks that nothing was enqueued before the commit."""
    with mock.patch.object(send_invitations_task, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            action()
        assert not delay.called  # not before the commit
        for callback in callbacks:
            callback()
    return {(args[0], tuple(args[1]), args[2]) for args, _kw in delay.call_args_list}


def test_a_transfer_brings_the_new_worker_and_takes_off_the_one_who_left(
    hki, session, successor, django_capture_on_commit_callbacks
):
    sequence = session.sequence
    sent = _sent(django_capture_on_commit_callbacks, lambda: _transfer(hki, successor))

    session.refresh_from_db()
    assert _presenters(session) == {successor.pk}
    joined = session.participants.current().get(user=successor)
    assert (joined.organisation, joined.invited_by) == (hki.sote, hki.worker)
    assert session.sequence == sequence + 1
    taking_part = tuple(sorted(session.participants.current().values_list("user_id", flat=True)))
    assert (session.pk, (hki.worker.pk,), "CANCEL") in sent
    assert (session.pk, taking_part, "REQUEST") in sent
    assert successor.pk in taking_part and hki.worker.pk not in taking_part
    # Logged for the client by the worker who transferred, on the care-team basis they had
    # before the transfer (after it they have none).
    rows = AccessLogEntry.objects.filter(
        client_id=hki.client.uuid, action__in=[PRESENTER_INVITED, PRESENTER_RELEASED]
    )
    left = session.participants.get(user=hki.worker)
    assert left.removed_at is not None
    assert {
        (row.action, row.actor_id, row.basis, row.object_id)
        for row in rows
        if row.detail.startswith("K-") and row.object_id in {str(joined.pk), str(left.pk)}
    } == {
        (PRESENTER_INVITED, hki.worker.pk, Basis.CARE_TEAM, str(joined.pk)),
        (PRESENTER_RELEASED, hki.worker.pk, Basis.CARE_TEAM, str(left.pk)),
    }
    # The session's change is in the history under the transfer's label.
    event = Session.pgh_event_model.objects.filter(pgh_obj=session).order_by("pgh_id").last()
    assert event.pgh_context.metadata == {
        "user": hki.worker.pk,
        "action": "clients.responsibility.transferred",
    }


def test_the_emails_name_the_new_worker_and_cancel_the_former_ones(
    hki, session, successor, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_invitations_task, "delay", side_effect=send_invitations_task.run),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _transfer(hki, successor)
    to = {}
    for message in mail.outbox:
        (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
        calendar = icalendar.Calendar.from_ical(attachment[1])
        (event,) = calendar.walk("VEVENT")
        if str(event["UID"]) == event_uid(session):
            to[message.to[0]] = str(calendar["METHOD"])
    assert to[successor.email] == "REQUEST"
    assert to[hki.worker.email] == "CANCEL"
    assert to[hki.expert.email] == "REQUEST"


def test_a_held_or_cancelled_session_keeps_who_took_part(hki, successor):
    """The record of a held session stays; a cancelled one told everyone already."""
    held = make_session(
        hki.network,
        hki.coordinator,
        starts_at=timezone.now() - 3 * DAY,
    )
    put_on_agenda(make_request(hki.client, hki.worker), held)
    add_presenter(held, hki.worker)
    cancelled = make_session(
        hki.network, hki.coordinator, starts_at=hki.session.starts_at + 21 * DAY
    )
    put_on_agenda(make_request(hki.client, hki.worker), cancelled)
    add_presenter(cancelled, hki.worker)
    Session.objects.filter(pk=cancelled.pk).update(
        cancelled_at=timezone.now(), cancellation_reason="Koordinaattori sairastui."
    )
    sequences = {s.pk: s.sequence for s in (held, cancelled)}

    with mock.patch.object(send_invitations_task, "delay"):
        _transfer(hki, successor)

    for kept in (held, cancelled):
        kept.refresh_from_db()
        assert _presenters(kept) == {hki.worker.pk}
        assert kept.sequence == sequences[kept.pk]


def test_a_session_under_way_keeps_who_takes_part_and_invites_no_one(
    hki, session, successor, django_capture_on_commit_callbacks
):
    """Who takes part in a session under way is a record, as of a held one: a transfer
    half an hour into it neither brings the new worker nor takes off the one who left."""
    sequence = session.sequence
    logged = AccessLogEntry.objects.filter(
        action__in=[PRESENTER_INVITED, PRESENTER_RELEASED]
    ).count()

    with time_machine.travel(session.starts_at + datetime.timedelta(minutes=30), tick=False):
        sent = _sent(django_capture_on_commit_callbacks, lambda: _transfer(hki, successor))

    session.refresh_from_db()
    assert _presenters(session) == {hki.worker.pk}
    assert not session.participants.filter(user=successor).exists()
    assert session.sequence == sequence
    assert not any(session_id == session.pk for session_id, _users, _method in sent)
    assert (
        AccessLogEntry.objects.filter(action__in=[PRESENTER_INVITED, PRESENTER_RELEASED]).count()
        == logged
    )


def test_a_caseload_handed_over_brings_the_new_worker(
    hki, session, successor, django_capture_on_commit_callbacks
):
    manager = acting(make_user(Role.MANAGER, hki.social_work))
    sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: client_actions.hand_over_caseload(
            from_user=hki.worker,
            assignments={hki.client.pk: (successor, hki.social_work)},
            handed_over_by=manager,
            handover_note="Sanna jää virkavapaalle.",
        ),
    )
    assert _presenters(session) == {successor.pk}
    assert (session.pk, (hki.worker.pk,), "CANCEL") in sent
    assert AccessLogEntry.objects.filter(
        client_id=hki.client.uuid, action=PRESENTER_INVITED, actor_id=manager.pk
    ).exists()
    assert not AccessLogEntry.objects.filter(
        action__in=[PRESENTER_INVITED, PRESENTER_RELEASED]
    ).exclude(basis=Basis.MANAGER)


def test_a_transfer_rolled_back_invites_no_one_and_sends_nothing(
    hki, session, successor, django_capture_on_commit_callbacks
):
    """The hook runs in the transfer's transaction: when the transfer fails after it (here
    the new worker's task), the session is as it was and no e-mail was enqueued."""

    def fail(**_kwargs):
        # The hook has run by now, inside the transaction about to roll back.
        assert _presenters(session) == {successor.pk}
        raise RuntimeError("task store down")

    with (
        mock.patch.object(send_invitations_task, "delay") as delay,
        mock.patch("notifications.actions.create_task", side_effect=fail),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        _transfer(hki, successor)
    assert not callbacks and not delay.called
    assert _presenters(session) == {hki.worker.pk}
    assert not AccessLogEntry.objects.filter(
        action__in=[PRESENTER_INVITED, PRESENTER_RELEASED]
    ).exists()


def test_a_new_worker_busy_at_that_time_is_not_invited_and_the_transfer_stands(
    hki, session, successor
):
    other_coordinator = acting(make_user(Role.COORDINATOR, hki.social_work))
    make_session(
        hki.network, other_coordinator, starts_at=session.starts_at, participants=[successor]
    )
    with mock.patch.object(send_invitations_task, "delay"):
        membership = _transfer(hki, successor)
    assert membership.user == successor
    assert (
        CareTeamMembership.objects.current()
        .get(client=hki.client, role=TeamRole.RESPONSIBLE_WORKER)
        .user
        == successor
    )
    # The former worker leaves all the same: they no longer work with the client.
    assert _presenters(session) == set()


def _coach_presents(hki) -> Session:
    """A session a fortnight later with a case the coach asked on: the coach and the
    responsible worker take part as presenters."""
    session = make_session(hki.network, hki.coordinator, starts_at=hki.session.starts_at + 14 * DAY)
    with mock.patch.object(send_invitations_task, "delay"):
        actions.place_on_session(
            request=make_request(hki.client, hki.coach),
            session=session,
            placed_by=hki.coordinator,
        )
    assert _presenters(session) == {hki.coach.pk, hki.worker.pk}
    return session


def _released(hki, session):
    """The coach's release: off the session, its access-log row, and the session's latest
    history context."""
    assert _presenters(session) == {hki.worker.pk}
    (row,) = AccessLogEntry.objects.filter(client_id=hki.client.uuid, action=PRESENTER_RELEASED)
    assert row.object_id == str(session.participants.get(user=hki.coach).pk)
    event = Session.pgh_event_model.objects.filter(pgh_obj=session).order_by("pgh_id").last()
    return row, event.pgh_context.metadata


def test_a_member_who_asked_leaves_with_their_membership(hki, django_capture_on_commit_callbacks):
    """The coach asked on the worker's behalf; their membership ends: they leave the session,
    the responsible worker stays."""
    session = _coach_presents(hki)
    coach_membership = CareTeamMembership.objects.get(client=hki.client, user=hki.coach)
    sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: client_actions.end_membership(
            membership=coach_membership, ended_by=acting(hki.worker)
        ),
    )
    assert (session.pk, (hki.coach.pk,), "CANCEL") in sent
    row, _context = _released(hki, session)
    assert (row.actor_id, row.basis) == (hki.worker.pk, Basis.CARE_TEAM)


# The other ways a membership ends: each releases the presenter who left the team.


def test_the_daily_task_ending_a_lapsed_membership_releases_its_presenter(
    hki, django_capture_on_commit_callbacks
):
    """The lapse has no actor: the release is logged as the system's (no user, the
    statutory basis), as the system's other rows are, and labelled as the lapse."""
    session = _coach_presents(hki)
    today = timezone.localdate()
    CareTeamMembership.objects.filter(client=hki.client, user=hki.coach).update(
        valid_until=today + 2 * DAY
    )
    with time_machine.travel(today + 3 * DAY):
        sent = _sent(django_capture_on_commit_callbacks, end_lapsed_memberships_task.run)
    assert CareTeamMembership.objects.get(client=hki.client, user=hki.coach).ended_on == (
        today + 2 * DAY
    )
    assert (session.pk, (hki.coach.pk,), "CANCEL") in sent
    row, context = _released(hki, session)
    assert (row.actor_id, row.basis) == (None, Basis.STATUTE)
    assert context == {"user": None, "action": "clients.membership.lapsed"}


@pytest.mark.parametrize("how", ["cancelled", "ended"])
def test_a_coach_whose_step_ended_leaves_the_session_with_their_membership(
    hki, how, django_capture_on_commit_callbacks
):
    """The coach has no open step of the client left: their coach membership ends in the
    step action, and the session follows it there."""
    session = _coach_presents(hki)
    today = timezone.localdate()
    worker = acting(hki.worker)
    if how == "cancelled":
        step = make_step(
            hki.client,
            "work_coaching",
            created_by=hki.worker,
            coach=hki.coach,
            start_on=today + 7 * DAY,
        )
        action = lambda: pathway_actions.cancel_step(
            step=step, cancelled_by=worker, reason="Asiakas aloittaa opinnot."
        )
    else:
        step = make_step(hki.client, "work_coaching", created_by=hki.worker, coach=hki.coach)
        action = lambda: pathway_actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="other",
            exit_outcome="other_service",
            review_decision="exit",
        )
    sent = _sent(django_capture_on_commit_callbacks, action)
    assert CareTeamMembership.objects.get(client=hki.client, user=hki.coach).ended_on is not None
    assert (session.pk, (hki.coach.pk,), "CANCEL") in sent
    row, context = _released(hki, session)
    assert (row.actor_id, row.basis) == (hki.worker.pk, Basis.CARE_TEAM)
    assert context == {"user": hki.worker.pk, "action": f"pathways.step.{how}"}


def test_a_coach_replaced_on_their_step_leaves_the_session_with_their_membership(
    hki, django_capture_on_commit_callbacks
):
    """Another coach takes over the coach's only step of the client: the coach's membership
    ends in the step's change, and the session follows it there."""
    session = _coach_presents(hki)
    worker = acting(hki.worker)
    successor = acting(
        make_user(Role.WORK_COACH, hki.social_work, first_name="Ville", last_name="Vaihtaja")
    )
    step = make_step(
        hki.client, "supported_employment", created_by=hki.worker, coach=hki.coach, goal="Työ"
    )
    sent = _sent(
        django_capture_on_commit_callbacks,
        lambda: pathway_actions.update_step(step=step, changed_by=worker, coach=successor),
    )
    assert CareTeamMembership.objects.get(client=hki.client, user=hki.coach).ended_on is not None
    assert (session.pk, (hki.coach.pk,), "CANCEL") in sent
    row, context = _released(hki, session)
    assert (row.actor_id, row.basis) == (hki.worker.pk, Basis.CARE_TEAM)
    assert context == {"user": hki.worker.pk, "action": "pathways.step.changed"}


def test_a_member_the_team_no_longer_takes_leaves_the_session_with_their_membership(
    hki, django_capture_on_commit_callbacks
):
    """The coach's coach role ended: the daily run of consents ends their membership
    (nothing covers it), and the session follows, logged as the system's."""
    session = _coach_presents(hki)
    today = timezone.localdate()
    RoleAssignment.objects.filter(user=hki.coach).update(
        valid_from=today - 10 * DAY, valid_to=today - DAY
    )
    sent = _sent(django_capture_on_commit_callbacks, end_uncovered_memberships)
    assert CareTeamMembership.objects.get(client=hki.client, user=hki.coach).ended_on == today
    assert (session.pk, (hki.coach.pk,), "CANCEL") in sent
    row, context = _released(hki, session)
    assert (row.actor_id, row.basis) == (None, Basis.STATUTE)
    assert context == {"user": None, "action": ENDED_UNCOVERED}


def test_a_former_responsible_worker_who_leaves_the_network_is_not_kept_as_presenter(
    hki, successor
):
    """The former worker is on the session as a network member; the case on its agenda was
    asked by the coach while they were responsible. Handed over, they bring nothing: their
    membership ending takes them off the session, not over to presenter."""
    from consultations.factories import add_network_member
    from consultations.models import NetworkMember

    add_network_member(hki.network, hki.worker, expertise="Aikuissosiaalityö")
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.worker, hki.expert],
        starts_at=hki.session.starts_at + 7 * DAY,
    )
    request = make_request(hki.client, hki.coach)
    with mock.patch.object(send_invitations_task, "delay"):
        actions.place_on_session(request=request, session=session, placed_by=hki.coordinator)
        _transfer(hki, successor)
        assert session.participants.current().get(user=hki.worker).kind == ParticipantKind.MEMBER
        actions.end_member(
            member=NetworkMember.objects.get(network=hki.network, user=hki.worker),
            ended_by=hki.coordinator,
        )
    assert not session.participants.current().filter(user=hki.worker).exists()
    assert _presenters(session) >= {successor.pk}
