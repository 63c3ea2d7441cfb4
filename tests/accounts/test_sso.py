"""OpenID Connect: an invited user signs in by the county's IdP and is connected to their account.

The provider's answer (the ID token's claims) is handed to allauth's own
completion step, as its callback view does after fetching and verifying the
token; no network. Sign-up stays closed: an unknown address is refused.
"""

from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from tests.conftest import totp_code

PROVIDER_ID = "county"


@pytest.fixture
def oidc(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Hyvinvointialueen kirjautuminen",
                    "client_id": "polku",
                    "secret": "not-used-without-network",
                    "settings": {"server_url": "https://idp.example.fi/realms/county"},
                }
            ]
        }
    }


@pytest.fixture
def invited(unit):
    user = User.objects.create_user(
        "kutsuttu@hyvinvointialue.example.fi",
        None,
        first_name="Kutsuttu",
        last_name="Käyttäjä",
        organisation=unit.organisation,
    )
    RoleAssignment.objects.create(user=user, role=Role.SOCIAL_COUNSELLOR, unit=unit)
    # The invitation e-mail was sent, its link never used: an unverified address, no password.
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def _sign_in_by_sso(client, claims):
    """Completes an SSO sign-in with the IdP's claims; the test client then holds the session."""
    request = RequestFactory().get(f"/accounts/oidc/{PROVIDER_ID}/login/callback/")
    request.session = import_module(django_settings.SESSION_ENGINE).SessionStore()
    request.session.create()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    with context.request_context(request):
        provider = get_adapter(request).get_provider(request, PROVIDER_ID)
        sociallogin = provider.sociallogin_from_response(request, claims)
        sociallogin.state = {"process": "login", "next": reverse("dashboard")}
        response = complete_social_login(request, sociallogin)
    request.session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    return response


def _claims(user_email, verified=True):
    return {
        "sub": "0f6c2a1e-county-subject",
        "email": user_email,
        "email_verified": verified,
        "given_name": "Kutsuttu",
        "family_name": "Käyttäjä",
    }


def test_the_settings_let_sso_find_an_invited_user_by_a_verified_address():
    assert django_settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION is True
    assert django_settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT is True
    assert django_settings.SOCIALACCOUNT_AUTO_SIGNUP is False


# Enrolment commits inside the request, as in production: allauth's authenticator_added,
# sent on commit, then marks the session as having used its second factor.
@pytest.mark.django_db(transaction=True)
def test_an_invited_user_signs_in_by_sso_is_connected_and_enrols_mfa(client, oidc, invited):
    response = _sign_in_by_sso(client, _claims(invited.email))
    assert response.status_code == 302
    account = SocialAccount.objects.get(user=invited)
    assert (account.provider, account.uid) == (PROVIDER_ID, "0f6c2a1e-county-subject")
    assert EmailAddress.objects.get(user=invited).verified
    assert User.objects.count() == 1  # no new account

    # Signed in, but MFA comes first, and enrolment works for the SSO user.
    assert client.session["_auth_user_id"] == str(invited.pk)
    response = client.get(reverse("dashboard"))
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(client.session["mfa.totp.secret"])}
    )
    assert response.status_code == 302
    assert "Sosiaaliohjaaja" in client.get(reverse("dashboard")).content.decode()


def test_a_second_sso_sign_in_uses_the_connected_account(client, oidc, invited):
    _sign_in_by_sso(client, _claims(invited.email))
    client.logout()
    # Even with the address changed at the IdP, the subject identifies the user now.
    _sign_in_by_sso(client, _claims("uusi.osoite@hyvinvointialue.example.fi"))
    assert client.session["_auth_user_id"] == str(invited.pk)
    assert SocialAccount.objects.filter(user=invited).count() == 1


def test_an_unverified_address_from_the_idp_signs_nobody_in(client, oidc, invited):
    response = _sign_in_by_sso(client, _claims(invited.email, verified=False))
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    assert response.status_code == 200  # allauth's "sign-up closed" page


def test_an_unknown_address_gets_no_account(client, oidc, db):
    response = _sign_in_by_sso(client, _claims("tuntematon@hyvinvointialue.example.fi"))
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert response.status_code == 200
