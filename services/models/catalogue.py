"""The service catalogue for the partially work-able (Helsinki seed: six categories)."""

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from services.i18n import (
    Phrase,
    TranslatedNameModel,
    in_name_order,
    pick_phrase,
    pick_translation,
    translation_language,
)
from services.models.organisations import Organisation
from services.models.service_types import ServiceType
from services.querysets import CatalogueEntryQuerySet


class CatalogueCategory(models.TextChoices):
    """The six categories of the catalogue for the partially work-able (Helsinki seed)."""

    HEALTH_AND_SOCIAL_CARE = "health_and_social_care", _("Terveyden- ja sosiaalihuollon keinot")
    REHABILITATION = "rehabilitation", _("Kuntoutus (ammatillinen, lääkinnällinen, sosiaalinen)")
    EMPLOYMENT_SERVICES = "employment_services", _("Työllisyyspalvelut")
    SOCIAL_SECURITY = "social_security", _("Sosiaaliturva")
    EDUCATION = "education", _("Koulutus")
    WORKPLACE = "workplace", _("Työpaikan keinot")


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("suomi")
    SWEDISH = "sv", _("ruotsi")
    ENGLISH = "en", _("englanti")


@pghistory.track()
class CatalogueEntry(TranslatedNameModel):
    """One service in the catalogue for the partially work-able; may be a pathway step."""

    slug = models.SlugField(_("tunniste"), max_length=80, unique=True)
    category = models.CharField(_("luokka"), max_length=32, choices=CatalogueCategory.choices)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogue_entries",
        verbose_name=_("palveluntuottaja"),
    )
    # When the provider is no organisation of Polku ("Työeläkelaitokset"): named in the
    # three languages as the rest of the entry is.
    provider_name_fi = models.CharField(
        _("palveluntuottaja (teksti) suomeksi"),
        max_length=200,
        blank=True,
        help_text=_("Kun tuottaja ei ole Polun organisaatio, esim. „Työeläkelaitokset“."),
    )
    provider_name_sv = models.CharField(
        _("palveluntuottaja (teksti) ruotsiksi"), max_length=200, blank=True
    )
    provider_name_en = models.CharField(
        _("palveluntuottaja (teksti) englanniksi"), max_length=200, blank=True
    )
    # Who keeps an entry whose provider is named in text: the organisation whose administrator
    # added it. Every organisation reads the catalogue, so an entry kept by anyone who may
    # change something was one any organisation's administrator could rename, point to another
    # address or remove for all. Empty: the operator's (a superuser's), as the general rule
    # sets are. An entry with a Polku provider is kept by that organisation.
    kept_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ylläpitäjä"),
        help_text=_(
            "Organisaatio, jonka pääkäyttäjät ylläpitävät palvelua, kun palveluntuottaja on "
            "nimetty tekstinä. Tyhjänä vain Polun ylläpito."
        ),
    )
    description_fi = models.TextField(_("kuvaus suomeksi"))
    description_sv = models.TextField(_("kuvaus ruotsiksi"), blank=True)
    description_en = models.TextField(_("kuvaus englanniksi"), blank=True)
    eligibility_fi = models.TextField(_("kenelle suomeksi"), blank=True)
    eligibility_sv = models.TextField(_("kenelle ruotsiksi"), blank=True)
    eligibility_en = models.TextField(_("kenelle englanniksi"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("alaikäraja"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("yläikäraja"), null=True, blank=True)
    client_groups_fi = models.CharField(_("asiakasryhmät suomeksi"), max_length=300, blank=True)
    client_groups_sv = models.CharField(_("asiakasryhmät ruotsiksi"), max_length=300, blank=True)
    client_groups_en = models.CharField(_("asiakasryhmät englanniksi"), max_length=300, blank=True)
    languages = ArrayField(
        models.CharField(max_length=2, choices=ServiceLanguage.choices),
        verbose_name=_("palvelukielet"),
        default=list,
        blank=True,
    )
    how_to_refer_fi = models.TextField(_("miten ohjataan suomeksi"), blank=True)
    how_to_refer_sv = models.TextField(_("miten ohjataan ruotsiksi"), blank=True)
    how_to_refer_en = models.TextField(_("miten ohjataan englanniksi"), blank=True)
    contact_phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    contact_email = models.EmailField(_("sähköposti"), blank=True)
    web_address = models.URLField(_("verkkosivu"), blank=True)
    service_type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catalogue_entries",
        verbose_name=_("palvelutyyppi"),
        help_text=_("Kun palvelu voi olla asiakkaan palvelupolun jakso."),
    )
    is_active = models.BooleanField(_("käytössä"), default=True)

    objects = CatalogueEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("palveluvalikon palvelu")
        verbose_name_plural = _("palveluvalikko")
        ordering = ["category", in_name_order()]
        constraints = [
            models.CheckConstraint(
                name="catalogue_entry_age_order",
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                violation_error_message=_("Alaikäraja ei voi ylittää yläikärajaa."),
            ),
            models.CheckConstraint(
                name="catalogue_entry_kept_by_its_provider",
                condition=Q(provider__isnull=True) | Q(kept_by__isnull=True),
                violation_error_message=_(
                    "Polun organisaation tuottamaa palvelua ylläpitää tuottaja itse."
                ),
            ),
            models.CheckConstraint(
                name="catalogue_entry_languages_known",
                condition=Q(languages__contained_by=ServiceLanguage.values),
                violation_error_message=_("Palvelukieli on suomi, ruotsi tai englanti."),
            ),
        ]

    @property
    def keeper_id(self) -> int | None:
        """The organisation whose administrators change the entry (None: the operator's)."""
        return self.provider_id or self.kept_by_id

    @property
    def text_languages(self) -> dict[str, str]:
        """The language each shown text is in: the active one, or Finnish where it falls back."""
        return {
            field: translation_language(self, field)
            for field in ("description", "eligibility", "client_groups", "how_to_refer")
        }

    @property
    def description(self) -> str:
        return pick_translation(self, "description")

    @property
    def eligibility(self) -> str:
        return pick_translation(self, "eligibility")

    @property
    def client_groups(self) -> str:
        return pick_translation(self, "client_groups")

    @property
    def how_to_refer(self) -> str:
        return pick_translation(self, "how_to_refer")

    @property
    def provider_display(self) -> Phrase:
        """The provider's name in the active language, marked Finnish where it falls back."""
        if self.provider_id:
            return self.provider.name_in()
        return pick_phrase(self, "provider_name")

    @property
    def age_range_display(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return _("%(min)s–%(max)s v.") % {"min": self.min_age, "max": self.max_age}
        if self.min_age is not None:
            return _("vähintään %(min)s v.") % {"min": self.min_age}
        if self.max_age is not None:
            return _("enintään %(max)s v.") % {"max": self.max_age}
        return _("ei ikärajaa")

    @property
    def language_labels(self) -> list[str]:
        return [ServiceLanguage(code).label for code in self.languages]

    def get_absolute_url(self) -> str:
        return reverse("services:entry", kwargs={"pk": self.pk})
