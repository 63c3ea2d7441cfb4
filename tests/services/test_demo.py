"""The services demo data: organisations, reference rule sets and the catalogue."""

import pytest

from services import demo
from services.models import CatalogueCategory, CatalogueEntry, ServiceRuleSet, ServiceType

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_fills_every_catalogue_category():
    demo.seed()
    counts = (
        CatalogueEntry.objects.count(),
        ServiceType.objects.count(),
        ServiceRuleSet.objects.count(),
    )
    demo.seed()
    assert (
        CatalogueEntry.objects.count(),
        ServiceType.objects.count(),
        ServiceRuleSet.objects.count(),
    ) == counts
    assert counts[0] >= 20
    for category in CatalogueCategory.values:
        assert CatalogueEntry.objects.filter(category=category).exists(), category


def test_every_demo_entry_names_a_provider_and_is_described_in_three_languages():
    demo.seed()
    for entry in CatalogueEntry.objects.select_related("provider"):
        assert entry.provider_display, entry.slug
        assert entry.name_sv and entry.name_en, entry.slug
        assert entry.description_fi and entry.description_sv and entry.description_en, entry.slug
        assert entry.how_to_refer_fi, entry.slug
        assert entry.languages, entry.slug


def test_demo_entries_that_are_pathway_steps_point_to_their_service_type():
    demo.seed()
    entry = CatalogueEntry.objects.get(slug="essote-nuorten-tyopajat")
    assert entry.service_type.code == "youth_workshop"
    assert entry.provider.slug == "essote"
    assert (entry.min_age, entry.max_age) == (17, 29)
    assert CatalogueEntry.objects.get(slug="kela-ammatillinen-kuntoutus").provider.slug == "kela"
