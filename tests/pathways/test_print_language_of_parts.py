"""Language of parts in the documents printed for clients (WCAG 3.1.2): a name printed in
another language than the document's, because it has no translation and falls back to Finnish,
is marked with its lang in the HTML the PDF is made from."""

import datetime
import io
import re
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import make_plan
from pathways import actions, printing, summary
from pathways.certificates import render_certificate_html
from pathways.factories import make_step
from services.factories import OrganisationFactory, UnitFactory
from services.models import ServiceType
from tests.pdf import structure_elements


@pytest.fixture
def mixed_client(worker, client_of, today):
    """A client whose summary names things with and without a Swedish name: a service type
    and a unit with none, a unit with one, and a coach of an organisation with none (named
    by the organisation: the client has given no consent to name its workers)."""
    ServiceType.objects.filter(code="volunteering").update(client_name_sv="", name_sv="")
    client = client_of(plan=False)
    make_plan(client, worker, client_view="Haluan auttaa muita.", goals=("Käyn kerhossa",))
    outside = OrganisationFactory(
        employment_services=True, slug="vain-suomeksi", name_fi="Ulkolan työllisyyspalvelut"
    )
    outside.name_sv = outside.name_en = ""
    outside.save()
    make_step(
        client,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        unit=UnitFactory(name_fi="Työkeskus Paja", name_sv="Arbetscentret Paja"),
        coach=make_user(Role.JOB_COACH, UnitFactory(organisation=outside)),
    )
    make_step(
        client,
        "volunteering",
        created_by=worker,
        start_on=today + datetime.timedelta(days=20),
        planned_end_on=today + datetime.timedelta(days=80),
        unit=UnitFactory(name_fi="Kerhotalo Kipinä"),
    )
    return client


def summary_html(client, language: str) -> str:
    document = SimpleNamespace(client=client, language=language, sections=list(summary.SECTIONS))
    return summary.render_summary_html(document)


def test_names_with_no_translation_are_marked_finnish_on_a_swedish_summary(mixed_client):
    html = summary_html(mixed_client, "sv")
    assert html.count('<html lang="sv">') == 1
    finnish = '<span lang="fi">Vapaaehtoistoiminta</span>'
    # The services now and next, the timeline's list and the important dates.
    assert f"<h3>{finnish} (kommande)</h3>" in html
    assert f"<li>{finnish}: " in html
    assert f"{finnish}, första dagen" in html and f"{finnish}, sista dagen" in html
    # The bar's label in the drawing (the figure is read by its alternative text).
    assert re.search(r'<text [^>]*lang="fi">Vapaaehtoistoiminta</text>', html)
    assert 'Plats: <span lang="fi">Kerhotalo Kipinä</span>' in html
    assert 'Kontaktperson: <span lang="fi">Ulkolan työllisyyspalvelut</span>' in html
    unit = mixed_client.responsible_unit.name_fi
    assert f'<span lang="fi">{unit}</span>' in html
    # Names written in Swedish are the document's language: not marked.
    assert "Plats: Arbetscentret Paja" in html
    assert "<h3>Arbetsverksamhet i rehabiliteringssyfte (pågår)</h3>" in html
    # The client's own words carry no lang: Polku does not record the language a plan is
    # written in, and a guess would have a screen reader read them wrongly for certain.
    assert '<p class="quote">Haluan auttaa muita.</p>' in html


def test_a_finnish_summary_marks_nothing_but_the_whole_document(mixed_client):
    html = summary_html(mixed_client, "fi")
    assert re.findall(r'\blang="(\w+)"', html) == ["fi"]


def test_an_english_summary_marks_what_has_no_english_name(mixed_client):
    html = summary_html(mixed_client, "en")
    # The reference types all have an English client name; the units of the factory do not.
    assert 'Place: <span lang="fi">Kerhotalo Kipinä</span>' in html
    assert 'Place: <span lang="fi">Työkeskus Paja</span>' in html
    assert "Volunteering" in html and '<span lang="fi">Vapaaehtoistoiminta' not in html


def structure_languages(pdf: bytes) -> set[str]:
    """Every /Lang written on an element of the PDF's structure tree (not the catalog's)."""
    reader = PdfReader(io.BytesIO(pdf))
    return {str(node["/Lang"]) for node in structure_elements(reader) if "/Lang" in node}


def test_the_tagged_pdf_has_the_documents_language_and_none_per_element(mixed_client):
    """What WeasyPrint makes of the marks: the document's language (the catalog's /Lang, from
    <html lang>) and nothing on the structure elements. WeasyPrint 70 writes no /Lang on a
    structure element or in marked content, with pdf_tags or a PDF/UA variant alike
    (weasyprint/pdf/tags.py); it uses an element's lang for hyphenation and line breaking.
    Should an upgrade write them, this fails: then check that they come from our marks (a
    Finnish name's element "fi") and say so in pathways/summary.py."""
    pdf = printing.render_pdf(summary_html(mixed_client, "sv"))
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "sv"
    assert structure_languages(pdf) == set()


def test_a_swedish_certificate_marks_a_workshop_and_organisation_named_only_in_finnish(
    worker, client_of, today
):
    organisation = OrganisationFactory(slug="paja-oy", name_fi="Pajapalvelut Oy")
    organisation.name_sv = organisation.name_en = ""
    organisation.save()
    client = client_of(age=20)
    step = make_step(
        client,
        "youth_workshop",
        created_by=worker,
        start_on=today - datetime.timedelta(days=90),
        planned_end_on=today + datetime.timedelta(days=30),
        unit=UnitFactory(organisation=organisation, name_fi="Nuorten työpaja Verstas"),
    )
    certificate = actions.issue_certificate(
        step=step, issued_by=worker, competences=["Asiakaspalvelu"], issued_on=today
    )
    html = render_certificate_html(
        SimpleNamespace(certificate=certificate, language="sv", client=client)
    )
    assert (
        '<p><span lang="fi">Nuorten työpaja Verstas</span>, <span lang="fi">Pajapalvelut Oy</span>'
        in html
    )
    finnish = render_certificate_html(
        SimpleNamespace(certificate=certificate, language="fi", client=client)
    )
    assert re.findall(r'\blang="(\w+)"', finnish) == ["fi"]
