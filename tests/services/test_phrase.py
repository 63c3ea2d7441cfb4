"""services.i18n.Phrase: a name that knows when it is not in the page's language, so the HTML
marks it with its lang (WCAG 3.1.2) and everything else reads it as plain text."""

from django.template import Context, Template

from services.factories import OrganisationFactory, ServiceTypeFactory
from services.i18n import Phrase, pick_phrase


def rendered(value) -> str:
    return Template("{{ value }}|{{ value|default:'–' }}").render(Context({"value": value}))


def test_a_phrase_is_its_text_and_is_escaped_in_a_template_with_or_without_its_lang():
    phrase = Phrase("Työpaja <Verstas> & co", "fi")
    assert phrase == "Työpaja <Verstas> & co" and f"{phrase}!" == "Työpaja <Verstas> & co!"
    marked = '<span lang="fi">Työpaja &lt;Verstas&gt; &amp; co</span>'
    assert rendered(phrase) == f"{marked}|{marked}"
    plain = Phrase("Verkstad <Verstas>")
    assert plain.lang is None
    assert rendered(plain) == "Verkstad &lt;Verstas&gt;|Verkstad &lt;Verstas&gt;"


def test_pick_phrase_marks_only_a_fallback_to_finnish(db):
    organisation = OrganisationFactory(slug="vain-suomi", name_fi="Pajapalvelut Oy")
    organisation.name_en = ""
    assert pick_phrase(organisation, "name", "sv").lang is None
    assert pick_phrase(organisation, "name", "sv") == organisation.name_sv
    assert (organisation.name_in("en"), organisation.name_in("en").lang) == (
        "Pajapalvelut Oy",
        "fi",
    )
    assert organisation.name_in("fi").lang is None


def test_a_service_types_client_name_says_when_it_falls_back_to_finnish(db):
    service_type = ServiceTypeFactory(code="oma-palvelu", name_fi="Oma palvelu", name_en="")
    service_type.client_name_fi = "Palvelusi"
    service_type.client_name_sv = "Din tjänst"
    assert (service_type.client_name("sv"), service_type.client_name("sv").lang) == (
        "Din tjänst",
        None,
    )
    # No English client name, nor an English name: the Finnish name, marked Finnish.
    assert (service_type.client_name("en"), service_type.client_name("en").lang) == (
        "Oma palvelu",
        "fi",
    )
    service_type.name_en = "Own service"
    assert (service_type.client_name("en"), service_type.client_name("en").lang) == (
        "Own service",
        None,
    )
