"""Networks and their members."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from audit.history import history_context
from consultations.actions.common import CANCEL, REQUEST, send_invitations_on_commit, violated
from consultations.actions.presenters import presenting
from consultations.actions.sessions import _withdraw_session_reminders
from consultations.models import (
    MEMBER_PERIODS_NOT_OVERLAPPING,
    NETWORK_NAME_UNIQUE,
    Network,
    NetworkMember,
    ParticipantKind,
    Session,
    SessionParticipant,
)


def create_network(
    *,
    created_by,
    name_fi: str,
    convening_organisation,
    name_sv: str = "",
    name_en: str = "",
    description: str = "",
    default_place: str = "",
) -> Network:
    """A new network convened by `convening_organisation`, which must be the organisation
    of the creator's active role: a coordinator sets up their own organisation's networks
    (another organisation's coordinators set up theirs and add them as members). Its name
    is given in Finnish and, where it has one, in Swedish and English. Raises
    ValidationError for another organisation ("convening_organisation") and for a Finnish
    name already in use, in any case ("name_fi"); the database refuses the same name when
    two coordinators set it up at once (NETWORK_NAME_UNIQUE), refused alike.
    """
    assignment = getattr(created_by, "active_assignment", None)
    if assignment is None or assignment.unit.organisation_id != convening_organisation.pk:
        raise ValidationError(
            {
                "convening_organisation": _(
                    "Voit perustaa verkoston vain organisaatiolle, jonka roolissa toimit nyt."
                )
            }
        )
    name_fi = name_fi.strip()
    name_taken = ValidationError({"name_fi": _("Samanniminen verkosto on jo olemassa.")})
    if Network.objects.filter(name_fi__iexact=name_fi).exists():
        raise name_taken
    try:
        with transaction.atomic(), history_context(created_by, "consultations.network.created"):
            return Network.objects.create(
                name_fi=name_fi,
                name_sv=name_sv.strip(),
                name_en=name_en.strip(),
                description=description,
                convening_organisation=convening_organisation,
                default_place=default_place,
                created_by=created_by,
            )
    except IntegrityError as error:
        if violated(error, NETWORK_NAME_UNIQUE):
            raise name_taken from None
        raise


def add_member(
    *,
    network: Network,
    added_by,
    user,
    organisation,
    expertise: str,
    active_from: datetime.date | None = None,
    active_until: datetime.date | None = None,
) -> NetworkMember:
    """Adds a member nominated by `organisation` for a period.

    The nominating organisation is the one the member's session participations
    copy and the one whose consent coverage decides whether they see a case
    named (case_view.viewer_organisation), so it must be an organisation the
    person works in: one where they hold a role assignment current today.
    Anything else is refused with a ValidationError on "organisation" (a Kela
    liaison cannot be added "for" employment services). The database refuses
    overlapping periods of one person in one network (an exclusion
    constraint); that refusal is returned as a ValidationError.

    The member counts as nominated by `organisation` itself
    (`nominated_by_own_organisation`, which decides whether the organisation
    takes part in the network: ConsultationRequestQuerySet.in_queue_of) when
    `added_by` acts in that organisation now: in their active role, or, with
    no active role set (a command), in any role current today. The fact is
    stored, so it stays when the adder's role later ends; a coordinator who adds
    another organisation's worker to their network nominates nobody for it.
    """
    active_from = active_from or timezone.localdate()
    if not user.is_active:
        raise ValidationError({"user": _("Käyttäjätunnus ei ole voimassa.")})
    works_there = RoleAssignment.objects.current().filter(
        user=user, unit__organisation=organisation
    )
    if not works_there.exists():
        raise ValidationError(
            {
                "organisation": _(
                    "Henkilöllä ei ole voimassa olevaa roolia organisaatiossa %(org)s. "
                    "Valitse organisaatio, jossa hän työskentelee."
                )
                % {"org": organisation}
            }
        )
    if active_until is not None and active_until < active_from:
        raise ValidationError({"active_until": _("Päättymispäivä on ennen alkamispäivää.")})
    assignment = getattr(added_by, "active_assignment", None)
    if assignment is not None:
        nominated_by_own = assignment.unit.organisation_id == organisation.pk
    else:
        nominated_by_own = (
            RoleAssignment.objects.current()
            .filter(user=added_by, unit__organisation=organisation)
            .exists()
        )
    try:
        with transaction.atomic(), history_context(added_by, "consultations.member.added"):
            return NetworkMember.objects.create(
                network=network,
                user=user,
                organisation=organisation,
                expertise=expertise.strip(),
                active_from=active_from,
                active_until=active_until,
                added_by=added_by,
                nominated_by_own_organisation=nominated_by_own,
            )
    except IntegrityError as error:
        if violated(error, MEMBER_PERIODS_NOT_OVERLAPPING):
            raise ValidationError(
                {"user": _("Henkilö on jo verkoston jäsen samalla ajanjaksolla.")}
            ) from None
        raise


def end_member(
    *, member: NetworkMember, ended_by, on: datetime.date | None = None
) -> NetworkMember | None:
    """Ends a membership on `on` (today by default), and with it the person's part in the
    network's sessions after that day within the period, but not in those another period
    of theirs covers (leave_later_sessions).

    A membership that has not begun by then is withdrawn instead: deleted (its history
    keeps the row and who withdrew it) and None returned, since a period cannot end before
    it begins and ending it on its first day would still make the person a member that day.
    A membership already ended by `on` is left as it is."""
    on = on or timezone.localdate()
    with transaction.atomic(), history_context(ended_by, "consultations.member.ended"):
        locked = NetworkMember.objects.select_for_update().get(pk=member.pk)
        if locked.active_until is not None and locked.active_until <= on:
            return locked
        until = locked.active_until
        if locked.active_from > on:
            after = locked.active_from - datetime.timedelta(days=1)
            locked.delete()
            locked = None
        else:
            after = on
            locked.active_until = on
            locked.save(update_fields=["active_until"])
        leave_later_sessions(network=member.network, user=member.user, after=after, until=until)
    return locked


def leave_later_sessions(
    *, network: Network, user, after: datetime.date, until: datetime.date | None = None
) -> list[Session]:
    """Takes a former member off the network's sessions held after the day `after` (and up
    to `until`, inclusive, when given: the part of a membership period that was ended or
    withdrawn), which they were invited to as a member: a member copied onto a session
    sees its cases, and one who has left the network no longer needs to. A session whose
    day (in Helsinki) another membership period of theirs in the network still covers
    keeps them: they are a member that day. Returns the sessions they left.

    They stay where they chair the session or coordinate it (the chair is changed first,
    as remove_participant has it) and where they bring a case of their own: there they take
    part on as its presenter (ParticipantKind.PRESENTER), and leave with their last case.
    Each session is locked in id order; its SEQUENCE grows, and after commit the one who
    left gets METHOD:CANCEL and everyone still taking part the updated REQUEST. Their
    "session tomorrow" reminders are taken back. Held and cancelled sessions stay as
    they are: who took part is a record. A held session's cases show to a former member
    pseudonymously from then on (case_view.show_case, MEMBERSHIP_ENDED)."""

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    invited_as_member = SessionParticipant.objects.current().filter(
        user=user, kind=ParticipantKind.MEMBER
    )
    later = (
        Session.objects.not_cancelled()
        .upcoming()
        .filter(network=network, starts_at__gte=midnight(after + datetime.timedelta(days=1)))
        .filter(participants__in=invited_as_member)
        .exclude(Q(chair=user) | Q(coordinator=user))
    )
    if until is not None:
        later = later.filter(starts_at__lt=midnight(until + datetime.timedelta(days=1)))
    memberships = NetworkMember.objects.filter(network=network, user=user)
    left = []
    for session in (
        Session.objects.select_for_update().filter(pk__in=later.values("pk")).order_by("pk")
    ):
        if memberships.active_on(timezone.localdate(session.starts_at)).exists():
            continue
        participant = invited_as_member.select_for_update().get(session=session)
        if user.pk in presenting(session):
            participant.kind = ParticipantKind.PRESENTER
            participant.save(update_fields=["kind"])
            continue
        participant.removed_at = timezone.now()
        participant.save(update_fields=["removed_at"])
        _withdraw_session_reminders(session, [user.pk])
        session.sequence += 1
        session.save(update_fields=["sequence"])
        send_invitations_on_commit(session, [user.pk], CANCEL)
        send_invitations_on_commit(
            session, session.participants.current().values_list("user_id", flat=True), REQUEST
        )
        left.append(session)
    return left
