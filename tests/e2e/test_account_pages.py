"""axe on the sign-in and account pages (allauth's, in Polku's templates): the every-page
walk covers only Polku's own URLs. Each allauth page without URL parameters is opened
anonymously and signed in, plus the second-factor step and TOTP enrolment of a user who
has none yet."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from tests.conftest import login, totp_code
from tests.e2e.conftest import axe_violations
from tests.permissions.matrix import group_of, iter_patterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ACCOUNT_PAGES = sorted(
    name
    for name, route, module in iter_patterns()
    if name and "<" not in route and group_of(name, route, module) == "allauth"
)


def _html_pages(user=None):
    probe = Client()
    if user is not None:
        login(probe, user)
    for name in ACCOUNT_PAGES:
        url = reverse(name)
        response = probe.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield name, url


def test_every_account_page_passes_axe_anonymous_and_signed_in(new_page, social_worker):
    failures, checked = {}, []
    for user in (None, social_worker):
        page = new_page(user)
        for name, url in _html_pages(user):
            response = page.goto(url)
            if response.status != 200:
                continue
            checked.append(name)
            if violations := axe_violations(page):
                failures[f"{name} ({'signed in' if user else 'anonymous'})"] = violations
    assert failures == {}
    assert {"account_login", "account_reset_password", "mfa_index"} <= set(checked), checked


def test_the_second_factor_and_totp_enrolment_pass_axe(new_page, unit):
    with_totp = make_user(Role.SOCIAL_WORKER, unit)
    with_totp.set_password("polku-demo")
    with_totp.save()
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Sähköposti").fill(with_totp.email)
    page.get_by_label("Salasana").fill("polku-demo")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    assert axe_violations(page) == []
    page.get_by_label("Koodi").fill("12345")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []

    # A new user signs in with a password and is sent to enrol: the page's header bell
    # must not swap the enrolment page into itself (it did, once a second, nesting).
    newcomer = make_user(Role.SOCIAL_WORKER, unit, with_mfa=False)
    newcomer.set_password("polku-demo")
    newcomer.save()
    # As after the invitation's link: allauth enrols MFA only for a verified address.
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    enrolling = new_page()
    enrolling.goto("/accounts/login/")
    enrolling.get_by_label("Sähköposti").fill(newcomer.email)
    enrolling.get_by_label("Salasana").fill("polku-demo")
    enrolling.get_by_role("button", name="Kirjaudu").click()
    # Straight to enrolment: the password was typed a moment ago.
    expect(enrolling).to_have_url("/accounts/2fa/totp/activate/")
    enrolling.wait_for_timeout(1500)
    expect(enrolling.locator("header")).to_have_count(1)
    assert axe_violations(enrolling) == []

    # An enrolled user making new recovery codes is asked to confirm it is them.
    page.get_by_label("Koodi").fill(totp_code())
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Etusivu")
    page.goto("/accounts/2fa/recovery-codes/generate/")
    expect(page).to_have_url(re.compile(r"/reauthenticate/"))
    expect(page.locator("header")).to_have_count(1)
    assert axe_violations(page) == []


def test_the_recovery_codes_are_all_in_view_after_enrolment(new_page, unit):
    """The ten codes a new user is shown once enrolled fit their box: it was as high as three
    lines of HDS input whatever its rows, so the last codes were hidden below a scroll that
    a user writing them down would not notice."""
    newcomer = make_user(Role.SOCIAL_WORKER, unit, with_mfa=False)
    newcomer.set_password("polku-demo")
    newcomer.save()
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Sähköposti").fill(newcomer.email)
    page.get_by_label("Salasana").fill("polku-demo")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url("/accounts/2fa/totp/activate/")
    secret = re.search(r"\b[A-Z2-7]{32}\b", page.content()).group(0)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url("/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes")
    assert len(codes.input_value().split()) == 10
    hidden = codes.evaluate("box => box.scrollHeight - box.clientHeight")
    assert hidden <= 0, f"{hidden}px of the codes are scrolled out of view"
