"""The care team: memberships, their roles side by side and their end, transfer of
responsibility and a leaving worker's caseload handed over."""

import datetime

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.roles import Role
from audit.actions import log_access
from audit.history import history_context
from audit.models import Basis
from clients import team_scope
from clients.access import log_client_access, relation_to
from clients.actions.exceptional_access import settle_access_requests
from clients.actions.team_changes import TeamChange, team_changed
from clients.models import CareTeamMembership, Client, TeamRole
from clients.querysets import responsible_worker_candidates, responsible_worker_roles
from notifications.texts import Text


def check_roles_beside(*, client: Client, user, role: str) -> None:
    """Whether `user` may hold `role` in the client's team beside the memberships they hold
    there (open ones: current, starting later or awaiting acceptance). ValidationError on
    `role` where the two make no sense together:

    - "other member" is for someone with no other role in the team: not beside any other
      role, nor any other role beside it (end it first). The database keeps it for the
      responsible worker and the sote contact person (constraints
      responsible_worker_not_also_other, sote_contact_not_also_other);
    - the responsible worker is not their own client's work pair, nor their own client's
      sote contact person (the named contact beside the responsible worker is someone else;
      kept on, the membership would outlast a transfer of responsibility unnoticed).

    The same role again is the caller's refusal ("already in this role"). Reads only."""
    held = set(
        CareTeamMembership.objects.filter(client=client, user=user)
        .on_team()
        .exclude(role=role)
        .values_list("role", flat=True)
    )
    if not held:
        return
    if role == TeamRole.OTHER:
        message = _(
            "Henkilö on jo tiimissä roolissa %(roles)s. Muuksi tiimin jäseneksi lisätään vain "
            "henkilö, jolla ei ole tiimissä muuta roolia."
        ) % {"roles": ", ".join(str(TeamRole(held_role).label) for held_role in sorted(held))}
    elif TeamRole.OTHER in held:
        message = _(
            "Henkilö on jo tiimissä roolissa Muu tiimin jäsen. Päätä se jäsenyys ensin, jos "
            "hänestä tulee %(role)s."
        ) % {"role": str(TeamRole(role).label).lower()}
    elif role == TeamRole.WORK_PAIR and TeamRole.RESPONSIBLE_WORKER in held:
        message = _("Asiakkaan vastuutyöntekijä ei voi olla oman asiakkaansa työpari.")
    elif role == TeamRole.SOTE_CONTACT and TeamRole.RESPONSIBLE_WORKER in held:
        message = _("Asiakkaan vastuutyöntekijä ei voi olla oman asiakkaansa sote-yhteyshenkilö.")
    else:
        return
    raise ValidationError({"role": message})


def check_open_for_new_members(client: Client) -> None:
    """ValidationError when the client relationship is closed (`closed_on` set): nobody new
    joins the team of a closed client, as a member sees the whole record; it is reopened
    first. Memberships still end, and responsibility is still transferred (a leaving
    worker's caseload handed over). Check it on the client's row locked."""
    if client.closed_on is not None:
        raise ValidationError(
            _("Asiakkuus on päätetty: avaa asiakkuus uudelleen ennen kuin lisäät tiimiin jäseniä.")
        )


def add_team_member(
    *,
    client: Client,
    user,
    role: str,
    added_by,
    note: str = "",
    accepted: bool = True,
    started_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
):
    """Adds a membership from `started_on` (today, or a later day) until it is ended or,
    when given, up to and including `valid_until`. A proposed work pair (`accepted=False`)
    gives no access until accepted.

    Who may join is `clients.team_scope`'s rule: a person who does not fit is refused
    first, before the dates, and `team_scope.admit` decides the joining (a disclosure
    from another organisation) in the adding transaction. A member of another organisation
    starting on a later day is disclosed nothing before then: adding checks that the
    client's consent covers their organisation now (`team_scope.covering_organisation`,
    the same refusal), and the joining is decided on the start day, by the daily task
    (consents.team_coverage.admit_starting_memberships), which ends the membership if
    nothing covers it then; it gives no access before. A role that makes no sense beside
    the person's other roles in the team is refused on `role` (check_roles_beside), under
    the client's lock. A manager reaching the client as manager does not add a role of their
    own (team_scope.check_not_adding_themselves, refused on `assignment`, the person chosen).
    Nobody joins the team of a closed client (check_open_for_new_members, on the locked row).
    Raises ValidationError otherwise.
    """
    today = timezone.localdate()
    started_on = started_on or today
    if role == TeamRole.RESPONSIBLE_WORKER:
        raise ValidationError(_("Vastuutyöntekijä vaihdetaan vastuun siirrolla."))
    if not user.is_active:
        raise ValidationError(_("Käyttäjätunnus ei ole voimassa."))
    team_scope.check_not_adding_themselves(
        client=client, actor=added_by, user=user, field="assignment"
    )
    team_scope.check_member(client=client, user=user, role=role)
    if started_on < today:
        raise ValidationError(
            {"started_on": _("Jäsenyys voi alkaa aikaisintaan tänään: pääsy ei ala takautuvasti.")}
        )
    if valid_until is not None and valid_until < started_on:
        raise ValidationError(
            {"valid_until": _("Voimassaolo ei voi päättyä ennen jäsenyyden alkamista.")}
        )
    if (
        role == TeamRole.WORK_PAIR
        and accepted
        and not CareTeamMembership.objects.current()
        .filter(client=client, user=added_by, role=TeamRole.RESPONSIBLE_WORKER)
        .exists()
    ):
        # PERMISSIONS.md: a work pair joins only when the responsible worker accepts.
        raise ValidationError(
            {
                "role": _(
                    "Työparin lisää asiakkaan vastuutyöntekijä, tai hän hyväksyy työparin "
                    "tarjouksen. Vastuu säilyy vastuutyöntekijällä."
                )
            }
        )
    with transaction.atomic(), history_context(added_by, "clients.membership.added"):
        check_open_for_new_members(Client.objects.select_for_update().get(pk=client.pk))
        end_lapsed_memberships(CareTeamMembership.objects.filter(client=client, user=user))
        if CareTeamMembership.objects.filter(
            client=client, user=user, role=role, ended_on__isnull=True
        ).exists():
            raise ValidationError(_("Henkilö on jo tiimissä tässä roolissa."))
        check_roles_beside(client=client, user=user, role=role)
        if started_on > today:
            # Nothing is disclosed before access begins: the consent is checked now and
            # the joining decided on the start day (admitted_at stays empty until then).
            organisation_id = team_scope.covering_organisation(client=client, user=user, role=role)
        else:
            organisation_id = team_scope.admit(actor=added_by, client=client, user=user, role=role)
        later_from_outside = (
            started_on > today and organisation_id != client.responsible_unit.organisation_id
        )
        membership = CareTeamMembership.objects.create(
            client=client,
            user=user,
            role=role,
            organisation_id=organisation_id,
            created_by=added_by,
            note=note,
            started_on=started_on,
            valid_until=valid_until,
            accepted_at=timezone.now() if accepted else None,
            admitted_at=None if later_from_outside else timezone.now(),
        )
        log_client_access(added_by, client, "clients.membership.added", membership, detail=role)
        # Added, the person's request for access to the client is decided for every decider.
        settle_access_requests(client=client, user=user, by=added_by)
    return membership


def set_membership_valid_until(
    *, membership: CareTeamMembership, valid_until: datetime.date | None, changed_by
) -> CareTeamMembership:
    """Extends or shortens a membership's "valid until" day, or makes it open-ended (None).

    The responsible worker's membership has no end date; a day already past is
    refused (to end a membership today, end it).
    """
    if membership.role == TeamRole.RESPONSIBLE_WORKER:
        raise ValidationError(
            _("Vastuutyöntekijän jäsenyys päättyy vain siirtämällä vastuu toiselle.")
        )
    with transaction.atomic(), history_context(changed_by, "clients.membership.changed"):
        # The team's lock (the client) first, as every team action takes it.
        Client.objects.select_for_update().get(pk=membership.client_id)
        locked = CareTeamMembership.objects.select_for_update().get(pk=membership.pk)
        today = timezone.localdate()
        if locked.ended_on is not None or (locked.valid_until and locked.valid_until < today):
            raise ValidationError(_("Jäsenyys on jo päättynyt. Lisää henkilö tiimiin uudelleen."))
        if valid_until is not None and valid_until < max(today, locked.started_on):
            raise ValidationError(
                {
                    "valid_until": _(
                        "Voimassaolo voi päättyä aikaisintaan tänään ja jäsenyyden alkamispäivänä."
                    )
                }
            )
        locked.valid_until = valid_until
        locked.save(update_fields=["valid_until"])
        log_client_access(
            changed_by,
            membership.client,
            "clients.membership.changed",
            locked,
            detail=f"valid_until={valid_until.isoformat() if valid_until else ''}",
        )
        _withdraw_membership_ending_reminders(locked)
    return locked


def _withdraw_membership_ending_reminders(membership: CareTeamMembership) -> None:
    """The membership's last day changed or it ended: the "membership ends" reminders written
    for the old day and not yet past are taken back; the next sweep reminds of a new last
    day when it comes near."""
    from clients.reminders import MEMBERSHIP_ENDING
    from notifications.actions import withdraw_reminders

    withdraw_reminders(rule=MEMBERSHIP_ENDING, concerning=membership)


# The history label of a membership's end recorded by the daily task: no one ended it, its
# last day passed.
MEMBERSHIP_LAPSED = "clients.membership.lapsed"


def end_lapsed_memberships(memberships=None, *, day: datetime.date | None = None) -> int:
    """Ends the open memberships whose `valid_until` has passed, on that day (run daily by
    Celery beat, and before a member is added again); returns how many ended.

    Access already stops after `valid_until` (CareTeamMembership.objects.current());
    this records the end, so the team and its history say when the membership ended.
    Each client's lapsed memberships end in one statement in a transaction of their own,
    under the client's lock, in the system's history context (no one ended them: no
    user, MEMBERSHIP_LAPSED; inside a team action, that action's). The other apps' hooks
    follow the end there (team_changes.team_changed: consultations releases a presenter
    who left the team), and a member no longer on the team has their reminders about the
    client marked read (team_changes.settle_reminders_of_those_who_left). Each end is an access-log row of the system's, with no actor, on
    the statutory basis, as the system's other rows are (clients_past_retention)."""
    memberships = CareTeamMembership.objects.all() if memberships is None else memberships
    client_ids = list(
        memberships.lapsed(day).order_by("client_id").values_list("client_id", flat=True).distinct()
    )
    count = 0
    for client_id in client_ids:
        with transaction.atomic(), history_context(None, MEMBERSHIP_LAPSED):
            client = Client.objects.select_for_update().get(pk=client_id)
            lapsed = list(
                memberships.lapsed(day)
                .filter(client=client)
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            if not lapsed:
                continue
            CareTeamMembership.objects.filter(pk__in=[m.pk for m in lapsed]).update(
                ended_on=F("valid_until")
            )
            for membership in lapsed:
                membership.ended_on = membership.valid_until
            for membership in lapsed:
                log_access(
                    actor=None,
                    client_id=client.uuid,
                    action=MEMBERSHIP_LAPSED,
                    basis=Basis.STATUTE,
                    obj=membership,
                )
            team_changed(
                TeamChange(
                    client=client,
                    by=None,
                    basis=Basis.STATUTE,
                    action=MEMBERSHIP_LAPSED,
                    ended=tuple(lapsed),
                )
            )
            count += len(lapsed)
    return count


def set_membership_end(membership: CareTeamMembership, day: datetime.date) -> list[str]:
    """Records the end of an open membership on `day` (today, or the earlier day access
    ended); the caller saves the returned fields under its lock and logs. A membership that
    would start only after `day` never started: it is cancelled, ended on `day` before its
    start, so no end lies in the future."""
    membership.ended_on = day
    membership.cancelled = day < membership.started_on
    return ["ended_on", "cancelled"]


def _end_action(membership: CareTeamMembership) -> str:
    """The access-log action of a membership's end: cancelled before its start, or ended."""
    return "clients.membership.cancelled" if membership.cancelled else "clients.membership.ended"


def _end_and_log(membership, day, *, client: Client, by, basis: str, detail: str) -> None:
    """Ends an open membership on `day` (set_membership_end), saves it under the caller's
    lock and writes its access-log row for `by` on `basis`."""
    membership.save(update_fields=set_membership_end(membership, day))
    log_access(
        actor=by,
        client_id=client.uuid,
        action=_end_action(membership),
        basis=basis,
        obj=membership,
        detail=detail,
    )


def end_membership(
    *, membership: CareTeamMembership, ended_by, ended_on: datetime.date | None = None
):
    """Ends a membership today (or on `ended_on`), or on its "valid until" day when that
    has passed; one that has not started is cancelled (set_membership_end). Logged as
    clients.membership.ended, or clients.membership.cancelled. The responsible worker's
    cannot end: responsibility is transferred instead. Ending an ended one changes nothing.
    The other apps' hooks follow the end in the same transaction and history context
    (team_changes.team_changed: consultations releases a presenter who left the team), and
    a member no longer on the team has their unread reminders about the client marked read
    (team_changes.settle_reminders_of_those_who_left)."""
    if membership.role == TeamRole.RESPONSIBLE_WORKER:
        raise ValidationError(
            _("Vastuutyöntekijän jäsenyys päättyy vain siirtämällä vastuu toiselle.")
        )
    with transaction.atomic():
        # The team's lock first: the hooks lock the client's sessions after it.
        Client.objects.select_for_update().get(pk=membership.client_id)
        locked = CareTeamMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.ended_on is not None:
            return locked
        day = ended_on or timezone.localdate()
        if locked.valid_until is not None:
            # Access already stopped after "valid until": the end is recorded on that day.
            day = min(day, locked.valid_until)
        # Read before: a manager ending their own membership has only the unit left after it.
        basis = relation_to(ended_by, membership.client).basis
        fields = set_membership_end(locked, day)
        action = _end_action(locked)
        with history_context(ended_by, action):
            locked.save(update_fields=fields)
            # Inside the context: what the other apps change with it carries its label.
            team_changed(
                TeamChange(
                    client=membership.client,
                    by=ended_by,
                    basis=basis,
                    action=action,
                    ended=(locked,),
                )
            )
        log_client_access(ended_by, membership.client, action, locked, basis=basis)
        _withdraw_membership_ending_reminders(locked)
    return locked


def end_memberships_not_begun(*, client: Client, by, basis: str) -> list[CareTeamMembership]:
    """Ends the memberships of `client` that give no access yet but would later, as its
    relationship closes (close_client, which holds the client's lock and the history
    context): one starting on a later day and one of another organisation still waiting to
    be admitted are cancelled before their start (set_membership_end), and a work-pair offer
    awaiting acceptance ends today, as declined. Nobody new joins a closed client's team
    (check_open_for_new_members), and neither do they by their start day coming. Those on
    the team now stay on it. Each end is logged for `by` on `basis`; the other apps' hooks
    follow (team_changes.team_changed: consultations ends a pending offer and checks off its
    task). Returns the memberships ended."""
    today = timezone.localdate()
    ended = list(
        CareTeamMembership.objects.select_for_update()
        .filter(client=client)
        .on_team(today)
        .exclude(role=TeamRole.RESPONSIBLE_WORKER)
        .filter(Q(started_on__gt=today) | Q(accepted_at__isnull=True) | Q(admitted_at__isnull=True))
        .order_by("pk")
    )
    if not ended:
        return ended
    for membership in ended:
        day = today
        if membership.accepted_at is not None and membership.admitted_at is None:
            # Never admitted, it never gave access: cancelled before its start, as the
            # daily task's refusal on the start day is (consents.team_coverage).
            day = min(today, membership.started_on - datetime.timedelta(days=1))
        _end_and_log(membership, day, client=client, by=by, basis=basis, detail="client closed")
        _withdraw_membership_ending_reminders(membership)
    team_changed(
        TeamChange(
            client=client, by=by, basis=basis, action="clients.client.closed", ended=tuple(ended)
        )
    )
    return ended


# What a transfer form sent without the responsibility it showed (an older form) passes:
# only the actor's standing is read again then.
NOT_SHOWN = object()


def transfer_responsibility(
    *,
    client: Client,
    to_user,
    to_unit,
    transferred_by,
    handover_note: str,
    shown_responsible=NOT_SHOWN,
):
    """Moves responsibility to `to_user` in `to_unit`; the responsible unit moves with it.

    The previous responsible worker's membership ends today. Exactly one
    current responsible worker is kept by a partial unique constraint. A manager reaching the
    client as manager does not transfer it to themselves
    (team_scope.check_not_adding_themselves, refused on `assignment`, the person chosen).

    Under the client's lock the transfer reads again what the form was chosen on: that
    `transferred_by` may still transfer the client (a responsible worker whose caseload a
    manager handed over meanwhile no longer may), that `to_user` may take it, and, when
    `shown_responsible` is given (the id of the responsible worker's membership the form
    showed, None for none), that responsibility has not moved since: a stale form does not
    override a transfer or handover made meanwhile. Raises ValidationError.
    """
    if not handover_note.strip():
        raise ValidationError(
            {"handover_note": _("Kirjoita luovutusmuistio seuraavalle vastuutyöntekijälle.")}
        )
    _check_handover_note_length(handover_note)
    team_scope.check_not_adding_themselves(
        client=client, actor=transferred_by, user=to_user, field="assignment"
    )
    return _transfer(
        client,
        to_user,
        to_unit,
        transferred_by,
        handover_note.strip(),
        None,
        shown_responsible=shown_responsible,
    )


def _check_still_transferable(locked: Client, to_user, to_unit, by, shown_responsible, current):
    """The checks of transfer_responsibility that read the team, made under the client's
    lock on its row as locked (`locked`, whose relations are not yet cached)."""
    if not rules.has_perm("clients.transfer_responsibility", by, locked):
        raise ValidationError(
            _("Et voi enää siirtää asiakkaan vastuuta: vastuu on siirtynyt sillä välin.")
        )
    if shown_responsible is not NOT_SHOWN and shown_responsible != (
        current.pk if current else None
    ):
        raise ValidationError(
            _(
                "Vastuu on siirtynyt sillä välin. Tarkista asiakkaan tilanne ennen kuin "
                "siirrät vastuun."
            )
        )
    if not responsible_worker_candidates(locked).filter(user=to_user, unit=to_unit).exists():
        raise _not_a_responsible_worker_for(locked)


def _not_a_responsible_worker_for(client: Client) -> ValidationError:
    """The refusal of someone the client's responsibility may not go to, naming the roles it
    may go to (responsible_worker_roles): an employment expert too for a client whose
    relationship is in employment services."""
    if Role.EMPLOYMENT_EXPERT in responsible_worker_roles(client):
        return ValidationError(
            _(
                "Vastuutyöntekijäksi voi siirtää vain asiakkaan organisaation "
                "sosiaalityöntekijän, sosiaaliohjaajan tai työllisyyspalvelujen asiantuntijan."
            )
        )
    return ValidationError(
        _(
            "Vastuutyöntekijäksi voi siirtää vain asiakkaan organisaation sosiaalityöntekijän "
            "tai sosiaaliohjaajan."
        )
    )


HANDOVER_NOTE_MAX_LENGTH = 300


def _check_handover_note_length(note: str) -> None:
    if len(note.strip()) > HANDOVER_NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "handover_note": _(
                    "Luovutusmuistio on enintään %(max)s merkkiä. Kirjaa pidemmät tiedot "
                    "asiakaskirjaukseen."
                )
                % {"max": HANDOVER_NOTE_MAX_LENGTH}
            }
        )


# The new responsible worker's task to take up a client transferred to them.
RESPONSIBILITY_RECEIVED_TASK = "clients.responsibility_received"


def _transfer(client, to_user, to_unit, by, note, basis, *, shown_responsible=NOT_SHOWN):
    """Moves responsibility; the new worker's "other member" or work-pair membership of the
    client ends (check_roles_beside), each end logged. The open tasks that are the
    responsible worker's duties (a recommendation to act on, a party to tell of a revoked
    consent) move with it to the new worker, in the same transaction
    (notifications.actions.hand_over_tasks); the former worker's unread reminders about the
    client are marked read (settle_client_reminders: the rows stay), the next sweep reminds
    the new worker; the managers' reminders to hand over the former worker's responsibility
    (clients.responsible_worker_unreachable) are marked read for all of them. The new
    worker gets a task to take the client up, naming the client, with the handover note as
    its description and a link to the client (once per new responsibility: its key is the
    new membership); none when they transferred the client to themselves. The former
    worker's own such task, still open, is checked off (notifications.actions.settle_tasks). The other apps'
    hooks follow the change in the transfer's transaction and history context, with the
    basis the transferring worker had before it (team_changes.team_changed: consultations
    brings the new worker to the client's upcoming sessions as presenter and releases the
    one who left the team).

    With `basis` None (a transfer from the form, transfer_responsibility), the actor's
    standing, the new worker's eligibility and the responsibility the form showed are read
    under the lock (_check_still_transferable), and the basis is the actor's relation then;
    a caseload handover gives its own (the manager's, its clients chosen under its lock)."""
    from clients.reminders import BREAK_THE_GLASS_REVIEW, RESPONSIBLE_WORKER_UNREACHABLE
    from notifications.actions import (
        create_task,
        hand_over_tasks,
        settle_client_reminders,
        settle_reminders,
        settle_tasks,
    )

    today = timezone.localdate()
    with transaction.atomic():
        with history_context(by, "clients.responsibility.transferred"):
            locked = Client.objects.select_for_update().get(pk=client.pk)
            current = (
                CareTeamMembership.objects.select_for_update()
                .filter(client=locked, role=TeamRole.RESPONSIBLE_WORKER, ended_on__isnull=True)
                .first()
            )
            if current and current.user_id == to_user.pk:
                # A double submit: said so, whoever sends it.
                raise ValidationError(_("Henkilö on jo asiakkaan vastuutyöntekijä."))
            if basis is None:
                _check_still_transferable(locked, to_user, to_unit, by, shown_responsible, current)
                basis = relation_to(by, locked).basis
            if current:
                current.ended_on = today
                current.save(update_fields=["ended_on"])
            superseded = end_roles_superseded(
                client=locked,
                user=to_user,
                role=TeamRole.RESPONSIBLE_WORKER,
                by=by,
                day=today,
                basis=basis,
            )
            membership = CareTeamMembership.objects.create(
                client=locked,
                user=to_user,
                role=TeamRole.RESPONSIBLE_WORKER,
                organisation_id=to_unit.organisation_id,
                created_by=by,
                note=note,
            )
            locked.responsible_unit = to_unit
            locked.save(update_fields=["responsible_unit"])
            # Who it went to, not the handover note: the note is free text about the client,
            # kept on the membership; the append-only log outlives the client's records.
            log_access(
                actor=by,
                client_id=locked.uuid,
                action="clients.responsibility.transferred",
                basis=basis,
                obj=membership,
                detail=f"to user={to_user.pk} unit={to_unit.pk}",
            )
            team_changed(
                TeamChange(
                    client=locked,
                    by=by,
                    basis=basis,
                    action="clients.responsibility.transferred",
                    joined=(membership,),
                    ended=(*([current] if current else []), *superseded),
                )
            )
            if current:
                # The former worker's own task to take the client up, if not done: it asks
                # them for what is no longer theirs and links to a client they no longer
                # reach. Checked off in the transfer's history context.
                settle_tasks(keys=[f"{RESPONSIBILITY_RECEIVED_TASK}:{current.pk}"], by=by)
        # Outside the transfer's history context: the tasks' history has its own action.
        # The client's duties go with responsibility; with no responsible worker before, those
        # given meanwhile to whoever recorded them (a sote contact person) come to the first.
        hand_over_tasks(
            client_id=locked.uuid,
            from_user_id=current.user_id if current else None,
            to_user=to_user,
            by=by,
        )
        if current:
            # A review of a break-the-glass event is asked of them as a manager of the unit,
            # not as the responsible worker: it stays theirs.
            settle_client_reminders(
                client_id=locked.uuid,
                recipient_id=current.user_id,
                except_rules=[BREAK_THE_GLASS_REVIEW],
            )
            # The managers asked to hand the client of a worker who can no longer act over:
            # done, for every one of them, not only at the next sweep.
            settle_reminders(rule=RESPONSIBLE_WORKER_UNREACHABLE, concerning=current)
        if to_user.pk != by.pk:
            create_task(
                assignee=to_user,
                kind=RESPONSIBILITY_RECEIVED_TASK,
                title=Text(
                    gettext_noop("Asiakkaan vastuu siirtyi sinulle: {client}"),
                    client=locked.display_name,
                ),
                description=note,
                client_id=locked.uuid,
                link=reverse("clients:detail", kwargs={"client_id": locked.uuid}),
                created_by=by,
                key=f"{RESPONSIBILITY_RECEIVED_TASK}:{membership.pk}",
            )
    return membership


# The roles a person's open memberships end in when they take up another role in the team
# (check_roles_beside): "other member" is for someone with no other role, and the
# responsible worker is not their own client's work pair nor sote contact person.
SUPERSEDED_BY = {
    TeamRole.RESPONSIBLE_WORKER: [TeamRole.OTHER, TeamRole.WORK_PAIR, TeamRole.SOTE_CONTACT],
    TeamRole.WORK_PAIR: [TeamRole.OTHER],
    TeamRole.COACH: [TeamRole.OTHER],
}


def end_roles_superseded(
    *, client, user, role: str, by, day=None, basis=None
) -> list[CareTeamMembership]:
    """Ends (on `day`, today by default) the open memberships `user` may not hold beside
    `role`, which they are taking up in the client's team (SUPERSEDED_BY), each end logged
    for `by` (on `basis`, their relation to the client by default) as the panel's ending
    is. The caller holds the client's lock and writes the history context."""
    day = day or timezone.localdate()
    basis = basis or relation_to(by, client).basis
    ended = list(
        CareTeamMembership.objects.select_for_update()
        .filter(client=client, user=user, role__in=SUPERSEDED_BY.get(role, []))
        .open()
        .order_by("pk")
    )
    for membership in ended:
        end_on = min(day, membership.valid_until) if membership.valid_until else day
        _end_and_log(
            membership, end_on, client=client, by=by, basis=basis, detail=f"superseded by {role}"
        )
    return ended


def hand_over_caseload(*, from_user, assignments: dict, handed_over_by, handover_note: str) -> int:
    """Transfers every client of the manager's unit whose responsible worker is `from_user`:
    `assignments` maps client id to (new worker, their unit). All or nothing, in one
    transaction; each transfer is logged. Clients of the leaving worker's other units are
    left to those units' managers. The manager hands none to themselves
    (team_scope.check_not_adding_themselves, refused on that client's choice)."""
    if not handover_note.strip():
        raise ValidationError({"handover_note": _("Kirjoita luovutusmuistio.")})
    _check_handover_note_length(handover_note)
    count = 0
    with transaction.atomic():
        clients = Client.objects.select_for_update().filter(
            memberships__user=from_user,
            memberships__role=TeamRole.RESPONSIBLE_WORKER,
            memberships__ended_on__isnull=True,
            responsible_unit=handed_over_by.active_assignment.unit_id,
        )
        for client in clients:
            if client.pk not in assignments:
                raise ValidationError(
                    _("Jokaiselle asiakkaalle on valittava uusi vastuutyöntekijä.")
                )
            to_user, to_unit = assignments[client.pk]
            team_scope.check_not_adding_themselves(
                client=client, actor=handed_over_by, user=to_user, field=f"client_{client.pk}"
            )
            if (
                not responsible_worker_candidates(client)
                .filter(user=to_user, unit=to_unit)
                .exists()
            ):
                raise _not_a_responsible_worker_for(client)
            _transfer(
                client, to_user, to_unit, handed_over_by, handover_note.strip(), Basis.MANAGER
            )
            count += 1
    return count
