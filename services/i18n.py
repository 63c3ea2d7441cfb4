"""Names held in Finnish, Swedish and English, shown in the active language.

`pick_translation` chooses the text a reader sees; `Translated` is the same choice in SQL, and
`in_name_order` orders by it, so that a Swedish reader's list of units runs in the order of
the Swedish names they see, not of the Finnish ones (the models' `Meta.ordering` uses it).
"""

from types import SimpleNamespace

from django.db import models
from django.db.models import Case, CharField, Expression, F, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.functional import lazy
from django.utils.html import escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.ordering import Alphabetical

LANGUAGES = ("fi", "sv", "en")


def _language(language: str | None) -> str:
    language = (language or get_language() or "fi")[:2]
    return language if language in LANGUAGES else "fi"


def pick_translation(obj, field: str, language: str | None = None) -> str:
    """The field in the given (or active) language, falling back to Finnish."""
    return getattr(obj, f"{field}_{_language(language)}", "") or getattr(obj, f"{field}_fi")


class _InReadersLanguage(Expression):
    """An expression of a field's path whose SQL depends on the language active when the
    query is compiled, not when the expression is made, so one expression in
    `Meta.ordering` (or in a queryset built at import time) follows each request's
    language. A subclass says what to select in `chosen(query)`."""

    output_field = CharField()

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.path!r})"

    def chosen(self, query) -> Expression:
        raise NotImplementedError

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return self.chosen(query).resolve_expression(query, allow_joins, reuse, summarize, for_save)

    def prefix_references(self, prefix):
        # An order_by("unit") follows Unit's Meta.ordering from the unit's side.
        return self.__class__(f"{prefix}{self.path}")


class Translated(_InReadersLanguage):
    """`pick_translation` in SQL: `Translated("organisation__name")` is the organisation's
    name in the active language, its Finnish name where that is empty."""

    def chosen(self, query) -> Expression:
        language = _language(None)
        finnish = F(f"{self.path}_fi")
        if language == "fi":
            return finnish
        return Coalesce(NullIf(F(f"{self.path}_{language}"), Value("")), finnish)


class ChoiceLabel(_InReadersLanguage):
    """A field's choice label in the active language, in SQL: `ChoiceLabel("role")` is
    "Sosiaalityöntekijä" for a Finnish reader and "Socialarbetare" for a Swedish one, so
    that a list ordered by it runs as its labels read, not as the stored codes do. The
    field's choices are read from the model when the query is compiled, so a migration
    holds only the field's path."""

    def chosen(self, query) -> Expression:
        model, *relations, name = [query.model, *self.path.split("__")]
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        labels = model._meta.get_field(name).flatchoices
        return Case(
            *(When(**{self.path: value}, then=Value(str(label))) for value, label in labels),
            default=F(self.path),
            output_field=CharField(),
        )


def in_name_order(relation: str = "") -> Alphabetical:
    """The order of the names a reader sees (`Translated`), alphabetical as in
    `config.ordering`: `order_by(in_name_order("unit__"))` orders by the unit's name."""
    return Alphabetical(Translated(f"{relation}name"))


def translation_language(obj, field: str, language: str | None = None) -> str:
    """The language of the text `pick_translation` gives: the asked one, or Finnish when the
    field is empty in it. A page marks fallback text with it (WCAG 3.1.2)."""
    language = _language(language)
    if language != "fi" and getattr(obj, f"{field}_{language}", ""):
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


# A name read from a values() row, with no instance to ask.


def _names(name_fi: str, name_sv: str, name_en: str) -> SimpleNamespace:
    return SimpleNamespace(name_fi=name_fi or "", name_sv=name_sv or "", name_en=name_en or "")


def name_phrase(
    name_fi: str, name_sv: str = "", name_en: str = "", language: str | None = None
) -> Phrase:
    """`TranslatedNameModel.name_in` of a name read from a values() row."""
    return pick_phrase(_names(name_fi, name_sv, name_en), "name", language)


def lazy_name(name_fi: str, name_sv: str = "", name_en: str = ""):
    """A name read from a values() row as a lazy text: rendered in the language active when
    it is rendered, Finnish where it has no name in it. A notifications Text keeps a lazy
    parameter rendered in every language, so a reminder names a network as each reader would."""
    names = _names(name_fi, name_sv, name_en)
    return lazy(lambda: pick_translation(names, "name"), str)()
