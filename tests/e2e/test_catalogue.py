"""The service catalogue in headless Chromium: filters with and without htmx, axe on every state."""

import re

import pytest
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from services import demo
from services.models import Unit
from tests.conftest import login
from tests.e2e.conftest import assert_accessible, collect_csp_errors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coach():
    demo.seed()  # browser tests run on a flushed database: load the catalogue again
    return make_user(Role.WORK_COACH, Unit.objects.get(slug="hki-tyotoiminta-itakeskus"))


def result_names(page):
    return page.locator("#catalogue-results tbody th").all_inner_texts()


def test_filtering_the_catalogue_and_opening_an_entry(new_page, coach):
    page = new_page(coach)
    csp_errors = collect_csp_errors(page)
    page.goto("/services/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Palveluvalikko osatyökykyisille")
    assert len(result_names(page)) == 25  # first page of 29
    assert_accessible(page)

    page.get_by_label("Luokka").select_option(label="Koulutus")
    page.get_by_label("Asiakkaan ikä").fill("23")
    page.get_by_role("button", name="Näytä palvelut").click()
    expect(page).to_have_url(re.compile(r"category=education"))
    expect(page.locator("#catalogue-results tbody tr")).to_have_count(3)
    assert "Nuorten työpajat ja Starttipaja" in result_names(page)
    assert_accessible(page)

    page.get_by_label("Palvelukieli").select_option(label="ruotsi")
    page.get_by_role("button", name="Näytä palvelut").click()
    expect(page.locator("#catalogue-results tbody tr")).to_have_count(2)
    assert "Nuorten työpajat ja Starttipaja" not in result_names(page)

    page.get_by_role("link", name="Ammatillinen koulutus ja oppisopimus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ammatillinen koulutus ja oppisopimus"
    )
    expect(page.locator("main")).to_contain_text("Miten asiakas ohjataan")
    assert_accessible(page)
    assert csp_errors == []


def test_paging_with_htmx_moves_focus_to_the_results_not_the_top(new_page, coach):
    page = new_page(coach)
    page.goto("/services/")
    first_page = result_names(page)
    page.get_by_role("link", name="Seuraava sivu").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_role("heading", name="Palvelut")).to_be_focused()
    assert result_names(page) != first_page
    # Filtering is not paging: focus stays where the user is.
    page.get_by_role("button", name="Näytä palvelut").click()
    expect(page.get_by_role("button", name="Näytä palvelut")).to_be_focused()


def test_back_and_forward_after_htmx_paging_restore_whole_pages(new_page, coach):
    """htmx keeps no copies of pages (historyCacheSize 0): Back asks the server for the page
    again, and that request must get the whole page, not the results fragment that an htmx
    request gets (which would replace the header, the navigation and the filters)."""
    page = new_page(coach)
    page.goto("/services/")
    first_page = result_names(page)
    page.get_by_role("link", name="Seuraava sivu").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    second_page = result_names(page)
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(page.get_by_role("button", name="Näytä palvelut")).to_be_visible()
    expect(page.get_by_role("navigation").first).to_be_visible()
    # The address changes at once; the page arrives from the server after it.
    names = page.locator("#catalogue-results tbody th")
    expect(names).to_have_text(first_page)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(names).to_have_text(second_page)
    expect(page.get_by_role("button", name="Näytä palvelut")).to_be_visible()


def test_an_entry_with_rules_and_the_error_state_are_accessible(new_page, coach):
    page = new_page(coach)
    page.goto("/services/?age=kolmekymmentä")
    expect(page.locator("#id_age_error")).to_be_visible()
    assert_accessible(page)
    page.goto("/services/?category=rehabilitation")
    page.get_by_role("link", name="Kuntouttava työtoiminta ja työvalmennus").click()
    expect(page.locator("main")).to_contain_text("3–24 kuukautta")
    expect(page.locator("main")).to_contain_text("Laki kuntouttavasta työtoiminnasta 189/2001")
    assert_accessible(page)


def test_an_invalid_filter_sent_with_htmx_shows_its_error_next_to_the_field(new_page, coach):
    """htmx swaps the results; the filters with the field's error come along out of band."""
    page = new_page(coach)
    page.goto("/services/")
    page.get_by_label("Asiakkaan ikä").fill("150")
    page.get_by_role("button", name="Näytä palvelut").click()
    expect(page.locator("#id_age_error")).to_contain_text("120")
    expect(page.locator(".polku-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Asiakkaan ikä").fill("23")
    page.get_by_role("button", name="Näytä palvelut").click()
    expect(page).to_have_url(re.compile(r"age=23"))
    expect(page.locator("#id_age_error")).to_have_count(0)


def test_the_filters_work_without_javascript(browser, live_server, coach):
    from django.conf import settings
    from django.test import Client

    from tests.e2e.conftest import session_cookie

    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", java_script_enabled=False
    )
    client = login(Client(), coach)
    context.add_cookies(
        [session_cookie(live_server.url, client.cookies[settings.SESSION_COOKIE_NAME].value)]
    )
    page = context.new_page()
    page.goto("/services/")
    page.get_by_label("Luokka").select_option(label="Sosiaaliturva")
    page.get_by_role("button", name="Näytä palvelut").click()
    expect(page).to_have_url(re.compile(r"category=social_security"))
    expect(page.locator("#catalogue-results tbody tr")).to_have_count(4)
    context.close()
