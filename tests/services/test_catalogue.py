"""The service catalogue page and entry page: filters, pagination, htmx, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from services.factories import CatalogueEntryFactory, OrganisationFactory, ServiceRuleSetFactory
from services.models import CatalogueCategory, Organisation, OrganisationKind, ServiceType
from tests.conftest import field_errors, login

pytestmark = pytest.mark.django_db

URL = reverse("services:catalogue")


@pytest.fixture
def signed_in(client, unit):
    return login(client, make_user(Role.WORK_COACH, unit))


@pytest.fixture
def entries():
    """Four entries, each the only one to pass one of the filters below."""
    kela = OrganisationFactory(
        slug="kela-testi", name_fi="Kela (testi)", kind=OrganisationKind.KELA
    )
    return {
        "kela": CatalogueEntryFactory(
            name_fi="Kuntoutusraha (testi)",
            category=CatalogueCategory.SOCIAL_SECURITY,
            provider=kela,
            languages=["fi", "sv", "en"],
            min_age=16,
        ),
        "youth": CatalogueEntryFactory(
            name_fi="Nuorten työpaja (testi)",
            category=CatalogueCategory.EDUCATION,
            min_age=17,
            max_age=29,
            languages=["fi"],
        ),
        "adults": CatalogueEntryFactory(
            name_fi="Työkykyselvitys (testi)",
            category=CatalogueCategory.HEALTH_AND_SOCIAL_CARE,
            min_age=30,
            languages=["fi"],
        ),
        "workplace": CatalogueEntryFactory(
            name_fi="Työpaikan mukautukset (testi)",
            category=CatalogueCategory.WORKPLACE,
            provider=None,
            provider_name_fi="Työnantaja",
            languages=["fi"],
        ),
    }


def shown(response, entries):
    content = response.content.decode()
    return {key for key, entry in entries.items() if entry.name_fi in content}


def test_without_filters_every_active_entry_is_listed(signed_in, entries):
    CatalogueEntryFactory(name_fi="Lakkautettu palvelu (testi)", is_active=False)
    response = signed_in.get(URL)
    assert response.status_code == 200
    assert shown(response, entries) == set(entries)
    assert "Lakkautettu palvelu (testi)" not in response.content.decode()
    assert "Työnantaja" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": CatalogueCategory.EDUCATION}, {"youth"}),
        ({"category": CatalogueCategory.WORKPLACE}, {"workplace"}),
        ({"language": "sv"}, {"kela"}),
        ({"age": 16}, {"kela", "workplace"}),
        ({"age": 29}, {"kela", "youth", "workplace"}),
        ({"age": 30}, {"kela", "adults", "workplace"}),
        ({"age": 17, "language": "fi", "category": CatalogueCategory.EDUCATION}, {"youth"}),
    ],
)
def test_each_filter_narrows_the_list(signed_in, entries, query, expected):
    response = signed_in.get(URL, query)
    assert shown(response, entries) == expected


def test_provider_filter(signed_in, entries):
    response = signed_in.get(URL, {"provider": entries["kela"].provider_id})
    assert shown(response, entries) == {"kela"}
    # Only organisations with entries are offered as providers.
    assert "Kela (testi)" in response.content.decode()


def test_an_invalid_filter_shows_an_error_and_the_whole_list(signed_in, entries):
    response = signed_in.get(URL, {"age": "kolmekymmentä"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_age_error"' in content
    assert shown(response, entries) == set(entries)


def test_no_results_says_so(signed_in, entries):
    response = signed_in.get(URL, {"age": 5, "language": "en"})
    assert "Rajauksilla ei löytynyt palveluja" in response.content.decode()


def test_htmx_request_gets_only_the_results(signed_in, entries):
    response = signed_in.get(URL, {"category": CatalogueCategory.EDUCATION}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="catalogue-results-heading"' in content
    assert shown(response, entries) == {"youth"}


def test_the_page_is_named_in_the_users_language(signed_in, entries):
    entries["youth"].name_sv = "Verkstad för unga (test)"
    entries["youth"].save()
    signed_in.cookies["django_language"] = "sv"
    response = signed_in.get(URL, {"category": CatalogueCategory.EDUCATION})
    assert "Verkstad för unga (test)" in response.content.decode()


def test_text_shown_in_finnish_for_want_of_a_translation_is_marked_finnish(signed_in):
    """WCAG 3.1.2: on a Swedish page an entry without a Swedish text shows the Finnish one,
    marked lang="fi" so a screen reader reads it as Finnish; a Swedish text is marked sv."""
    entry = CatalogueEntryFactory(
        description_fi="Valmennusta työnhakuun.",
        description_sv="Träning i jobbsökande.",
        eligibility_fi="Työttömät työnhakijat.",
        how_to_refer_fi="Soita palvelunumeroon.",
    )
    signed_in.cookies["django_language"] = "sv"
    page = signed_in.get(reverse("services:entry", args=[entry.pk])).content.decode()
    assert '<html lang="sv">' in page
    assert '<p class="polku-lead" lang="sv">Träning i jobbsökande.</p>' in page
    assert '<p lang="fi">Työttömät työnhakijat.</p>' in page
    assert '<p lang="fi">Soita palvelunumeroon.</p>' in page
    listing = signed_in.get(URL).content.decode()
    assert '<td lang="sv">Träning i jobbsökande.</td>' in listing


def test_names_shown_in_finnish_for_want_of_a_translation_are_marked_finnish(signed_in, unit):
    """The entry's own name, in the list and as the page's heading; and in the header the
    organisation the user acts for."""
    unit.organisation.name_sv = ""
    unit.organisation.save()
    entry = CatalogueEntryFactory(name_fi="Työhönvalmennus Testi", name_sv="", name_en="")
    signed_in.cookies["django_language"] = "sv"
    page = signed_in.get(reverse("services:entry", args=[entry.pk])).content.decode()
    assert '<h1><span lang="fi">Työhönvalmennus Testi</span></h1>' in page
    listing = signed_in.get(URL).content.decode()
    assert '<span lang="fi">Työhönvalmennus Testi</span></a></th>' in listing
    assert re.search(r"Organisation:</span>\s*<span lang=\"fi\">", listing)


def test_a_provider_named_in_text_is_named_in_the_readers_language(signed_in):
    """A provider that is no organisation of Polku has its name in three languages too; with
    none in Swedish the Finnish one is shown, marked lang="fi"; an organisation likewise."""
    translated = CatalogueEntryFactory(
        provider=None,
        provider_name_fi="Työeläkelaitokset",
        provider_name_sv="Arbetspensionsanstalterna",
        provider_name_en="Earnings-related pension providers",
    )
    finnish_only = CatalogueEntryFactory(provider=None, provider_name_fi="Oppilaitokset")
    organisation = CatalogueEntryFactory(
        provider=OrganisationFactory(name_fi="Testikunta", name_sv="")
    )
    signed_in.cookies["django_language"] = "sv"
    listing = signed_in.get(URL).content.decode()
    assert "<td>Arbetspensionsanstalterna</td>" in listing
    assert '<td><span lang="fi">Oppilaitokset</span></td>' in listing
    assert '<td><span lang="fi">Testikunta</span></td>' in listing
    page = signed_in.get(reverse("services:entry", args=[translated.pk])).content.decode()
    assert "<dd>Arbetspensionsanstalterna</dd>" in page and "Työeläkelaitokset" not in page
    signed_in.cookies["django_language"] = "en"
    page = signed_in.get(reverse("services:entry", args=[finnish_only.pk])).content.decode()
    assert '<dd><span lang="fi">Oppilaitokset</span></dd>' in page
    signed_in.cookies["django_language"] = "fi"
    page = signed_in.get(reverse("services:entry", args=[organisation.pk])).content.decode()
    assert "<dd>Testikunta</dd>" in page


def test_more_than_25_entries_are_paginated_keeping_the_filters(signed_in):
    for n in range(30):
        CatalogueEntryFactory(name_fi=f"Palvelu {n:02d} (testi)", languages=["fi"])
    first = signed_in.get(URL, {"language": "fi"}).content.decode()
    assert first.count('<th scope="row">') == 25
    assert "language=fi&amp;page=2" in first
    second = signed_in.get(URL, {"language": "fi", "page": 2}).content.decode()
    assert second.count('<th scope="row">') == 5


def test_query_count_does_not_grow_with_entries(signed_in, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr("services.views.PAGE_SIZE", 50)  # all 30 rows render
    provider = OrganisationFactory()
    query = {"provider": provider.pk, "age": 20, "language": "fi"}
    for _ in range(3):
        CatalogueEntryFactory(provider=provider)
    signed_in.get(URL, query)  # warm up the session
    with CaptureQueriesContext(connection) as at_three:
        response = signed_in.get(URL, query)
    assert response.content.decode().count('<th scope="row">') == 3
    CatalogueEntryFactory.create_batch(27, provider=provider)
    with django_assert_num_queries(len(at_three)):
        response = signed_in.get(URL, query)
    assert response.content.decode().count('<th scope="row">') == 30


class TestEntryPage:
    def test_shows_the_entry_and_the_rules_in_force_today(self, signed_in):
        rule_set = ServiceRuleSetFactory(
            min_age=17,
            max_age=29,
            min_duration_months=3,
            max_duration_months=8,
            source="Essoten käytäntö",
        )
        entry = CatalogueEntryFactory(
            name_fi="Nuorten työpajat (testi)",
            eligibility_fi="Nuoret, joilla ei ole opiskelu- tai työpaikkaa.",
            how_to_refer_fi="Sosiaalityöntekijä ohjaa.",
            contact_email="pajat@demo.polku.test",
            web_address="https://example.fi/pajat",
            min_age=17,
            max_age=29,
            service_type=rule_set.service_type,
        )
        response = signed_in.get(reverse("services:entry", kwargs={"pk": entry.pk}))
        content = response.content.decode()
        assert response.status_code == 200
        for text in (
            "<h1>Nuorten työpajat (testi)</h1>",
            "Nuoret, joilla ei ole opiskelu- tai työpaikkaa.",
            "Sosiaalityöntekijä ohjaa.",
            'href="mailto:pajat@demo.polku.test"',
            "17–29 v.",
            "3–8 kuukautta",
            "Essoten käytäntö",
        ):
            assert text in content, text

    @pytest.mark.parametrize(
        ("provider", "cap"), [("general", None), ("essote", "12,00 € päivässä")]
    )
    def test_avotyo_compensation_is_flagged_not_a_wage_with_a_cap_or_without(
        self, signed_in, provider, cap
    ):
        """DOMAIN.md: avotyö is paid a daily compensation, flagged as not a wage. The general
        rules set no cap (Essote's practice caps it at 12 € a day): the flag is shown all the
        same."""
        organisation = (
            Organisation.objects.get(slug="essote")
            if provider == "essote"
            else OrganisationFactory(kind=OrganisationKind.SOCIAL_SERVICES)
        )
        entry = CatalogueEntryFactory(
            provider=organisation, service_type=ServiceType.objects.get(code="open_work")
        )
        page = " ".join(
            signed_in.get(reverse("services:entry", kwargs={"pk": entry.pk}))
            .content.decode()
            .split()
        )
        assert page.count("korvaus ei ole palkkaa") == 1
        if cap:
            assert f"<dt>Korvaus enintään</dt> <dd> {cap}; korvaus ei ole palkkaa </dd>" in page
        else:
            assert "Korvaus enintään" not in page
            assert "<dt>Korvaus</dt> <dd>korvaus ei ole palkkaa</dd>" in page

    def test_no_flag_where_the_rules_do_not_say_so(self, signed_in):
        organisation = OrganisationFactory(kind=OrganisationKind.SOCIAL_SERVICES)
        open_work = ServiceType.objects.get(code="open_work")
        ServiceRuleSetFactory(
            service_type=open_work,
            organisation=organisation,
            compensation_is_not_wage=False,
            source="Kokeilukäytäntö",
        )
        entry = CatalogueEntryFactory(provider=organisation, service_type=open_work)
        page = signed_in.get(reverse("services:entry", kwargs={"pk": entry.pk})).content.decode()
        assert "Kokeilukäytäntö" in page
        assert "korvaus ei ole palkkaa" not in page

    def test_an_inactive_entry_is_not_found(self, signed_in):
        entry = CatalogueEntryFactory(is_active=False)
        response = signed_in.get(reverse("services:entry", kwargs={"pk": entry.pk}))
        assert response.status_code == 404


def test_htmx_request_with_an_invalid_filter_shows_the_error_next_to_the_field(signed_in, entries):
    """htmx swaps the results; the filters come along out of band with the field's error,
    which would otherwise vanish (an age of 150)."""
    response = signed_in.get(URL, {"age": 150}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="catalogue-filter-fields" hx-swap-oob="true"' in content
    assert "120" in field_errors(content, "age")
    assert "Lomakkeessa on virheitä" in content
    assert 'id="catalogue-results-heading"' in content
    # Corrected, the filters come back without the error.
    response = signed_in.get(URL, {"age": 30}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'id="catalogue-filter-fields" hx-swap-oob="true"' in content
    assert not field_errors(content, "age")
