"""Sign-in end to end in headless Chromium, with the CSP on, and axe on the public pages."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import RoleAssignment
from accounts.roles import Role
from tests.conftest import totp_code
from tests.e2e.conftest import assert_accessible, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email, password="polku-demo"):
    page.goto("/accounts/login/")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu").click()


def test_password_totp_dashboard_role_switch_and_sign_out(new_page, social_worker, unit):
    RoleAssignment.objects.create(user=social_worker, role=Role.COORDINATOR, unit=unit)
    page = new_page()
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
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
    expect(page.get_by_role("alert")).to_contain_text(re.compile("salasana", re.I))
    sign_in(page, social_worker.email)
    page.get_by_label("Koodi").fill("000000" if totp_code() != "000000" else "111111")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.locator("main")).to_contain_text(re.compile("koodi", re.I))
    expect(page).to_have_url("/accounts/2fa/authenticate/")


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
