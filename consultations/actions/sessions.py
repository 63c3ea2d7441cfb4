"""Sessions: scheduling, changing, cancelling, guests. Participants are told by
e-mail with an iCalendar invitation, sent by Celery after commit."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.models import RoleAssignment
from audit.history import history_context
from config.ordering import Alphabetical
from consultations import ics
from consultations.actions.common import (
    CANCEL,
    REQUEST,
    log_case,
    send_invitations_on_commit,
    violated,
)
from consultations.models import (
    COORDINATOR_NOT_DOUBLE_BOOKED,
    PARTICIPANT_NOT_DOUBLE_BOOKED,
    AgendaItem,
    ConsultationRequest,
    NetworkMember,
    ParticipantKind,
    RequestStatus,
    Session,
    SessionParticipant,
)
from consultations.pseudonymity import identifying_mentions, names_another_client
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


def _clashing_session(coordinator, starts_at, ends_at, exclude_pk=None) -> Session | None:
    """The coordinator's other session, not cancelled, overlapping [starts_at, ends_at)."""
    return (
        Session.objects.not_cancelled()
        .filter(coordinator=coordinator)
        .between(starts_at, ends_at)
        .exclude(pk=exclude_pk)
        .select_related("network")
        .first()
    )


def _double_booking_error(other: Session | None) -> ValidationError:
    if other is None:
        message = _("Koordinaattorilla on jo toinen istunto samaan aikaan.")
    else:
        message = _(
            "Koordinaattorilla on jo istunto samaan aikaan: %(network)s %(day)s klo %(start)s–%(end)s. "
            "Valitse toinen aika."
        ) % {
            "network": other.network,
            "day": date_format(timezone.localtime(other.starts_at), "SHORT_DATE_FORMAT"),
            "start": ics.clock(other.starts_at),
            "end": ics.clock(other.ends_at),
        }
    return ValidationError({"starts_at": message}, code="double_booked")


def _withdraw_session_reminders(session: Session, user_ids=None) -> None:
    """The "session tomorrow" reminders of the session no longer fit (it was cancelled or
    moved, or the user no longer takes part): take them back. The next sweep reminds
    again those who still take part, with the new time."""
    from notifications.actions import withdraw_reminders

    withdraw_reminders(rule=CONSULTATION_TOMORROW, concerning=session, recipient_ids=user_ids)


def _coordinator_double_booked(coordinator, starts_at, ends_at, exclude_pk=None) -> None:
    """The clear message before the database's own refusal (which stays the guard)."""
    other = _clashing_session(coordinator, starts_at, ends_at, exclude_pk)
    if other is not None:
        raise _double_booking_error(other)


def _lock_people(user_ids) -> None:
    """Serialises bookings of the same people: two coordinators inviting one person to
    overlapping sessions at the same moment cannot both pass the check below. The row
    lock (FOR NO KEY UPDATE, in id order) does not block foreign keys to the users."""
    User = get_user_model()
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=list(user_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _busy_people(user_ids, starts_at, ends_at, exclude_pk=None) -> list:
    """Those of `user_ids` who take part in (or chair or coordinate) another session, not
    cancelled, overlapping [starts_at, ends_at). One query."""
    user_ids = list(user_ids)
    if not user_ids:
        return []
    overlapping = Session.objects.not_cancelled().between(starts_at, ends_at).exclude(pk=exclude_pk)
    taking_part = SessionParticipant.objects.current().filter(
        user=OuterRef("pk"), session__in=overlapping
    )
    leading = overlapping.filter(Q(chair=OuterRef("pk")) | Q(coordinator=OuterRef("pk")))
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .filter(Exists(taking_part) | Exists(leading))
        .order_by(Alphabetical("last_name"), Alphabetical("first_name"), "pk")
    )


def _check_people_free(by_field: dict, starts_at, ends_at, exclude_pk=None) -> None:
    """Refuses to book anyone who is in another session at an overlapping time.

    `by_field` maps a form field to the users it invites ("chair" to the chair,
    "session" to the presenters of a case being placed on the session); the error
    names the busy people next to that field. The database refuses
    the same (the exclusion constraints on sessions' coordinators and on
    participations); this check, under _lock_people, gives the clear message.
    The other session is not named: it may be of a network the coordinator does
    not run.
    """
    every = {user.pk for users in by_field.values() for user in users}
    busy = {user.pk: user for user in _busy_people(every, starts_at, ends_at, exclude_pk)}
    if not busy:
        return
    errors = {}
    reported: set[int] = set()
    for field, users in by_field.items():
        # Each person once, next to the first field that invites them.
        names = [
            busy[user.pk].get_full_name()
            for user in users
            if user.pk in busy and user.pk not in reported
        ]
        reported.update(user.pk for user in users if user.pk in busy)
        if not names:
            continue
        if field == "chair":
            errors[field] = _(
                "Puheenjohtajalla on samaan aikaan toinen istunto. "
                "Valitse toinen puheenjohtaja tai toinen aika."
            )
        elif field == "session":
            # Placing a case invites its presenters (actions.presenters).
            errors[field] = _(
                "Tapauksen esittelijä on samaan aikaan toisessa istunnossa: %(names)s. "
                "Valitse toinen istunto."
            ) % {"names": ", ".join(dict.fromkeys(names))}
        else:
            errors[field] = _(
                "Samaan aikaan toisessa istunnossa: %(names)s. "
                "Valitse toinen aika tai jätä heidät pois istunnosta."
            ) % {"names": ", ".join(dict.fromkeys(names))}
    raise ValidationError(errors, code="double_booked")


def _people_double_booked(by_field: dict, starts_at, ends_at, exclude_pk=None) -> ValidationError:
    """The database refused a participation overlapping another (a booking that got past
    the check above): the check's message naming the people, or, when the other booking
    has gone meanwhile, a general one."""
    try:
        _check_people_free(by_field, starts_at, ends_at, exclude_pk)
    except ValidationError as error:
        return error
    return ValidationError(
        _(
            "Joku kutsutuista on samaan aikaan toisessa istunnossa. Tarkista ajat ja yritä uudelleen."
        ),
        code="double_booked",
    )


def _check_guests_work_there(by_field: dict) -> None:
    """Refuses guests who hold no role current today in their own organisation.

    A guest (someone not a current member of the network) takes part for their
    own organisation, whose consent coverage then decides whether they see a
    case named (case_view.viewer_organisation): as add_member requires of a
    member's nominating organisation, it must be one they work in. `by_field`
    maps a form field to the guests it invites; the error names them there.
    One query.
    """
    guests = {user.pk for users in by_field.values() for user in users}
    if not guests:
        return
    working = set(
        RoleAssignment.objects.current()
        .filter(user__in=guests, unit__organisation=F("user__organisation"))
        .values_list("user_id", flat=True)
    )
    errors = {}
    for field, users in by_field.items():
        names = [user.get_full_name() for user in users if user.pk not in working]
        if names:
            errors[field] = _(
                "Ei voimassa olevaa roolia omassa organisaatiossaan: %(names)s. Vieras osallistuu "
                "sen organisaation edustajana, jossa hän työskentelee."
            ) % {"names": ", ".join(dict.fromkeys(names))}
    if errors:
        raise ValidationError(errors)


def _check_times(starts_at: datetime.datetime, duration_minutes: int) -> datetime.datetime:
    if duration_minutes <= 0 or duration_minutes > MAX_DURATION_MINUTES:
        raise ValidationError({"duration_minutes": _("Keston on oltava 1 minuutista 8 tuntiin.")})
    return starts_at + datetime.timedelta(minutes=duration_minutes)


def _check_ahead(starts_at: datetime.datetime) -> None:
    """A session is scheduled, or moved, to a time still ahead: its invitations ask people
    to come."""
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Alkamisaika on jo mennyt. Valitse tuleva aika.")})


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


def _participant_for(
    session, user, invited_by, members_by_user, organisation=None
) -> SessionParticipant:
    member = members_by_user.get(user.pk)
    return SessionParticipant(
        session=session,
        user=user,
        organisation=member.organisation if member else organisation or user.organisation,
        kind=ParticipantKind.MEMBER if member else ParticipantKind.GUEST,
        expertise=member.expertise if member else "",
        invited_by=invited_by,
    )


def _members_on_the_day(members, members_by_user, day, guests, *, invited_anyway):
    """The ticked `members` who are members of the network on the session's day. One whose
    membership ends before the session (or has not begun) is refused next to "members",
    named, unless also listed as a guest; otherwise they would be invited as a guest
    without the coordinator knowing (the form refuses them first, NewSessionForm.clean). The chair and the
    coordinator (`invited_anyway`) take part in their own right and are never refused."""
    guest_ids = {user.pk for user in guests}
    not_members = [
        user
        for user in members
        if user.pk not in members_by_user
        and user.pk not in guest_ids
        and user.pk not in invited_anyway
    ]
    if not_members:
        raise ValidationError({"members": not_members_on_the_day(not_members, day)})
    return [user for user in members if user.pk in members_by_user]


def not_members_on_the_day(users, day: datetime.date) -> str:
    """The refusal of ticked `users` who are not members of the network on the session's
    `day`, naming them (also given by NewSessionForm before the action is called)."""
    return ngettext(
        "%(names)s ei ole verkoston jäsen istunnon päivänä %(day)s. Poista "
        "valinta, tai kutsu hänet vieraaksi.",
        "%(names)s eivät ole verkoston jäseniä istunnon päivänä %(day)s. Poista "
        "valinnat, tai kutsu heidät vieraiksi.",
        len(users),
    ) % {
        "names": ", ".join(user.get_full_name() for user in users),
        "day": date_format(day, "SHORT_DATE_FORMAT"),
    }


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

    Participants: the network's members active on the session's day (or those
    of the given `members` who are; one who is not is refused next to "members"
    unless listed among the guests), the guests, the chair and the coordinator. The chair
    must come from the convening organisation. Members take part for their
    nominating organisation, the coordinator (when not a member) for the
    organisation of their active role, and everyone else for their own
    organisation, which must be one where they hold a current role (refused
    next to the field that invites them otherwise). The database refuses a
    second session of the same coordinator at an overlapping time; that refusal
    (or the check before it) is a ValidationError naming the other session. A
    chair, member or guest who takes part in another session at an
    overlapping time is refused too, named next to the field that invites them
    (checked under a lock on the people's rows, and refused by the database
    too). A start that has already passed is refused next to the start.
    Invitations (METHOD:REQUEST, sequence 0) are e-mailed after commit.
    """
    ends_at = _check_times(starts_at, duration_minutes)
    _check_ahead(starts_at)
    _check_place(place, video_link)
    _check_chair(network, chair)
    day = timezone.localdate(starts_at)
    active = list(
        NetworkMember.objects.active_on(day)
        .filter(network=network)
        .select_related("user", "organisation")
    )
    members_by_user = {m.user_id: m for m in active}
    invited = (
        [m.user for m in active]
        if members is None
        else _members_on_the_day(
            members, members_by_user, day, guests, invited_anyway={chair.pk, scheduled_by.pk}
        )
    )
    by_field = {
        "chair": [chair],
        "starts_at": [scheduled_by],
        "members": list(invited),
        "guest_emails": list(guests),
    }
    invited += [*guests, chair, scheduled_by]
    assignment = getattr(scheduled_by, "active_assignment", None)
    # The coordinator acts for the organisation of their active role, where they run it.
    coordinator_organisation = assignment.unit.organisation if assignment else None
    _check_guests_work_there(
        {
            field: [
                user
                for user in users
                if user.pk not in members_by_user
                and not (user.pk == scheduled_by.pk and coordinator_organisation)
            ]
            for field, users in by_field.items()
        }
    )
    try:
        with transaction.atomic(), history_context(scheduled_by, "consultations.session.scheduled"):
            _lock_people(user.pk for user in invited)
            _coordinator_double_booked(scheduled_by, starts_at, ends_at)
            _check_people_free(by_field, starts_at, ends_at)
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
                organisation = coordinator_organisation if user.pk == scheduled_by.pk else None
                rows.append(
                    _participant_for(session, user, scheduled_by, members_by_user, organisation)
                )
            SessionParticipant.objects.bulk_create(rows)
            send_invitations_on_commit(session, seen, REQUEST)
    except IntegrityError as error:
        if violated(error, COORDINATOR_NOT_DOUBLE_BOOKED):
            other = _clashing_session(scheduled_by, starts_at, ends_at)
            raise _double_booking_error(other) from None
        if violated(error, PARTICIPANT_NOT_DOUBLE_BOOKED):
            raise _people_double_booked(by_field, starts_at, ends_at) from None
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


def _check_free_after_change(session, changed, chair, starts_at, ends_at) -> None:
    """A new time must suit every participant; a new chair must be free at the time."""
    moved = "starts_at" in changed or "ends_at" in changed
    if not moved and "chair_id" not in changed:
        return
    others = []
    if moved:
        others = [
            participant.user
            for participant in session.participants.current().select_related("user")
            if participant.user_id != chair.pk
        ]
    _lock_people([chair.pk, *(user.pk for user in others)])
    if moved:
        _coordinator_double_booked(session.coordinator, starts_at, ends_at, session.pk)
    _check_people_free({"chair": [chair], "starts_at": others}, starts_at, ends_at, session.pk)


def _members_stay_on_the_new_day(session: Session, day: datetime.date, chair) -> None:
    """Taking part as a member needs membership of the network on the session's day, as
    schedule_session and invite_guest admit them: a session moved to a `day` on which
    someone invited as a member is no longer (or not yet) a member of the network is
    refused next to "starts_at", naming them, so that the coordinator takes them off the
    session first or picks another day. One who brings a case on the agenda takes part on
    as its presenter (ParticipantKind.PRESENTER), as leave_later_sessions has it; the chair
    (`chair`, the new one when it changes too) and the coordinator take part in their own
    right. `session` is locked by the caller."""
    from consultations.actions.presenters import presenting

    members_on_the_day = NetworkMember.objects.active_on(day).filter(network_id=session.network_id)
    not_members = list(
        session.participants.current()
        .filter(kind=ParticipantKind.MEMBER)
        .exclude(user_id__in=members_on_the_day.values("user_id"))
        .exclude(user_id__in=(chair.pk, session.coordinator_id))
        .select_related("user")
        .order_by(Alphabetical("user__last_name"), Alphabetical("user__first_name"), "pk")
    )
    if not not_members:
        return
    bringing = presenting(session)
    refused = [p.user for p in not_members if p.user_id not in bringing]
    if refused:
        raise ValidationError(
            {
                "starts_at": ngettext(
                    "%(names)s ei ole verkoston jäsen istunnon uutena päivänä %(day)s. Poista "
                    "hänet ensin osallistujista, tai valitse toinen päivä.",
                    "%(names)s eivät ole verkoston jäseniä istunnon uutena päivänä %(day)s. "
                    "Poista heidät ensin osallistujista, tai valitse toinen päivä.",
                    len(refused),
                )
                % {
                    "names": ", ".join(user.get_full_name() for user in refused),
                    "day": date_format(day, "SHORT_DATE_FORMAT"),
                }
            },
            code="not_a_member",
        )
    SessionParticipant.objects.filter(pk__in=[p.pk for p in not_members]).update(
        kind=ParticipantKind.PRESENTER
    )


def _chair_takes_part(session: Session, chair, changed_by) -> None:
    """The new chair of the locked `session` takes part as scheduling would have invited
    them: a member of the network on the session's day as a member for their nominating
    organisation, anyone else as a guest for their own (where they must hold a current
    role). One who takes part already as a member or a guest stays as they are; a
    presenter (ParticipantKind.PRESENTER) takes part as the chair from now on, no longer
    only for their own case: their participation becomes a member's or a guest's, so they
    keep the session when their case leaves the agenda and see its other cases as any
    participant does (case_view.show_case)."""
    current = session.participants.current().filter(user=chair).first()
    if current is not None and current.kind != ParticipantKind.PRESENTER:
        return
    members_by_user = {
        member.user_id: member
        for member in NetworkMember.objects.active_on(timezone.localdate(session.starts_at))
        .filter(network_id=session.network_id, user=chair)
        .select_related("organisation")
    }
    if chair.pk not in members_by_user:
        _check_guests_work_there({"chair": [chair]})
    participant = _participant_for(session, chair, changed_by, members_by_user)
    if current is None:
        participant.save()
        return
    current.kind = participant.kind
    current.organisation = participant.organisation
    current.expertise = participant.expertise or current.expertise
    current.save(update_fields=["kind", "organisation", "expertise"])


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
    anew). Double booking is refused as in scheduling: a new time for the
    coordinator and every participant, a new chair for the chair (also by the
    database). A new chair who does not take part yet joins as schedule_session
    would have invited them: as a member for their nominating organisation when
    they are a member of the network on the session's day, otherwise as a guest
    for their own organisation, where they must hold a current role; a presenter made chair
    takes part so from then on, no longer as a presenter (_chair_takes_part). A new start must be
    ahead, as in scheduling; a session under way keeps its start. A session moved to a day
    on which someone invited as a member is not a member of the network is refused next to
    "starts_at", naming them (one who brings a case takes part on as its presenter):
    _members_stay_on_the_new_day.
    """
    if session.is_cancelled:
        raise ValidationError(_("Peruttua istuntoa ei voi muuttaa."))
    ends_at = _check_times(starts_at, duration_minutes)
    _check_place(place, video_link)
    _check_chair(session.network, chair)
    try:
        with transaction.atomic(), history_context(changed_by, "consultations.session.changed"):
            locked = Session.objects.select_for_update().get(pk=session.pk)
            if locked.has_ended():
                raise ValidationError(_("Istunto on jo pidetty: sitä ei enää muuteta."))
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
            if "starts_at" in changed:
                _check_ahead(starts_at)
                _members_stay_on_the_new_day(locked, timezone.localdate(starts_at), chair)
            _check_free_after_change(locked, changed, chair, starts_at, ends_at)
            delta = starts_at - locked.starts_at
            for name in changed:
                setattr(locked, name, new[name])
            locked.sequence += 1
            locked.save(update_fields=[*changed, "sequence"])
            if delta or "ends_at" in changed:
                _shift_agenda(locked, delta, ends_at)
            if delta:
                _withdraw_session_reminders(locked)
            if "chair_id" in changed:
                _chair_takes_part(locked, chair, changed_by)
            send_invitations_on_commit(
                locked, locked.participants.current().values_list("user_id", flat=True), REQUEST
            )
    except IntegrityError as error:
        if violated(error, COORDINATOR_NOT_DOUBLE_BOOKED):
            other = _clashing_session(session.coordinator, starts_at, ends_at, session.pk)
            raise _double_booking_error(other) from None
        if violated(error, PARTICIPANT_NOT_DOUBLE_BOOKED):
            others = [
                participant.user
                for participant in session.participants.current().select_related("user")
                if participant.user_id != chair.pk
            ]
            raise _people_double_booked(
                {"chair": [chair], "starts_at": others}, starts_at, ends_at, session.pk
            ) from None
        raise
    return locked


def cancel_session(*, session: Session, cancelled_by, reason: str) -> Session:
    """Cancels the session: participants get METHOD:CANCEL; its cases return to the queue.

    A session that has started (or been held) cannot be cancelled: its cases
    were discussed, or are being, and who saw them named is a record; the
    ValidationError says so. Nor can one whose minutes were recorded.
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
        if locked.has_started():
            raise ValidationError(_("Istunto on jo alkanut, joten sitä ei voi enää perua."))
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


# Who took part in a session that has been held is a record (named cases were shown to them).
HELD_SESSION_PEOPLE_STAY = _lazy("Istunto on jo pidetty: sen osallistujia ei enää muuteta.")


def _check_expertise_names_no_client(session: Session, expertise: str) -> None:
    """Every participant reads the people's expertise on the session page, also those who see
    the cases only pseudonymously: it names none of the agenda's clients (ValidationError on
    "expertise")."""
    clients = [item.request.client for item in session.agenda.select_related("request__client")]
    if names_another_client(clients, expertise):
        raise ValidationError(
            {
                "expertise": _(
                    "Tekstissä on esityslistan asiakkaan nimi, henkilötunnus tai syntymäaika. "
                    "Kaikki osallistujat näkevät tekstin: kirjoita se niin, ettei ketään "
                    "asiakasta voi tunnistaa."
                )
            }
        )


def invite_guest(*, session: Session, invited_by, user, expertise: str = "") -> SessionParticipant:
    """Invites one more person. A current member of the network takes part for their
    nominating organisation; anyone else for their own, where they must hold a role
    current today (ValidationError on "email" otherwise, as add_member requires).

    A first invitation goes to them alone (the others' is unchanged). Someone
    invited again after being taken off the session got a CANCEL at the
    session's SEQUENCE: so that their calendar takes the new invitation, the
    SEQUENCE grows by one (under the session's lock) and, as when someone is
    removed, everyone taking part gets the REQUEST at it. Someone in another
    session at an overlapping time is refused (ValidationError on "email"; the
    database refuses it too), and so is anyone once the session has been held. An expertise
    naming a client of the agenda is refused on "expertise".
    """
    if session.is_cancelled:
        raise ValidationError(_("Peruttuun istuntoon ei voi kutsua."))
    if session.has_ended():
        raise ValidationError(HELD_SESSION_PEOPLE_STAY)
    if not user.is_active:
        raise ValidationError({"email": _("Käyttäjätunnus ei ole voimassa.")})
    try:
        with transaction.atomic(), history_context(invited_by, "consultations.participant.invited"):
            locked = Session.objects.select_for_update().get(pk=session.pk)
            if locked.is_cancelled:
                raise ValidationError(_("Peruttuun istuntoon ei voi kutsua."))
            if locked.has_ended():
                raise ValidationError(HELD_SESSION_PEOPLE_STAY)
            earlier = list(
                locked.participants.filter(user=user).values_list("removed_at", flat=True)
            )
            if any(removed_at is None for removed_at in earlier):
                raise ValidationError({"email": _("Henkilö on jo kutsuttu istuntoon.")})
            _lock_people([user.pk])
            _check_people_free({"email": [user]}, locked.starts_at, locked.ends_at, locked.pk)
            member = (
                NetworkMember.objects.active_on(timezone.localdate(locked.starts_at))
                .filter(network=locked.network_id, user=user)
                .select_related("organisation")
                .first()
            )
            if member is None:
                _check_guests_work_there({"email": [user]})
            _check_expertise_names_no_client(locked, expertise)
            participant = SessionParticipant.objects.create(
                session=locked,
                user=user,
                organisation=member.organisation if member else user.organisation,
                kind=ParticipantKind.MEMBER if member else ParticipantKind.GUEST,
                expertise=expertise.strip() or (member.expertise if member else ""),
                invited_by=invited_by,
            )
            if earlier:
                # They were taken off it: their CANCEL carried the present SEQUENCE.
                locked.sequence += 1
                locked.save(update_fields=["sequence"])
                send_invitations_on_commit(
                    locked,
                    locked.participants.current().values_list("user_id", flat=True),
                    REQUEST,
                )
            else:
                send_invitations_on_commit(locked, [user.pk], REQUEST)
    except IntegrityError as error:
        if violated(error, PARTICIPANT_NOT_DOUBLE_BOOKED):
            raise _people_double_booked(
                {"email": [user]}, session.starts_at, session.ends_at, session.pk
            ) from None
        raise
    return participant


def remove_participant(*, participant: SessionParticipant, removed_by) -> SessionParticipant:
    """Takes one participant off the session; the chair and the coordinator stay (change
    the chair first).

    Under a lock on the session its SEQUENCE grows by one. After commit the
    removed person gets METHOD:CANCEL naming only them, with a SEQUENCE above
    the last REQUEST they got (RFC 5546 3.2.5, uninviting an attendee), and
    everyone still taking part gets the updated REQUEST with the new SEQUENCE
    and attendee list, so no calendar keeps a copy older than the session.
    Their "session tomorrow" reminder is taken back. On a cancelled session
    the removal is only recorded (in the participation's change history, as every
    removal is): everyone has its cancellation already.
    Removing someone already removed changes nothing; from a session that has been held,
    no one is removed.
    """
    with transaction.atomic(), history_context(removed_by, "consultations.participant.removed"):
        session = Session.objects.select_for_update().get(pk=participant.session_id)
        locked = SessionParticipant.objects.select_for_update().get(pk=participant.pk)
        if locked.removed_at is not None:
            return locked
        if session.has_ended():
            raise ValidationError(HELD_SESSION_PEOPLE_STAY)
        if locked.user_id in (session.chair_id, session.coordinator_id):
            raise ValidationError(
                _("Puheenjohtajaa tai koordinaattoria ei voi poistaa osallistujista.")
            )
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        _withdraw_session_reminders(session, [locked.user_id])
        if session.is_cancelled:
            return locked
        session.sequence += 1
        session.save(update_fields=["sequence"])
        send_invitations_on_commit(session, [locked.user_id], CANCEL)
        send_invitations_on_commit(
            session, session.participants.current().values_list("user_id", flat=True), REQUEST
        )
    return locked
