"""Statutory bases: disclosure without consent where a law allows it."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.history import history_context
from clients.access import log_client_access, relation_to
from clients.models import Client
from consents.models import InformationCategory, Purpose, StatutoryBasis
from consents.team_coverage import end_uncovered_memberships
from services.models import Organisation, OrganisationKind

# Statutory bases


def statutory_basis_errors(
    *,
    statute: str,
    organisation: Organisation | None,
    organisation_kind: str,
    purposes: Iterable[str],
    categories: Iterable[str],
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
) -> dict[str, list[str]]:
    """Field name -> messages of what a statutory basis may not be recorded with (the form
    shows them all at once; `record_statutory_basis` refuses them): no statute, both or
    neither of an organisation and a kind, no known purpose or category, an end before the
    start."""
    errors: dict[str, list[str]] = {}
    if not statute.strip():
        errors["statute"] = [_("Nimeä laki ja pykälä, johon luovutus perustuu.")]
    if (organisation is None) == (not organisation_kind):
        errors["organisation"] = [_("Valitse joko organisaatio tai organisaatiotyyppi.")]
    if organisation_kind and organisation_kind not in OrganisationKind.values:
        errors["organisation_kind"] = [_("Tuntematon organisaatiotyyppi.")]
    if not set(purposes) & set(Purpose.values):
        errors["purposes"] = [_("Valitse vähintään yksi käyttötarkoitus.")]
    if not set(categories) & set(InformationCategory.values):
        errors["categories"] = [_("Valitse vähintään yksi tietoryhmä.")]
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [_("Päättymispäivä ei voi olla ennen alkamispäivää.")]
    return errors


def record_statutory_basis(
    *,
    client: Client,
    recorded_by,
    statute: str,
    purposes: Iterable[str],
    categories: Iterable[str],
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    organisation: Organisation | None = None,
    organisation_kind: str = "",
    description: str = "",
) -> StatutoryBasis:
    """Records a statutory basis for disclosures to one party; it must name the statute.

    ValidationError for a missing statute, party, purpose or category, or a
    period that ends before it starts; and for the same basis again while the first
    is relied on (a double submit), checked under the client's row lock: ending one
    of two would leave the other covering. Logged as
    "consents.statutory_basis.recorded".
    """
    purposes = [p.value for p in Purpose if p in set(purposes)]
    categories = [c.value for c in InformationCategory if c in set(categories)]
    errors = statutory_basis_errors(
        statute=statute,
        organisation=organisation,
        organisation_kind=organisation_kind,
        purposes=purposes,
        categories=categories,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if errors:
        raise ValidationError(errors)
    fields = {
        "organisation": organisation,
        "organisation_kind": organisation_kind if organisation is None else "",
        "statute": statute.strip(),
        "purposes": purposes,
        "categories": categories,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    with transaction.atomic(), history_context(recorded_by, "consents.statutory_basis.recorded"):
        # A repeat (a double submit, the back button) waits here for the first to commit,
        # and then finds it.
        Client.objects.select_for_update().get(pk=client.pk)
        same = (
            StatutoryBasis.objects.filter(client=client, **fields)
            .not_ended()
            .order_by("-recorded_at", "-pk")
            .first()
        )
        if same is not None:
            raise ValidationError(
                _("Sama lakiperuste on jo kirjattu asiakkaalle (%(statute)s, kirjattu %(at)s).")
                % {
                    "statute": same.statute,
                    "at": date_format(
                        timezone.localtime(same.recorded_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
                code="same_statutory_basis",
            )
        basis = StatutoryBasis.objects.create(
            client=client,
            description=description.strip(),
            recorded_by=recorded_by,
            **fields,
        )
        log_client_access(recorded_by, client, "consents.statutory_basis.recorded", basis)
    return basis


def end_statutory_basis(*, basis: StatutoryBasis, ended_by) -> StatutoryBasis:
    """Stops relying on the statutory basis from this moment; an ended one stays as it is.

    Locks the row, like a revocation: the client's row first, as the team actions do (a
    member joining on this basis locks the client, then the basis), so the two wait for
    each other instead of deadlocking. Logged as "consents.statutory_basis.ended".
    """
    with transaction.atomic(), history_context(ended_by, "consents.statutory_basis.ended"):
        Client.objects.select_for_update().get(pk=basis.client_id)
        locked = StatutoryBasis.objects.select_for_update().get(pk=basis.pk)
        if locked.ended_at is not None:
            return locked
        # Read before the end, which may end the actor's own access through another
        # organisation (their rows name the relation they acted in).
        acted_on = relation_to(ended_by, basis.client).basis
        locked.ended_at = timezone.now()
        locked.ended_by = ended_by
        locked.save(update_fields=["ended_at", "ended_by"])
        log_client_access(
            ended_by, basis.client, "consents.statutory_basis.ended", locked, basis=acted_on
        )
        end_uncovered_memberships(
            clients=[locked.client_id], ended_by=ended_by, ended_by_basis=acted_on
        )
    return locked
