"""Recovery codes: made when a user enrols TOTP, each one signs in once."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from accounts.actions import confirm_login_address
from accounts.roles import Role
from tests.accounts.test_sign_in import LOGIN, MFA, WRONG_CODE, texts_of
from tests.conftest import totp_code

PASSWORD = "polku-demo"


def _enrol_totp(client, user) -> str:
    """Signs in and enrols TOTP as a new user does (a code from the app; the password was
    typed a moment ago); returns the page the enrolment leads to."""
    confirm_login_address(user=user)  # as the invitation's link does
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return response["Location"]


def _sign_in_with(client, user, code):
    client.post(reverse("account_logout"))
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == MFA
    return client.post(MFA, {"code": code})


# Enrolment commits inside the request, as in production: allauth's authenticator_added,
# sent on commit, then marks the session as having used its second factor.
@pytest.mark.django_db(transaction=True)
def test_enrolling_totp_makes_recovery_codes_and_shows_them(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    next_page = _enrol_totp(client, user)
    assert next_page == reverse("mfa_view_recovery_codes")
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(authenticator).get_unused_codes()
    assert len(codes) == 10
    # Shown in the page's read-only text area, one a line.
    page = client.get(next_page)
    assert texts_of(page, id="recovery_codes") == [" ".join(codes)]


# Enrolment commits inside the request, as in production: allauth's authenticator_added,
# sent on commit, then marks the session as having used its second factor.
@pytest.mark.django_db(transaction=True)
def test_a_recovery_code_signs_in_once(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    _enrol_totp(client, user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    code = RecoveryCodes(authenticator).get_unused_codes()[0]

    response = _sign_in_with(client, user, code)
    assert response.status_code == 302
    dashboard = client.get(response["Location"])
    assert dashboard.request["PATH_INFO"] == reverse("dashboard")
    assert dashboard.status_code == 200
    assert user.get_full_name() in dashboard.content.decode()
    authenticator.refresh_from_db()
    assert code not in RecoveryCodes(authenticator).get_unused_codes()

    response = _sign_in_with(client, user, code)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert texts_of(response, id="id_code_error") == [WRONG_CODE]


def test_the_second_step_tells_a_user_without_their_phone_what_to_do(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit)
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    page = client.get(MFA)
    assert texts_of(page, id="mfa-recovery-help") == [
        "Jos puhelimesi on kadonnut tai todennussovellus ei ole käytettävissä, kirjoita kenttään "
        "yksi palautuskoodeistasi (kukin toimii kerran). Jos sinulla ei ole palautuskoodeja, "
        "pyydä organisaatiosi pääkäyttäjää poistamaan kaksivaiheinen tunnistautumisesi. "
        "Seuraavalla kirjautumisella otat sen käyttöön uudelleen."
    ]


# Enrolment commits inside the request, as in production: allauth's authenticator_added,
# sent on commit, then marks the session as having used its second factor.
@pytest.mark.django_db(transaction=True)
def test_an_administrator_removes_the_second_factors_of_a_user_who_lost_their_phone(
    client, user_factory, unit, caplog
):
    """The user signs in with their password only and is sent to enrol a new factor; the
    administrator's own factors, and a user of another organisation, are not touched."""
    import logging

    from django.test import Client as Browser

    from services.factories import UnitFactory
    from tests.conftest import login

    caplog.set_level(logging.INFO, logger="polku.security")
    administrator = user_factory(Role.ADMIN, unit)
    lost_phone = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    _enrol_totp(client, lost_phone)  # an authenticator app and recovery codes
    assert Authenticator.objects.filter(user=lost_phone).count() == 2
    elsewhere = user_factory(Role.SOCIAL_WORKER, UnitFactory())
    client.post(reverse("account_logout"))

    admin_browser = login(Browser(), administrator)
    response = admin_browser.post(
        "/admin/accounts/user/",
        {
            "action": "remove_second_factors",
            "_selected_action": [lost_phone.pk, administrator.pk, elsewhere.pk],
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"Käyttäjän {lost_phone.email} kaksivaiheinen tunnistautuminen poistettiin." in page
    assert "Omaa kaksivaiheista tunnistautumistasi et voi poistaa täällä" in page
    assert not Authenticator.objects.filter(user=lost_phone).exists()
    assert Authenticator.objects.filter(user=administrator).exists()
    assert Authenticator.objects.filter(user=elsewhere).exists()
    [line] = [r for r in caplog.records if r.msg == "accounts.second_factors_removed"]
    assert (line.user_id, line.removed_by_id, line.authenticators) == (
        lost_phone.pk,
        administrator.pk,
        2,
    )

    # The password alone signs in now, and leads only to enrolling a new factor.
    response = client.post(LOGIN, {"login": lost_phone.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != MFA
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_activate_totp")
