"""Names held in Finnish, Swedish and English, shown in the active language."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick_translation(obj, field: str, language: str | None = None) -> str:
    """The field in the given (or active) language, falling back to Finnish."""
    language = (language or get_language() or "fi")[:2]
    value = getattr(obj, f"{field}_{language}", "") if language in ("fi", "sv", "en") else ""
    return value or getattr(obj, f"{field}_fi")


def translation_language(obj, field: str, language: str | None = None) -> str:
    """The language of the text `pick_translation` gives: the asked one, or Finnish when the
    field is empty in it. A page marks fallback text with it (WCAG 3.1.2)."""
    language = (language or get_language() or "fi")[:2]
    if language in ("sv", "en") and getattr(obj, f"{field}_{language}", ""):
        return language
    return "fi"


class TranslatedNameModel(models.Model):
    name_fi = models.CharField(_("nimi suomeksi"), max_length=200)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=200, blank=True)
    name_en = models.CharField(_("nimi englanniksi"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_translation(self, "name")
