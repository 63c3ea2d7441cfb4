"""Service types and their dated rule sets: law and local practice as data (DOMAIN.md)."""

from datetime import date

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.functions import TransactionNow
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from services.i18n import Phrase, TranslatedNameModel, in_name_order, pick_phrase
from services.models.organisations import Organisation
from services.querysets import ServiceRuleSetQuerySet, ServiceTypeQuerySet


@pghistory.track()
class ServiceType(TranslatedNameModel):
    """A kind of service a pathway step can be (rehabilitative work activity, IPS, …).

    The rules of a type are not here: they change with law and local practice,
    so they live in dated `ServiceRuleSet` rows.
    """

    code = models.SlugField(
        _("koodi"),
        max_length=64,
        unique=True,
        help_text=_("Pysyvä tunniste, johon ohjelma viittaa; ei muutu."),
    )
    legal_basis = models.CharField(_("säädösperusta"), max_length=300, blank=True)
    # The name printed for the client (the pathway summary): plain language, no abbreviations
    # ("Tuki työn löytämiseen ja työssä", not "Tuetun työllistymisen työhönvalmennus (IPS)").
    client_name_fi = models.CharField(
        _("nimi asiakkaalle suomeksi"),
        max_length=200,
        help_text=_(
            "Selkokielinen nimi, joka tulostuu asiakkaalle annettaviin papereihin. Ei lyhenteitä."
        ),
    )
    client_name_sv = models.CharField(_("nimi asiakkaalle ruotsiksi"), max_length=200, blank=True)
    client_name_en = models.CharField(_("nimi asiakkaalle englanniksi"), max_length=200, blank=True)
    needs_attendance = models.BooleanField(
        _("läsnäolo kirjataan"),
        default=False,
        help_text=_("Läsnäolopäivät kirjataan (kulukorvaus- tai avotyöpäivät)."),
    )
    is_active = models.BooleanField(_("käytössä"), default=True)

    objects = ServiceTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("palvelutyyppi")
        verbose_name_plural = _("palvelutyypit")
        ordering = [in_name_order()]

    def client_name(self, language: str) -> Phrase:
        """The name printed for the client in `language`: the plain-language name written for
        the client, or where none is written in that language (a type an administrator added
        before the field existed), the type's name in it (Finnish when that is missing too,
        and then marked as Finnish for the print's tags)."""
        language = (language or "fi")[:2]
        written = getattr(self, f"client_name_{language}", "")
        return Phrase(written) if written else pick_phrase(self, "name", language)

    @property
    def translated_legal_basis(self) -> str:
        """The legal basis in the reader's language where it is one of the reference
        statutes (services/reference.py); otherwise as written."""
        return gettext(self.legal_basis) if self.legal_basis else ""


class PlanType(models.TextChoices):
    CLIENT_PLAN = "client_plan", _("Asiakassuunnitelma")
    ACTIVATION_PLAN = "activation_plan", _("Aktivointisuunnitelma tai monialainen suunnitelma")
    WORK_ABILITY_SUPPORT_PLAN = "work_ability_support_plan", _("Työkyvyn tuen suunnitelma")


# The trigger function behind the rule that a rule set in force is never edited
# in place. "Today" is the Finnish calendar day, whatever the session time zone.
RULE_SET_FROZEN_FUNC = """
    today := (CURRENT_TIMESTAMP AT TIME ZONE 'Europe/Helsinki')::date;
    IF TG_OP = 'INSERT' THEN
        -- Links to companion types may be written only in the creating transaction.
        NEW.created_at := transaction_timestamp();
        RETURN NEW;
    END IF;
    IF OLD.valid_from > today THEN
        IF TG_OP = 'UPDATE' AND NEW.valid_from <= today THEN
            RAISE EXCEPTION USING
                ERRCODE = 'integrity_constraint_violation',
                MESSAGE = format(
                    'Service rule set %s cannot be moved to start on %s: a rule set may not '
                    'start in the past by an edit.', OLD.id, NEW.valid_from);
        END IF;
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'Service rule set %s has been in force since %s and cannot be deleted; '
                'supersede it with a new rule set instead.', OLD.id, OLD.valid_from);
    END IF;
    IF (to_jsonb(NEW) - 'valid_to') IS DISTINCT FROM (to_jsonb(OLD) - 'valid_to') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'Service rule set %s has been in force since %s and cannot be edited; '
                'supersede it with a new rule set instead.', OLD.id, OLD.valid_from);
    END IF;
    IF NEW.valid_to IS DISTINCT FROM OLD.valid_to AND (
        (OLD.valid_to IS NOT NULL AND OLD.valid_to < today)
        OR (NEW.valid_to IS NOT NULL AND NEW.valid_to < today)
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'Service rule set %s cannot end on %s: a rule set in force can only be '
                'ended from today on, and an ended one stays as it was.', OLD.id, NEW.valid_to);
    END IF;
    RETURN NEW;
"""

# The same rule for the companion-type links: no link of a rule set in force may be
# added or removed, except in the transaction that created the rule set.
RULE_SET_LINK_FROZEN_FUNC = """
    today := (CURRENT_TIMESTAMP AT TIME ZONE 'Europe/Helsinki')::date;
    SELECT valid_from, created_at INTO parent FROM services_serviceruleset
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.serviceruleset_id
                        ELSE NEW.serviceruleset_id END;
    IF FOUND AND parent.valid_from <= today AND parent.created_at < transaction_timestamp() THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'The companion types of service rule set %s cannot change: it has been in '
                'force since %s; supersede it with a new rule set instead.',
                CASE WHEN TG_OP = 'DELETE' THEN OLD.serviceruleset_id
                     ELSE NEW.serviceruleset_id END,
                parent.valid_from);
    END IF;
    RETURN COALESCE(NEW, OLD);
"""


@pghistory.track()
class ServiceRuleSet(models.Model):
    """The rules of one service type from one date, generally or for one organisation.

    A rule set in force (valid_from today or earlier) is never edited in place:
    PostgreSQL refuses UPDATE of any column but `valid_to` and DELETE, so past
    decisions keep their rules. A change is `actions.supersede_rule_set`.
    Empty limits mean "no such rule".
    """

    service_type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        related_name="rule_sets",
        verbose_name=_("palvelutyyppi"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_rule_sets",
        verbose_name=_("organisaatio"),
        help_text=_("Tyhjä: koskee kaikkia. Organisaation oma sääntö ohittaa yleisen."),
    )
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_to = models.DateField(
        _("voimassa asti"), null=True, blank=True, help_text=_("Tyhjä: toistaiseksi.")
    )
    min_duration_months = models.PositiveSmallIntegerField(
        _("jakson vähimmäiskesto (kk)"), null=True, blank=True
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("jakson enimmäiskesto (kk)"),
        null=True,
        blank=True,
        help_text=_("Tyhjä: ei aikarajaa."),
    )
    min_days_per_week = models.PositiveSmallIntegerField(
        _("vähintään päivää viikossa"), null=True, blank=True
    )
    max_days_per_week = models.PositiveSmallIntegerField(
        _("enintään päivää viikossa"), null=True, blank=True
    )
    min_hours_per_day = models.DecimalField(
        _("vähintään tuntia päivässä"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("alaikäraja"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("yläikäraja"), null=True, blank=True)
    requires = models.ManyToManyField(
        ServiceType,
        blank=True,
        related_name="required_by_rule_sets",
        verbose_name=_("vaatii rinnalleen"),
        help_text=_("Palvelut, joiden kaikkien on oltava käynnissä samaan aikaan."),
    )
    requires_one_of = models.ManyToManyField(
        ServiceType,
        blank=True,
        related_name="required_as_one_of_by_rule_sets",
        verbose_name=_("vaatii rinnalleen jonkin näistä"),
        help_text=_("Vähintään yhden näistä palveluista on oltava käynnissä samaan aikaan."),
    )
    may_run_alongside = models.ManyToManyField(
        ServiceType,
        blank=True,
        related_name="allowed_alongside_by_rule_sets",
        verbose_name=_("voi olla rinnalla"),
    )
    compensation_cap_per_day = models.DecimalField(
        _("korvaus enintään €/päivä"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    compensation_is_not_wage = models.BooleanField(_("korvaus ei ole palkkaa"), default=False)
    required_plan_type = models.CharField(
        _("vaadittu suunnitelma"), max_length=32, choices=PlanType.choices, blank=True
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("arvioinnin väli (kk)"), null=True, blank=True
    )
    warning_month = models.PositiveSmallIntegerField(
        _("varoitus kuukautena"),
        null=True,
        blank=True,
        help_text=_("Jakson kuukausi, jolloin vastuutyöntekijää varoitetaan päättymisestä."),
    )
    employer_contact_alert_days = models.PositiveSmallIntegerField(
        _("hälytys, jos ei työnantajakontaktia (pv)"), null=True, blank=True
    )
    coach_caseload_warning = models.PositiveSmallIntegerField(
        _("varoitus, kun valmentajalla asiakkaita yli"), null=True, blank=True
    )
    employment_target_min_percent = models.PositiveSmallIntegerField(
        _("työllistymistavoite vähintään (%)"), null=True, blank=True
    )
    employment_target_max_percent = models.PositiveSmallIntegerField(
        _("työllistymistavoite enintään (%)"), null=True, blank=True
    )
    source = models.CharField(
        _("lähde"),
        max_length=300,
        help_text=_("Laki tai käytäntö, johon säännöt perustuvat, esim. „Essoten käytäntö“."),
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("korvaa säännön"),
    )
    created_at = models.DateTimeField(_("luotu"), db_default=TransactionNow(), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("luonut"),
    )

    objects = ServiceRuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("palvelun säännöt")
        verbose_name_plural = _("palvelujen säännöt")
        ordering = [in_name_order("service_type__"), in_name_order("organisation__"), "-valid_from"]
        indexes = [models.Index(fields=["service_type", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                name="rule_set_valid_to_after_valid_from",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                violation_error_message=_("Päättymispäivä ei voi olla ennen alkamispäivää."),
            ),
            models.CheckConstraint(
                name="rule_set_source_given",
                condition=~Q(source=""),
                violation_error_message=_("Kerro, mihin lakiin tai käytäntöön säännöt perustuvat."),
            ),
            models.CheckConstraint(
                name="rule_set_duration_order",
                condition=Q(min_duration_months__isnull=True)
                | Q(max_duration_months__isnull=True)
                | Q(min_duration_months__lte=F("max_duration_months")),
                violation_error_message=_("Vähimmäiskesto ei voi ylittää enimmäiskestoa."),
            ),
            models.CheckConstraint(
                name="rule_set_max_duration_positive",
                condition=Q(max_duration_months__isnull=True) | Q(max_duration_months__gte=1),
                violation_error_message=_("Enimmäiskeston on oltava vähintään kuukausi."),
            ),
            models.CheckConstraint(
                name="rule_set_days_per_week_range",
                condition=(Q(min_days_per_week__isnull=True) | Q(min_days_per_week__range=(1, 7)))
                & (Q(max_days_per_week__isnull=True) | Q(max_days_per_week__range=(1, 7)))
                & (
                    Q(min_days_per_week__isnull=True)
                    | Q(max_days_per_week__isnull=True)
                    | Q(min_days_per_week__lte=F("max_days_per_week"))
                ),
                violation_error_message=_(
                    "Päiviä viikossa on 1–7, eikä vähimmäismäärä voi ylittää enimmäismäärää."
                ),
            ),
            models.CheckConstraint(
                name="rule_set_hours_per_day_range",
                condition=Q(min_hours_per_day__isnull=True)
                | (Q(min_hours_per_day__gt=0) & Q(min_hours_per_day__lte=24)),
                violation_error_message=_("Tunteja päivässä on enemmän kuin 0 ja enintään 24."),
            ),
            models.CheckConstraint(
                name="rule_set_age_order",
                condition=(Q(min_age__isnull=True) | Q(max_age__isnull=True))
                | Q(min_age__lte=F("max_age")),
                violation_error_message=_("Alaikäraja ei voi ylittää yläikärajaa."),
            ),
            models.CheckConstraint(
                name="rule_set_compensation_cap_not_negative",
                condition=Q(compensation_cap_per_day__isnull=True)
                | Q(compensation_cap_per_day__gte=0),
                violation_error_message=_("Korvauksen enimmäismäärä ei voi olla negatiivinen."),
            ),
            models.CheckConstraint(
                name="rule_set_positive_intervals",
                condition=(
                    Q(review_interval_months__isnull=True) | Q(review_interval_months__gte=1)
                )
                & (Q(warning_month__isnull=True) | Q(warning_month__gte=1))
                & (
                    Q(employer_contact_alert_days__isnull=True)
                    | Q(employer_contact_alert_days__gte=1)
                )
                & (Q(coach_caseload_warning__isnull=True) | Q(coach_caseload_warning__gte=1)),
                violation_error_message=_(
                    "Arviointiväli, varoituskuukausi, hälytyspäivät ja asiakasraja ovat "
                    "vähintään 1."
                ),
            ),
            models.CheckConstraint(
                name="rule_set_warning_within_duration",
                condition=Q(warning_month__isnull=True)
                | Q(max_duration_months__isnull=True)
                | Q(warning_month__lte=F("max_duration_months")),
                violation_error_message=_("Varoituskuukausi ei voi olla enimmäiskeston jälkeen."),
            ),
            models.CheckConstraint(
                name="rule_set_employment_target_range",
                condition=(
                    Q(employment_target_min_percent__isnull=True)
                    | Q(employment_target_min_percent__lte=100)
                )
                & (
                    Q(employment_target_max_percent__isnull=True)
                    | Q(employment_target_max_percent__lte=100)
                )
                & (
                    Q(employment_target_min_percent__isnull=True)
                    | Q(employment_target_max_percent__isnull=True)
                    | Q(employment_target_min_percent__lte=F("employment_target_max_percent"))
                ),
                violation_error_message=_(
                    "Työllistymistavoite on 0–100 %, eikä alaraja voi ylittää ylärajaa."
                ),
            ),
            # No two rule sets of one type and organisation (or two general ones) in
            # force on the same day. Core PostgreSQL only: ranges stand in for
            # equality, which GiST would otherwise need btree_gist for.
            ExclusionConstraint(
                name="rule_set_no_overlap",
                expressions=[
                    (
                        Func(
                            F("service_type"),
                            F("service_type"),
                            Value("[]"),
                            function="int8range",
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Func(
                            Coalesce(F("organisation"), Value(0)),
                            Coalesce(F("organisation"), Value(0)),
                            Value("[]"),
                            function="int8range",
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Func(F("valid_from"), F("valid_to"), Value("[]"), function="daterange"),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message=_(
                    "Samalle palvelutyypille ja organisaatiolle on jo voimassa olevat säännöt "
                    "osittain samalle ajalle."
                ),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="rule_set_in_force_frozen",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                declare=[("today", "date")],
                func=RULE_SET_FROZEN_FUNC,
            )
        ]

    def __str__(self) -> str:
        scope = self.organisation.name if self.organisation_id else _("yleinen")
        return f"{self.service_type.name} ({scope}) {self.valid_from:%-d.%-m.%Y}–" + (
            f"{self.valid_to:%-d.%-m.%Y}" if self.valid_to else ""
        )

    @property
    def translated_source(self) -> str:
        """The source of the rules in the reader's language where it is one of the reference
        statutes or practices (services/reference.py); a source written by an administrator
        is shown as written."""
        return gettext(self.source)

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_frozen(self) -> bool:
        """True once the rule set has come into force: it can then only be superseded."""
        return self.pk is not None and self.valid_from <= timezone.localdate()


def _link_trigger() -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name="rule_set_link_frozen",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        declare=[("today", "date"), ("parent", "record")],
        func=RULE_SET_LINK_FROZEN_FUNC,
    )


# Proxies of the auto-created link tables carry their triggers (django-pgtrigger's
# way to put triggers on many-to-many tables).
class ServiceRuleSetRequires(ServiceRuleSet.requires.through):
    class Meta:
        proxy = True
        triggers = [_link_trigger()]


class ServiceRuleSetRequiresOneOf(ServiceRuleSet.requires_one_of.through):
    class Meta:
        proxy = True
        triggers = [_link_trigger()]


class ServiceRuleSetMayRunAlongside(ServiceRuleSet.may_run_alongside.through):
    class Meta:
        proxy = True
        triggers = [_link_trigger()]
