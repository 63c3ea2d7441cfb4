"""A form that marks fields with the asterisk says once, above them, what it means; a form
with no marked field says nothing of it (WCAG 3.3.2)."""

from django import forms
from django.utils import translation

from config.forms import PolkuForm, show_required

NOTE = "Tähdellä (*) merkityt kohdat on täytettävä."
MARK = '<span class="hds-text-input__required" aria-hidden="true">*</span>'


class Required(PolkuForm):
    name = forms.CharField(label="Nimi")
    note = forms.CharField(label="Huomio", required=False)


class Optional(PolkuForm):
    note = forms.CharField(label="Huomio", required=False)
    # A single checkbox carries no asterisk (forms/field.html), so it calls for no note.
    agreed = forms.BooleanField(label="Sovittu")


class ShownRequired(PolkuForm):
    goal = forms.CharField(label="Tavoite", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_required(self.fields["goal"])


def test_a_form_with_a_marked_field_explains_the_mark_once():
    with translation.override("fi"):
        html = str(Required())
    assert html.count(NOTE) == 1 and html.count(MARK) == 1
    assert html.index(NOTE) < html.index(MARK)


def test_a_form_without_marked_fields_has_no_note():
    with translation.override("fi"):
        html = str(Optional())
    assert NOTE not in html and MARK not in html


def test_a_field_the_rules_demand_counts_as_marked():
    with translation.override("fi"):
        html = str(ShownRequired())
    assert NOTE in html and MARK in html


def test_the_note_is_translated():
    with translation.override("sv"):
        assert "asterisk" in str(Required())
