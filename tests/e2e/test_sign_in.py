"""Sign-in end to end in headless Chromium, with the CSP on, and axe on the public pages."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import RoleAssignment
from accounts.roles import Role
from tests.conftest import totp_code
from tests.e2e.conftest import assert_accessible, axe_violations, collect_csp_errors

# allauth's messages in its Finnish translation, and the project's error summary.
WRONG_PASSWORD = "Annettu sähköposti tai salasana ei ole oikein."
WRONG_CODE = "Virheellinen koodi."
FORM_HAS_ERRORS = "Lomakkeessa on virheitä. Korjaa merkityt kohdat."

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email, password="polku-demo"):
    page.goto("/accounts/login/")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu").click()


def test_password_totp_dashboard_role_switch_and_sign_out(new_page, social_worker, unit):
    RoleAssignment.objects.create(user=social_worker, role=Role.COORDINATOR, unit=unit)
    page = new_page()
    csp_errors = collect_csp_errors(page)
    sign_in(page, social_worker.email)
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    page.get_by_label("Koodi").fill(totp_code())
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Etusivu")
    expect(page.locator("main")).to_contain_text("Toimit roolissa Sosiaalityöntekijä")

    page.get_by_label("Rooli", exact=True).select_option(label=f"Työkykykoordinaattori – {unit}")
    page.get_by_role("button", name="Vaihda").click()
    expect(page.locator("main")).to_contain_text("Toimit roolissa Työkykykoordinaattori")

    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page).to_have_url("/accounts/login/")
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    assert csp_errors == []


def test_wrong_password_and_wrong_code_give_clear_errors(new_page, social_worker):
    page = new_page()
    sign_in(page, social_worker.email, password="väärä-salasana")
    # The labels "Salasana" and "Koodi" are always on the pages: the messages themselves count.
    expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD)
    expect(page).to_have_url("/accounts/login/")
    sign_in(page, social_worker.email)
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_label("Koodi").fill("000000" if totp_code() != "000000" else "111111")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    code = page.get_by_label("Koodi")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description(WRONG_CODE)
    expect(page.locator("#id_code_error")).to_have_text(WRONG_CODE)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(FORM_HAS_ERRORS)
    expect(summary.get_by_role("link", name="Koodi")).to_have_attribute("href", "#id_code")


def test_repeated_failures_are_rate_limited(new_page, social_worker):
    page = new_page()
    for _ in range(5):
        sign_in(page, social_worker.email, password="väärä-salasana")
    sign_in(page, social_worker.email)
    expect(page.get_by_role("alert")).to_contain_text(re.compile("liian monta", re.I))
    expect(page).to_have_url("/accounts/login/")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_public_and_signed_in_pages_have_no_axe_violations(new_page, social_worker, language):
    page = new_page(language=language)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    page.goto("/saavutettavuus/")
    assert_accessible(page)
    signed_in = new_page(social_worker, language=language)
    signed_in.goto("/")
    expect(signed_in.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(signed_in)


def test_the_axe_harness_reports_a_real_violation(new_page):
    """Proves assert_accessible can fail: an image without alternative text."""
    page = new_page()
    page.goto("/saavutettavuus/")
    page.evaluate(
        "document.querySelector('main').append(Object.assign(new Image(), {src: '/x.png'}))"
    )
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}
