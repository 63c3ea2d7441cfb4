"""Clients, their care teams, assessments, client plans with goals, and case notes."""

import datetime
import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.majority import last_day_as_minor
from clients.names import SORT_NAME_MAX_LENGTH
from clients.querysets import (
    BreakTheGlassQuerySet,
    CareTeamMembershipQuerySet,
    CaseNoteQuerySet,
    ClientPlanQuerySet,
    ClientQuerySet,
)
from services.models import PlanType


class Language(models.TextChoices):
    FINNISH = "fi", _("suomi")
    SWEDISH = "sv", _("ruotsi")
    ENGLISH = "en", _("englanti")
    OTHER = "other", _("muu kieli")


class CommunicationNeed(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", _("viittomakieli")
    PICTURE_SUPPORT = "picture_support", _("kuvatuki")
    PLAIN_LANGUAGE = "plain_language", _("selkokieli")
    INTERPRETER = "interpreter", _("tulkki")
    HEARING = "hearing", _("kuulon apuvälineet")
    VISION = "vision", _("näkövammaisen tuki")


class ContactMethod(models.TextChoices):
    """How the client wishes to be contacted (empty on the client: not known)."""

    PHONE_CALL = "phone_call", _("puhelu")
    TEXT_MESSAGE = "text_message", _("tekstiviesti")
    EMAIL = "email", _("sähköposti")
    LETTER = "letter", _("kirje")
    # Only through the worker, when they meet (no calls or messages in between).
    IN_PERSON = "in_person", _("vain tapaamisissa")


class RelationshipHome(models.TextChoices):
    SOCIAL_SERVICES = "social_services", _("Sosiaalipalvelut")
    EMPLOYMENT_SERVICES = "employment_services", _("Työllisyyspalvelut")


IDENTITY_CODE_ONCE_PER_ORGANISATION = "client_identity_code_once_per_organisation"
# A client stays in its organisation's register: its responsible unit is always one of
# that organisation's units (a transfer moves responsibility within the organisation).
CLIENT_ORGANISATION_FUNC = """
    IF NEW.organisation_id IS DISTINCT FROM
       (SELECT organisation_id FROM services_unit WHERE id = NEW.responsible_unit_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'Client %s is in the register of organisation %s; its responsible unit %s '
                'must be a unit of that organisation.',
                NEW.id, NEW.organisation_id, NEW.responsible_unit_id);
    END IF;
    RETURN NEW;
"""


@pghistory.track(
    exclude=["search_name", "search_prefixes", "identity_code_encrypted", "identity_code_hash"]
)
class Client(models.Model):
    # A bigint key for constraints (int8range in exclusion constraints);
    # the UUID is the only id that leaves the database.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identity_code_encrypted = models.TextField(editable=False)
    # The keyed hash finds the client; each organisation's register holds a code once.
    identity_code_hash = models.CharField(max_length=64, db_index=True, editable=False)
    identity_code_masked = models.CharField(_("henkilötunnus"), max_length=11, editable=False)
    identity_code_is_temporary = models.BooleanField(_("väliaikainen henkilötunnus"), default=False)
    birth_date = models.DateField(_("syntymäaika"))
    first_names = models.CharField(_("etunimet"), max_length=150)
    last_name = models.CharField(_("sukunimi"), max_length=150)
    calling_name = models.CharField(_("kutsumanimi"), max_length=80, blank=True)
    # The list order's key, in Finnish alphabetical order by code point (clients.names.sort_name).
    search_name = models.CharField(
        max_length=SORT_NAME_MAX_LENGTH, editable=False, db_collation="C"
    )
    search_prefixes = ArrayField(models.CharField(max_length=30), default=list, editable=False)
    language = models.CharField(
        _("asiointikieli"), max_length=8, choices=Language.choices, default=Language.FINNISH
    )
    other_language = models.CharField(_("muu asiointikieli"), max_length=60, blank=True)
    interpreter_needed = models.BooleanField(_("tarvitsee tulkin"), default=False)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    street_address = models.CharField(_("katuosoite"), max_length=200, blank=True)
    postal_code = models.CharField(_("postinumero"), max_length=5, blank=True)
    city = models.CharField(_("postitoimipaikka"), max_length=80, blank=True)
    address_non_disclosure = models.BooleanField(
        _("turvakielto"),
        default=False,
        help_text=_("Osoite näkyy vain vastuutyöntekijälle eikä tulostu koskaan."),
    )
    # A letter to a non-disclosed address changes nothing of who sees the address.
    preferred_contact = models.CharField(
        _("ensisijainen yhteydenottotapa"),
        max_length=16,
        choices=ContactMethod.choices,
        blank=True,
        help_text=_(
            "Miten asiakas toivoo, että häneen otetaan yhteyttä. Jätä tyhjäksi, jos asiakkaan "
            "toivetta ei tiedetä."
        ),
    )
    communication_needs = ArrayField(
        models.CharField(max_length=32, choices=CommunicationNeed.choices),
        default=list,
        blank=True,
        verbose_name=_("kommunikointi ja saavutettavuus"),
    )
    accessibility_notes = models.TextField(_("huomioitavaa asioinnissa"), blank=True)
    relationship_home = models.CharField(
        _("asiakkuus"),
        max_length=32,
        choices=RelationshipHome.choices,
        default=RelationshipHome.SOCIAL_SERVICES,
    )
    # The organisation whose client register this is (the controller): that of the
    # responsible unit, which moves only within it.
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("organisaatio"),
        editable=False,
    )
    responsible_unit = models.ForeignKey(
        "services.Unit",
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("vastuuyksikkö"),
    )
    closed_on = models.DateField(_("asiakkuus päättynyt"), null=True, blank=True)
    closure_reason = models.TextField(_("päättymisen syy"), blank=True)
    # The day the relationship was last opened again: a later closing cannot be dated before it.
    reopened_on = models.DateField(_("asiakkuus avattu uudelleen"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("asiakas")
        verbose_name_plural = _("asiakkaat")
        ordering = ["search_name"]
        indexes = [
            GinIndex(fields=["search_prefixes"], name="client_search_prefixes"),
            models.Index(fields=["responsible_unit", "closed_on"], name="client_unit_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(closure_reason=""),
                name="client_closure_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(reopened_on__isnull=True)
                | Q(closed_on__gte=F("reopened_on")),
                name="client_closed_after_reopening",
            ),
            models.UniqueConstraint(
                fields=["organisation", "identity_code_hash"],
                name=IDENTITY_CODE_ONCE_PER_ORGANISATION,
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="client_register_of_responsible_unit",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=CLIENT_ORGANISATION_FUNC,
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"

    @property
    def display_name(self) -> str:
        return f"{self.calling_name or self.first_names.split()[0]} {self.last_name}"

    @property
    def postal_address(self) -> str:
        """The address as one line of the parts given ("Kotikatu 1, 00100 Helsinki"); empty
        when none is. Only for those who may see it (clients.see_address)."""
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street_address, place) if part)

    @property
    def is_active(self) -> bool:
        return self.closed_on is None

    def age_on(self, day) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def last_day_as_minor(self) -> datetime.date:
        """The day before the client's 18th birthday (clients.majority)."""
        return last_day_as_minor(self.birth_date)


class TeamRole(models.TextChoices):
    RESPONSIBLE_WORKER = "responsible_worker", _("Vastuutyöntekijä")
    SOTE_CONTACT = "sote_contact", _("Sote-yhteyshenkilö")
    WORK_PAIR = "work_pair", _("Työpari")
    COACH = "coach", _("Valmentaja")
    OTHER = "other", _("Muu tiimin jäsen")


@pghistory.track()
class CareTeamMembership(models.Model):
    """One person in a client's care team (omatiimi) for a period.

    A membership is current from `started_on` (which may be a later day) while
    `ended_on` is empty, up to and including `valid_until` when one is set (a
    coach for three months, say); a daily task then ends it on that day. The
    responsible worker's membership has no `valid_until`: it ends only by a
    transfer of responsibility. A proposed work pair waits for the responsible
    worker's acceptance (`accepted_at`) and gives no access until then. A member of another
    organisation added to start on a later day is admitted (`admitted_at`: the disclosure
    decided and logged) only on that day, and gives no access until then.

    A membership ended before its first day is `cancelled`: it ends on the day it was
    cancelled, before `started_on`, so the team's history never records an end that lies
    in the future (clients.actions.set_membership_end).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(_("rooli tiimissä"), max_length=32, choices=TeamRole.choices)
    # Whom the member works for on the team: the client's organisation, or the one that the
    # client's consent covered when they joined from outside it (clients.team_scope.admit).
    # The membership counts only while they act in a role of that organisation.
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    started_on = models.DateField(_("alkaen"), default=timezone.localdate)
    valid_until = models.DateField(_("voimassa asti"), null=True, blank=True)
    ended_on = models.DateField(_("päättynyt"), null=True, blank=True)
    cancelled = models.BooleanField(_("peruttu ennen alkamista"), default=False)
    accepted_at = models.DateTimeField(_("hyväksytty"), null=True, blank=True, default=timezone.now)
    # When the joining was decided (clients.team_scope): on adding, or, for a member of
    # another organisation added to start on a later day, on that day, when the disclosure
    # is made (consents.team_coverage.admit_starting_memberships). Empty until then: the
    # membership gives no access (CareTeamMembershipQuerySet.current).
    admitted_at = models.DateTimeField(
        _("liittyminen päätetty"), null=True, blank=True, default=timezone.now
    )
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = CareTeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiimin jäsenyys")
        verbose_name_plural = _("tiimin jäsenyydet")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(role="responsible_worker", ended_on__isnull=True),
                name="one_current_responsible_worker",
            ),
            models.UniqueConstraint(
                fields=["client", "user", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_not_doubled",
            ),
            # "Other member" is for someone with no role in the team: never beside the
            # responsible worker's or the sote contact person's (clients.actions
            # .check_roles_beside also keeps it from the others).
            models.UniqueConstraint(
                fields=["client", "user"],
                condition=Q(ended_on__isnull=True, role__in=["responsible_worker", "other"]),
                name="responsible_worker_not_also_other",
            ),
            models.UniqueConstraint(
                fields=["client", "user"],
                condition=Q(ended_on__isnull=True, role__in=["sote_contact", "other"]),
                name="sote_contact_not_also_other",
            ),
            # Ended on or after its start, or cancelled before it: ended (on the day it was
            # cancelled) before its start.
            models.CheckConstraint(
                condition=Q(
                    Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), cancelled=False
                )
                | Q(cancelled=True, ended_on__isnull=False, ended_on__lt=F("started_on")),
                name="membership_period",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("started_on")),
                name="membership_valid_until_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(role="responsible_worker") | Q(valid_until__isnull=True),
                name="responsible_worker_until_transfer",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_on"], name="membership_user_current")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class BreakTheGlass(models.Model):
    """Time-limited read access to a client outside one's team, with a stated reason."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="break_the_glass_events"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The role and unit it was opened in: it holds only while the user acts in both.
    role = models.CharField(max_length=32)
    unit = models.ForeignKey("services.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("peruste"))
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("tarkastuksen huomio"), blank=True)

    objects = BreakTheGlassQuerySet.as_manager()

    class Meta:
        verbose_name = _("murtautuminen")
        verbose_name_plural = _("murtautumiset")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("started_at")), name="btg_expires_after_start"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="btg_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


# An assessment is not completed on a day still to come: trigger of migration 0011.
ASSESSMENT_COMPLETED_NOT_IN_FUTURE_TRIGGER = "assessment_completed_not_in_future"
# A completed assessment does not change; a correction is a new one: trigger of migration 0021.
ASSESSMENT_COMPLETED_FIXED_TRIGGER = "assessment_completed_fixed"


class SpecialSupport(models.TextChoices):
    """Is the client a client in need of special support (erityistä tukea tarvitseva
    asiakas, Social Welfare Act §3), as the service-need assessment finds."""

    NOT_ASSESSED = "not_assessed", _("Ei vielä arvioitu")
    YES = "yes", _("Kyllä, tarvitsee erityistä tukea")
    NO = "no", _("Ei tarvitse erityistä tukea")


@pghistory.track()
class ServiceNeedAssessment(models.Model):
    """Palvelutarpeen arvio (Social Welfare Act §36).

    Completed (with a conclusion) no earlier than it started and no later than the day the
    completion is written: the database refuses a completion day still to come
    (ASSESSMENT_COMPLETED_NOT_IN_FUTURE_TRIGGER). Once completed it is a record: it does not
    change, nor is it made in progress again (ASSESSMENT_COMPLETED_FIXED_TRIGGER); a correction
    is a new assessment.

    A completed assessment records the client's own view of their service need (§36): the
    database refuses one without it (assessment_completed_has_client_view, added NOT VALID:
    assessments completed before the field existed stay as they were completed).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assessments")
    started_on = models.DateField(_("aloitettu"), default=timezone.localdate)
    completed_on = models.DateField(_("valmistunut"), null=True, blank=True)
    conclusion = models.TextField(_("johtopäätös"), blank=True)
    client_view = models.TextField(
        _("asiakkaan oma näkemys palvelutarpeesta"),
        blank=True,
        help_text=_(
            "Asiakkaan oma mielipide ja näkemys palvelutarpeestaan, hänen omin sanoin. "
            "Kirjataan viimeistään, kun arvio valmistuu."
        ),
    )
    special_support = models.CharField(
        _("erityistä tukea tarvitseva asiakas"),
        max_length=16,
        choices=SpecialSupport.choices,
        default=SpecialSupport.NOT_ASSESSED,
        help_text=_(
            "Onko asiakkaalla erityisiä vaikeuksia hakea ja saada tarvitsemiaan palveluja "
            "(sosiaalihuoltolaki 3 §)."
        ),
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("palvelutarpeen arvio")
        verbose_name_plural = _("palvelutarpeen arviot")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("started_on")),
                name="assessment_period",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | ~Q(conclusion=""),
                name="assessment_completed_has_conclusion",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | ~Q(client_view=""),
                name="assessment_completed_has_client_view",
            ),
            # One in progress at a time (actions.save_assessment refuses a second, under the
            # client's lock, next to the start date).
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(completed_on__isnull=True),
                name="assessment_one_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.started_on}"


# PlanType comes from services: a service's rule set names the plan type it requires.
class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Luonnos")
    AGREED = "agreed", _("Sovittu asiakkaan kanssa")
    ACTIVE = "active", _("Voimassa")
    CLOSED = "closed", _("Päättynyt")


CLIENT_VIEW_RECORDED = "plan_client_view_recorded"


@pghistory.track()
class ClientPlan(models.Model):
    """One version of a client plan. A revision is a new version; old versions stay readable.

    A superseded version and its goals do not change: triggers plan_version_fixed and
    plan_goal_of_current_version (migration 0009) refuse it in the database too.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="plans")
    plan_type = models.CharField(_("suunnitelman laji"), max_length=32, choices=PlanType.choices)
    version = models.PositiveIntegerField(_("versio"), default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    status = models.CharField(
        _("tila"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    client_view = models.TextField(
        _("asiakkaan oma näkemys"), help_text=_("Asiakkaan omin sanoin.")
    )
    strengths = models.TextField(_("vahvuudet"), blank=True, help_text=_("Asiakkaan omin sanoin."))
    agreed_services = models.TextField(_("sovitut palvelut"), blank=True)
    participants = models.TextField(_("osallistujat"), blank=True)
    next_review_on = models.DateField(_("seuraava arviointi"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClientPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("suunnitelma")
        verbose_name_plural = _("suunnitelmat")
        ordering = ["plan_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "plan_type", "version"], name="plan_version_unique"
            ),
            # Written with the client: their own view is recorded (actions.plans._check_plan).
            models.CheckConstraint(
                condition=Q(client_view__regex=r"\S"), name=CLIENT_VIEW_RECORDED
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_plan_type_display()} v{self.version}"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "superseded_by") or self.superseded_by is None


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Ei aloitettu")
    IN_PROGRESS = "in_progress", _("Työn alla")
    ACHIEVED = "achieved", _("Saavutettu")
    CHANGED = "changed", _("Muutettu tai luovuttu")


@pghistory.track()
class PlanGoal(models.Model):
    plan = models.ForeignKey(ClientPlan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("tavoite"), help_text=_("Asiakkaan omin sanoin."))
    status = models.CharField(
        _("tila"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )

    class Meta:
        verbose_name = _("tavoite")
        verbose_name_plural = _("tavoitteet")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


# A case note is editable by its author for this long after it was written; then only amended.
# The database keeps the rule too: trigger case_note_edit_window (migration 0009).
NOTE_EDIT_WINDOW = datetime.timedelta(hours=24)
NOTE_EDIT_WINDOW_TRIGGER = "case_note_edit_window"
NOTE_SUBMITTED_ONCE = "case_note_submitted_once"


class NoteKind(models.TextChoices):
    MEETING = "meeting", _("Tapaaminen")
    PHONE = "phone", _("Puhelu")
    NETWORK_MEETING = "network_meeting", _("Verkostopalaveri")
    HOME_VISIT = "home_visit", _("Kotikäynti")
    OTHER = "other", _("Muu")


# The form's token is no part of the record: its history leaves it out.
@pghistory.track(exclude=["submission_token"])
class CaseNote(models.Model):
    """A case note (asiakaskirjaus). Editable by its author for 24 hours, then only amended."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("päivämäärä"), default=timezone.localdate)
    kind = models.CharField(
        _("laji"), max_length=32, choices=NoteKind.choices, default=NoteKind.MEETING
    )
    text = models.TextField(_("kirjaus"))
    health_related = models.BooleanField(
        _("sisältää terveystietoja"),
        default=False,
        help_text=_(
            "Vain sosiaalityöntekijä, sosiaaliohjaaja, terveydenhuollon ammattilainen ja työkykykoordinaattori näkevät kirjauksen."
        ),
    )
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The one-time token of the form the note was written on (CaseNoteForm): the same form
    # sent twice (a double click, the back button) is the same note (add_note). Empty on
    # notes written before the token, and on those written by code rather than a form.
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("asiakaskirjaus")
        verbose_name_plural = _("asiakaskirjaukset")
        ordering = ["-written_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "submission_token"], name=NOTE_SUBMITTED_ONCE
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.written_on}"

    @property
    def edit_window_open(self) -> bool:
        """Whether the note is still within its 24 hours of editing (by its author)."""
        return timezone.now() - self.created_at <= NOTE_EDIT_WINDOW
