"""Every select begins with the same empty choice: a form's own choices as a model's."""

import pytest
from django import forms
from django.utils import translation

from consents.forms import StatutoryBasisForm
from pathways.forms import EndPlacementForm
from services.models import ServiceRuleSet

EMPTY = {"fi": '<option value="" selected>- Valitse -</option>', "sv": "- Välj -"}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_forms_own_choices_begin_as_a_models_do(db, language):
    class ModelChoices(forms.ModelForm):
        class Meta:
            model = ServiceRuleSet
            fields = ["required_plan_type"]

    with translation.override(language):
        shown = [
            str(ModelChoices()["required_plan_type"]),
            str(StatutoryBasisForm()["organisation_kind"]),
            str(EndPlacementForm()["end_reason"]),
        ]
    for select in shown:
        assert EMPTY[language] in select, select
    assert "valitse –" not in " ".join(shown)
