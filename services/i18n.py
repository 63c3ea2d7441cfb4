"""Names held in Finnish, Swedish and English, shown in the active language."""

from django.db import models
from django.utils.html import escape, format_html
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


class Phrase(str):
    """A text that knows when it is not in the language of the page it is shown on: a name with
    no translation, shown in Finnish on a Swedish page. `lang` is then the text's language (None
    when it is the page's). In a template it is wrapped in <span lang="…"> (WCAG 3.1.2, the
    language of parts); everywhere else (f-strings, CSV, comparisons) it is the plain text."""

    lang: str | None

    def __new__(cls, text: str, lang: str | None = None) -> "Phrase":
        phrase = super().__new__(cls, text)
        phrase.lang = lang
        return phrase

    def __html__(self) -> str:
        if not self.lang:
            return escape(str(self))
        return format_html('<span lang="{}">{}</span>', self.lang, str(self))


def pick_phrase(obj, field: str, language: str | None = None) -> Phrase:
    """`pick_translation` as a Phrase: marked with Finnish where the field falls back to it."""
    language = (language or get_language() or "fi")[:2]
    written_in = translation_language(obj, field, language)
    lang = None if written_in == language else written_in
    return Phrase(pick_translation(obj, field, language), lang)


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

    def name_in(self, language: str | None = None) -> Phrase:
        """The name in `language` (or the active one), marked Finnish where it falls back to
        Finnish: for a page or a print that says which language each part is in."""
        return pick_phrase(self, "name", language)
