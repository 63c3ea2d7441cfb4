"""Free texts (config.forms.FREE_TEXT_MAX_LENGTH): every text field of Polku's forms
without a length of its own takes at most 20 000 characters; a longer one is refused
next to the field in the user's language, with the text kept in the form to shorten,
and nothing is saved."""

import pytest
from django import forms
from django.utils import timezone, translation

from clients.models import CaseNote
from config.forms import FREE_TEXT_MAX_LENGTH, PolkuForm
from tests.conftest import field_errors, login


class NoteLikeForm(PolkuForm):
    text = forms.CharField(widget=forms.Textarea)
    code = forms.CharField(max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A field added by a subclass's own __init__ counts too.
        self.fields["later"] = forms.CharField(required=False)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fi", "enintään 20000 merkkiä pitkä (tällä hetkellä 20001)"),
        ("sv", "som mest 20000 tecken (den har 20001)"),
        ("en", "at most 20000 characters (it has 20001)"),
    ],
)
def test_a_text_one_character_too_long_is_refused_in_the_users_language(language, message):
    with translation.override(language):
        form = NoteLikeForm({"text": "a" * (FREE_TEXT_MAX_LENGTH + 1), "code": "x" * 11})
        assert not form.is_valid()
        assert message in form.errors["text"][0]
        # A field with its own length keeps it.
        assert "10" in form.errors["code"][0]


def test_a_text_of_the_full_length_is_taken_and_a_late_field_is_bounded_too():
    form = NoteLikeForm({"text": "a" * FREE_TEXT_MAX_LENGTH, "code": "x", "later": "b"})
    assert form.is_valid(), form.errors
    form = NoteLikeForm({"text": "a", "code": "x", "later": "b" * (FREE_TEXT_MAX_LENGTH + 1)})
    assert list(form.errors) == ["later"]
    # Validating again adds no second copy of the limit.
    form.full_clean()
    assert len(form.errors["later"]) == 1


def test_an_over_long_case_note_is_refused_next_to_the_text_and_kept(client, team):
    login(client, team["worker"])
    text = "Tapaaminen sujui. " * 1200  # 21 599 characters once stripped
    response = client.post(
        f"/clients/{team['client'].uuid}/notes/new/",
        {"written_on": timezone.localdate().isoformat(), "kind": "phone", "text": text},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "text") == (
        "Tämän arvon tulee olla enintään 20000 merkkiä pitkä (tällä hetkellä 21599)."
    )
    assert text.strip() in page
    assert not CaseNote.objects.filter(client=team["client"]).exists()
