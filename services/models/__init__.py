"""Organisations and units; service types with their dated rule sets; the service catalogue."""

from services.models.catalogue import CatalogueCategory, CatalogueEntry, ServiceLanguage
from services.models.organisations import Organisation, OrganisationKind, Unit, UnitKind
from services.models.service_types import (
    PlanType,
    ServiceRuleSet,
    ServiceRuleSetMayRunAlongside,
    ServiceRuleSetRequires,
    ServiceRuleSetRequiresOneOf,
    ServiceType,
)
from services.querysets import NoRuleSetInForce

__all__ = [
    "CatalogueCategory",
    "CatalogueEntry",
    "NoRuleSetInForce",
    "Organisation",
    "OrganisationKind",
    "PlanType",
    "ServiceLanguage",
    "ServiceRuleSet",
    "ServiceRuleSetMayRunAlongside",
    "ServiceRuleSetRequires",
    "ServiceRuleSetRequiresOneOf",
    "ServiceType",
    "Unit",
    "UnitKind",
]
