"""Forms of the services app: the catalogue filter and the administrators' rule-set forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import PolkuForm
from services.models import CatalogueCategory, Organisation, ServiceLanguage


class CatalogueFilterForm(PolkuForm):
    """The catalogue's filters, sent as GET; every field is optional."""

    category = forms.ChoiceField(
        label=_("Luokka"),
        required=False,
        choices=[("", _("Kaikki luokat")), *CatalogueCategory.choices],
    )
    provider = forms.ModelChoiceField(
        label=_("Palveluntuottaja"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Kaikki palveluntuottajat"),
    )
    age = forms.IntegerField(
        label=_("Asiakkaan ikä"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Näyttää palvelut, joiden ikäraja sallii tämän iän."),
    )
    language = forms.ChoiceField(
        label=_("Palvelukieli"),
        required=False,
        choices=[("", _("Kaikki kielet")), *ServiceLanguage.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.providing_catalogue_entries()

    def filter(self, entries):
        """Narrows a CatalogueEntry queryset by the valid filters."""
        data = self.cleaned_data
        if data.get("category"):
            entries = entries.in_category(data["category"])
        if data.get("provider"):
            entries = entries.provided_by(data["provider"])
        if data.get("age") is not None:
            entries = entries.for_age(data["age"])
        if data.get("language"):
            entries = entries.in_language(data["language"])
        return entries

    def is_filtered(self) -> bool:
        return (
            self.is_bound
            and self.is_valid()
            and any(value not in (None, "") for value in self.cleaned_data.values())
        )
