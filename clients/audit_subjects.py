"""What the audit app needs to know of clients, registered from `ClientsConfig.ready()`.

audit imports no domain app; it finds a client by identity code and names the
clients of its log reports through these functions, and shows the labels of
the action codes the clients app writes.
"""

from collections.abc import Iterable
from uuid import UUID

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from audit.labels import register_action_labels, register_role_labels
from audit.subjects import ClientSubject, register_client_resolver
from clients.access import find_client_by_identity_code
from clients.identity import parse_identity_code
from clients.models import Client

ACTION_LABELS = {
    "clients.client.listed": _("Asiakas näkyi asiakaslistassa tai haussa"),
    "clients.client.viewed": _("Avasi asiakkaan tiedot"),
    "clients.client.registered": _("Kirjasi asiakkaan ja avasi asiakkuuden"),
    "clients.client.duplicate_found": _(
        "Yritti kirjata asiakkaan, joka oli jo organisaation asiakasrekisterissä"
    ),
    "clients.client.found_by_identity_code": _(
        "Haki henkilötunnuksella asiakkaan, jonka tietoihin ei ollut pääsyä"
    ),
    "clients.client.changed": _("Muutti asiakkaan perustietoja"),
    "clients.client.closed": _("Päätti asiakkuuden"),
    "clients.client.reopened": _("Avasi asiakkuuden uudelleen"),
    "clients.client.retention_listed": _(
        "Asiakas oli arkistoinnin luettelossa asiakkaista, joiden asiakirjojen säilytysaika on päättynyt"
    ),
    "clients.break_the_glass.reviewed": _("Tarkasti murtautumisen"),
    "clients.client.break_the_glass": _("Avasi asiakkaan tiedot omatiimin ulkopuolelta"),
    "clients.identity_code.revealed": _("Näytti henkilötunnuksen"),
    "clients.identity_code.replaced": _("Korvasi väliaikaisen henkilötunnuksen pysyvällä"),
    "clients.access.requested": _("Pyysi pääsyä asiakkaan tietoihin"),
    "clients.membership.added": _("Lisäsi omatiimin jäsenen"),
    "clients.membership.ended": _("Päätti omatiimin jäsenyyden"),
    "clients.membership.cancelled": _("Perui omatiimin jäsenyyden ennen sen alkamista"),
    # No one ended it: the daily task recorded the end of a membership whose last day passed.
    "clients.membership.lapsed": _("Omatiimin jäsenyys päättyi voimassaolon päättyessä"),
    "clients.membership.changed": _("Muutti omatiimin jäsenyyden voimassaoloa"),
    "clients.responsibility.transferred": _("Siirsi asiakkuuden vastuun"),
    "clients.plan.created": _("Kirjasi suunnitelman"),
    "clients.plan.revised": _("Päivitti suunnitelman"),
    "clients.plan.viewed": _("Luki suunnitelman"),
    "clients.notes.viewed": _("Luki asiakaskirjaukset"),
    "clients.goal.changed": _("Muutti suunnitelman tavoitetta"),
    "clients.assessment.saved": _("Tallensi palvelutarpeen arvion"),
    "clients.assessment.viewed": _("Luki palvelutarpeen arvion"),
    "clients.assessments.viewed": _("Luki palvelutarpeen arviot"),
    "clients.note.added": _("Kirjoitti asiakaskirjauksen"),
    "clients.note.edited": _("Muokkasi asiakaskirjausta"),
}


def _subject(
    uuid: UUID, first_names: str, last_name: str, organisation_id, language: str
) -> ClientSubject:
    return ClientSubject(
        uuid=uuid,
        name=f"{first_names} {last_name}",
        organisation_id=organisation_id,
        language=language,
    )


def find_by_identity_code(code: str, organisation_id: int) -> ClientSubject | None:
    """The client with this identity code in the organisation's register, or None;
    ValidationError for an invalid code.

    Temporary codes (900-999) are accepted: a log report may concern a client
    registered under one.
    """
    parsed = parse_identity_code(code, allow_temporary=True)
    client = find_client_by_identity_code(parsed.value, organisation_id)
    if client is None:
        return None
    return _subject(
        client.uuid, client.first_names, client.last_name, client.organisation_id, client.language
    )


def describe_clients(uuids: Iterable[UUID]) -> dict[UUID, ClientSubject]:
    """Name and organisation (whose register holds it) of each known client, in one query."""
    rows = Client.objects.filter(uuid__in=list(uuids)).values_list(
        "uuid", "first_names", "last_name", "organisation_id", "language"
    )
    return {row[0]: _subject(*row) for row in rows}


def register_audit_subjects() -> None:
    """Registers the client resolver, the role labels and the clients' action labels."""
    register_client_resolver(find_by_identity_code, describe_clients)
    register_role_labels(dict(Role.choices))
    register_action_labels(ACTION_LABELS)
