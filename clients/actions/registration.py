"""Registering a client, their identity code and the client relationship's end and reopening."""

import datetime
from collections.abc import Callable, Mapping

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from audit.actions import log_access
from audit.history import history_context
from audit.models import Basis
from clients import identity
from clients.access import log_client_access, relation_to
from clients.actions.team import end_memberships_not_begun
from clients.models import (
    IDENTITY_CODE_ONCE_PER_ORGANISATION,
    CareTeamMembership,
    Client,
    ContactMethod,
    RelationshipHome,
    TeamRole,
)
from clients.names import search_prefixes, sort_name

# What higher apps must see settled before a client relationship closes (pathways: no step
# still planned or running). Registered in the apps' ready(), so that clients imports none
# of them (DESIGN.md: dependencies point one way).
_closing_checks: dict[str, Callable[[Client], None]] = {}


def on_closing(name: str, check: Callable[[Client], None]) -> None:
    """Registers (or replaces, on a repeated ready()) `name`'s check of a client about to be
    closed: it raises ValidationError saying what must be done first. Runs inside
    `close_client`'s transaction, with the client's row locked."""
    _closing_checks[name] = check


# The last day each higher app recorded the client taking part in a service (pathways: a
# step's end, a day of attendance): the relationship is not closed before it.
_last_service_days: dict[str, Callable[[Client], datetime.date | None]] = {}


def on_closing_day(name: str, last_service_day: Callable[[Client], datetime.date | None]) -> None:
    """Registers (or replaces) `name`'s reading of the last day it recorded the client taking
    part in a service (None: none), which a closing day may not precede."""
    _last_service_days[name] = last_service_day


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


# The details each preferred way of contact needs on file, and the error without them.
CONTACT_NEEDS = {
    ContactMethod.PHONE_CALL: (
        ("phone",),
        gettext_lazy("Kirjaa puhelinnumero tai valitse toinen yhteydenottotapa."),
    ),
    ContactMethod.TEXT_MESSAGE: (
        ("phone",),
        gettext_lazy("Kirjaa puhelinnumero tai valitse toinen yhteydenottotapa."),
    ),
    ContactMethod.EMAIL: (
        ("email",),
        gettext_lazy("Kirjaa sähköpostiosoite tai valitse toinen yhteydenottotapa."),
    ),
    ContactMethod.LETTER: (
        ("street_address", "postal_code", "city"),
        gettext_lazy(
            "Kirjaa osoite (katuosoite, postinumero ja postitoimipaikka) tai valitse "
            "toinen yhteydenottotapa."
        ),
    ),
}
CONTACT_FIELDS = frozenset(
    {"preferred_contact"} | {name for names, _error in CONTACT_NEEDS.values() for name in names}
)


def check_preferred_contact(details: Mapping[str, str | None]) -> None:
    """The client's preferred way of contact (`details["preferred_contact"]`; empty: not
    known) has what it needs on file in `details`: a phone number for a call or a text
    message, an e-mail address for e-mail, the whole address for a letter (a non-disclosed
    one too: the responsible worker sends it). ValidationError on `preferred_contact`."""
    names, error = CONTACT_NEEDS.get(details.get("preferred_contact") or "", ((), None))
    if not all((details.get(name) or "").strip() for name in names):
        raise ValidationError({"preferred_contact": error})


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
    check_preferred_contact({name: getattr(client, name) for name in CONTACT_FIELDS})
    set_search_names(client)
    try:
        with transaction.atomic(), history_context(registered_by, "clients.client.registered"):
            client.save()
            CareTeamMembership.objects.create(
                client=client,
                user=registered_by,
                role=TeamRole.RESPONSIBLE_WORKER,
                organisation_id=unit.organisation_id,
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


def set_search_names(client: Client) -> None:
    client.search_name = sort_name(client.first_names, client.last_name)
    client.search_prefixes = search_prefixes(client.first_names, client.last_name)


PROTECTED_ADDRESS_FIELDS = frozenset(
    {"street_address", "postal_code", "city", "address_non_disclosure"}
)


CLIENT_CHANGED_MEANWHILE = gettext_lazy(
    "Tietoja muutettiin sillä välin. Tarkista tiedot ja tallenna uudelleen."
)


def update_client(*, client: Client, changed_by, fields: dict, shown: dict | None = None) -> Client:
    """Changes basic data (not the identity code); logged with the names of the changed fields.

    `shown` holds the values the user was shown of the fields they changed: under the
    client's row lock, a field whose stored value is no longer the one shown (a colleague
    changed it meanwhile) is refused, with ValidationError next to each such field, and
    nothing is written.

    A non-disclosed address (and its flag) is changed only by whoever may see it. The
    relationship home changes only to one the responsible worker may hold the client in
    (check_responsible_worker_fits_home, under the client's lock, which transfers take).
    Raises ValidationError, PermissionDenied.
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
        overtaken = {
            name: CLIENT_CHANGED_MEANWHILE
            for name, value in (shown or {}).items()
            if name in changed and getattr(locked, name) != value
        }
        if overtaken:
            raise ValidationError(overtaken)
        for name in changed:
            setattr(locked, name, fields[name])
        if CONTACT_FIELDS.intersection(changed):
            check_preferred_contact({name: getattr(locked, name) for name in CONTACT_FIELDS})
        if "relationship_home" in changed:
            check_responsible_worker_fits_home(locked)
        set_search_names(locked)
        locked.save()
        log_client_access(
            changed_by, client, "clients.client.changed", client, detail=", ".join(changed)
        )
    return locked


def check_responsible_worker_fits_home(client: Client) -> None:
    """ValidationError on `relationship_home` when `client` (its new relationship home set,
    its row locked) has as responsible worker an employment expert who holds no role in the
    client's organisation that responsibility for a client of that home goes to
    (querysets.responsible_worker_roles): a client leaving employment services is first
    transferred to a social worker or social counsellor, so no role is left responsible that
    a transfer would not give the client to."""
    from accounts.models import RoleAssignment
    from clients.querysets import responsible_worker_roles

    responsible = CareTeamMembership.objects.filter(
        client=client, role=TeamRole.RESPONSIBLE_WORKER, ended_on__isnull=True
    ).values("user")
    held = set(
        RoleAssignment.objects.current()
        .filter(user__in=responsible, unit__organisation=client.organisation_id)
        .values_list("role", flat=True)
    )
    if Role.EMPLOYMENT_EXPERT in held and not held.intersection(responsible_worker_roles(client)):
        raise ValidationError(
            {
                "relationship_home": _(
                    "Asiakkaan vastuutyöntekijä on työllisyyspalvelujen asiantuntija: siirrä "
                    "vastuu ensin sosiaalityöntekijälle tai sosiaaliohjaajalle, ennen kuin "
                    "siirrät asiakkuuden pois työllisyyspalveluista."
                )
            }
        )


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
    (or last reopened) and today, and not before the last day an app recorded the client
    taking part in a service (on_closing_day). Reads the client as given: the closing form tells it beside
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
    days = [day for read in _last_service_days.values() if (day := read(client)) is not None]
    if days and closed_on < max(days):
        raise ValidationError(
            {
                "closed_on": _(
                    "Päättymispäivä ei voi olla ennen asiakkaan viimeistä kirjattua palvelupäivää "
                    "(%(date)s)."
                )
                % {"date": date_format(max(days), "SHORT_DATE_FORMAT")}
            }
        )


def close_client(*, client: Client, closed_by, closed_on: datetime.date, reason: str) -> Client:
    """Ends the client relationship: out of active lists, data kept. The care team stays as it
    was, so the responsible worker can answer for the data and reopen the relationship; only
    the memberships that have not begun end, under the same lock (a member starting later or
    waiting to be admitted is cancelled, a work-pair offer awaiting acceptance ends with its
    task: clients.actions.team.end_memberships_not_begun), since a closed client's team
    takes nobody new.

    `closed_on` lies between the day the client was registered (or last reopened) and today.
    A client already
    closed is refused under the client's row lock, so a second close (a double submit)
    leaves the first closing day and reason as they were. What the other apps registered
    with `on_closing` must be settled first (pathways: a step planned is cancelled, one
    running ended), checked under the same lock. The client's open tasks of the kinds
    registered as settled on closing (a consultation recommendation to act on) are checked
    off as done by `closed_by` (notifications.actions.settle_closed_client_tasks); reopening
    leaves them done. Raises ValidationError."""
    from notifications.actions import settle_closed_client_tasks

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
        basis = relation_to(closed_by, locked).basis
        locked.closed_on = closed_on
        locked.closure_reason = reason.strip()
        locked.save(update_fields=["closed_on", "closure_reason"])
        end_memberships_not_begun(client=locked, by=closed_by, basis=basis)
        # What only an open relationship needs (a recommendation to act on) is settled.
        settle_closed_client_tasks(client_id=locked.uuid, by=closed_by)
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
