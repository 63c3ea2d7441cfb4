"""WCAG 3.1.2, language of parts: a language named in its own language ("svenska",
"English") is marked with that language wherever a page offers it as a choice."""

import re

from django.urls import reverse

from accounts.roles import Role
from pathways.forms import PrintSummaryForm
from pathways.summary import SECTIONS
from tests.conftest import login
from tests.test_templates import _templates

OWN_NAMES = {"suomi": "fi", "svenska": "sv", "English": "en"}


def test_the_print_dialogs_languages_are_marked_with_their_language():
    html = str(PrintSummaryForm(sections=SECTIONS)["language"])
    for name, code in OWN_NAMES.items():
        assert f'<span lang="{code}">{name}</span>' in html


def test_the_profile_offers_each_language_in_its_own_language(client, social_worker):
    login(client, social_worker)
    page = client.get(reverse("profile")).content.decode()
    for name, code in OWN_NAMES.items():
        assert f'<span lang="{code}">{name}</span>' in page


def test_no_template_names_swedish_or_english_without_lang():
    """An element whose text is only "svenska" or "English" carries lang on its own tag."""
    unmarked = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<(\w+)([^<>]*)>\s*(svenska|English)\s*<", text):
            if f'lang="{OWN_NAMES[match.group(3)]}"' not in match.group(2):
                unmarked.append(f"{path.name}: {match.group(0)}")
    assert unmarked == []


def _group_label(page: str, name: str) -> str | None:
    """The legend of the fieldset that holds the radio inputs named `name`, or None when they
    are in no fieldset of their own (the header's language buttons are not looked at)."""
    main = page[page.index("<main") :]
    for fieldset in re.findall(r"<fieldset\b.*?</fieldset>", main, re.S):
        if f'type="radio" name="{name}"' in fieldset:
            legend = re.search(r"<legend\b[^>]*>(.*?)</legend>", fieldset, re.S)
            return re.sub(r"<[^>]+>|\s+", " ", legend.group(1)).split("*")[0].strip()
    return None


def test_the_print_dialogs_languages_are_a_group_named_by_its_legend(client, world):
    """A radio group is named by its fieldset's legend (WCAG 1.3.1), the languages too."""
    login(client, world.users[Role.SOCIAL_WORKER])
    url = reverse("pathways:print_summary", args=[world.client.uuid])
    assert _group_label(client.get(url).content.decode(), "language") == "Kieli"


def test_the_profiles_languages_are_a_group_named_by_its_legend(client, social_worker):
    login(client, social_worker)
    page = client.get(reverse("profile")).content.decode()
    assert _group_label(page, "preferred_language") == "Asiointikieli"
