"""Consents (Kela Y 100 and alike), their versions, parties, scans, and the
statutory bases that may stand in for a consent.

A consent is a series of versions. A version is never edited: a change or a
restriction is a new version that supersedes the old one (`superseded_at`),
and a revocation ends the current version at once (`revoked_at`). The
database states these rules: content columns are read-only after insert,
only one version of a series is current, and the check constraints below
refuse what DOMAIN.md ("Consent") forbids.
"""

import uuid
from zoneinfo import ZoneInfo

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consents.querysets import ConsentQuerySet, ConsentScanQuerySet, StatutoryBasisQuerySet
from services.models import OrganisationKind

MAX_SCAN_BYTES = 10 * 1024 * 1024
# An oral consent's event is on its day in Finland, whatever the server's clock zone (the
# database checks it in this zone, as the services triggers take "today" there).
EVENT_TIME_ZONE = ZoneInfo("Europe/Helsinki")


class Purpose(models.TextChoices):
    """The fixed list of purposes (DOMAIN.md "Consent")."""

    SERVICE_PLANNING = "service_planning", _("Palvelujen suunnittelu ja yhteensovittaminen")
    CASE_CONSULTATION = "case_consultation", _("Tapauskonsultaatio")
    KELA_BENEFITS = "kela_benefits", _("Kelan etuudet ja kuntoutus")
    EMPLOYMENT_SERVICES = "employment_services", _("Työllisyyspalvelut")
    HEALTH_CARE = "health_care", _("Terveydenhuolto")


class InformationCategory(models.TextChoices):
    IDENTITY = "identity", _("Henkilöllisyys- ja yhteystiedot")
    PATHWAY = "pathway", _("Palvelupolku ja suunnitelmat")
    INCOME = "income", _("Tulot ja etuudet")
    WORK_CAPACITY = "work_capacity", _("Työ- ja toimintakyky")
    HEALTH = "health", _("Terveystiedot (erityinen henkilötietoryhmä)")


# Health information is a special category: it is ticked separately on the form.
ORDINARY_CATEGORIES = [c for c in InformationCategory if c != InformationCategory.HEALTH]


class ConsentFormType(models.TextChoices):
    KELA_Y100 = "kela_y100", _("Kelan lomake Y 100")
    COUNTY_FORM = "county_form", _("Hyvinvointialueen oma suostumuslomake")
    OTHER = "other", _("Muu lomake tai asiakirja")


class ConsentMethod(models.TextChoices):
    SIGNATURE = "signature", _("Allekirjoitus")
    E_SIGNATURE = "e_signature", _("Sähköinen allekirjoitus")
    TWO_STEP = "two_step", _("Kaksivaiheinen vahvistus")
    ORAL = "oral", _("Suullinen (yksi tapahtuma)")


class GiverKind(models.TextChoices):
    CLIENT = "client", _("Asiakas itse")
    GUARDIAN = "guardian", _("Huoltaja")
    REPRESENTATIVE = "representative", _("Edunvalvoja tai muu laillinen edustaja")


class OralEventKind(models.TextChoices):
    CONSULTATION_SESSION = "consultation_session", _("Konsultaatioistunto")
    KELA_CALL = "kela_call", _("Puhelu Kelan kanssa")
    NETWORK_MEETING = "network_meeting", _("Verkostopalaveri")
    OTHER = "other", _("Muu tapahtuma")


# Events whose start and end Polku holds itself (a consultation session ends when the
# session does): an oral consent given for one records no times of its own.
EVENT_KINDS_TIMED_BY_SOURCE = [OralEventKind.CONSULTATION_SESSION]


class RevocationMethod(models.TextChoices):
    IN_PERSON = "in_person", _("Henkilökohtaisesti")
    PHONE = "phone", _("Puhelimitse")
    WRITTEN = "written", _("Kirjallisesti")
    ELECTRONIC = "electronic", _("Sähköisesti (asiointipalvelu tai suojattu sähköposti)")


def _array_of(field: str, choices) -> Q:
    """At least one value, every value from `choices`: stated in the database."""
    return Q(**{f"{field}__len__gte": 1}) & Q(**{f"{field}__contained_by": list(choices.values)})


REVOCATION_FIELDS = [
    "revoked_at",
    "revoked_on",
    "revoked_by",
    "revocation_method",
    "revoked_through",
    "revoked_through_organisation",
    "revocation_note",
]


@pghistory.track()
class Consent(models.Model):
    """One version of one consent of one client.

    `series` ties the versions of one consent together; `supersedes` points at
    the version this one replaced. A version covers disclosures from
    `recorded_at` until it is superseded or revoked, on the days from
    `valid_from` to `valid_until` (empty: until further notice).
    """

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="consents")
    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("versio"), default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    superseded_at = models.DateTimeField(_("korvattu"), null=True, blank=True)

    giver_kind = models.CharField(
        _("suostumuksen antaja"), max_length=16, choices=GiverKind.choices, default=GiverKind.CLIENT
    )
    giver_name = models.CharField(_("antajan nimi"), max_length=200, blank=True)
    giver_basis = models.CharField(_("edustuksen peruste"), max_length=300, blank=True)
    form = models.CharField(_("lomake"), max_length=16, choices=ConsentFormType.choices, blank=True)
    form_description = models.CharField(_("lomakkeen kuvaus"), max_length=200, blank=True)
    method = models.CharField(_("vahvistustapa"), max_length=16, choices=ConsentMethod.choices)
    purposes = ArrayField(
        models.CharField(max_length=32, choices=Purpose.choices),
        verbose_name=_("käyttötarkoitukset"),
    )
    purpose_description = models.TextField(_("käyttötarkoituksen kuvaus"), blank=True)
    categories = ArrayField(
        models.CharField(max_length=32, choices=InformationCategory.choices),
        verbose_name=_("tietoryhmät"),
    )
    health_confirmed = models.BooleanField(
        _("terveystiedot erikseen hyväksytty"),
        default=False,
        help_text=_("Asiakas on antanut erillisen suostumuksen terveystietojen luovuttamiseen."),
    )
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_until = models.DateField(
        _("voimassa asti"), null=True, blank=True, help_text=_("Tyhjä: toistaiseksi.")
    )
    signed_on = models.DateField(_("annettu"))

    # Oral consent: one named event, and no disclosure outside it.
    event_kind = models.CharField(
        _("tapahtuman laji"), max_length=32, choices=OralEventKind.choices, blank=True
    )
    event_name = models.CharField(_("tapahtuma"), max_length=200, blank=True)
    event_date = models.DateField(_("tapahtuman päivä"), null=True, blank=True)
    event_reference = models.CharField(
        _("tapahtuman tunniste"),
        max_length=64,
        blank=True,
        help_text=_("Esimerkiksi konsultaatioistunnon tunniste."),
    )
    # An event Polku does not hold (a call with Kela) starts and ends at the times the worker
    # recorded with the consent: it covers disclosures between them on that day, none after.
    event_starts_at = models.DateTimeField(_("tapahtuma alkaa"), null=True, blank=True)
    event_ends_at = models.DateTimeField(_("tapahtuma päättyy"), null=True, blank=True)

    recorded_at = models.DateTimeField(_("kirjattu"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kirjaaja"),
    )

    revoked_at = models.DateTimeField(_("peruutettu"), null=True, blank=True)
    revoked_on = models.DateField(_("peruutuspäivä"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("peruutuksen kirjaaja"),
    )
    revocation_method = models.CharField(
        _("peruutustapa"), max_length=16, choices=RevocationMethod.choices, blank=True
    )
    revoked_through = models.CharField(_("kenen kautta"), max_length=200, blank=True)
    revoked_through_organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minkä organisaation kautta"),
    )
    revocation_note = models.TextField(_("lisätieto peruutuksesta"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("suostumus")
        verbose_name_plural = _("suostumukset")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(
                fields=["client", "valid_until"],
                condition=Q(superseded_at__isnull=True, revoked_at__isnull=True),
                name="consent_current_by_client",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="consent_version_unique"),
            models.UniqueConstraint(
                fields=["series"],
                condition=Q(superseded_at__isnull=True),
                name="consent_one_current_version",
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True)
                | Q(version__gt=1, supersedes__isnull=False),
                name="consent_version_chain",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="consent_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__gte=F("signed_on")), name="consent_valid_from_after_given"
            ),
            models.CheckConstraint(
                condition=_array_of("purposes", Purpose), name="consent_purposes_from_list"
            ),
            models.CheckConstraint(
                condition=_array_of("categories", InformationCategory),
                name="consent_categories_from_list",
            ),
            # The special category needs its own tick, and the tick means health data.
            models.CheckConstraint(
                condition=Q(categories__contains=["health"], health_confirmed=True)
                | (~Q(categories__contains=["health"]) & Q(health_confirmed=False)),
                name="consent_health_separately_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(giver_kind="client", giver_name="", giver_basis="")
                | (
                    Q(giver_kind__in=["guardian", "representative"])
                    & ~Q(giver_name="")
                    & ~Q(giver_basis="")
                ),
                name="consent_giver_named",
            ),
            models.CheckConstraint(
                condition=~Q(form="other") | ~Q(form_description=""),
                name="consent_other_form_described",
            ),
            # Oral consent: one named event on one day, no form; written: no event.
            models.CheckConstraint(
                condition=(
                    Q(
                        method="oral",
                        form="",
                        event_date__isnull=False,
                        valid_from=F("event_date"),
                        valid_until=F("event_date"),
                    )
                    & ~Q(event_kind="")
                    & ~Q(event_name="")
                )
                | (
                    ~Q(method="oral")
                    & ~Q(form="")
                    & Q(event_kind="", event_name="", event_reference="", event_date__isnull=True)
                ),
                name="consent_oral_bound_to_event",
            ),
            # An oral consent for an event Polku does not hold records when the event starts
            # and ends; a session's come from the session, and a written consent has none.
            models.CheckConstraint(
                condition=Q(
                    event_kind__in=["", *EVENT_KINDS_TIMED_BY_SOURCE],
                    event_starts_at__isnull=True,
                    event_ends_at__isnull=True,
                )
                | (
                    ~Q(event_kind__in=["", *EVENT_KINDS_TIMED_BY_SOURCE])
                    & Q(event_starts_at__isnull=False, event_ends_at__isnull=False)
                ),
                name="consent_oral_event_timed",
            ),
            models.CheckConstraint(
                condition=Q(event_starts_at__isnull=True)
                | Q(event_ends_at__gt=F("event_starts_at")),
                name="consent_oral_event_ends_after_start",
            ),
            # An oral consent is recorded on its event's day (during the event or after it,
            # the same day): recorded later it would reach back to disclosures made days ago.
            models.CheckConstraint(
                condition=~Q(method="oral")
                | Q(Exact(TruncDate("recorded_at", tzinfo=EVENT_TIME_ZONE), F("event_date"))),
                name="consent_oral_recorded_on_event_day",
            ),
            # One event, on its one day: it neither starts nor ends on another.
            models.CheckConstraint(
                condition=Q(event_starts_at__isnull=True)
                | Q(
                    Exact(TruncDate("event_starts_at", tzinfo=EVENT_TIME_ZONE), F("event_date")),
                    Exact(TruncDate("event_ends_at", tzinfo=EVENT_TIME_ZONE), F("event_date")),
                ),
                name="consent_oral_event_on_its_day",
            ),
            models.CheckConstraint(
                condition=Q(
                    revoked_at__isnull=True,
                    revoked_on__isnull=True,
                    revoked_by__isnull=True,
                    revocation_method="",
                    revoked_through="",
                    revoked_through_organisation__isnull=True,
                    revocation_note="",
                )
                | (
                    Q(
                        revoked_at__isnull=False,
                        revoked_on__isnull=False,
                        revoked_by__isnull=False,
                        revoked_at__gte=F("recorded_at"),
                    )
                    & ~Q(revocation_method="")
                    & ~Q(revoked_through="")
                ),
                name="consent_revocation_complete",
            ),
            # A consent is revoked on or after the day it was given.
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("signed_on")),
                name="consent_revoked_not_before_given",
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(revoked_at__isnull=True),
                name="consent_superseded_or_revoked",
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(superseded_at__gte=F("recorded_at")),
                name="consent_superseded_after_recorded",
            ),
        ]
        # A version's content is evidence: a change is a new version, never an edit. Only
        # superseded_at and the REVOCATION_FIELDS change, and a version is never deleted:
        # triggers of consents migration 0006, which no setting switches off. A revocation
        # is written once and superseded_at only moves earlier once set (migration 0008).

    def __str__(self) -> str:
        return f"{self.kind_label}, {_('versio')} {self.version}"

    @property
    def name_with_date(self) -> str:
        """ "Kelan lomake Y 100, versio 1, annettu 5.12.2026": tells two consents on the same
        form apart, in the panel and the log report."""
        return gettext("%(consent)s, annettu %(date)s") % {
            "consent": self,
            "date": date_format(self.signed_on, "SHORT_DATE_FORMAT"),
        }

    @property
    def kind_label(self) -> str:
        if self.method == ConsentMethod.ORAL:
            return str(_("Suullinen suostumus"))
        if self.form == ConsentFormType.OTHER:
            return self.form_description
        return str(self.get_form_display())

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_oral(self) -> bool:
        return self.method == ConsentMethod.ORAL

    @property
    def event_when(self) -> str:
        """The oral consent's event day and, when recorded, its hours ("12.3.2025 klo 8.00–8.30")."""
        if self.event_date is None:
            return ""
        day = date_format(self.event_date, "SHORT_DATE_FORMAT")
        if self.event_starts_at is None or self.event_ends_at is None:
            return day
        return str(_("%(day)s klo %(start)s–%(end)s")) % {
            "day": day,
            "start": time_format(timezone.localtime(self.event_starts_at, EVENT_TIME_ZONE)),
            "end": time_format(timezone.localtime(self.event_ends_at, EVENT_TIME_ZONE)),
        }

    @property
    def ends_at_majority(self) -> bool:
        """A guardian's consent that would run past the client's last day as a minor: it ends
        on that day instead (ConsentQuerySet.in_force). Reads the client (select_related)."""
        if self.giver_kind != GiverKind.GUARDIAN:
            return False
        last = self.client.last_day_as_minor
        return self.valid_until is None or self.valid_until > last

    @property
    def last_day(self):
        """The last day the version covers by its days: `valid_until` (None: until further
        notice), for a guardian's consent at the latest the day before the client's 18th
        birthday, as ConsentQuerySet.in_force counts it."""
        if self.ends_at_majority:
            return self.client.last_day_as_minor
        return self.valid_until

    def is_expired_on(self, day) -> bool:
        last = self.last_day
        return last is not None and last < day

    def status_on(self, day, *, event_over: bool = False) -> str:
        """A short status for lists: revoked, superseded, expired, upcoming or in force.

        An older version that a change signed in advance supersedes only when the new
        version starts is in force until then. An oral consent whose event is over
        (`event_over`, as `coverage.consent_statuses` reads the event) covers nothing
        more: its event has ended, though its day has not."""
        if self.is_revoked:
            return str(_("Peruutettu"))
        if not self.is_current:
            replaced_on = timezone.localdate(self.superseded_at)
            if replaced_on > day and not self.is_expired_on(day) and self.valid_from <= day:
                return str(_("Voimassa, kunnes uusi versio alkaa %(date)s")) % {
                    "date": date_format(replaced_on, "SHORT_DATE_FORMAT")
                }
            return str(_("Korvattu uudella versiolla"))
        if self.is_expired_on(day):
            if self.ends_at_majority:
                return str(_("Päättynyt: asiakas on täysi-ikäinen"))
            return str(_("Päättynyt"))
        if self.valid_from > day:
            return str(_("Ei vielä voimassa"))
        if self.is_oral and event_over:
            return str(_("Tapahtuma päättynyt"))
        return str(_("Voimassa"))

    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in self.purposes]

    def category_labels(self) -> list[str]:
        return [str(InformationCategory(c).label) for c in self.categories]


@pghistory.track()
class ConsentParty(models.Model):
    """A party a consent names: one organisation, or every organisation of a kind."""

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="parties")
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    organisation_kind = models.CharField(
        _("organisaatiotyyppi"), max_length=32, choices=OrganisationKind.choices, blank=True
    )

    class Meta:
        verbose_name = _("suostumuksen osapuoli")
        verbose_name_plural = _("suostumuksen osapuolet")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(organisation_kind=""))
                | (Q(organisation__isnull=True) & ~Q(organisation_kind="")),
                name="consent_party_organisation_or_kind",
            ),
            models.UniqueConstraint(
                fields=["consent", "organisation"],
                condition=Q(organisation__isnull=False),
                name="consent_party_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["consent", "organisation_kind"],
                condition=~Q(organisation_kind=""),
                name="consent_party_kind_once",
            ),
        ]
        # Append-only: trigger consent_party_append_only (consents migration 0006).

    def __str__(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        return str(
            _("%(kind)s (kaikki)") % {"kind": OrganisationKind(self.organisation_kind).label}
        )

    @property
    def is_kela(self) -> bool:
        if self.organisation_id:
            return self.organisation.kind == OrganisationKind.KELA
        return self.organisation_kind == OrganisationKind.KELA

    def covers(self, organisation) -> bool:
        if self.organisation_id:
            return self.organisation_id == organisation.pk
        return self.organisation_kind == organisation.kind


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Ei virustarkistusta (ei käytössä)")
    PENDING = "pending", _("Karanteenissa: virustarkistus kesken")
    CLEAN = "clean", _("Tarkistettu: ei haittaohjelmia")
    INFECTED = "infected", _("Hylätty: haittaohjelma löytyi, tiedosto poistettu")


AVAILABLE_SCAN_STATUSES = (ScanStatus.NOT_SCANNED, ScanStatus.CLEAN)


class ScanContentType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


@pghistory.track()
class ConsentScan(models.Model):
    """A scan of the signed form, stored privately under a random name.

    The file lives under POLKU_PRIVATE_ROOT, never under a public URL; it is
    served only by the access-checked download view, which logs the download.
    A file waiting for the virus scanner is in quarantine and never served.
    """

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="scans")
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("alkuperäinen nimi"), max_length=255)
    content_type = models.CharField(
        _("tiedostotyyppi"), max_length=32, choices=ScanContentType.choices
    )
    size = models.PositiveIntegerField(_("koko"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("tila"), max_length=16, choices=ScanStatus.choices)
    scanned_at = models.DateTimeField(_("tarkistettu"), null=True, blank=True)
    scan_result = models.CharField(_("tarkistuksen tulos"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("tallennettu"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tallentaja"),
    )

    objects = ConsentScanQuerySet.as_manager()

    class Meta:
        verbose_name = _("skannattu lomake")
        verbose_name_plural = _("skannatut lomakkeet")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gte=1, size__lte=MAX_SCAN_BYTES), name="consent_scan_size"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=ScanContentType.values),
                name="consent_scan_content_type",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["clean", "infected"], scanned_at__isnull=False)
                | Q(status__in=["not_scanned", "pending"], scanned_at__isnull=True),
                name="consent_scan_scanned_at",
            ),
        ]

    def __str__(self) -> str:
        """ "Kelan lomake Y 100, versio 1, skannattu 7.12.2026": the form, its version and the
        day, never the uploaded file's name, which may name the client or carry their
        identity code and is shown only to those who record consents (the consent page)."""
        return gettext("%(consent)s, skannattu %(date)s") % {
            "consent": self.consent,
            "date": date_format(timezone.localtime(self.uploaded_at), "SHORT_DATE_FORMAT"),
        }

    @property
    def is_available(self) -> bool:
        return self.status in AVAILABLE_SCAN_STATUSES

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
            self.content_type
        ]


@pghistory.track()
class StatutoryBasis(models.Model):
    """A right to disclose that a statute gives, recorded for one client and one party.

    An alternative to consent: it names the statute, the party (an
    organisation or every organisation of a kind), the purposes and the
    information categories, and the period it is relied on.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="statutory_bases"
    )
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    organisation_kind = models.CharField(
        _("organisaatiotyyppi"), max_length=32, choices=OrganisationKind.choices, blank=True
    )
    statute = models.CharField(
        _("säädös"),
        max_length=200,
        help_text=_(
            "Laki ja pykälä, esimerkiksi ”Laki sosiaalihuollon asiakkaan asemasta 812/2000, 17 §”."
        ),
    )
    description = models.TextField(_("lisätieto"), blank=True)
    purposes = ArrayField(
        models.CharField(max_length=32, choices=Purpose.choices),
        verbose_name=_("käyttötarkoitukset"),
    )
    categories = ArrayField(
        models.CharField(max_length=32, choices=InformationCategory.choices),
        verbose_name=_("tietoryhmät"),
    )
    valid_from = models.DateField(_("alkaen"))
    valid_until = models.DateField(_("asti"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("kirjattu"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("päätetty"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = StatutoryBasisQuerySet.as_manager()

    class Meta:
        verbose_name = _("lakiperuste")
        verbose_name_plural = _("lakiperusteet")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(statute=""), name="statutory_basis_names_statute"),
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(organisation_kind=""))
                | (Q(organisation__isnull=True) & ~Q(organisation_kind="")),
                name="statutory_basis_organisation_or_kind",
            ),
            models.CheckConstraint(
                condition=_array_of("purposes", Purpose), name="statutory_basis_purposes"
            ),
            models.CheckConstraint(
                condition=_array_of("categories", InformationCategory),
                name="statutory_basis_categories",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="statutory_basis_period",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_by__isnull=True)
                | Q(ended_at__isnull=False, ended_by__isnull=False),
                name="statutory_basis_ended_complete",
            ),
        ]
        # Read-only but for its end (ended_at, ended_by), written once, never deleted:
        # triggers of consents migrations 0006 and 0008.

    def __str__(self) -> str:
        return self.statute

    @property
    def party_label(self) -> str:
        if self.organisation_id:
            return str(self.organisation)
        return str(
            _("%(kind)s (kaikki)") % {"kind": OrganisationKind(self.organisation_kind).label}
        )

    def purpose_labels(self) -> list[str]:
        return [str(Purpose(p).label) for p in self.purposes]

    def category_labels(self) -> list[str]:
        return [str(InformationCategory(c).label) for c in self.categories]
