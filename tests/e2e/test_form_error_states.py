"""Forms refused at 320 CSS px, as they look: a refused text input is marked in red as a refused
select is, a checkbox's help text stands under its label, and a group's choices are boxes one can
hit (the browser's own 13 px radio on a 20 px line was all the consent form had). axe on the
same error states, at the width the walk of every page (test_every_page.py) opens without errors."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from consents import actions
from consents.factories import ConsentFactory, acting, kela
from notifications.models import Task
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ERROR_RED = "rgb(176, 16, 56)"


def _border(page, selector):
    return page.locator(selector).evaluate("e => getComputedStyle(e).borderTopColor")


def _box(page, selector):
    return page.locator(selector).bounding_box()


def test_the_refused_registration_at_320_px(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    page = new_page(worker)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/clients/new/")
    page.get_by_role("button", name="Rekisteröi").click()
    expect(page.locator("#id_first_names_error")).to_be_visible()

    # The refused text inputs are red, the fields that passed are not.
    assert _border(page, "#id_identity_code") == ERROR_RED
    assert _border(page, "#id_first_names") == ERROR_RED
    assert _border(page, "#id_calling_name") != ERROR_RED

    # Turvakielto's help text begins under its label, not on the label's line.
    label = _box(page, "label[for=id_address_non_disclosure]")
    help_text = _box(page, "#id_address_non_disclosure_helptext")
    assert help_text["y"] >= label["y"] + label["height"] - 1, (label, help_text)

    # A communication need is a 24 px box, as HDS's own checkbox above it.
    choice = _box(page, "#id_communication_needs_0")
    assert choice["width"] >= 24 and choice["height"] >= 24, choice

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)


def test_the_refused_consent_form_at_320_px(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker)
    page = new_page(worker)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/clients/{client.uuid}/consents/new/")
    page.get_by_role("button", name="Tallenna suostumus").click()
    expect(page.locator("#id_method_error")).to_contain_text("Valitse, miten suostumus")

    for choice in ("#id_method_0", "#id_purposes_0", "#id_giver_kind_0"):
        box = _box(page, choice)
        assert box["width"] >= 24 and box["height"] >= 24, (choice, box)
    # The choices of a group stand apart: the next one starts below the previous one's box.
    first, second = _box(page, "label[for=id_method_0]"), _box(page, "label[for=id_method_1]")
    assert second["y"] >= first["y"] + first["height"] - 1
    assert second["height"] >= 36, second
    # Its label still selects the choice.
    page.locator("label[for=id_method_1]").click()
    expect(page.locator("#id_method_1")).to_be_checked()

    assert _border(page, "#id_signed_on") == ERROR_RED
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)


def test_a_refused_check_off_on_the_consent_page_opens_with_its_error_summary(new_page, unit):
    """Without htmx the page comes back whole: the summary at its top is focused and read out,
    its link goes to the task's date field, and the title says the page has an error."""
    worker = acting(make_user(Role.SOCIAL_WORKER, unit))
    client = ClientFactory(responsible_worker=worker)
    consent = ConsentFactory(client=client, recorded_by=worker, parties=[kela()])
    actions.revoke_consent(
        consent=consent,
        revoked_by=worker,
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas",
    )
    task = Task.objects.get()
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/consents/{consent.pk}/")
    field = page.get_by_label(f"Tehty päivänä – {task.shown_title}")
    field.fill((timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name=f"Merkitse tehdyksi – {task.shown_title}").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Päivämäärä ei voi olla tulevaisuudessa.")
    assert page.title().startswith("Virhe: ")
    assert_accessible(page)
    summary.get_by_role("link", name=f"Tehty päivänä – {task.shown_title}").click()
    expect(field).to_be_focused()
