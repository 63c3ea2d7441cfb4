"""The idle timeout in Chromium, with a 30-second timeout (the warning comes at half time):
the warning opens in time and keeps the session, and a page whose session ended while a
note was half written keeps the note on screen instead of going to the sign-in page."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from clients.models import CaseNote
from tests.e2e.conftest import assert_accessible, collect_csp_errors

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Tapasimme kirjastossa. Asiakas kertoi"


def in_a_moment():
    """A time the page's clock has not passed yet (pause_at goes forward only)."""
    return datetime.datetime.now() + datetime.timedelta(seconds=2)


@pytest.fixture
def note_page(new_page, unit, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 0.5

    def open_note_page():
        worker = make_user(Role.SOCIAL_WORKER, unit)
        client = ClientFactory(responsible_worker=worker)
        page = new_page(worker)
        errors = collect_csp_errors(page)
        page.goto(f"/clients/{client.uuid}/notes/new/")
        return page, errors

    return open_note_page


def test_the_warning_comes_before_the_timeout_and_its_button_keeps_the_session(note_page):
    page, errors = note_page()
    text = page.locator("#id_text")
    text.focus()
    warning = page.get_by_role("alertdialog", name="Istunto on päättymässä")
    expect(warning).to_be_visible(timeout=25_000)
    button = warning.get_by_role("button", name="Jatka istuntoa")
    expect(button).to_be_focused()
    expect(warning).to_contain_text("Istuntosi päättyy 1 minuutin kuluttua")
    assert_accessible(page)
    with page.expect_response(lambda r: "/session/keepalive/" in r.url) as answered:
        page.keyboard.press("Enter")
    assert answered.value.request.method == "POST"
    assert answered.value.status == 204
    expect(warning).to_be_hidden()
    expect(text).to_be_focused()  # back where the user was
    # The warning comes again past the first page load's timeout: the session went on, and
    # Escape extends it too.
    expect(warning).to_be_visible(timeout=25_000)
    with page.expect_response(lambda r: "/session/keepalive/" in r.url) as answered:
        page.keyboard.press("Escape")
    assert answered.value.status == 204
    expect(warning).to_be_hidden()
    page.reload()
    expect(page.locator("#id_text")).to_be_visible()
    assert "/accounts/login/" not in page.url
    assert errors == []


def test_a_half_written_note_stays_on_the_page_when_the_session_ends(note_page):
    page, errors = note_page()
    address = page.url
    page.locator("#id_text").press_sequentially(NOTE)  # then a long phone call
    warning = page.get_by_role("alertdialog", name="Istunto on päättymässä")
    expect(warning).to_be_visible(timeout=25_000)
    ended = page.get_by_role("alert").filter(has_text="Istuntosi on päättynyt")
    expect(ended).to_be_visible(timeout=40_000)
    expect(ended).to_be_focused()
    expect(ended).to_contain_text("Kopioi teksti talteen ennen kuin kirjaudut uudelleen")
    expect(warning).to_be_hidden()
    assert page.url == address
    expect(page.locator("#id_text")).to_have_value(NOTE)
    link = ended.get_by_role("link", name="Kirjaudu uudelleen (avautuu uuteen välilehteen)")
    assert link.get_attribute("target") == "_blank"
    assert_accessible(page)
    # The session has indeed ended: the server signed the user out.
    assert page.request.get("/", max_redirects=0).status == 302
    # Saving now would bring the sign-in page and lose the note: the page keeps it.
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.locator("#id_text").focus()
    page.get_by_role("button", name="Tallenna").click()
    expect(ended).to_be_focused()
    assert page.url == address
    expect(page.locator("#id_text")).to_have_value(NOTE)
    assert sent == []
    assert errors == []


def test_a_note_saved_on_waking_from_sleep_is_kept_when_the_session_has_ended(note_page):
    page, errors = note_page()
    address = page.url
    page.clock.install()
    page.locator("#id_text").press_sequentially(NOTE)
    page.clock.pause_at(in_a_moment())  # the lid is closed: no timer runs
    page.wait_for_timeout(32_000)  # the server's 30 seconds pass
    page.clock.set_system_time(datetime.datetime.now())  # the lid opens
    with page.expect_response(lambda r: "/session/keepalive/" in r.url) as asked:
        page.get_by_role("button", name="Tallenna").click()
    assert asked.value.headers.get("polku-session-ended")
    ended = page.get_by_role("alert").filter(has_text="Istuntosi on päättynyt")
    expect(ended).to_be_focused()
    assert page.url == address
    expect(page.locator("#id_text")).to_have_value(NOTE)
    assert not CaseNote.objects.exists()
    assert errors == []


def test_a_note_saved_on_waking_from_sleep_is_saved_when_the_session_goes_on(note_page):
    page, errors = note_page()
    page.clock.install()
    page.locator("#id_text").press_sequentially(NOTE)
    page.clock.pause_at(in_a_moment())
    # Past the page's own count, but another tab kept the session in use.
    page.clock.set_system_time(datetime.datetime.now() + datetime.timedelta(minutes=5))
    with page.expect_response(lambda r: "/session/keepalive/" in r.url) as asked:
        page.get_by_role("button", name="Tallenna").click()
    assert asked.value.status == 204
    page.wait_for_url(lambda url: "/notes/new/" not in url)
    assert CaseNote.objects.get().text.startswith(NOTE)
    assert errors == []


def test_a_page_without_edits_goes_to_sign_in_when_the_session_ends(note_page):
    page, _ = note_page()
    page.wait_for_url("**/accounts/login/**", timeout=50_000)
    expect(page.get_by_text("Istuntosi päättyi, koska olit pitkään toimettomana.")).to_be_visible()


def test_the_admin_warns_before_the_timeout_and_keeps_a_half_written_entry(
    new_page, unit, settings
):
    """The admin's pages are Polku's too (WCAG 2.1 SC 2.2.1): the same warning, and the same
    notice when the session ends over an entry not saved."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 0.5
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    page = new_page(administrator)
    page.goto("/admin/services/unit/add/")
    warning = page.get_by_role("alertdialog", name="Istunto on päättymässä")
    expect(warning).to_be_visible(timeout=25_000)
    with page.expect_response(lambda r: "/session/keepalive/" in r.url) as answered:
        page.keyboard.press("Enter")
    assert answered.value.status == 204
    expect(warning).to_be_hidden()

    page.locator("#id_name_fi").fill("Nuorten työpaja")
    ended = page.get_by_role("alert").filter(has_text="Istuntosi on päättynyt")
    expect(ended).to_be_visible(timeout=60_000)
    page.locator("input[name=_save]").click()
    expect(ended).to_be_focused()
    assert page.url.endswith("/admin/services/unit/add/")
    expect(page.locator("#id_name_fi")).to_have_value("Nuorten työpaja")
