"""Organisations and their units: the municipal and partner world Polku serves."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from services.i18n import TranslatedNameModel, in_name_order
from services.querysets import OrganisationQuerySet, UnitQuerySet


class OrganisationKind(models.TextChoices):
    SOCIAL_SERVICES = "social_services", _("Hyvinvointialue tai kunnan sosiaalipalvelut")
    EMPLOYMENT_SERVICES = "employment_services", _("Työllisyyspalvelut")
    KELA = "kela", _("Kela")
    HEALTH_CARE = "health_care", _("Terveydenhuolto")
    EDUCATION = "education", _("Koulutus")
    PROVIDER = "provider", _("Kolmas sektori tai palveluntuottaja")


class Organisation(TranslatedNameModel):
    slug = models.SlugField(_("tunniste"), max_length=80, unique=True)
    kind = models.CharField(_("tyyppi"), max_length=32, choices=OrganisationKind.choices)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisaatio")
        verbose_name_plural = _("organisaatiot")
        ordering = [in_name_order()]


class UnitKind(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Sosiaalityö ja -ohjaus")
    WORK_ACTIVITY = "work_activity", _("Työtoimintayksikkö")
    WORK_ABILITY = "work_ability", _("Työkykypalvelut")
    SUPPORTED_EMPLOYMENT = "supported_employment", _("Tuettu työllistyminen")
    YOUTH_WORKSHOP = "youth_workshop", _("Nuorten työpaja")
    EMPLOYMENT = "employment", _("Työllisyyspalvelut")
    HEALTH = "health", _("Terveyspalvelut")
    BENEFITS = "benefits", _("Etuudet")
    GUIDANCE = "guidance", _("Ohjaus ja neuvonta")
    OTHER = "other", _("Muu")


class Unit(TranslatedNameModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisaatio")
    )
    slug = models.SlugField(_("tunniste"), max_length=80, unique=True)
    kind = models.CharField(
        _("tyyppi"), max_length=32, choices=UnitKind.choices, default=UnitKind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("yläyksikkö"),
    )
    address = models.CharField(_("käyntiosoite"), max_length=200, blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("yksikkö")
        verbose_name_plural = _("yksiköt")
        ordering = [in_name_order("organisation__"), in_name_order()]
