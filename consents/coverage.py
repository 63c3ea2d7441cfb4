"""The one answer to "may organisation X see category Y of client Z for purpose P now?".

`disclosure_basis()` decides; every disclosure in Polku (a consultation
participant seeing the identity, a print for a partner, a call logged by a
worker) goes through `record_disclosure()`, which asks it and writes the
disclosure-log row, or refuses with `DisclosureNotCovered`. Nothing else
decides coverage: the coverage panel only describes the same versions.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.actions import log_disclosure
from audit.free_text import IDENTITY_CODE_IN_TEXT, check_no_identity_code
from audit.models import Basis, DisclosureLogEntry
from clients.access import log_client_access
from consents import events
from consents.models import (
    EVENT_TIME_ZONE,
    Consent,
    ConsentMethod,
    ConsentParty,
    InformationCategory,
    Purpose,
    StatutoryBasis,
)
from consents.querysets import given_for_a_minor_on
from services.i18n import in_name_order
from services.models import Organisation, OrganisationKind


@dataclass(frozen=True)
class ConsentEvent:
    """The one event an oral consent was given for, as the caller knows it.

    `kind` is an OralEventKind value; `reference` identifies the event, e.g.
    a consultation session's id as text (empty when the event has none).
    `starts_at` and `ends_at`, when known (a session's start and end from the
    session, a call's as recorded with its consent), bound the event: an oral
    consent covers disclosures within its event, none before it and none after it. Coverage also
    checks the times recorded with the consent itself, whatever the caller says.
    """

    kind: str
    reference: str = ""
    ends_at: datetime.datetime | None = None
    starts_at: datetime.datetime | None = None

    def is_on(self, at: datetime.datetime) -> bool:
        """Whether the event is going on at `at`, as far as its known bounds tell."""
        return (self.starts_at is None or self.starts_at <= at) and (
            self.ends_at is None or at <= self.ends_at
        )


def event_of(consent: Consent) -> ConsentEvent | None:
    """The event an oral consent was given for, as coverage compares it.

    For an event Polku holds (a consultation session, offered by the source the
    consultations app registers in `consents.events`), the source tells when it
    starts and ends, and the consent covers nothing outside that: not the
    morning before an afternoon session, nor later the same day. When the
    source no longer offers the event (the session was cancelled or no longer
    discusses the client) there is no event to disclose within: None, and the
    oral consent covers nothing. An event Polku does not hold (a call with
    Kela) starts and ends at the times the worker recorded with the consent,
    and the consent covers nothing outside them.
    A written consent has no event: None.
    """
    return events_of(consent.client, [consent])[consent.pk]


def events_of(client, consents: Iterable[Consent]) -> dict[int, ConsentEvent | None]:
    """`event_of` for each of the client's `consents`, by pk, asking each event source once
    (one query for any number of consultation-session consents, none without one)."""
    held: dict[str, dict[str, events.EventOption]] = {}
    found: dict[int, ConsentEvent | None] = {}
    for consent in consents:
        kind = consent.event_kind
        if consent.method != ConsentMethod.ORAL or not kind:
            found[consent.pk] = None
        elif not events.has_source(kind):
            found[consent.pk] = ConsentEvent(
                kind=kind,
                reference=consent.event_reference,
                starts_at=consent.event_starts_at,
                ends_at=consent.event_ends_at,
            )
        else:
            if kind not in held:
                held[kind] = {o.reference: o for o in events.event_options(kind, client)}
            option = held[kind].get(consent.event_reference)
            found[consent.pk] = (
                None
                if option is None
                else ConsentEvent(
                    kind=kind,
                    reference=consent.event_reference,
                    starts_at=option.starts_at,
                    ends_at=option.ends_at,
                )
            )
    return found


class DisclosureNotCovered(Exception):
    """No consent in force and no statutory basis covers the disclosure; nothing was logged.

    `outside_event` is the oral consent that would have covered within its event, when
    the disclosure came after the event ended (or before it began): the message says so.
    """

    def __init__(
        self,
        *,
        organisation,
        categories: tuple[str, ...],
        purpose: str,
        outside_event: "OutsideEvent | None" = None,
    ):
        self.organisation = organisation
        self.categories = categories
        self.purpose = purpose
        self.outside_event = outside_event
        message = _(
            "Luovutukselle ei ole perustetta: asiakkaan voimassa oleva suostumus tai kirjattu "
            "lakiperuste ei kata vastaanottajaa %(organisation)s, tietoja %(categories)s "
            "käyttötarkoitukseen %(purpose)s."
        ) % {
            "organisation": organisation,
            "categories": ", ".join(str(InformationCategory(c).label) for c in categories),
            "purpose": Purpose(purpose).label,
        }
        if outside_event is not None:
            message = f"{message} {outside_event.reason()}"
        super().__init__(message)


@dataclass(frozen=True)
class OutsideEvent:
    """An oral consent that covers the disclosure except for the moment: its event is over
    (or has not begun)."""

    consent: Consent
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    at: datetime.datetime

    @property
    def ended(self) -> bool:
        return self.ends_at is not None and self.at > self.ends_at

    def reason(self) -> str:
        if self.ended:
            return _(
                "Suullinen suostumus koski vain tapahtumaa ”%(event)s”, joka päättyi %(end)s. "
                "Sen jälkeen suullisen suostumuksen perusteella ei saa luovuttaa tietoja."
            ) % {"event": self.consent.event_name, "end": _local(self.ends_at)}
        return _(
            "Suullinen suostumus koskee vain tapahtumaa ”%(event)s”, joka alkaa %(start)s. "
            "Ennen sitä suullisen suostumuksen perusteella ei saa luovuttaa tietoja."
        ) % {"event": self.consent.event_name, "start": _local(self.starts_at)}


def _local(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment, EVENT_TIME_ZONE), "SHORT_DATETIME_FORMAT")


def _categories(category: str | Iterable[str]) -> tuple[str, ...]:
    values = (category,) if isinstance(category, str) else tuple(category)
    if not values:
        raise ValueError("A disclosure discloses at least one information category.")
    return tuple(InformationCategory(value).value for value in values)


def _consents_for(*, categories, purpose, at):
    """Versions of any client in force at `at` for the purpose and every category (health
    data only with its separate confirmation), whatever their method and parties."""
    consents = Consent.objects.in_force(at).filter(
        purposes__contains=[purpose], categories__contains=list(categories)
    )
    if InformationCategory.HEALTH in categories:
        consents = consents.filter(health_confirmed=True)
    return consents


def _matching_consents(*, client, organisation, categories, purpose, at):
    """Versions in force at `at` that name the organisation (any, when None), the purpose
    and the categories, whatever their method."""
    consents = _consents_for(categories=categories, purpose=purpose, at=at).filter(client=client)
    if organisation is not None:
        consents = consents.naming(organisation)
    return consents


def _of_event(event: ConsentEvent) -> Q:
    return Q(method=ConsentMethod.ORAL, event_kind=event.kind, event_reference=event.reference)


def _covering_consents(*, client, organisation, categories, purpose, at, event):
    consents = _matching_consents(
        client=client, organisation=organisation, categories=categories, purpose=purpose, at=at
    )
    if event is None or not event.is_on(at):
        consents = consents.exclude(method=ConsentMethod.ORAL)
    else:
        # An oral consent covers its own event only, and only while it lasts by the times
        # recorded with it (a session's start and end come from the session, in `event`); a written
        # one covers any event.
        consents = consents.filter(
            ~Q(method=ConsentMethod.ORAL)
            | (
                _of_event(event)
                & (
                    Q(event_ends_at__isnull=True)
                    | Q(event_starts_at__lte=at, event_ends_at__gte=at)
                )
            )
        )
    # Written consents first, then the one that lasts longest, then the newest.
    return consents.order_by(
        Case(
            When(method=ConsentMethod.ORAL, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        F("valid_until").desc(nulls_first=True),
        "-recorded_at",
        "-pk",
    )


def _outside_event(*, client, organisation, categories, purpose, at, event):
    """When nothing covers: the oral consent of `event` that would have, had the disclosure
    come within the event. One query, on the refusal path only."""
    if event is None:
        return None
    consent = (
        _matching_consents(
            client=client, organisation=organisation, categories=categories, purpose=purpose, at=at
        )
        .filter(_of_event(event))
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if consent is None:
        return None
    outside = OutsideEvent(
        consent=consent,
        starts_at=consent.event_starts_at or event.starts_at,
        ends_at=consent.event_ends_at or event.ends_at,
        at=at,
    )
    if outside.ended or (outside.starts_at is not None and at < outside.starts_at):
        return outside
    return None


def _bases_for(*, categories, purpose, at):
    """Statutory bases of any client in force at `at` for the purpose and every category."""
    return StatutoryBasis.objects.in_force(at).filter(
        purposes__contains=[purpose], categories__contains=list(categories)
    )


def _covering_statutory_bases(*, client, organisation, categories, purpose, at):
    return (
        _bases_for(categories=categories, purpose=purpose, at=at)
        .filter(client=client)
        .naming(organisation)
        .order_by("-recorded_at", "-pk")
    )


def disclosure_basis(
    *,
    client,
    organisation: Organisation,
    category: str | Iterable[str],
    purpose: str,
    at: datetime.datetime | None = None,
    event: ConsentEvent | None = None,
) -> Consent | StatutoryBasis | None:
    """The consent version or statutory basis that allows the disclosure, or None.

    A consent version covers when, at the moment `at` (default now), it is in
    force (recorded, not superseded, not revoked, the day within its
    validity), it names the organisation or the organisation's kind, and it
    includes the purpose and every category asked for; health information
    also needs the separate confirmation. An oral consent covers only when
    `event` is its own event and `at` is within it: not before the start nor
    after the end recorded with the consent (a call with Kela), nor outside the
    start and end `event` states (a consultation session). Without a covering consent a
    statutory basis in force for the organisation, purpose and categories
    covers. Reads only; two queries at most.
    """
    categories = _categories(category)
    purpose = Purpose(purpose).value
    at = at or timezone.now()
    consent = _covering_consents(
        client=client,
        organisation=organisation,
        categories=categories,
        purpose=purpose,
        at=at,
        event=event,
    ).first()
    if consent is not None:
        return consent
    return _covering_statutory_bases(
        client=client, organisation=organisation, categories=categories, purpose=purpose, at=at
    ).first()


def covered_organisations(
    *,
    client,
    organisations: Iterable[Organisation],
    category: str | Iterable[str],
    purpose: str,
    at: datetime.datetime | None = None,
) -> set[int]:
    """The ids of those of `organisations` that `disclosure_basis` (without an event) would
    find a basis for: the same written consents and statutory bases, read once for all of
    them (three queries whatever their number) and matched to each organisation here."""
    categories = _categories(category)
    purpose = Purpose(purpose).value
    at = at or timezone.now()
    consents = list(
        _matching_consents(
            client=client, organisation=None, categories=categories, purpose=purpose, at=at
        )
        .exclude(method=ConsentMethod.ORAL)
        .prefetch_related("parties")
    )
    named = {(p.organisation_id, p.organisation_kind) for c in consents for p in c.parties.all()}
    bases = (
        _bases_for(categories=categories, purpose=purpose, at=at)
        .filter(client=client)
        .values_list("organisation_id", "organisation_kind")
    )
    named |= set(bases)
    ids = {organisation_id for organisation_id, _kind in named if organisation_id}
    kinds = {kind for _organisation_id, kind in named if kind}
    return {o.pk for o in organisations if o.pk in ids or o.kind in kinds}


def covers_outer(
    *, category: str | Iterable[str], purpose: str, at: datetime.datetime | None = None
) -> Q:
    """`covered_organisations` as a condition on the rows of an outer query that have a
    `client` and an `organisation` (care-team memberships): a written consent of the row's
    client in force at `at` (default now) naming the row's organisation or its kind, for the
    purpose and every category, or a statutory basis in force for them. For reads that must
    not outlast the basis: the same versions, matched in the database."""
    categories = _categories(category)
    purpose = Purpose(purpose).value
    at = at or timezone.now()
    consents = (
        _consents_for(categories=categories, purpose=purpose, at=at)
        .filter(client=OuterRef("client"))
        .exclude(method=ConsentMethod.ORAL)
        .naming_party(OuterRef(OuterRef("organisation")), OuterRef(OuterRef("organisation__kind")))
    )
    bases = (
        _bases_for(categories=categories, purpose=purpose, at=at)
        .filter(client=OuterRef("client"))
        .filter(
            Q(organisation=OuterRef("organisation"))
            | Q(organisation_kind=OuterRef("organisation__kind"))
        )
    )
    return Q(Exists(consents)) | Q(Exists(bases))


# How many times record_disclosure looks again when the basis it found was
# revoked, superseded or ended while it waited for the row lock.
LOCK_ATTEMPTS = 3


def check_disclosed_at(at: datetime.datetime) -> None:
    """A disclosure made earlier is logged at the moment it was made, the same day (in
    practice: the worker hangs up and then logs the call): not in the future, not on an
    earlier day. ValidationError on the field "disclosed_at" otherwise."""
    now = timezone.now()
    if at > now:
        raise ValidationError({"disclosed_at": _("Luovutuksen aika ei voi olla tulevaisuudessa.")})
    if timezone.localdate(at, EVENT_TIME_ZONE) != timezone.localdate(now, EVENT_TIME_ZONE):
        raise ValidationError(
            {"disclosed_at": _("Aiemmin tehdyn luovutuksen voi kirjata vain samana päivänä.")}
        )


def logged_categories(categories: Iterable[str]) -> str:
    """The information categories as a disclosure-log row's `what` keeps them: their labels
    in Finnish, comma-separated (a report shows each in the reader's language,
    audit.labels.logged_text)."""
    with translation.override("fi"):
        return ", ".join(str(InformationCategory(c).label) for c in categories)


# The access-log row of a disclosure the actor recorded (record_disclosure).
DISCLOSURE_RECORDED = "consents.disclosure.recorded"


def record_disclosure(
    *,
    actor,
    client,
    organisation: Organisation,
    category: str | Iterable[str],
    purpose: str,
    channel: str,
    what: str = "",
    recipient_user=None,
    recipient_description: str = "",
    event: ConsentEvent | None = None,
    at: datetime.datetime | None = None,
    access_logged: bool = False,
) -> DisclosureLogEntry:
    """Checks the disclosure with `disclosure_basis()` at the moment it was made and writes
    its disclosure-log row, and the actor's access-log row ("consents.disclosure.recorded",
    naming the disclosure-log row) in the same transaction: the worker's disclosures show
    in their own access log and the statistics. `access_logged` leaves that row out for a
    disclosure that is part of work whose caller logs it in a row of its own (joining a
    client's team: "clients.membership.added"; a consultation case shown: the viewer's row),
    so that one piece of work is one row.

    `at` is that moment: now when not given; a disclosure made earlier today (a
    call the worker logs after hanging up) gives its time, and is then covered by
    what was in force at that time: an oral consent when `at` falls within its
    event, even when the consent was recorded after the event the same day.
    ValidationError ("disclosed_at") for a time in the future or on an earlier
    day (`check_disclosed_at`). The row is dated `at` and keeps when it was
    written. It names the basis: the consent version (basis "consent") or the
    statute (basis "statute"). The basis row is locked (FOR NO KEY UPDATE)
    in the same transaction as the log row, so a revocation, change or end
    recorded at the same time either waits for this disclosure or is seen by
    it: a disclosure is never logged on a basis that ended before it was made.
    Raises DisclosureNotCovered, writing nothing, when no basis covers; when an
    oral consent would have covered within its event, the refusal says the event
    is over (or has not begun). ValidationError on "what" or "recipient_description" when
    the text holds an identity code (the log report prints it; none is ever written there).
    """
    for name, text in (("what", what), ("recipient_description", recipient_description)):
        check_no_identity_code(text, field=name, message=IDENTITY_CODE_IN_TEXT)
    categories = _categories(category)
    purpose = Purpose(purpose).value
    if at is not None:
        check_disclosed_at(at)
    with transaction.atomic():
        basis = _locked_basis(
            client=client,
            organisation=organisation,
            categories=categories,
            purpose=purpose,
            event=event,
            at=at,
        )
        if basis is None:
            raise DisclosureNotCovered(
                organisation=organisation,
                categories=categories,
                purpose=purpose,
                outside_event=_outside_event(
                    client=client,
                    organisation=organisation,
                    categories=categories,
                    purpose=purpose,
                    at=at or timezone.now(),
                    event=event,
                ),
            )
        if not what:
            what = logged_categories(categories)
        common = {
            "actor": actor,
            "client_id": client.uuid,
            "recipient_organisation": organisation,
            "recipient_user": recipient_user,
            "recipient_description": recipient_description,
            "what": what,
            "purpose": purpose,
            "channel": channel,
            "at": at,
        }
        if isinstance(basis, Consent):
            entry = log_disclosure(basis=Basis.CONSENT, consent_id=basis.pk, **common)
        else:
            entry = log_disclosure(basis=Basis.STATUTE, statute=basis.statute, **common)
        if not access_logged:
            log_client_access(actor, client, DISCLOSURE_RECORDED, entry)
        return entry


def _locked_basis(*, client, organisation, categories, purpose, event, at):
    for _attempt in range(LOCK_ATTEMPTS):
        basis = disclosure_basis(
            client=client,
            organisation=organisation,
            category=categories,
            purpose=purpose,
            event=event,
            at=at,
        )
        if basis is None:
            return None
        rows = type(basis).objects.filter(pk=basis.pk)
        # Waits for a revocation, change or end in flight; holding the lock, none can
        # commit before this disclosure does.
        list(rows.select_for_update(no_key=True).values_list("pk", flat=True))
        # A new statement sees what committed meanwhile; the time is taken under the lock.
        if rows.in_force(at or timezone.now()).exists():
            return basis
    return None


# The coverage panel: a description of the same versions, never a decision.


@dataclass
class PartyCoverage:
    """One party of one basis in force: what it covers, and what it leaves out."""

    party: str
    kind: str
    basis: Consent | StatutoryBasis
    valid_until: datetime.date | None
    purposes: list[str]
    categories: list[str]
    missing_categories: list[str]
    expiring: bool = False
    # A guardian's consent that ends on the day before the client's 18th birthday, before
    # its own last day (Consent.ends_at_majority): `valid_until` is that day.
    ends_at_majority: bool = False


@dataclass
class CoverageSummary:
    covered: list[PartyCoverage] = field(default_factory=list)
    oral: list[Consent] = field(default_factory=list)
    # Oral consents of today whose event is over (a call by the times recorded with it, a
    # session by the session's end) or no longer held (the session was cancelled): they no
    # longer cover anything.
    oral_over: list[Consent] = field(default_factory=list)
    uncovered_kinds: list[str] = field(default_factory=list)
    ended: list[Consent] = field(default_factory=list)
    # Written versions not yet in force (a renewal signed in advance): the version they
    # replace covers until they start.
    upcoming: list[Consent] = field(default_factory=list)


# Organisation kinds the panel reports as not covered when nothing names them: the
# partners, not the social services that keep the record.
PARTNER_KINDS = [
    OrganisationKind.KELA,
    OrganisationKind.EMPLOYMENT_SERVICES,
    OrganisationKind.HEALTH_CARE,
    OrganisationKind.EDUCATION,
    OrganisationKind.PROVIDER,
]


def coverage_summary(client, *, at: datetime.datetime | None = None, warning_days: int = 30):
    """Which parties the client's consents and statutory bases cover at `at`, until when,
    for what, and which partner kinds nothing covers (a kind is covered when a party names
    it, or names every organisation of it). An oral consent is listed as covering only
    until its event ends (`events_of`, as coverage itself reads it). At most five queries
    whatever the data size, six when an oral consent names a consultation session. A
    version that a change signed in advance replaces covers until the new version starts
    (its last day is the day before), and the new version is listed as upcoming."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    in_force = list(
        Consent.objects.filter(client=client)
        .in_force(at)
        .select_related("client")
        .prefetch_related(_parties())
        .order_by("recorded_at", "pk")
    )
    statutory = list(
        StatutoryBasis.objects.filter(client=client)
        .in_force(at)
        .select_related("organisation")
        .order_by("recorded_at", "pk")
    )
    summary = CoverageSummary()
    # A party named by kind covers every organisation of the kind; one named by organisation
    # covers that organisation only, and the rest of its kind is still not covered.
    covered_kinds: set[str] = set()
    named: dict[str, set[int]] = {}
    all_categories = list(InformationCategory)
    oral_events = events_of(client, [consent for consent in in_force if consent.is_oral])
    for consent in in_force:
        if consent.is_oral:
            over = event_over(oral_events[consent.pk], at)
            (summary.oral_over if over else summary.oral).append(consent)
            continue
        # A guardian's consent covers until the client comes of age at the latest.
        valid_until = consent.last_day
        if consent.superseded_at is not None:
            replaced_on = timezone.localdate(consent.superseded_at) - datetime.timedelta(days=1)
            valid_until = replaced_on if valid_until is None else min(valid_until, replaced_on)
        # A version being replaced is renewed, not ending.
        expiring = (
            consent.superseded_at is None
            and valid_until is not None
            and (valid_until - today).days <= warning_days
        )
        for party in consent.parties.all():
            kind = party.organisation.kind if party.organisation_id else party.organisation_kind
            if party.organisation_id:
                named.setdefault(kind, set()).add(party.organisation_id)
            else:
                covered_kinds.add(kind)
            summary.covered.append(
                PartyCoverage(
                    party=str(party),
                    kind=kind,
                    basis=consent,
                    valid_until=valid_until,
                    purposes=consent.purpose_labels(),
                    categories=consent.category_labels(),
                    missing_categories=[
                        str(c.label) for c in all_categories if c not in consent.categories
                    ],
                    expiring=expiring,
                    ends_at_majority=consent.ends_at_majority and valid_until == consent.last_day,
                )
            )
    for basis in statutory:
        kind = basis.organisation.kind if basis.organisation_id else basis.organisation_kind
        if basis.organisation_id:
            named.setdefault(kind, set()).add(basis.organisation_id)
        else:
            covered_kinds.add(kind)
        summary.covered.append(
            PartyCoverage(
                party=basis.party_label,
                kind=kind,
                basis=basis,
                valid_until=basis.valid_until,
                purposes=basis.purpose_labels(),
                categories=basis.category_labels(),
                missing_categories=[
                    str(c.label) for c in all_categories if c not in basis.categories
                ],
            )
        )
    # Every organisation of a kind named (Kela is one organisation) covers the kind.
    partly = {kind: ids for kind, ids in named.items() if kind not in covered_kinds}
    if partly:
        of_kind: dict[str, set[int]] = {}
        for kind, pk in Organisation.objects.filter(kind__in=partly).values_list("kind", "pk"):
            of_kind.setdefault(kind, set()).add(pk)
        covered_kinds |= {kind for kind, ids in partly.items() if of_kind.get(kind, set()) <= ids}
    summary.uncovered_kinds = [
        str(k.label) if k not in named else _("%(kind)s (muut kuin nimetyt)") % {"kind": k.label}
        for k in PARTNER_KINDS
        if k not in covered_kinds
    ]
    in_force_ids = {c.pk for c in in_force}
    not_in_force = [
        consent
        for consent in Consent.objects.filter(client=client)
        .current()
        .exclude(method=ConsentMethod.ORAL)
        .filter(
            Q(revoked_at__isnull=False)
            | Q(valid_until__lt=today)
            | Q(valid_from__gt=today)
            | ~given_for_a_minor_on(today)
        )
        .select_related("client")
        .order_by("-recorded_at", "-pk")[:20]
        if consent.pk not in in_force_ids
    ]
    summary.ended = [c for c in not_in_force if c.is_revoked or c.is_expired_on(today)][:5]
    summary.upcoming = [c for c in not_in_force if not c.is_revoked and c.valid_from > today]
    return summary


def event_over(event: ConsentEvent | None, at: datetime.datetime) -> bool:
    """Whether an oral consent whose event (`events_of`) is `event` covers nothing more after
    `at`: its event has ended, or is no longer held (a cancelled session)."""
    return event is None or (event.ends_at is not None and event.ends_at <= at)


def consent_statuses(
    client, consents: Iterable[Consent], *, at: datetime.datetime | None = None
) -> dict[int, str]:
    """`Consent.status_on` of each of the client's `consents` at `at` (default now), by pk,
    reading the events of today's oral consents once (`events_of`): an oral consent whose
    event has ended says so, as the coverage panel does, instead of "in force"."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    consents = list(consents)
    oral_events = events_of(
        client, [c for c in consents if c.is_oral and c.event_date == today and c.is_current]
    )
    return {
        consent.pk: consent.status_on(
            today,
            event_over=consent.pk in oral_events and event_over(oral_events[consent.pk], at),
        )
        for consent in consents
    }


def _parties():
    return Prefetch(
        "parties",
        queryset=ConsentParty.objects.select_related("organisation").order_by(
            "organisation_kind", in_name_order("organisation__"), "pk"
        ),
    )
