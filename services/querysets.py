"""Reads of the services app: organisations, service types, rule sets, the catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _

from services.i18n import in_name_order

if TYPE_CHECKING:
    from services.models import Organisation, ServiceRuleSet, ServiceType


class NoRuleSetInForce(ObjectDoesNotExist):
    """No rule set of the service type applies on the date (neither the organisation's nor general)."""

    def __init__(self, service_type, organisation, on_date: date):
        self.service_type = service_type
        self.organisation = organisation
        self.on_date = on_date
        super().__init__(
            _("Palvelulle %(service)s ei ole voimassa olevia sääntöjä %(date)s.")
            % {"service": service_type, "date": f"{on_date:%-d.%-m.%Y}"}
        )


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def providing_catalogue_entries(self):
        """Organisations that provide at least one active catalogue entry."""
        return self.filter(catalogue_entries__is_active=True).distinct()


class UnitQuerySet(models.QuerySet):
    def of_organisation(self, organisation):
        return self.filter(organisation=organisation)


class ServiceTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ServiceRuleSetQuerySet(models.QuerySet):
    def applying_on(self, on_date: date):
        """Rule sets whose validity covers the date (of any type and organisation)."""
        return self.filter(valid_from__lte=on_date).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
        )

    def general(self):
        return self.filter(organisation__isnull=True)

    def in_force(
        self,
        service_type: ServiceType | str,
        organisation: Organisation | Sequence[Organisation | None] | None,
        on_date: date,
    ) -> ServiceRuleSet:
        """The rule set of `service_type` (instance or code) that applies on `on_date`.

        An organisation's own rule set wins over the general one; given several
        organisations (a step's: the unit arranging it, then the client's), the first with a
        rule set of its own wins. One query. Raises NoRuleSetInForce when none exists.
        """
        by_type = (
            Q(service_type__code=service_type)
            if isinstance(service_type, str)
            else Q(service_type=service_type)
        )
        preferred = [
            o.pk
            for o in (organisation if isinstance(organisation, Sequence) else [organisation])
            if o is not None
        ]
        candidates = self.applying_on(on_date).filter(
            by_type, Q(organisation__isnull=True) | Q(organisation__in=preferred)
        )
        if preferred:
            candidates = candidates.order_by(
                Case(
                    *(When(organisation=pk, then=Value(i)) for i, pk in enumerate(preferred)),
                    default=Value(len(preferred)),
                )
            )
        rule_set = candidates.select_related("service_type", "organisation").first()
        if rule_set is None:
            if isinstance(service_type, str):
                # The message names the service as the user knows it, not by its code.
                from services.models import ServiceType

                service_type = ServiceType.objects.filter(code=service_type).first() or service_type
            raise NoRuleSetInForce(service_type, organisation, on_date)
        return rule_set


class CatalogueEntryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_category(self, category: str):
        return self.filter(category=category)

    def provided_by(self, organisation):
        return self.filter(provider=organisation)

    def for_age(self, age: int):
        """Entries whose age range includes `age` (an open end counts as no limit)."""
        return self.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=age),
            Q(max_age__isnull=True) | Q(max_age__gte=age),
        )

    def in_language(self, language: str):
        return self.filter(languages__contains=[language])

    def for_listing(self):
        return self.select_related("provider", "service_type")

    def in_catalogue_order(self):
        """By category in the order of the Helsinki seed, then by the name the reader sees."""
        categories = [value for value, _label in self.model._meta.get_field("category").choices]
        order = Case(
            *(When(category=c, then=Value(i)) for i, c in enumerate(categories)),
            default=Value(len(categories)),
        )
        return self.alias(category_order=order).order_by("category_order", in_name_order(), "pk")
