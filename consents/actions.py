"""Writes on consents: record, change (a new version), revoke, attach a scan,
and statutory bases. Each action validates, runs in one transaction with the
consent row locked where a change, a revocation and a disclosure could race,
writes its access-log row, creates the notification tasks in the same
transaction, and enqueues the virus scan only on commit. Change history is
kept by pghistory's triggers, with the actor and the action code as context.
"""

import dataclasses
import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazystr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from audit.actions import log_access
from audit.history import history_context
from audit.models import Basis
from clients.access import log_client_access, relation_to
from clients.models import Client
from clients.querysets import responsible_worker_of
from consents import events, pending_scans, scan_files, scanning
from consents.models import (
    EVENT_KINDS_TIMED_BY_SOURCE,
    EVENT_TIME_ZONE,
    REVOCATION_FIELDS,
    Consent,
    ConsentMethod,
    ConsentParty,
    ConsentScan,
    GiverKind,
    InformationCategory,
    Purpose,
    RevocationMethod,
    ScanStatus,
    StatutoryBasis,
)
from consents.team_coverage import end_uncovered_memberships
from notifications.texts import Text
from services.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)

# Task kinds (registered with labels in ConsentsConfig.ready()).
NOTIFY_PARTY_OF_REVOCATION = "consents.notify_party_of_revocation"
NOTIFY_PARTY_OF_CHANGE = "consents.notify_party_of_change"
SEND_REVOCATION_TO_KELA = "consents.send_revocation_to_kela"
SEND_CHANGE_TO_KELA = "consents.send_change_to_kela"
CHANGE_NOTIFICATION_KINDS = (NOTIFY_PARTY_OF_CHANGE, SEND_CHANGE_TO_KELA)
REVOCATION_NOTIFICATION_KINDS = (NOTIFY_PARTY_OF_REVOCATION, SEND_REVOCATION_TO_KELA)
# The kinds of telling a party of a change or revocation: the tasks the consent page lists
# and checks off.
PARTY_NOTIFICATION_KINDS = (*REVOCATION_NOTIFICATION_KINDS, *CHANGE_NOTIFICATION_KINDS)
# Parties are told without delay; the task is due within this many days.
NOTIFY_WITHIN_DAYS = 3

# An oral consent is recorded on its event's day (the database checks it too, as
# consent_oral_recorded_on_event_day).
ORAL_RECORDED_ON_EVENT_DAY = "consent_oral_recorded_on_event_day"
ORAL_RECORDED_TOO_LATE = gettext_lazy(
    "Suullinen suostumus kirjataan tapahtuman päivänä, tapahtuman aikana "
    "tai heti sen jälkeen. Myöhemmin sitä ei voi kirjata."
)
ORAL_RECORDED_IN_ADVANCE = gettext_lazy(
    "Suullinen suostumus kirjataan tapahtuman päivänä, kun asiakas antaa sen. "
    "Etukäteen sitä ei voi kirjata."
)
# Nothing is signed for an oral consent: it takes no scan.
ORAL_HAS_NO_FORM = gettext_lazy("Suullisesta suostumuksesta ei ole allekirjoitettua lomaketta.")


@dataclasses.dataclass(frozen=True)
class ConsentTerms:
    """What one consent version says. Health information is asked for by `health`
    (the separate tick), never by listing it among `categories`. An oral consent's
    event that Polku does not hold (a call with Kela) starts at `event_starts` and
    ends at `event_ends`, wall-clock times in Helsinki on `event_date`."""

    method: str
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    signed_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date | None = None
    health: bool = False
    organisations: tuple[Organisation, ...] = ()
    organisation_kinds: tuple[str, ...] = ()
    form: str = ""
    form_description: str = ""
    giver_kind: str = GiverKind.CLIENT
    giver_name: str = ""
    giver_basis: str = ""
    purpose_description: str = ""
    event_kind: str = ""
    event_name: str = ""
    event_date: datetime.date | None = None
    event_reference: str = ""
    event_starts: datetime.time | None = None
    event_ends: datetime.time | None = None

    @property
    def event_timed_here(self) -> bool:
        """An oral consent's event whose start and end are recorded with the consent: any
        event but one Polku holds itself (a consultation session has its own times)."""
        return (
            self.method == ConsentMethod.ORAL
            and bool(self.event_kind)
            and self.event_kind not in EVENT_KINDS_TIMED_BY_SOURCE
        )

    def normalised(self) -> "ConsentTerms":
        """Oral consent lives on its event's day and has no form; written consent has no event.
        Only an event Polku does not hold keeps times of its own."""
        if self.method == ConsentMethod.ORAL:
            day = self.event_date
            terms = dataclasses.replace(
                self, form="", form_description="", signed_on=day, valid_from=day, valid_until=day
            )
            if terms.event_timed_here:
                return terms
            return dataclasses.replace(terms, event_starts=None, event_ends=None)
        return dataclasses.replace(
            self,
            event_kind="",
            event_name="",
            event_date=None,
            event_reference="",
            event_starts=None,
            event_ends=None,
        )

    def _event_moment(self, time: datetime.time | None) -> datetime.datetime | None:
        if time is None or self.event_date is None:
            return None
        return datetime.datetime.combine(self.event_date, time, tzinfo=EVENT_TIME_ZONE)

    def content_errors(self) -> dict[str, list[str]]:
        """Field name -> messages of the rules that hold whatever the method: the giver, the
        parties, the purposes and the information categories. The form tells them also when
        the method is still to be chosen, so that all is told at once."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if not self.organisations and not self.organisation_kinds:
            add("organisations", _("Valitse vähintään yksi osapuoli: organisaatio tai tyyppi."))
        if OrganisationKind.KELA in self.organisation_kinds and any(
            o.kind == OrganisationKind.KELA for o in self.organisations
        ):
            # Kela is one organisation: named twice, it would be told of a revocation twice.
            add(
                "organisation_kinds",
                _(
                    "Kela on valittu sekä nimettynä organisaationa että organisaatiotyyppinä. "
                    "Valitse Kela vain kerran."
                ),
            )
        if not self.purposes:
            add("purposes", _("Valitse vähintään yksi käyttötarkoitus."))
        if InformationCategory.HEALTH in self.categories:
            add(
                "health",
                _("Terveystiedot ovat erityinen tietoryhmä: merkitse ne erillisellä rastilla."),
            )
        if not self.categories and not self.health:
            add("categories", _("Valitse vähintään yksi tietoryhmä."))
        if self.giver_kind != GiverKind.CLIENT:
            if not self.giver_name.strip():
                add("giver_name", _("Kirjaa huoltajan tai edustajan nimi."))
            if not self.giver_basis.strip():
                add("giver_basis", _("Kirjaa edustuksen peruste."))
        return errors

    def errors(self) -> dict[str, list[str]]:
        """Field name -> messages; empty when the terms may be recorded."""
        errors = self.content_errors()

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.method == ConsentMethod.ORAL:
            if not self.event_kind:
                add(
                    "event_kind", _("Suullinen suostumus koskee yhtä tapahtumaa: valitse sen laji.")
                )
            if not self.event_name.strip():
                add("event_name", _("Nimeä tapahtuma, jota suullinen suostumus koskee."))
            if self.event_date is None:
                add("event_date", _("Kirjaa tapahtuman päivä."))
            elif self.event_date < timezone.localdate(timezone=EVENT_TIME_ZONE):
                # It covers disclosures within its event only, and those are logged the same
                # day: recorded days later it would reach back to disclosures long made.
                add("event_date", ORAL_RECORDED_TOO_LATE)
            elif self.event_date > timezone.localdate(timezone=EVENT_TIME_ZONE):
                # It is given at the event, not promised for it beforehand.
                add("event_date", ORAL_RECORDED_IN_ADVANCE)
            if self.event_timed_here:
                # The consent covers disclosures within the event only: its end must be known.
                if self.event_starts is None:
                    add("event_starts", _("Kirjaa, mihin aikaan tapahtuma alkaa."))
                if self.event_ends is None:
                    add("event_ends", _("Kirjaa, mihin aikaan tapahtuma päättyy."))
                elif self.event_starts is not None and self.event_ends <= self.event_starts:
                    add(
                        "event_ends",
                        _("Tapahtuman on päätyttävä samana päivänä myöhemmin kuin se alkaa."),
                    )
        else:
            if not self.form:
                add("form", _("Valitse lomake."))
            if self.form == "other" and not self.form_description.strip():
                add("form_description", _("Kerro, mikä lomake tai asiakirja."))
            if self.valid_until is not None and self.valid_until < self.valid_from:
                add("valid_until", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
            if self.valid_from < self.signed_on:
                add("valid_from", _("Suostumus ei voi olla voimassa ennen kuin se on annettu."))
        if self.signed_on and self.signed_on > timezone.localdate():
            add("signed_on", _("Antopäivä ei voi olla tulevaisuudessa."))
        return errors

    def validate(self) -> None:
        errors = self.errors()
        if errors:
            raise ValidationError(errors)

    def model_fields(self) -> dict:
        categories = [c for c in InformationCategory if c in self.categories]
        if self.health:
            categories.append(InformationCategory.HEALTH)
        return {
            "method": self.method,
            "purposes": [p.value for p in Purpose if p in self.purposes],
            "purpose_description": self.purpose_description.strip(),
            "categories": [str(c) for c in categories],
            "health_confirmed": self.health,
            "signed_on": self.signed_on,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "form": self.form,
            "form_description": self.form_description.strip(),
            "giver_kind": self.giver_kind,
            "giver_name": self.giver_name.strip() if self.giver_kind != GiverKind.CLIENT else "",
            "giver_basis": self.giver_basis.strip() if self.giver_kind != GiverKind.CLIENT else "",
            "event_kind": self.event_kind,
            "event_name": self.event_name.strip(),
            "event_date": self.event_date,
            "event_reference": self.event_reference.strip(),
            "event_starts_at": self._event_moment(self.event_starts),
            "event_ends_at": self._event_moment(self.event_ends),
        }

    @classmethod
    def of(cls, consent: Consent) -> "ConsentTerms":
        """The terms of a stored version, as the starting point of a change."""
        parties = list(consent.parties.select_related("organisation"))
        return cls(
            method=consent.method,
            purposes=tuple(consent.purposes),
            categories=tuple(c for c in consent.categories if c != InformationCategory.HEALTH),
            health=consent.health_confirmed,
            signed_on=consent.signed_on,
            valid_from=consent.valid_from,
            valid_until=consent.valid_until,
            organisations=tuple(p.organisation for p in parties if p.organisation_id),
            organisation_kinds=tuple(p.organisation_kind for p in parties if p.organisation_kind),
            form=consent.form,
            form_description=consent.form_description,
            giver_kind=consent.giver_kind,
            giver_name=consent.giver_name,
            giver_basis=consent.giver_basis,
            purpose_description=consent.purpose_description,
            event_kind=consent.event_kind,
            event_name=consent.event_name,
            event_date=consent.event_date,
            event_reference=consent.event_reference,
            event_starts=_wall_clock(consent.event_starts_at),
            event_ends=_wall_clock(consent.event_ends_at),
        )


def _wall_clock(moment: datetime.datetime | None) -> datetime.time | None:
    return None if moment is None else timezone.localtime(moment, EVENT_TIME_ZONE).time()


def _bound_to_event(client: Client, terms: ConsentTerms) -> ConsentTerms:
    """An oral consent names its one event exactly, so that coverage matches that event only.

    An event Polku holds (a consultation session) is one of the client's own, on
    its own day; any other event (a call with Kela) gets a reference of its own,
    so two calls on one day are two events.
    """
    if terms.method != ConsentMethod.ORAL or not terms.event_kind:
        return terms
    if not events.has_source(terms.event_kind):
        return dataclasses.replace(terms, event_reference=events.own_reference(terms.event_kind))
    event = events.find_event(terms.event_kind, client, terms.event_reference)
    if event is None:
        raise ValidationError(
            {"event_reference": _("Valitse asiakkaan istunto, jota suullinen suostumus koskee.")}
        )
    if terms.event_date != event.date:
        raise ValidationError(
            {
                "event_date": _("Valittu istunto pidetään %(date)s.")
                % {"date": date_format(event.date, "SHORT_DATE_FORMAT")}
            }
        )
    return terms


def _check_scan_for(terms: ConsentTerms, scan) -> None:
    if scan is not None and terms.method == ConsentMethod.ORAL:
        raise ValidationError({"scan": ORAL_HAS_NO_FORM})


def _create_parties(consent: Consent, terms: ConsentTerms) -> None:
    organisations = {o.pk: o for o in terms.organisations}
    kinds = dict.fromkeys(terms.organisation_kinds)
    ConsentParty.objects.bulk_create(
        [ConsentParty(consent=consent, organisation=o) for o in organisations.values()]
        + [ConsentParty(consent=consent, organisation_kind=k) for k in kinds]
    )


def _create_version(**fields) -> Consent:
    """Inserts one consent version. An oral consent whose day turned at midnight between
    the check of its terms and the insert is refused by the database
    (consent_oral_recorded_on_event_day): that is the same error next to the day."""
    try:
        with transaction.atomic():
            return Consent.objects.create(**fields)
    except IntegrityError as error:
        if ORAL_RECORDED_ON_EVENT_DAY not in str(error):
            raise
        raise ValidationError({"event_date": ORAL_RECORDED_TOO_LATE}) from None


def _refuse_same_consent(client: Client, terms: ConsentTerms) -> None:
    """ValidationError when the client already has a consent whose current version, not
    revoked, has exactly these terms and parties: the same form sent twice
    would record two consents, and revoking one would leave the other covering. An event
    Polku does not hold gets a reference of its own per consent: it is compared by its kind,
    name, day and times."""
    fields = terms.model_fields()
    if not events.has_source(terms.event_kind):
        del fields["event_reference"]
    parties = {(o.pk, "") for o in terms.organisations} | {
        (None, kind) for kind in terms.organisation_kinds
    }
    same = (
        Consent.objects.filter(client=client, **fields)
        .current()
        .not_revoked()
        .prefetch_related("parties")
        .order_by("-recorded_at", "-pk")
    )
    for consent in same:
        if {(p.organisation_id, p.organisation_kind) for p in consent.parties.all()} == parties:
            raise ValidationError(
                _(
                    "Sama suostumus on jo kirjattu asiakkaalle (%(consent)s, kirjattu %(at)s). "
                    "Jos asiakas on muuttanut suostumustaan, kirjaa muutos suostumuksen sivulla."
                )
                % {
                    "consent": consent.kind_label,
                    "at": date_format(
                        timezone.localtime(consent.recorded_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
                code="same_consent",
            )


def record_consent(*, client: Client, terms: ConsentTerms, recorded_by, scan=None) -> Consent:
    """Records a new consent (version 1 of a new series) and, optionally, its scan.

    Raises ValidationError (field -> messages) for terms that DOMAIN.md
    forbids, for a scan that is not a PDF, JPEG or PNG of at most 10 MB and for
    a scan of an oral consent; nothing is stored then. The same consent again (a double
    submit) is refused too, checked under the client's row lock. Logged as
    "consents.consent.recorded".
    """
    terms = terms.normalised()
    terms.validate()
    terms = _bound_to_event(client, terms)
    _check_scan_for(terms, scan)
    content_type = scan_files.check_upload(scan) if scan is not None else None
    with transaction.atomic(), history_context(recorded_by, "consents.consent.recorded"):
        # A repeat (a double submit, the back button) waits here for the first to commit,
        # and then finds it.
        Client.objects.select_for_update().get(pk=client.pk)
        _refuse_same_consent(client, terms)
        consent = _create_version(client=client, recorded_by=recorded_by, **terms.model_fields())
        _create_parties(consent, terms)
        log_client_access(recorded_by, client, "consents.consent.recorded", consent)
        if scan is not None:
            _store_scan(consent=consent, uploaded=scan, content_type=content_type, by=recorded_by)
    return consent


def change_consent(*, consent: Consent, terms: ConsentTerms, changed_by, scan=None) -> Consent:
    """Records a change or restriction as a new version that supersedes `consent`.

    Locks the version; refuses (ValidationError) a version that is already
    superseded or revoked. The old version stops covering when the new one
    starts: at the moment it is recorded, or, for a change signed in advance
    (a renewal from the first of next month), at the start of its first day, so
    that coverage never lapses in between (`superseded_at` is then ahead; an
    earlier version still waiting for the old one to start stops no later than
    the old one does). Creates one task per party of either version for the
    client's responsible worker to tell the party (for Kela: send the change by
    secure e-mail). Logged as "consents.consent.changed". A member of the client's team
    from another organisation that the new version no longer covers leaves the team
    (team_coverage.end_uncovered_memberships). The consent's expiry reminder, written for
    the old version, is taken back; the next sweep reminds of the new one when it ends soon.
    """
    terms = terms.normalised()
    terms.validate()
    terms = _bound_to_event(consent.client, terms)
    _check_scan_for(terms, scan)
    content_type = scan_files.check_upload(scan) if scan is not None else None
    with transaction.atomic():
        with history_context(changed_by, "consents.consent.changed"):
            old = Consent.objects.select_for_update().get(pk=consent.pk)
            _ensure_current(old)
            now = timezone.now()
            replaced_at = max(now, _start_of(terms.valid_from))
            old.superseded_at = replaced_at
            old.save(update_fields=["superseded_at"])
            _end_earlier_versions(old, at=replaced_at)
            new = _create_version(
                client_id=old.client_id,
                series=old.series,
                version=old.version + 1,
                supersedes=old,
                recorded_by=changed_by,
                recorded_at=now,
                **terms.model_fields(),
            )
            _create_parties(new, terms)
            _withdraw_expiry_reminders(old)
            log_client_access(
                changed_by,
                consent.client,
                "consents.consent.changed",
                new,
                detail=f"v{old.version}→v{new.version}",
            )
            if scan is not None:
                _store_scan(consent=new, uploaded=scan, content_type=content_type, by=changed_by)
        # Outside the consent's history context: the tasks carry a context of their own.
        _create_notification_tasks(
            consent=new,
            key_version=old,
            parties=_union_of_parties(old, new),
            changed=True,
            actor=changed_by,
        )
        end_uncovered_memberships(clients=[old.client_id], ended_by=changed_by)
    return new


def revoke_consent(
    *,
    consent: Consent,
    revoked_by,
    revoked_on: datetime.date,
    method: str,
    through: str,
    through_organisation: Organisation | None = None,
    note: str = "",
) -> Consent:
    """Revokes the consent: it stops covering at this moment (a disclosure in the same
    second is refused).

    `revoked_on` is the day the client revoked, `through` whom, `method` how.
    Locks the version, so a disclosure running now either finishes first or
    sees the revocation. Refuses (ValidationError) a superseded or revoked
    version, a day in the future and a day before the consent was given.
    Creates one task per party for the responsible worker; for Kela the task
    is to send the revocation by secure e-mail. Logged as "consents.consent.revoked".
    An older version still covering until this one starts stops covering now too.
    Members of the client's team from organisations nothing covers now leave the team.
    The consent's expiry reminder not yet due is taken back: a revoked consent does not expire.
    """
    if revoked_on > timezone.localdate():
        raise ValidationError({"revoked_on": _("Peruutuspäivä ei voi olla tulevaisuudessa.")})
    if not through.strip():
        raise ValidationError({"through": _("Kirjaa, kenen kautta peruutus tuli.")})
    if method not in RevocationMethod.values:
        raise ValidationError({"method": _("Valitse, miten peruutus tuli.")})
    with transaction.atomic():
        with history_context(revoked_by, "consents.consent.revoked"):
            locked = Consent.objects.select_for_update().get(pk=consent.pk)
            _ensure_current(locked)
            if revoked_on < locked.signed_on:
                raise ValidationError(
                    {
                        "revoked_on": _(
                            "Peruutuspäivä ei voi olla ennen kuin suostumus annettiin (%(date)s)."
                        )
                        % {"date": date_format(locked.signed_on, "SHORT_DATE_FORMAT")}
                    }
                )
            now = timezone.now()
            locked.revoked_at = now
            locked.revoked_on = revoked_on
            locked.revoked_by = revoked_by
            locked.revocation_method = method
            locked.revoked_through = through.strip()
            locked.revoked_through_organisation = through_organisation
            locked.revocation_note = note.strip()
            locked.save(update_fields=REVOCATION_FIELDS)
            # An older version covering until this one starts (a change signed in advance)
            # ends with the consent.
            _end_earlier_versions(locked, at=now)
            _withdraw_expiry_reminders(locked)
            log_client_access(revoked_by, consent.client, "consents.consent.revoked", locked)
        _create_notification_tasks(
            consent=locked,
            key_version=locked,
            parties=list(locked.parties.select_related("organisation").order_by("pk")),
            changed=False,
            actor=revoked_by,
        )
        end_uncovered_memberships(clients=[locked.client_id], ended_by=revoked_by)
    return locked


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of `day`, as `in_force` reads days (the current time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _end_earlier_versions(version: Consent, *, at: datetime.datetime) -> None:
    """Earlier versions of the series that a change signed in advance left covering until
    a later moment stop at `at` at the latest (their rows locked by the update, so a
    disclosure on one of them waits or is seen)."""
    Consent.objects.filter(series=version.series, superseded_at__gt=at).exclude(
        pk=version.pk
    ).update(superseded_at=at)


def _withdraw_expiry_reminders(version: Consent) -> None:
    """Takes back the consent's expiry reminders not yet due (page_panels'
    expiring_consent_reminders, about the series' first version): they were written for a
    version now superseded or revoked."""
    from consents.page_panels import CONSENT_EXPIRING
    from notifications.actions import withdraw_reminders

    first = (
        version if version.version == 1 else Consent.objects.get(series=version.series, version=1)
    )
    withdraw_reminders(rule=CONSENT_EXPIRING, concerning=first)


def _ensure_current(consent: Consent) -> None:
    if consent.superseded_at is not None:
        raise ValidationError(
            _("Suostumuksesta on jo uudempi versio. Tee muutos uusimpaan versioon.")
        )
    if consent.revoked_at is not None:
        raise ValidationError(_("Suostumus on jo peruutettu."))


def _union_of_parties(old: Consent, new: Consent) -> list[ConsentParty]:
    """Every party of either version, once: a removed party must also be told."""
    seen: dict[tuple, ConsentParty] = {}
    for version in (new, old):
        for party in version.parties.select_related("organisation").order_by("pk"):
            seen.setdefault((party.organisation_id, party.organisation_kind), party)
    return list(seen.values())


def _party_key(party: ConsentParty) -> str:
    return (
        f"org{party.organisation_id}"
        if party.organisation_id
        else f"kind-{party.organisation_kind}"
    )


def _to_be_told(party: ConsentParty, client: Client, revoked_through) -> bool:
    """Whether the worker tells `party` of a change or revocation. Not the organisation
    whose register holds the client (Polku applies the change to its users at once), nor
    the organisation the revocation came through (the client told it themselves)."""
    if party.organisation_id is not None and party.organisation_id == client.organisation_id:
        return False
    return revoked_through is None or not party.covers(revoked_through)


def _create_notification_tasks(
    *, consent: Consent, key_version: Consent, parties: Iterable[ConsentParty], changed: bool, actor
) -> None:
    from notifications.actions import create_task

    client = consent.client
    assignee = responsible_worker_of(client) or actor
    link = reverse("consents:detail", kwargs={"client_id": client.uuid, "consent_id": consent.pk})
    due = timezone.localdate() + datetime.timedelta(days=NOTIFY_WITHIN_DAYS)
    event = "changed" if changed else "revoked"
    description = Text(
        gettext_noop("Asiakas: {client}. Suostumus: {consent}."),
        client=client.display_name,
        consent=lazystr(consent),
    )
    kela_told = False
    for party in parties:
        if not _to_be_told(party, client, consent.revoked_through_organisation):
            continue
        if party.is_kela:
            # Kela is one organisation, told once by secure e-mail, however it was named.
            if kela_told:
                continue
            kela_told = True
            kind = SEND_CHANGE_TO_KELA if changed else SEND_REVOCATION_TO_KELA
            title = Text(
                gettext_noop("Lähetä suostumuksen muutos Kelaan suojatulla sähköpostilla")
                if changed
                else gettext_noop("Lähetä peruutus Kelaan suojatulla sähköpostilla")
            )
        else:
            kind = NOTIFY_PARTY_OF_CHANGE if changed else NOTIFY_PARTY_OF_REVOCATION
            template = (
                gettext_noop("Ilmoita suostumuksen muutoksesta: {party}")
                if changed
                else gettext_noop("Ilmoita suostumuksen peruutuksesta: {party}")
            )
            # The party's name is kept in each language (an organisation's, or a kind's).
            title = Text(template, party=lazystr(party))
        create_task(
            assignee=assignee,
            kind=kind,
            title=title,
            description=description,
            due_date=due,
            concerning=consent,
            client_id=client.uuid,
            link=link,
            created_by=actor,
            key=f"consents.{event}:{key_version.pk}:{_party_key(party)}",
        )


def log_notification_completed(*, task, by) -> None:
    """The access-log row "consents.notification.completed" of checking off a task of
    telling a party, wherever it was checked off (the consent page or the inbox).

    Registered in ConsentsConfig.ready() as the completion hook of the party-
    notification kinds; notifications' complete_task calls it in its transaction
    (the assignee only, once per check-off).
    """
    client = Client.objects.get(uuid=task.client_id)
    relation = relation_to(by, client)
    # An open task moves to the new responsible worker with a transfer; one that stays with
    # a user off the team (given when the client had no responsible worker) is checked off
    # on the task itself, not on a relation the user no longer has.
    log_access(
        actor=by,
        client_id=client.uuid,
        action="consents.notification.completed",
        basis=relation.basis if relation.visible else Basis.ASSIGNED_TASK,
        obj=task,
    )


# Scans


def scan_refusal(consent: Consent) -> str | None:
    """Why the version takes no scan of a signed form, or None when it does: only the current
    version of a written consent that is not revoked takes one. Reads only."""
    if consent.is_oral:
        return str(ORAL_HAS_NO_FORM)
    if not consent.is_current:
        return _("Lomakkeen voi liittää vain suostumuksen uusimpaan versioon.")
    if consent.is_revoked:
        return _("Peruutettuun suostumukseen ei voi liittää lomaketta.")
    return None


def attach_scan(*, consent: Consent, uploaded, uploaded_by) -> ConsentScan:
    """Attaches a scan of the signed form to the consent version.

    Only the current version of a written consent that is not revoked takes a
    scan: a superseded or revoked version, or an oral consent (nothing was
    signed), is refused with a ValidationError, checked with the version's row
    locked so a change or revocation in flight is seen. The content must be a
    PDF, JPEG or PNG by its magic bytes, 1 byte to 10 MB (ValidationError
    otherwise, nothing stored); the same file again on this version (a double submit) is
    refused too. With a virus scanner configured the file waits
    in quarantine and the scan is enqueued on commit; without one it is stored
    as not scanned. Logged as "consents.scan.attached".
    """
    content_type = scan_files.check_upload(uploaded)
    with transaction.atomic(), history_context(uploaded_by, "consents.scan.attached"):
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        refusal = scan_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        locked.client = consent.client
        return _store_scan(
            consent=locked, uploaded=uploaded, content_type=content_type, by=uploaded_by
        )


def _store_scan(*, consent: Consent, uploaded, content_type: str, by) -> ConsentScan:
    scanning_on = scanning.scanning_enabled()
    stored_name, sha256 = scan_files.store(uploaded, quarantined=scanning_on)
    try:
        with transaction.atomic():
            # The same file again (a double submit) on this version: stored once. The caller
            # holds the version's row lock, so a repeat in flight waits and then finds it.
            same = (
                ConsentScan.objects.filter(consent=consent, sha256=sha256)
                .exclude(status=ScanStatus.INFECTED)
                .first()
            )
            if same is not None:
                raise ValidationError(
                    _("Sama tiedosto on jo tallennettu tähän suostumukseen (%(name)s).")
                    % {"name": same.original_name},
                    code="same_scan",
                )
            scan = ConsentScan.objects.create(
                consent=consent,
                stored_name=stored_name,
                original_name=(uploaded.name or "")[-255:] or "lomake",
                content_type=content_type,
                size=uploaded.size,
                sha256=sha256,
                status=ScanStatus.PENDING if scanning_on else ScanStatus.NOT_SCANNED,
                uploaded_by=by,
            )
            log_client_access(by, consent.client, "consents.scan.attached", scan)
    except Exception:
        scan_files.discard(stored_name, quarantined=scanning_on)
        raise
    if scanning_on:
        from consents.tasks import scan_consent_scan_task

        transaction.on_commit(lambda: scan_consent_scan_task.delay(scan.pk))
    return scan


def scan_consent_scan(*, scan_id: int) -> ConsentScan:
    """Runs the virus scanner on a quarantined scan: clean files are released, infected
    ones deleted (the row keeps the finding).

    The verdict is written under a row lock; a scan no longer pending is
    returned as it is, so a repeated task does nothing. Raises ScannerUnavailable when clamd cannot
    answer: the file stays in quarantine and the task retries.
    """
    scan = ConsentScan.objects.get(pk=scan_id)
    if scan.status != ScanStatus.PENDING:
        return scan
    # Scanned outside the transaction: no row lock is held while clamd reads the file.
    verdict = scanning.scan_file(scan_files.path_for(scan.stored_name, quarantined=True))
    with transaction.atomic():
        scan = ConsentScan.objects.select_for_update().get(pk=scan_id)
        if scan.status != ScanStatus.PENDING:
            return scan
        scan.scanned_at = timezone.now()
        scan.scan_result = verdict.detail
        scan.status = ScanStatus.CLEAN if verdict.clean else ScanStatus.INFECTED
        scan.save(update_fields=["status", "scanned_at", "scan_result"])
        pending_scans.settle_pending_scan_task(scan)
        stored_name = scan.stored_name
        if verdict.clean:
            # Released only once the row says clean; until then it is never served.
            transaction.on_commit(lambda: scan_files.release(stored_name))
        else:
            logger.warning(
                "Consent scan refused by the virus scanner.",
                extra={"scan_id": scan.pk, "signature": verdict.detail},
            )
            transaction.on_commit(lambda: scan_files.discard(stored_name, quarantined=True))
    return scan


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

    Locks the row, like a revocation. Logged as "consents.statutory_basis.ended".
    """
    with transaction.atomic(), history_context(ended_by, "consents.statutory_basis.ended"):
        locked = StatutoryBasis.objects.select_for_update().get(pk=basis.pk)
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.ended_by = ended_by
        locked.save(update_fields=["ended_at", "ended_by"])
        log_client_access(ended_by, basis.client, "consents.statutory_basis.ended", locked)
        end_uncovered_memberships(clients=[locked.client_id], ended_by=ended_by)
    return locked


# A file this old has outlived the transaction that wrote it, whatever that did.
ORPHAN_SCAN_FILE_AGE = datetime.timedelta(hours=24)


def remove_orphan_scan_files(*, now: datetime.datetime | None = None) -> int:
    """Removes the consent-scan files that no ConsentScan names, once a day old, and returns
    how many. A scan is written to disk inside the transaction that records it; when that
    transaction is rolled back after the file was written (a consent change refused by a later
    step, a failed commit) the file stays, a signed form of a client that no record leads to
    and no retention would ever remove. The age spares an upload still being recorded. Logged
    by count only; one query per thousand old files."""
    cutoff = (now or timezone.now()) - ORPHAN_SCAN_FILE_AGE
    removed = 0
    for quarantined in (True, False):
        old = [
            path
            for path in scan_files.stored_files(quarantined=quarantined)
            if datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC) < cutoff
        ]
        for start in range(0, len(old), 1000):
            batch = {path.name: path for path in old[start : start + 1000]}
            known = set(
                ConsentScan.objects.filter(stored_name__in=list(batch)).values_list(
                    "stored_name", flat=True
                )
            )
            for name, path in batch.items():
                if name not in known:
                    path.unlink(missing_ok=True)
                    removed += 1
    if removed:
        logger.warning("Removed consent scan files no record named.", extra={"files": removed})
    return removed
