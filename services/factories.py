"""Factories for organisations, units, service types, rule sets and catalogue entries.

Shared by tests and demo data.
"""

import datetime
from decimal import Decimal

import factory

from services.models import (
    CatalogueCategory,
    CatalogueEntry,
    Organisation,
    OrganisationKind,
    PlanType,
    ServiceRuleSet,
    ServiceType,
    Unit,
    UnitKind,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"organisaatio-{n}")
    kind = OrganisationKind.SOCIAL_SERVICES
    name_fi = factory.Sequence(lambda n: f"Hyvinvointialue {n}")
    name_sv = factory.LazyAttribute(lambda o: f"Välfärdsområde {o.slug}")
    name_en = factory.LazyAttribute(lambda o: f"Wellbeing county {o.slug}")

    class Params:
        kela = factory.Trait(kind=OrganisationKind.KELA, name_fi="Kela")
        employment_services = factory.Trait(kind=OrganisationKind.EMPLOYMENT_SERVICES)
        health_care = factory.Trait(kind=OrganisationKind.HEALTH_CARE)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ["slug"]

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"yksikko-{n}")
    kind = UnitKind.SOCIAL_WORK
    name_fi = factory.Sequence(lambda n: f"Aikuissosiaalityö {n}")


class ServiceTypeFactory(factory.django.DjangoModelFactory):
    """A service type; pass a DOMAIN.md code (e.g. "youth_workshop") to get that one."""

    class Meta:
        model = ServiceType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"palvelu-{n}")
    name_fi = factory.Sequence(lambda n: f"Palvelu {n}")
    name_sv = factory.LazyAttribute(lambda o: f"Tjänst {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Service {o.code}")


class ServiceRuleSetFactory(factory.django.DjangoModelFactory):
    """A general rule set in force since 2024-01-01 until further notice, without limits."""

    class Meta:
        model = ServiceRuleSet
        skip_postgeneration_save = True

    service_type = factory.SubFactory(ServiceTypeFactory)
    organisation = None
    valid_from = datetime.date(2024, 1, 1)
    valid_to = None
    source = "Laki kuntouttavasta työtoiminnasta 189/2001"

    class Params:
        rehabilitative_work_activity = factory.Trait(
            min_duration_months=3,
            max_duration_months=24,
            min_days_per_week=1,
            max_days_per_week=4,
            min_hours_per_day=Decimal("4.00"),
            required_plan_type=PlanType.ACTIVATION_PLAN,
            warning_month=21,
        )
        open_work = factory.Trait(
            compensation_cap_per_day=Decimal("12.00"),
            compensation_is_not_wage=True,
            source="Essoten käytäntö",
        )

    @factory.post_generation
    def requires(self, create, extracted, **kwargs):
        if create and extracted:
            self.requires.set(extracted)

    @factory.post_generation
    def requires_one_of(self, create, extracted, **kwargs):
        if create and extracted:
            self.requires_one_of.set(extracted)

    @factory.post_generation
    def may_run_alongside(self, create, extracted, **kwargs):
        if create and extracted:
            self.may_run_alongside.set(extracted)


class CatalogueEntryFactory(factory.django.DjangoModelFactory):
    """An active catalogue entry in Finnish and Swedish, for every age."""

    class Meta:
        model = CatalogueEntry
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"palvelu-{n}")
    category = CatalogueCategory.EMPLOYMENT_SERVICES
    provider = factory.SubFactory(OrganisationFactory, employment_services=True)
    name_fi = factory.Sequence(lambda n: f"Työnhakuvalmennus {n}")
    name_sv = factory.Sequence(lambda n: f"Jobbsökarträning {n}")
    name_en = factory.Sequence(lambda n: f"Job-search coaching {n}")
    description_fi = "Valmennusta työnhakuun ja ura-suunnitteluun."
    languages = factory.LazyFunction(lambda: ["fi", "sv"])
    is_active = True
