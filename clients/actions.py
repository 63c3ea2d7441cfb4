"""Writes on clients and care teams. Each action validates, runs in one
transaction (locking the client where two workers could race), writes its
access-log row and leaves pghistory's change history to the triggers."""

import datetime
from collections.abc import Callable

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.roles import Role
from audit.actions import log_access
from audit.history import history_context
from audit.models import Basis
from clients import identity, team_scope
from clients.access import log_client_access, relation_to
from clients.models import (
    ASSESSMENT_COMPLETED_NOT_IN_FUTURE_TRIGGER,
    IDENTITY_CODE_ONCE_PER_ORGANISATION,
    NOTE_EDIT_WINDOW_TRIGGER,
    BreakTheGlass,
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    GoalStatus,
    PlanGoal,
    PlanStatus,
    RelationshipHome,
    ServiceNeedAssessment,
    TeamRole,
)
from clients.names import search_prefixes, sort_name
from clients.querysets import responsible_worker_candidates
from notifications.texts import Text
from services.calendar import add_months

# What higher apps must see settled before a client relationship closes (pathways: no step
# still planned or running). Registered in the apps' ready(), so that clients imports none
# of them (DESIGN.md: dependencies point one way).
_closing_checks: dict[str, Callable[[Client], None]] = {}


def on_closing(name: str, check: Callable[[Client], None]) -> None:
    """Registers (or replaces, on a repeated ready()) `name`'s check of a client about to be
    closed: it raises ValidationError saying what must be done first. Runs inside
    `close_client`'s transaction, with the client's row locked."""
    _closing_checks[name] = check


class DuplicateIdentityCode(Exception):
    """The organisation's register has the identity code already; carries no detail of it."""


def check_relationship_home(*, role: str | None, relationship_home: str) -> None:
    """PERMISSIONS.md: an employment expert opens (or keeps) only client relationships in
    employment services. Raises ValidationError on `relationship_home` otherwise."""
    if role == Role.EMPLOYMENT_EXPERT and relationship_home != RelationshipHome.EMPLOYMENT_SERVICES:
        raise ValidationError(
            {
                "relationship_home": _(
                    "Työllisyyspalvelujen asiantuntija voi avata vain työllisyyspalvelujen asiakkuuden."
                )
            }
        )


def register_client(
    *, registered_by, identity_code: str, allow_temporary: bool = False, **fields
) -> Client:
    """Registers a client with `registered_by` as responsible worker and their unit as responsible unit.

    The client enters the register of the unit's organisation, which holds an identity
    code once: a person who is a client of another organisation is registered here as a
    client of this one, and the registrar learns nothing of the other. Raises
    ValidationError for an invalid identity code, and for a relationship home the
    registrar's active role may not open (check_relationship_home); DuplicateIdentityCode
    when this organisation's register has the code already (the caller offers an access
    request, never the other record's details), the duplicate check then logged on that
    client. Logged as a create.
    """
    check_relationship_home(
        role=registered_by.active_role,
        relationship_home=fields.get("relationship_home", RelationshipHome.SOCIAL_SERVICES),
    )
    code = identity.parse_identity_code(identity_code, allow_temporary=allow_temporary)
    unit = registered_by.active_assignment.unit
    client = Client(
        identity_code_encrypted=identity.encrypt(code.value),
        identity_code_hash=identity.search_hash(code.value),
        identity_code_masked=code.masked,
        identity_code_is_temporary=code.is_temporary,
        birth_date=code.birth_date,
        organisation_id=unit.organisation_id,
        responsible_unit=unit,
        created_by=registered_by,
        **fields,
    )
    _set_search_names(client)
    try:
        with transaction.atomic(), history_context(registered_by, "clients.client.registered"):
            client.save()
            CareTeamMembership.objects.create(
                client=client,
                user=registered_by,
                role=TeamRole.RESPONSIBLE_WORKER,
                created_by=registered_by,
            )
            log_access(
                actor=registered_by,
                client_id=client.uuid,
                action="clients.client.registered",
                basis=Basis.REGISTRATION,
                obj=client,
            )
    except IntegrityError as error:
        if IDENTITY_CODE_ONCE_PER_ORGANISATION not in str(error):
            raise
        existing = Client.objects.get(
            organisation_id=unit.organisation_id, identity_code_hash=client.identity_code_hash
        )
        # The registrar learnt that the organisation's register holds this client.
        log_access(
            actor=registered_by,
            client_id=existing.uuid,
            action="clients.client.duplicate_found",
            basis=Basis.REGISTRATION,
            obj=existing,
        )
        raise DuplicateIdentityCode from None
    return client


def _set_search_names(client: Client) -> None:
    client.search_name = sort_name(client.first_names, client.last_name)
    client.search_prefixes = search_prefixes(client.first_names, client.last_name)


PROTECTED_ADDRESS_FIELDS = frozenset(
    {"street_address", "postal_code", "city", "address_non_disclosure"}
)


def update_client(*, client: Client, changed_by, fields: dict) -> Client:
    """Changes basic data (not the identity code); logged with the names of the changed fields.

    A non-disclosed address (and its flag) is changed only by whoever may see it.
    """
    changed = sorted(name for name, value in fields.items() if getattr(client, name) != value)
    if "relationship_home" in changed:
        check_relationship_home(
            role=getattr(changed_by, "active_role", None),
            relationship_home=fields["relationship_home"],
        )
    if (
        client.address_non_disclosure
        and PROTECTED_ADDRESS_FIELDS.intersection(changed)
        and not rules.has_perm("clients.view_protected_address", changed_by, client)
    ):
        raise PermissionDenied
    if not changed:
        return client
    with transaction.atomic(), history_context(changed_by, "clients.client.changed"):
        locked = Client.objects.select_for_update().get(pk=client.pk)
        for name in changed:
            setattr(locked, name, fields[name])
        _set_search_names(locked)
        locked.save()
        log_client_access(
            changed_by, client, "clients.client.changed", client, detail=", ".join(changed)
        )
    return locked


def parse_permanent_identity_code(raw: str) -> identity.IdentityCode:
    """A permanent identity code, validated as at registration (format, date, checksum, ASCII
    only); ValidationError on `identity_code` otherwise, a temporary code (900-999) included
    unless test codes are allowed, where it stands for an ordinary code (DESIGN.md)."""
    try:
        code = identity.parse_identity_code(raw)
    except ValidationError as error:
        if error.code == "temporary":
            raise ValidationError(
                {
                    "identity_code": _(
                        "Tämä on väliaikainen henkilötunnus (yksilönumero 900–999). Kirjaa "
                        "asiakkaalle annettu pysyvä henkilötunnus."
                    )
                }
            ) from None
        raise ValidationError({"identity_code": error.messages}) from None
    return code


def replace_identity_code(*, client: Client, replaced_by, identity_code: str) -> Client:
    """Replaces the client's temporary identity code with the permanent one the person has
    been given: validated as at registration (parse_permanent_identity_code), stored
    encrypted with its keyed hash and mask as at registration, no longer temporary; the
    birth date follows the permanent code (a temporary code's may have been estimated).

    Under the client's row lock, a code that is no longer temporary (replaced meanwhile) is
    refused. The organisation's register holds a code once: a code another client of the
    organisation has is refused on `identity_code` naming nothing of that client, and the
    duplicate check is logged on that client, as at registration. The old code stays in the
    client's change history as the code is kept there (masked). Logged as
    clients.identity_code.replaced with the changed fields. Raises ValidationError.
    """
    code = parse_permanent_identity_code(identity_code)
    new_hash = identity.search_hash(code.value)
    try:
        with transaction.atomic(), history_context(replaced_by, "clients.identity_code.replaced"):
            locked = Client.objects.select_for_update().get(pk=client.pk)
            if not locked.identity_code_is_temporary:
                raise ValidationError(_("Asiakkaan henkilötunnus on jo pysyvä."))
            if locked.identity_code_hash == new_hash:
                raise ValidationError(
                    {
                        "identity_code": _(
                            "Tämä on asiakkaan nykyinen väliaikainen henkilötunnus. Kirjaa "
                            "asiakkaalle annettu pysyvä henkilötunnus."
                        )
                    }
                )
            changed = ["identity_code"]
            if locked.birth_date != code.birth_date:
                changed.append("birth_date")
            locked.identity_code_encrypted = identity.encrypt(code.value)
            locked.identity_code_hash = new_hash
            locked.identity_code_masked = code.masked
            locked.identity_code_is_temporary = False
            locked.birth_date = code.birth_date
            locked.save(
                update_fields=[
                    "identity_code_encrypted",
                    "identity_code_hash",
                    "identity_code_masked",
                    "identity_code_is_temporary",
                    "birth_date",
                ]
            )
            log_client_access(
                replaced_by,
                client,
                "clients.identity_code.replaced",
                locked,
                detail=", ".join(changed),
            )
    except IntegrityError as error:
        if IDENTITY_CODE_ONCE_PER_ORGANISATION not in str(error):
            raise
        existing = Client.objects.get(
            organisation_id=client.organisation_id, identity_code_hash=new_hash
        )
        # The worker learnt that the organisation's register holds this code.
        log_access(
            actor=replaced_by,
            client_id=existing.uuid,
            action="clients.client.duplicate_found",
            basis=Basis.REGISTRATION,
            obj=existing,
        )
        raise ValidationError(
            {
                "identity_code": _(
                    "Henkilötunnuksella on jo toinen asiakkuus organisaatiosi "
                    "asiakasrekisterissä. Selvitä esihenkilösi kanssa, onko kyse samasta "
                    "henkilöstä."
                )
            }
        ) from None
    return locked


def reveal_identity_code(*, client: Client, revealed_by) -> str:
    """Returns the full identity code and logs the reveal."""
    log_client_access(revealed_by, client, "clients.identity_code.revealed", client)
    return identity.decrypt(client.identity_code_encrypted)


def check_closing_day(client: Client, closed_on: datetime.date) -> None:
    """ValidationError on `closed_on` unless it lies between the day the client was registered
    (or last reopened) and today. Reads the client as given: the closing form tells it beside
    the other fields, and close_client checks it again under the client's lock."""
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("Päättymispäivä ei voi olla tulevaisuudessa.")})
    registered_on = timezone.localdate(client.created_at)
    if closed_on < registered_on:
        raise ValidationError(
            {
                "closed_on": _(
                    "Päättymispäivä ei voi olla ennen kuin asiakas rekisteröitiin (%(date)s)."
                )
                % {"date": date_format(registered_on, "SHORT_DATE_FORMAT")}
            }
        )
    if client.reopened_on is not None and closed_on < client.reopened_on:
        raise ValidationError(
            {
                "closed_on": _(
                    "Päättymispäivä ei voi olla ennen kuin asiakkuus avattiin uudelleen (%(date)s)."
                )
                % {"date": date_format(client.reopened_on, "SHORT_DATE_FORMAT")}
            }
        )


def close_client(*, client: Client, closed_by, closed_on: datetime.date, reason: str) -> Client:
    """Ends the client relationship: out of active lists, data kept. The care team stays as it
    was, so the responsible worker can answer for the data and reopen the relationship.

    `closed_on` lies between the day the client was registered (or last reopened) and today.
    A client already
    closed is refused under the client's row lock, so a second close (a double submit)
    leaves the first closing day and reason as they were. What the other apps registered
    with `on_closing` must be settled first (pathways: a step planned is cancelled, one
    running ended), checked under the same lock. Raises ValidationError."""
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("Kirjaa asiakkuuden päättymisen syy.")]
    try:
        check_closing_day(client, closed_on)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), history_context(closed_by, "clients.client.closed"):
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if locked.closed_on is not None:
            raise ValidationError(_("Asiakkuus on jo päättynyt."))
        # Again under the lock: a reopening committed meanwhile moved the earliest day.
        check_closing_day(locked, closed_on)
        unsettled = []
        for check in _closing_checks.values():
            try:
                check(locked)
            except ValidationError as error:
                unsettled.extend(error.messages)
        if unsettled:
            raise ValidationError(unsettled)
        locked.closed_on = closed_on
        locked.closure_reason = reason.strip()
        locked.save(update_fields=["closed_on", "closure_reason"])
        log_client_access(closed_by, client, "clients.client.closed", client)
    return locked


def reopen_client(*, client: Client, reopened_by) -> Client:
    """Opens a closed client relationship again (a client who returns): back in active lists,
    with the same care team. The closure stays in the change history."""
    with transaction.atomic(), history_context(reopened_by, "clients.client.reopened"):
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if locked.closed_on is None:
            raise ValidationError(_("Asiakkuus on jo voimassa."))
        locked.closed_on = None
        locked.closure_reason = ""
        locked.reopened_on = timezone.localdate()
        locked.save(update_fields=["closed_on", "closure_reason", "reopened_on"])
        log_client_access(reopened_by, client, "clients.client.reopened", client)
    return locked


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
    from another organisation) in the adding transaction. A role that makes no sense beside
    the person's other roles in the team is refused on `role` (check_roles_beside), under
    the client's lock. Raises ValidationError otherwise.
    """
    today = timezone.localdate()
    started_on = started_on or today
    if role == TeamRole.RESPONSIBLE_WORKER:
        raise ValidationError(_("Vastuutyöntekijä vaihdetaan vastuun siirrolla."))
    if not user.is_active:
        raise ValidationError(_("Käyttäjätunnus ei ole voimassa."))
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
        Client.objects.select_for_update().get(pk=client.pk)
        end_lapsed_memberships(CareTeamMembership.objects.filter(client=client, user=user))
        if CareTeamMembership.objects.filter(
            client=client, user=user, role=role, ended_on__isnull=True
        ).exists():
            raise ValidationError(_("Henkilö on jo tiimissä tässä roolissa."))
        check_roles_beside(client=client, user=user, role=role)
        team_scope.admit(actor=added_by, client=client, user=user, role=role)
        membership = CareTeamMembership.objects.create(
            client=client,
            user=user,
            role=role,
            created_by=added_by,
            note=note,
            started_on=started_on,
            valid_until=valid_until,
            accepted_at=timezone.now() if accepted else None,
        )
        log_client_access(added_by, client, "clients.membership.added", membership, detail=role)
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


def end_lapsed_memberships(memberships=None, *, day: datetime.date | None = None) -> int:
    """Ends the open memberships whose `valid_until` has passed, on that day, in one
    statement (run daily by Celery beat, and before a member is added again).

    Access already stops after `valid_until` (CareTeamMembership.objects.current());
    this records the end, so the team and its history say when the membership ended.
    """
    memberships = CareTeamMembership.objects.all() if memberships is None else memberships
    return memberships.lapsed(day).update(ended_on=F("valid_until"))


def set_membership_end(membership: CareTeamMembership, day: datetime.date) -> list[str]:
    """Records the end of an open membership on `day` (today, or the earlier day access
    ended); the caller saves the returned fields under its lock and logs. A membership that
    would start only after `day` never started: it is cancelled, ended on `day` before its
    start, so no end lies in the future."""
    membership.ended_on = day
    membership.cancelled = day < membership.started_on
    return ["ended_on", "cancelled"]


def end_membership(
    *, membership: CareTeamMembership, ended_by, ended_on: datetime.date | None = None
):
    """Ends a membership today (or on `ended_on`), or on its "valid until" day when that
    has passed; one that has not started is cancelled (set_membership_end). Logged as
    clients.membership.ended, or clients.membership.cancelled. The responsible worker's
    cannot end: responsibility is transferred instead. Ending an ended one changes nothing."""
    if membership.role == TeamRole.RESPONSIBLE_WORKER:
        raise ValidationError(
            _("Vastuutyöntekijän jäsenyys päättyy vain siirtämällä vastuu toiselle.")
        )
    with transaction.atomic():
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
        action = "clients.membership.cancelled" if locked.cancelled else "clients.membership.ended"
        with history_context(ended_by, action):
            locked.save(update_fields=fields)
        log_client_access(ended_by, membership.client, action, locked, basis=basis)
        _withdraw_membership_ending_reminders(locked)
    return locked


def transfer_responsibility(
    *, client: Client, to_user, to_unit, transferred_by, handover_note: str
):
    """Moves responsibility to `to_user` in `to_unit`; the responsible unit moves with it.

    The previous responsible worker's membership ends today. Exactly one
    current responsible worker is kept by a partial unique constraint.
    """
    if not handover_note.strip():
        raise ValidationError(
            {"handover_note": _("Kirjoita luovutusmuistio seuraavalle vastuutyöntekijälle.")}
        )
    _check_handover_note_length(handover_note)
    if (
        not responsible_worker_candidates(client).filter(user=to_user, unit=to_unit).exists()
        and not CareTeamMembership.objects.current()
        .filter(client=client, user=to_user, role=TeamRole.RESPONSIBLE_WORKER)
        .exists()
    ):
        raise ValidationError(
            _(
                "Vastuutyöntekijäksi voi siirtää vain asiakkaan organisaation sosiaalityöntekijän tai sosiaaliohjaajan."
            )
        )
    basis = relation_to(transferred_by, client).basis
    return _transfer(client, to_user, to_unit, transferred_by, handover_note.strip(), basis)


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


def _transfer(client, to_user, to_unit, by, note, basis):
    """Moves responsibility; the new worker's "other member" or work-pair membership of the
    client ends (check_roles_beside), each end logged. The open tasks that are the
    responsible worker's duties (a recommendation to act on, a party to tell of a revoked
    consent) move with it to the new worker, in the same transaction
    (notifications.actions.hand_over_tasks). The new
    worker gets a task to take the client up, naming the client, with the handover note as
    its description and a link to the client (once per new responsibility: its key is the
    new membership); none when they transferred the client to themselves."""
    from notifications.actions import create_task, hand_over_tasks

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
                raise ValidationError(_("Henkilö on jo asiakkaan vastuutyöntekijä."))
            if current:
                current.ended_on = today
                current.save(update_fields=["ended_on"])
            end_roles_superseded(
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
                created_by=by,
                note=note,
            )
            locked.responsible_unit = to_unit
            locked.save(update_fields=["responsible_unit"])
            log_access(
                actor=by,
                client_id=locked.uuid,
                action="clients.responsibility.transferred",
                basis=basis,
                obj=membership,
                detail=note,
            )
        # Outside the transfer's history context: the tasks' history has its own action.
        if current:
            hand_over_tasks(
                client_id=locked.uuid, from_user_id=current.user_id, to_user=to_user, by=by
            )
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
        membership.save(update_fields=set_membership_end(membership, end_on))
        log_access(
            actor=by,
            client_id=client.uuid,
            action="clients.membership.cancelled"
            if membership.cancelled
            else "clients.membership.ended",
            basis=basis,
            obj=membership,
            detail=f"superseded by {role}",
        )
    return ended


def hand_over_caseload(*, from_user, assignments: dict, handed_over_by, handover_note: str) -> int:
    """Transfers every client of the manager's unit whose responsible worker is `from_user`:
    `assignments` maps client id to (new worker, their unit). All or nothing, in one
    transaction; each transfer is logged. Clients of the leaving worker's other units are
    left to those units' managers."""
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
            if (
                not responsible_worker_candidates(client)
                .filter(user=to_user, unit=to_unit)
                .exists()
            ):
                raise ValidationError(
                    _(
                        "Vastuutyöntekijäksi voi siirtää vain asiakkaan organisaation sosiaalityöntekijän tai sosiaaliohjaajan."
                    )
                )
            _transfer(
                client, to_user, to_unit, handed_over_by, handover_note.strip(), Basis.MANAGER
            )
            count += 1
    return count


def break_the_glass(*, client: Client, user, reason: str) -> BreakTheGlass:
    """Grants the user time-limited read access to a client outside their team, with a reason.

    Allowed only where the rule `clients.break_the_glass` holds (checked by the
    caller through access.may_break_the_glass). Logged and listed for review.
    """
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Kerro peruste tarkemmin (vähintään 10 merkkiä).")})
    started = timezone.now()
    with transaction.atomic():
        event = BreakTheGlass.objects.create(
            client=client,
            user=user,
            role=user.active_role,
            unit=user.active_assignment.unit,
            reason=reason,
            started_at=started,
            expires_at=started + datetime.timedelta(minutes=settings.POLKU_BREAK_THE_GLASS_MINUTES),
        )
        log_access(
            actor=user,
            client_id=client.uuid,
            action="clients.client.break_the_glass",
            basis=Basis.BREAK_THE_GLASS,
            obj=event,
            detail=reason[:300],
        )
    client.__dict__.pop("_relations", None)
    return event


def review_break_the_glass(*, event: BreakTheGlass, reviewed_by, note: str = "") -> BreakTheGlass:
    """Marks a break-the-glass event reviewed by a manager or the DPO (logged on the client).

    Raises ValidationError when the reviewer broke the glass themselves (a user who holds
    both a worker's and the manager's role). A second review changes and logs nothing. The
    review reminders of every manager about the event are marked read in the same transaction.
    """
    if event.user_id == reviewed_by.pk:
        raise ValidationError(
            _(
                "Et voi tarkastaa omaa murtautumistasi. Sen tarkastaa toinen esihenkilö tai tietosuojavastaava."
            )
        )
    with transaction.atomic(), history_context(reviewed_by, "clients.break_the_glass.reviewed"):
        locked = BreakTheGlass.objects.select_for_update().select_related("client").get(pk=event.pk)
        if locked.reviewed_at is None:
            locked.reviewed_at = timezone.now()
            locked.reviewed_by = reviewed_by
            locked.review_note = note.strip()
            locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
            log_access(
                actor=reviewed_by,
                client_id=locked.client.uuid,
                action="clients.break_the_glass.reviewed",
                basis=Basis.DATA_PROTECTION
                if getattr(reviewed_by, "active_role", None) == "dpo"
                else Basis.MANAGER,
                obj=locked,
            )
            _settle_break_the_glass_reminders(locked)
    return locked


def _settle_break_the_glass_reminders(event: BreakTheGlass) -> None:
    """Reviewed once is reviewed: the other managers' reminders to review it, due or
    past, are marked read (notifications' settle_reminders), not left waiting in their inbox."""
    from clients.reminders import BREAK_THE_GLASS_REVIEW
    from notifications.actions import settle_reminders

    settle_reminders(rule=BREAK_THE_GLASS_REVIEW, concerning=event)


def _review_default(plan_type: str) -> datetime.date:
    """The default next review: POLKU_PLAN_REVIEW_MONTHS[plan type] months from today (3 by default)."""
    return add_months(timezone.localdate(), settings.POLKU_PLAN_REVIEW_MONTHS.get(plan_type, 3))


# A plan's goals are few and short, each in the client's own words.
GOALS_MAX = 20
GOAL_MAX_LENGTH = 500


def clean_goals(goals: list[str]) -> list[str]:
    """The goals stripped, empty ones left out; ValidationError on `goals` for none, for
    more than GOALS_MAX or for one longer than GOAL_MAX_LENGTH characters."""
    goals = [goal.strip() for goal in goals if goal.strip()]
    if not goals:
        raise ValidationError({"goals": _("Kirjaa vähintään yksi tavoite.")})
    if len(goals) > GOALS_MAX:
        raise ValidationError(
            {
                "goals": _("Kirjaa enintään %(max)s tavoitetta. Yhdistä tai tiivistä tavoitteita.")
                % {"max": GOALS_MAX}
            }
        )
    for number, goal in enumerate(goals, start=1):
        if len(goal) > GOAL_MAX_LENGTH:
            raise ValidationError(
                {
                    "goals": _(
                        "Tavoite %(number)s on liian pitkä: enintään %(max)s merkkiä. "
                        "Yksi tavoite riville."
                    )
                    % {"number": number, "max": GOAL_MAX_LENGTH}
                }
            )
    return goals


def create_plan(
    *, client: Client, written_by, plan_type: str, goals: list[str], **fields
) -> ClientPlan:
    """Creates version 1 of a plan (or the next version when one exists) with its goals."""
    goals = clean_goals(goals)
    with transaction.atomic(), history_context(written_by, "clients.plan.created"):
        Client.objects.select_for_update().get(pk=client.pk)
        previous = ClientPlan.objects.filter(client=client, plan_type=plan_type).current().first()
        plan = _new_plan_version(client, written_by, plan_type, previous, goals, fields)
    return plan


def revise_plan(*, plan: ClientPlan, revised_by, goals: list[str], **fields) -> ClientPlan:
    """A revision is a new version that supersedes `plan`; the old version stays readable."""
    goals = clean_goals(goals)
    with transaction.atomic(), history_context(revised_by, "clients.plan.revised"):
        Client.objects.select_for_update().get(pk=plan.client_id)
        current = (
            ClientPlan.objects.filter(client=plan.client_id, plan_type=plan.plan_type)
            .current()
            .first()
        )
        if current is None or current.pk != plan.pk:
            raise ValidationError(
                _("Suunnitelmasta on jo uudempi versio. Avaa uusin versio ja muokkaa sitä.")
            )
        return _new_plan_version(plan.client, revised_by, plan.plan_type, plan, goals, fields)


def _new_plan_version(client, by, plan_type, previous, goals, fields) -> ClientPlan:
    fields = dict(fields)
    fields.pop("plan_type", None)
    if not fields.get("next_review_on"):
        fields["next_review_on"] = _review_default(plan_type)
    in_force = (
        ClientPlan.objects.filter(client=client, plan_type=plan_type).in_force().first()
        if previous
        else None
    )
    plan = ClientPlan.objects.create(
        client=client,
        plan_type=plan_type,
        version=(previous.version + 1) if previous else 1,
        supersedes=previous,
        created_by=by,
        **fields,
    )
    previous_status = {g.text: g.status for g in previous.goals.all()} if previous else {}
    PlanGoal.objects.bulk_create(
        PlanGoal(
            plan=plan, position=index, text=text, status=previous_status.get(text, GoalStatus.OPEN)
        )
        for index, text in enumerate(goals)
    )
    log_client_access(
        by, client, "clients.plan.created" if not previous else "clients.plan.revised", plan
    )
    if in_force is not None:
        _withdraw_moved_review_reminders(plan, in_force)
    return plan


def _withdraw_moved_review_reminders(plan: ClientPlan, before: ClientPlan) -> None:
    """A decided version (not a draft) takes the place of `before`, the version in force: when
    it moves the review date or closes the plan, the "review coming" reminders not yet due,
    written for `before`'s date, are taken back (they concern the plan's first version); the
    next sweep reminds of the new date. The reminders of `before`'s date that are past it
    ("review overdue", and "review coming" whose day has passed) are settled, marked read for
    their recipient: the review they ask for is done, or the plan closed, and the rows stay
    as the record of what the inbox said. A draft leaves `before` in force and its reminders."""
    from clients.reminders import PLAN_REVIEW_DUE, PLAN_REVIEW_OVERDUE
    from notifications.actions import settle_reminders, withdraw_reminders

    if plan.status == PlanStatus.DRAFT:
        return
    if plan.status != PlanStatus.CLOSED and plan.next_review_on == before.next_review_on:
        return
    first = (
        ClientPlan.objects.filter(client=plan.client_id, plan_type=plan.plan_type)
        .order_by("version")
        .first()
    )
    withdraw_reminders(rule=PLAN_REVIEW_DUE, concerning=first)
    settle_reminders(rule=PLAN_REVIEW_DUE, concerning=first)
    settle_reminders(rule=PLAN_REVIEW_OVERDUE, concerning=first)


def set_goal_status(*, goal: PlanGoal, status: str, changed_by) -> PlanGoal:
    """Sets a goal's status on the current version of its plan (an old version is a record)."""
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Valitse tavoitteen tila.")})
    with transaction.atomic(), history_context(changed_by, "clients.goal.changed"):
        # The client first, as a revision does: a goal does not change while its plan is revised.
        Client.objects.select_for_update().get(pk=goal.plan.client_id)
        locked = PlanGoal.objects.select_for_update().select_related("plan__client").get(pk=goal.pk)
        if ClientPlan.objects.filter(supersedes=locked.plan_id).exists():
            raise ValidationError(
                _(
                    "Suunnitelmasta on jo uudempi versio. Muuta tavoitteen tilaa uusimmassa versiossa."
                )
            )
        if locked.status == status:
            return locked
        locked.status = status
        locked.save(update_fields=["status"])
        client = locked.plan.client
        log_client_access(changed_by, client, "clients.goal.changed", locked, detail=status)
    return locked


ASSESSMENT_COMPLETED_IN_FUTURE = gettext_lazy(
    "Valmistumispäivä ei voi olla tulevaisuudessa. Kirjaa arvio valmistuneeksi sinä päivänä, "
    "kun se valmistuu."
)


def save_assessment(
    *, client: Client, written_by, assessment: ServiceNeedAssessment | None = None, **fields
):
    """Creates or updates a service-need assessment. A completed one has a conclusion and is
    completed no earlier than it started and no later than today (the database refuses a
    completion day still to come too: trigger assessment_completed_not_in_future).
    Raises ValidationError naming the field; nothing is saved then."""
    started = fields.get("started_on") or getattr(assessment, "started_on", None)
    completed = fields.get("completed_on", getattr(assessment, "completed_on", None))
    conclusion = fields.get("conclusion", getattr(assessment, "conclusion", ""))
    errors = {}
    if completed and completed > timezone.localdate():
        errors["completed_on"] = ASSESSMENT_COMPLETED_IN_FUTURE
    elif started and completed and completed < started:
        errors["completed_on"] = _("Valmistumispäivä ei voi olla ennen aloituspäivää.")
    if completed and not (conclusion or "").strip():
        errors["conclusion"] = _("Valmistuneeseen arvioon kirjataan johtopäätös.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic(), history_context(written_by, "clients.assessment.saved"):
            if assessment is None:
                assessment = ServiceNeedAssessment(client=client, author=written_by)
            for name, value in fields.items():
                setattr(assessment, name, value)
            assessment.save()
            log_client_access(written_by, client, "clients.assessment.saved", assessment)
    except IntegrityError as error:
        # The database's clock, behind the application's at midnight, still saw yesterday.
        if ASSESSMENT_COMPLETED_NOT_IN_FUTURE_TRIGGER not in str(error):
            raise
        raise ValidationError({"completed_on": ASSESSMENT_COMPLETED_IN_FUTURE}) from None
    return assessment


def add_note(*, client: Client, author, amends: CaseNote | None = None, **fields) -> CaseNote:
    """Writes a case note; `amends` links an amendment to an older note of the same client.

    An amendment of a health-related note is health-related too: it adds to what only the
    health-note readers may read (PERMISSIONS.md), whatever the form said. The amended note
    is locked and its flag read under the lock, so an edit marking it health-related at the
    same time (edit_note) is either seen here or sees this amendment.
    """
    if amends is not None and amends.client_id != client.pk:
        raise ValidationError(_("Täydennettävä kirjaus on toisen asiakkaan."))
    with transaction.atomic(), history_context(author, "clients.note.added"):
        if amends is not None:
            amends = CaseNote.objects.select_for_update().get(pk=amends.pk)
            if amends.health_related:
                fields["health_related"] = True
        note = CaseNote.objects.create(client=client, author=author, amends=amends, **fields)
        log_client_access(author, client, "clients.note.added", note)
    return note


def edit_note(*, note: CaseNote, edited_by, **fields) -> CaseNote:
    """Its author edits a note within 24 hours of writing it; later it is only amended by a new note.

    The health-related flag stays consistent along the chain of amendments: an amendment of
    a health-related note stays health-related, and marking a note health-related marks its
    amendments (and theirs) too, each change logged on the amendment. Clearing the flag
    leaves the amendments as they are: they may hold health information of their own.
    """
    if note.author_id != edited_by.pk:
        raise ValidationError(_("Vain kirjauksen tekijä voi muokata sitä."))
    if not note.edit_window_open:
        raise ValidationError(
            _("Kirjausta voi muokata 24 tunnin ajan. Tee nyt täydentävä kirjaus.")
        )
    try:
        return _edit_note(note, edited_by, fields)
    except IntegrityError as error:
        # The window closed between the check above and the database's own (trigger
        # case_note_edit_window, on the transaction's start time).
        if NOTE_EDIT_WINDOW_TRIGGER not in str(error):
            raise
        raise ValidationError(
            _("Kirjausta voi muokata 24 tunnin ajan. Tee nyt täydentävä kirjaus.")
        ) from None


def _edit_note(note: CaseNote, edited_by, fields: dict) -> CaseNote:
    with transaction.atomic(), history_context(edited_by, "clients.note.edited"):
        locked = CaseNote.objects.select_for_update().get(pk=note.pk)
        was_health_related = locked.health_related
        for name, value in fields.items():
            setattr(locked, name, value)
        # Read after the lock, not joined to it: a flag the amended note got meanwhile counts.
        if (
            locked.amends_id is not None
            and CaseNote.objects.filter(pk=locked.amends_id, health_related=True).exists()
        ):
            locked.health_related = True
        locked.save()
        log_client_access(edited_by, note.client, "clients.note.edited", locked)
        if locked.health_related and not was_health_related:
            for amendment in _amendments_not_health_related(locked):
                amendment.health_related = True
                amendment.save(update_fields=["health_related"])
                log_client_access(
                    edited_by,
                    note.client,
                    "clients.note.edited",
                    amendment,
                    detail=f"health_related (amends {amendment.amends_id})",
                )
    return locked


def _amendments_not_health_related(note: CaseNote) -> list[CaseNote]:
    """The amendments of `note`, of those amendments and so on, that are not yet marked
    health-related; locked. One query per level of amendment."""
    found: list[CaseNote] = []
    level = [note.pk]
    while level:
        amendments = list(
            CaseNote.objects.select_for_update().filter(amends__in=level).order_by("pk")
        )
        found += [a for a in amendments if not a.health_related]
        level = [a.pk for a in amendments]
    return found


def clean_access_request_reason(reason: str) -> str:
    """The reason of an access request, stripped; ValidationError on `reason` when too short.

    The request form checks it before looking the client up, so that the answer is the
    same whether or not the identity code has a client."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Kerro lyhyesti, miksi tarvitset pääsyn (vähintään 10 merkkiä).")}
        )
    return reason


def request_access(*, client: Client, requested_by, reason: str):
    """Asks the client's responsible worker to add `requested_by` to the team.

    The requester learns nothing of the client; the responsible worker gets a
    task (once per requester and client) and decides. Logged on the client.
    """
    from notifications.actions import create_task

    reason = clean_access_request_reason(reason)
    responsible = (
        CareTeamMembership.objects.current()
        .filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .select_related("user")
        .first()
    )
    if responsible is None:
        return None
    with transaction.atomic():
        task = create_task(
            assignee=responsible.user,
            kind="clients.access_request",
            title=Text(
                gettext_noop("Pääsypyyntö asiakkaan tietoihin: {name}"),
                name=requested_by.get_full_name(),
            ),
            description=reason,
            client_id=client.uuid,
            link=f"/clients/{client.uuid}/team/add/",
            created_by=requested_by,
            key=f"access-request:{client.pk}:{requested_by.pk}",
        )
        log_access(
            actor=requested_by,
            client_id=client.uuid,
            action="clients.access.requested",
            basis=Basis.REGISTRATION,
            obj=task,
            detail=reason[:300],
        )
    return task
