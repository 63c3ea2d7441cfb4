"""Factories for organisations and units, shared by tests and demo data."""

import factory

from services.models import Organisation, OrganisationKind, Unit, UnitKind


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
