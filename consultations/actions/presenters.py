"""Presenters: the worker who brings a case takes part in the session that discusses it.

Helsinki's multi-professional network "is consultable by the workers": the one who
asked brings the case and takes part for it. Placing a request on a session
(requests.place_on_session) therefore invites, as presenters
(ParticipantKind.PRESENTER), the one who asked and the client's responsible worker
when that is someone else (a team member asked on their behalf), unless they take
part already. Taking a case off the agenda (remove_from_agenda, withdraw_request)
takes off the presenters who bring no other case to that session.

A presenter takes part as everyone else does: the invitation e-mail with its .ics
(no client names), the "session tomorrow" reminder and the session's page; but of its
cases they see named only those they bring, as their clients' care team does: any other
case shows to them pseudonymously, whatever the consent covers (case_view.show_case).
They take part for an organisation (case_view.viewer_organisation), the one they work with the
client in: a member of the network on the session's day takes part for their
nominating organisation (as invite_guest has it), anyone else for the organisation
of their current role that fits their membership of the client's care team
(clients.team_scope.MEMBERSHIP_FITS), their own organisation first.

These functions run inside the caller's transaction, under its lock on the session;
the caller raises the session's SEQUENCE and sends the invitations on commit.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from accounts.models import RoleAssignment
from audit.actions import log_access
from clients.models import CareTeamMembership, TeamRole
from clients.team_scope import MEMBERSHIP_FITS
from consultations.actions.common import CANCEL, REQUEST, send_invitations_on_commit, violated
from consultations.actions.sessions import (
    _check_people_free,
    _lock_people,
    _people_double_booked,
    _withdraw_session_reminders,
)
from consultations.log_labels import PRESENTER_INVITED, PRESENTER_RELEASED
from consultations.models import (
    PARTICIPANT_NOT_DOUBLE_BOOKED,
    ConsultationRequest,
    NetworkMember,
    ParticipantKind,
    Session,
    SessionParticipant,
)

# The form field next to which placing a case names a presenter busy elsewhere.
FIELD = "session"


def presenters_of(request: ConsultationRequest) -> list[tuple]:
    """[(user, organisation)]: who brings the case, and for which organisation.

    The one who asked and the client's current responsible worker, each while on
    the client's care team today, active, and holding a current role that fits
    their membership (the role they work with the client in); someone who no
    longer works with the client is not invited. Two queries.
    """
    memberships = list(
        CareTeamMembership.objects.current()
        .filter(client_id=request.client_id, user__is_active=True)
        .filter(Q(user_id=request.asked_by_id) | Q(role=TeamRole.RESPONSIBLE_WORKER))
        .select_related("user")
        .order_by("pk")
    )
    fitting: dict[int, set[str]] = {}
    users = {}
    for membership in memberships:
        users[membership.user_id] = membership.user
        fitting.setdefault(membership.user_id, set()).update(
            MEMBERSHIP_FITS.get(membership.role, ())
        )
    if not users:
        return []
    assignments = (
        RoleAssignment.objects.current()
        .filter(user_id__in=list(users))
        .select_related("unit__organisation")
        .annotate(
            elsewhere=Case(
                When(unit__organisation_id=F("user__organisation_id"), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("elsewhere", "pk")
    )
    organisation_of = {}
    for assignment in assignments:
        if assignment.role in fitting[assignment.user_id]:
            organisation_of.setdefault(assignment.user_id, assignment.unit.organisation)
    return [(user, organisation_of[pk]) for pk, user in users.items() if pk in organisation_of]


def invite_presenters(
    *, session: Session, request: ConsultationRequest, invited_by, only=None
) -> list[int]:
    """Adds the case's presenters who do not take part yet (of them, those whose ids are in
    `only`, when given); returns their user ids.

    `session` is locked by the caller. Anyone of them who takes part in (or chairs,
    or coordinates) another session, not cancelled, at an overlapping time is
    refused with a ValidationError on "session" naming them (checked under a lock
    on their rows; the database's refusal comes back as the same error, not a
    server error). Members of the network on the session's day take part for their
    nominating organisation, with their expertise.
    """
    presenters = presenters_of(request)
    if only is not None:
        presenters = [(user, org) for user, org in presenters if user.pk in set(only)]
    taking_part = set(session.participants.current().values_list("user_id", flat=True))
    joining = [(user, org) for user, org in presenters if user.pk not in taking_part]
    if not joining:
        return []
    users = [user for user, _organisation in joining]
    _lock_people(user.pk for user in users)
    _check_people_free({FIELD: users}, session.starts_at, session.ends_at, session.pk)
    members = {
        member.user_id: member
        for member in NetworkMember.objects.active_on(timezone.localdate(session.starts_at))
        .filter(network_id=session.network_id, user__in=users)
        .select_related("organisation")
    }
    rows = [
        SessionParticipant(
            session=session,
            user=user,
            organisation=members[user.pk].organisation if user.pk in members else organisation,
            kind=ParticipantKind.PRESENTER,
            expertise=members[user.pk].expertise if user.pk in members else "",
            invited_by=invited_by,
        )
        for user, organisation in joining
    ]
    try:
        with transaction.atomic():
            SessionParticipant.objects.bulk_create(rows)
    except IntegrityError as error:
        if violated(error, PARTICIPANT_NOT_DOUBLE_BOOKED):
            raise _people_double_booked(
                {FIELD: users}, session.starts_at, session.ends_at, session.pk
            ) from None
        raise
    return [user.pk for user in users]


def release_presenters(*, session: Session) -> list[int]:
    """Takes off the session the presenters who bring no case to it any more; returns
    their user ids (the caller sends them METHOD:CANCEL, as remove_participant does).

    Call after the case has left the agenda, with the session locked. A presenter
    stays while they bring a case on the agenda (`presenting`); the chair and the
    coordinator always stay. Their "session tomorrow" reminders are taken back. Who
    takes part in a session under way or took part in a held one is a record, and a
    cancelled session has told everyone already: nothing changes on those.
    """
    if session.is_cancelled or session.has_started():
        return []
    return _release(
        session, session.participants.current().exclude(user_id__in=presenting(session))
    )


def presenting(session: Session) -> set[int]:
    """The users who bring a case on the session's agenda: each case's asker and the
    current responsible worker of its client, while they are on the current care team of a
    client whose case is on the agenda (as a presenter sees the session only then:
    SessionParticipantQuerySet.seeing). A responsible worker who handed the client over, or
    an asker taken off the team, brings nothing any more."""
    on_agenda = ConsultationRequest.objects.filter(agenda_items__session=session)
    on_team = CareTeamMembership.objects.current().filter(client__in=on_agenda.values("client_id"))
    askers = on_agenda.values("asked_by_id")
    return set(
        on_team.filter(Q(user__in=askers) | Q(role=TeamRole.RESPONSIBLE_WORKER)).values_list(
            "user_id", flat=True
        )
    )


def _release(session: Session, participants) -> list[int]:
    """Takes the presenters among `participants` (of the locked `session`) off it, never its
    chair or coordinator, and takes back their "session tomorrow" reminders; returns their
    user ids."""
    leaving = list(
        participants.select_for_update()
        .filter(kind=ParticipantKind.PRESENTER)
        .exclude(user_id__in=(session.chair_id, session.coordinator_id))
        .values_list("pk", "user_id")
    )
    if not leaving:
        return []
    SessionParticipant.objects.filter(pk__in=[pk for pk, _user in leaving]).update(
        removed_at=timezone.now()
    )
    user_ids = [user_id for _pk, user_id in leaving]
    _withdraw_session_reminders(session, user_ids)
    return user_ids


def release_presenters_off_team(*, session: Session, user_ids) -> list[int]:
    """Takes off the session those of `user_ids` who take part as presenters and are no
    longer on the current care team of any client whose case is on its agenda (they no
    longer see it: SessionParticipantQuerySet.seeing); returns their user ids, to whom the
    caller sends METHOD:CANCEL. `session` is locked by the caller; sessions under way,
    held or cancelled are left as they are (release_presenters)."""
    if session.is_cancelled or session.has_started():
        return []
    on_team = CareTeamMembership.objects.current().filter(
        client__in=ConsultationRequest.objects.filter(agenda_items__session=session).values(
            "client_id"
        ),
        user_id__in=list(user_ids),
    )
    return _release(
        session,
        session.participants.current()
        .filter(user_id__in=list(user_ids))
        .exclude(user_id__in=on_team.values("user_id")),
    )


def follow_team_change(change) -> None:
    """Brings the client's upcoming sessions in line with a change of the client's care team
    (registered with clients.actions.on_team_change; `change` is a TeamChange).

    For each session not cancelled and not yet started with a case of the client on its
    agenda, locked in id order (after the client, which the team action holds, and before
    the people, as place_on_session keeps): a new responsible worker joins as presenter
    of the client's cases (invite_presenters; one who takes part in another session at
    that time is left out of this one, for the coordinator to invite when they are free:
    a calendar clash does not stop a transfer of responsibility), and those whose
    membership ended leave it unless they are still on the team of a client whose case is
    on its agenda (release_presenters_off_team). When anyone joined or left, the
    session's SEQUENCE grows; after commit those who left get METHOD:CANCEL and everyone
    taking part the updated REQUEST. Each presenter who joins or leaves is one access-log
    row for the client, by the one who changed the team on their basis before the change.
    A session under way or held keeps who takes or took part in it, and no one is sent an
    invitation to it.
    """
    joined = {m.user_id for m in change.joined if m.role == TeamRole.RESPONSIBLE_WORKER}
    ended = {m.user_id for m in change.ended}
    if not joined and not ended:
        return
    client = change.client
    discussing = Session.objects.not_cancelled().upcoming().discussing(client).values("pk")
    for session in Session.objects.select_for_update().filter(pk__in=discussing).order_by("pk"):
        if session.is_cancelled or session.has_started():
            continue
        requests = list(
            ConsultationRequest.objects.filter(agenda_items__session=session, client=client)
        )
        invited = []
        for request in requests:
            invited += _invite_when_free(session, request, change.by, joined)
        released = release_presenters_off_team(session=session, user_ids=ended)
        if not invited and not released:
            continue
        session.sequence += 1
        session.save(update_fields=["sequence"])
        send_invitations_on_commit(session, released, CANCEL)
        send_invitations_on_commit(
            session, session.participants.current().values_list("user_id", flat=True), REQUEST
        )
        references = " ".join(request.reference for request in requests)
        joining = session.participants.current().filter(user_id__in=invited)
        # Each one's latest participation: the one just ended.
        leaving = (
            session.participants.filter(user_id__in=released)
            .order_by("user_id", "-removed_at")
            .distinct("user_id")
        )
        for action, participants in ((PRESENTER_INVITED, joining), (PRESENTER_RELEASED, leaving)):
            for participant in participants:
                log_access(
                    actor=change.by,
                    client_id=client.uuid,
                    action=action,
                    basis=change.basis,
                    obj=participant,
                    detail=references,
                )


def _invite_when_free(session, request, invited_by, user_ids) -> list[int]:
    """invite_presenters of `user_ids` only; none (and nothing written) when one of them
    takes part in another session at that time."""
    if not user_ids:
        return []
    try:
        with transaction.atomic():
            return invite_presenters(
                session=session, request=request, invited_by=invited_by, only=user_ids
            )
    except ValidationError:
        return []
