"""A security key (WebAuthn) as the second factor, end to end in headless Chromium with the
CSP on: Chromium's virtual authenticator (DevTools protocol) stands in for the key."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.conftest import totp_code
from tests.e2e.conftest import assert_accessible, collect_csp_errors
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def with_virtual_key(page):
    """A platform-independent USB key that verifies its user and answers at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


def test_a_worker_adds_a_security_key_and_signs_in_with_it(new_page, social_worker):
    page = new_page()
    csp_errors = collect_csp_errors(page)
    with_virtual_key(page)
    sign_in(page, social_worker.email)
    page.get_by_label("Koodi").fill(totp_code())
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Etusivu")

    page.goto("/accounts/2fa/webauthn/add/")
    # Adding a key asks for the password again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Vahvista pääsy")
    page.get_by_label("Salasana").fill("polku-demo")
    page.get_by_role("button", name="Vahvista").click()
    expect(page).to_have_url("/accounts/2fa/webauthn/add/")
    assert_accessible(page)
    page.locator("input[name=name]").fill("Työpaikan avain")
    page.locator("#mfa_webauthn_add").click()
    expect(page).not_to_have_url("/accounts/2fa/webauthn/add/")
    key = Authenticator.objects.get(user=social_worker, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Työpaikan avain"

    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page).to_have_url("/accounts/login/")
    sign_in(page, social_worker.email)
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    assert_accessible(page)
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Etusivu")
    assert csp_errors == []
