"""Enrolling the first second factor right after signing in with the password does not ask
for the password again; later, or with a second factor already enrolled, it does."""

import datetime

import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.factories import TEST_PASSWORD, make_user
from accounts.roles import Role
from tests.conftest import totp_code

REAUTHENTICATE = "/accounts/reauthenticate/"


def signed_in_with_password(user) -> Client:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    browser = Client()
    response = browser.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return browser


def test_the_first_factor_is_enrolled_without_typing_the_password_again(unit):
    browser = signed_in_with_password(make_user(Role.WORK_COACH, unit, with_mfa=False))
    assert browser.get(reverse("mfa_activate_totp")).status_code == 200


def test_enrolling_after_the_reauthentication_timeout_asks_for_the_password(unit):
    user = make_user(Role.WORK_COACH, unit, with_mfa=False)
    signed_in_at = timezone.now()
    with time_machine.travel(signed_in_at, tick=False):
        browser = signed_in_with_password(user)
    with time_machine.travel(signed_in_at + datetime.timedelta(minutes=6), tick=False):
        response = browser.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE)


def test_a_user_with_a_second_factor_is_asked_again_before_adding_another(unit):
    user = make_user(Role.WORK_COACH, unit)
    browser = signed_in_with_password(user)
    browser.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert browser.get(reverse("dashboard")).status_code == 200
    response = browser.get(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE)
