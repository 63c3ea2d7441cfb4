"""The units a step takes place at, and the employer unit of a Jobcenter contract, as they
are chosen: only units of a kind that fits the service, grouped by organisation, the client's
own organisation first, then the organisations whose catalogue entries provide the service,
then the rest, each group sorted by name."""

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator

from config.ordering import alphabetical_key
from pathways.step_rules import YOUTH_WORKSHOP
from services.models import CatalogueEntry, Unit, UnitKind

K = UnitKind

# Where each service takes place, by the unit's kind (services.UnitKind). A unit of kind
# "other" has not been given a kind, so the data do not rule it out; a service not named
# here (education, volunteering, one an administrator adds) takes place at a unit of any
# kind. A youth workshop period takes place at a workshop and nowhere else (its rules
# require one: step_rules).
UNIT_KINDS_BY_SERVICE = {
    "rehabilitative_work_activity": {K.WORK_ACTIVITY},
    "disability_work_activity": {K.WORK_ACTIVITY},
    "work_coaching": {K.WORK_ACTIVITY},
    "open_work": {K.WORK_ACTIVITY},
    "youth_workshop": {K.YOUTH_WORKSHOP},
    "jobcenter_paid_work": {K.WORK_ACTIVITY, K.EMPLOYMENT},
    "supported_employment": {K.SUPPORTED_EMPLOYMENT},
    "social_rehabilitation": {K.SOCIAL_WORK, K.HEALTH},
    "work_ability_assessment": {K.WORK_ABILITY},
    "medical_rehabilitation": {K.HEALTH},
    "kela_vocational_rehabilitation": {K.BENEFITS},
    "work_trial": {K.EMPLOYMENT},
    "wage_subsidy": {K.EMPLOYMENT},
    "ohjaamo_guidance": {K.GUIDANCE},
}
# A Jobcenter period's job is a paid job at a unit that employs people; a benefits office
# (Kela's work-ability support) is no such workplace.
NOT_EMPLOYERS = {K.BENEFITS}


def step_units(service_type, *, keep=None):
    """The units a step of `service_type` may take place at: of a kind that fits the service
    (UNIT_KINDS_BY_SERVICE). `keep`, the step's present unit, stays a choice, so that
    changing the step's other fields does not fail."""
    kinds = UNIT_KINDS_BY_SERVICE.get(service_type.code)
    units = Unit.objects.select_related("organisation")
    if kinds is None:
        return units
    if service_type.code != YOUTH_WORKSHOP:
        kinds = kinds | {K.OTHER}
    fitting = Q(kind__in=kinds)
    if keep is not None:
        fitting |= Q(pk=keep.pk)
    return units.filter(fitting)


def employer_units(*, keep=None):
    """The units a Jobcenter contract's employer may be: units that employ people
    (not NOT_EMPLOYERS); `keep`, the contract's present employer unit, stays a choice."""
    fitting = ~Q(kind__in=NOT_EMPLOYERS)
    if keep is not None:
        fitting |= Q(pk=keep.pk)
    return Unit.objects.select_related("organisation").filter(fitting)


class _UnitsByOrganisation(ModelChoiceIterator):
    """The field's units as one optgroup per organisation, in the field's order
    (`GroupedUnitChoiceField.arrange`). One query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[int, tuple[str, list]] = {}
        for unit in self.queryset:
            organisation = unit.organisation
            groups.setdefault(organisation.pk, (organisation, []))[1].append(unit)
        own, providers = self.field.own_organisation, self.field.providers

        def order(group):
            organisation, _units = group
            tier = 0 if organisation.pk == own else 1 if organisation.pk in providers else 2
            return (tier, alphabetical_key(organisation.name))

        for organisation, units in sorted(groups.values(), key=order):
            units.sort(key=lambda unit: alphabetical_key(unit.name))
            yield (organisation.name, [self.choice(unit) for unit in units])


class GroupedUnitChoiceField(forms.ModelChoiceField):
    """A unit chosen from its organisation's group: the client's own organisation first,
    then the organisations providing the service, then the others by name. Validation is
    the queryset's, as for any ModelChoiceField."""

    iterator = _UnitsByOrganisation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_organisation: int | None = None
        self.providers: set[int] = set()

    def label_from_instance(self, obj) -> str:
        return obj.name

    def arrange(self, *, client, service_type) -> None:
        """Orders the groups for `client` and `service_type`: the client's own organisation,
        then those whose active catalogue entries of the service name them as provider."""
        self.own_organisation = client.responsible_unit.organisation_id
        self.providers = set(
            CatalogueEntry.objects.filter(
                is_active=True, service_type=service_type, provider__isnull=False
            ).values_list("provider", flat=True)
        )
