"""Sessions: scheduling, changing, cancelling, guests. Participants are told by
e-mail with an iCalendar invitation, sent by Celery after commit."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.history import history_context
from consultations.actions.common import (
    CANCEL,
    REQUEST,
    log_case,
    send_invitations_on_commit,
    violated,
)
from consultations.models import (
    COORDINATOR_NOT_DOUBLE_BOOKED,
    AgendaItem,
    ConsultationRequest,
    NetworkMember,
    ParticipantKind,
    RequestStatus,
    Session,
    SessionParticipant,
)
from consultations.pseudonymity import identifying_mentions
from consultations.reminders import CONSULTATION_TOMORROW

MAX_DURATION_MINUTES = 8 * 60


def _check_nothing_identifies(session: Session, **texts: str) -> None:
    """Refuses a place, link or cancellation reason that identifies a client on the agenda.

    These texts go out in the invitation e-mail and the calendar entry, which
    name no client (DESIGN.md). The error does not say which client matched:
    the coordinator may see a case only pseudonymously.
    """
    clients = [
        item.request.client
        for item in AgendaItem.objects.filter(session=session).select_related("request__client")
    ]
    errors = {
        field: _(
            "Kutsu lähtee sähköpostilla, eikä siinä saa olla asiakkaan tunnistetietoja. "
            "Poista tekstistä asiakkaan nimi, henkilötunnus ja syntymäaika."
        )
        for field, text in texts.items()
        if text and any(identifying_mentions(client, text) for client in clients)
    }
    if errors:
        raise ValidationError(errors)


def _double_booking_error(coordinator, starts_at, ends_at, exclude_pk=None) -> ValidationError:
    other = (
        Session.objects.not_cancelled()
        .filter(coordinator=coordinator)
        .between(starts_at, ends_at)
        .exclude(pk=exclude_pk)
        .select_related("network")
        .first()
    )
    if other is None:
        message = _("Koordinaattorilla on jo toinen istunto samaan aikaan.")
    else:
        message = _(
            "Koordinaattorilla on jo istunto samaan aikaan: %(network)s %(day)s klo %(start)s–%(end)s. "
            "Valitse toinen aika."
        ) % {
            "network": other.network,
            "day": date_format(timezone.localtime(other.starts_at), "SHORT_DATE_FORMAT"),
            "start": timezone.localtime(other.starts_at).strftime("%H.%M"),
            "end": timezone.localtime(other.ends_at).strftime("%H.%M"),
        }
    return ValidationError({"starts_at": message}, code="double_booked")


def _withdraw_session_reminders(session: Session, user_ids=None) -> None:
    """The "session tomorrow" reminders of the session no longer fit (it was cancelled or
    moved, or the user no longer takes part): take them back. The next sweep reminds
    again those who still take part, with the new time."""
    from notifications.actions import withdraw_reminders

    withdraw_reminders(rule=CONSULTATION_TOMORROW, concerning=session, recipient_ids=user_ids)


def _check_times(starts_at: datetime.datetime, duration_minutes: int) -> datetime.datetime:
    if duration_minutes <= 0 or duration_minutes > MAX_DURATION_MINUTES:
        raise ValidationError({"duration_minutes": _("Keston on oltava 1 minuutista 8 tuntiin.")})
    return starts_at + datetime.timedelta(minutes=duration_minutes)


def _check_place(place: str, video_link: str) -> None:
    if not place.strip() and not video_link.strip():
        raise ValidationError({"place": _("Anna paikka tai videoyhteys (tai molemmat).")})


def _check_chair(network, chair) -> None:
    if chair.organisation_id != network.convening_organisation_id:
        raise ValidationError(
            {
                "chair": _("Puheenjohtajan on oltava koollekutsuvasta organisaatiosta (%(org)s).")
                % {"org": network.convening_organisation}
            }
        )


def _participant_for(session, user, invited_by, members_by_user) -> SessionParticipant:
    member = members_by_user.get(user.pk)
    return SessionParticipant(
        session=session,
        user=user,
        organisation=member.organisation if member else user.organisation,
        kind=ParticipantKind.MEMBER if member else ParticipantKind.GUEST,
        expertise=member.expertise if member else "",
        invited_by=invited_by,
    )


def schedule_session(
    *,
    network,
    scheduled_by,
    starts_at: datetime.datetime,
    duration_minutes: int,
    chair,
    place: str = "",
    video_link: str = "",
    members=None,
    guests=(),
) -> Session:
    """Schedules a session run by `scheduled_by` (the coordinator) and invites its participants.

    Participants: the network's members active on the session's day (or the
    given `members`), the guests, the chair and the coordinator. The chair
    must come from the convening organisation. The database refuses a second
    session of the same coordinator at an overlapping time; that refusal (or
    the check before it) is a ValidationError naming the other session.
    Invitations (METHOD:REQUEST, sequence 0) are e-mailed after commit.
    """
    ends_at = _check_times(starts_at, duration_minutes)
    _check_place(place, video_link)
    _check_chair(network, chair)
    day = timezone.localdate(starts_at)
    active = list(
        NetworkMember.objects.active_on(day)
        .filter(network=network)
        .select_related("user", "organisation")
    )
    members_by_user = {m.user_id: m for m in active}
    invited = [m.user for m in active] if members is None else list(members)
    invited += [*guests, chair, scheduled_by]
    try:
        with transaction.atomic(), history_context(scheduled_by, "consultations.session.scheduled"):
            session = Session.objects.create(
                network=network,
                starts_at=starts_at,
                ends_at=ends_at,
                place=place.strip(),
                video_link=video_link.strip(),
                chair=chair,
                coordinator=scheduled_by,
                created_by=scheduled_by,
            )
            seen: set[int] = set()
            rows = []
            for user in invited:
                if user.pk in seen or not user.is_active:
                    continue
                seen.add(user.pk)
                rows.append(_participant_for(session, user, scheduled_by, members_by_user))
            SessionParticipant.objects.bulk_create(rows)
            send_invitations_on_commit(session, seen, REQUEST)
    except IntegrityError as error:
        if violated(error, COORDINATOR_NOT_DOUBLE_BOOKED):
            raise _double_booking_error(scheduled_by, starts_at, ends_at) from None
        raise
    return session


def _shift_agenda(session, delta: datetime.timedelta, ends_at: datetime.datetime) -> None:
    items = list(
        AgendaItem.objects.select_for_update().filter(session=session).order_by("starts_at")
    )
    for item in items:
        if item.ends_at + delta > ends_at:
            raise ValidationError(
                {
                    "duration_minutes": _(
                        "Esityslistan tapaukset eivät mahdu istuntoon. Lyhennä tai poista tapauksia ensin."
                    )
                }
            )
    # One row at a time, in the order that never makes two slots overlap on the way.
    for item in reversed(items) if delta > datetime.timedelta(0) else items:
        item.starts_at += delta
        item.ends_at += delta
        item.save(update_fields=["starts_at", "ends_at"])


def change_session(
    *,
    session: Session,
    changed_by,
    starts_at: datetime.datetime,
    duration_minutes: int,
    chair,
    place: str = "",
    video_link: str = "",
) -> Session:
    """Changes time, place, link or chair; the agenda's slots move with the start.

    When anything changed, SEQUENCE grows by one and every participant gets
    the updated invitation after commit. A new start takes back the "session
    tomorrow" reminders written for the old time (the next sweep writes them
    anew). Double booking is refused as in scheduling.
    """
    if session.is_cancelled:
        raise ValidationError(_("Peruttua istuntoa ei voi muuttaa."))
    ends_at = _check_times(starts_at, duration_minutes)
    _check_place(place, video_link)
    _check_chair(session.network, chair)
    try:
        with transaction.atomic(), history_context(changed_by, "consultations.session.changed"):
            locked = Session.objects.select_for_update().get(pk=session.pk)
            # Under the lock: a case placed meanwhile is on the agenda checked here.
            _check_nothing_identifies(locked, place=place, video_link=video_link)
            new = {
                "starts_at": starts_at,
                "ends_at": ends_at,
                "place": place.strip(),
                "video_link": video_link.strip(),
                "chair_id": chair.pk,
            }
            changed = [name for name, value in new.items() if getattr(locked, name) != value]
            if not changed:
                return locked
            delta = starts_at - locked.starts_at
            for name in changed:
                setattr(locked, name, new[name])
            locked.sequence += 1
            locked.save(update_fields=[*changed, "sequence"])
            if delta or "ends_at" in changed:
                _shift_agenda(locked, delta, ends_at)
            if delta:
                _withdraw_session_reminders(locked)
            if (
                "chair_id" in changed
                and not locked.participants.current().filter(user=chair).exists()
            ):
                SessionParticipant.objects.create(
                    session=locked,
                    user=chair,
                    organisation=chair.organisation,
                    kind=ParticipantKind.GUEST,
                    invited_by=changed_by,
                )
            send_invitations_on_commit(
                locked, locked.participants.current().values_list("user_id", flat=True), REQUEST
            )
    except IntegrityError as error:
        if violated(error, COORDINATOR_NOT_DOUBLE_BOOKED):
            raise _double_booking_error(
                session.coordinator, starts_at, ends_at, session.pk
            ) from None
        raise
    return locked


def cancel_session(*, session: Session, cancelled_by, reason: str) -> Session:
    """Cancels the session: participants get METHOD:CANCEL; its cases return to the queue.

    A session whose minutes were recorded was held and cannot be cancelled.
    Each case taken off the agenda writes its access-log row
    "consultations.request.unscheduled", as remove_from_agenda does, in the
    same transaction. The session's "session tomorrow" reminders not yet past
    are taken back.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Kirjaa perumisen syy.")})
    with transaction.atomic(), history_context(cancelled_by, "consultations.session.cancelled"):
        locked = Session.objects.select_for_update().get(pk=session.pk)
        _check_nothing_identifies(locked, reason=reason)
        if locked.is_cancelled:
            return locked
        items = AgendaItem.objects.select_for_update().filter(session=locked)
        if (
            items.exclude(minutes="").exists()
            or items.filter(recommendations__isnull=False).exists()
        ):
            raise ValidationError(_("Istunnosta on kirjattu muistio: sitä ei voi enää perua."))
        request_ids = list(items.values_list("request_id", flat=True))
        items.delete()
        ConsultationRequest.objects.filter(pk__in=request_ids).update(status=RequestStatus.TRIAGED)
        requests = ConsultationRequest.objects.filter(pk__in=request_ids).select_related("client")
        for request in requests.order_by("pk"):
            log_case(
                cancelled_by,
                request.client,
                "consultations.request.unscheduled",
                request,
                request.reference,
            )
        locked.cancelled_at = timezone.now()
        locked.cancellation_reason = reason.strip()
        locked.sequence += 1
        locked.save(update_fields=["cancelled_at", "cancellation_reason", "sequence"])
        _withdraw_session_reminders(locked)
        send_invitations_on_commit(
            locked, locked.participants.current().values_list("user_id", flat=True), CANCEL
        )
    return locked


def invite_guest(*, session: Session, invited_by, user, expertise: str = "") -> SessionParticipant:
    """Invites one more person; only they get the invitation (the others' is unchanged)."""
    if session.is_cancelled:
        raise ValidationError(_("Peruttuun istuntoon ei voi kutsua."))
    if not user.is_active:
        raise ValidationError({"email": _("Käyttäjätunnus ei ole voimassa.")})
    with transaction.atomic(), history_context(invited_by, "consultations.participant.invited"):
        Session.objects.select_for_update().get(pk=session.pk)
        if session.participants.current().filter(user=user).exists():
            raise ValidationError({"email": _("Henkilö on jo kutsuttu istuntoon.")})
        member = (
            NetworkMember.objects.active_on(timezone.localdate(session.starts_at))
            .filter(network=session.network_id, user=user)
            .first()
        )
        participant = SessionParticipant.objects.create(
            session=session,
            user=user,
            organisation=member.organisation if member else user.organisation,
            kind=ParticipantKind.MEMBER if member else ParticipantKind.GUEST,
            expertise=expertise.strip() or (member.expertise if member else ""),
            invited_by=invited_by,
        )
        send_invitations_on_commit(session, [user.pk], REQUEST)
    return participant


def remove_participant(*, participant: SessionParticipant, removed_by) -> SessionParticipant:
    """Takes one participant off the session; they get METHOD:CANCEL, and their "session
    tomorrow" reminder is taken back. The chair and the coordinator stay (change the
    chair first)."""
    session = participant.session
    if participant.user_id in (session.chair_id, session.coordinator_id):
        raise ValidationError(
            _("Puheenjohtajaa tai koordinaattoria ei voi poistaa osallistujista.")
        )
    with transaction.atomic(), history_context(removed_by, "consultations.participant.removed"):
        locked = SessionParticipant.objects.select_for_update().get(pk=participant.pk)
        if locked.removed_at is not None:
            return locked
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        _withdraw_session_reminders(session, [locked.user_id])
        send_invitations_on_commit(session, [locked.user_id], CANCEL)
    return locked
