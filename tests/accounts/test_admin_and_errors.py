"""Administrators invite users (the e-mail sets the password); friendly error pages in the layout."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.factories import make_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from tests.conftest import login, totp_code

NEW_PASSWORD = "oma-Pitka-salasana-2048"


def test_an_invited_user_sets_a_password_enrols_totp_and_reaches_the_dashboard(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    invited = User.objects.create_user(
        "uusi.tyontekija@polku.test",
        None,
        first_name="Uusi",
        last_name="Työntekijä",
        organisation=unit.organisation,
    )
    RoleAssignment.objects.create(user=invited, role=Role.WORK_COACH, unit=unit)
    login(client, admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "send_invitation", "_selected_action": [invited.pk]}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["uusi.tyontekija@polku.test"]
    link = next(word for word in message.body.split() if "/accounts/password/reset/key/" in word)

    # The invited user opens the link in their own browser and chooses a password.
    browser = Client()
    page = browser.get(link.replace("http://testserver", ""), follow=True)
    assert page.status_code == 200
    assert not invited.has_usable_password()
    assert not EmailAddress.objects.get(user=invited).verified
    set_password_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = browser.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    # Using the link proved the address: allauth enrols MFA only for a verified one.
    assert EmailAddress.objects.get(user=invited).verified
    # The link is single-use.
    again = browser.get(link.replace("http://testserver", ""), follow=True)
    assert again.context["token_fail"]

    # Signing in with the new password: no second step yet, and nothing but enrolment.
    response = browser.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    response = browser.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = browser.get(reverse("mfa_activate_totp"), follow=True)
    if page.redirect_chain and "/reauthenticate/" in page.redirect_chain[-1][0]:
        page = browser.post(page.redirect_chain[-1][0], {"password": NEW_PASSWORD}, follow=True)
    assert page.request["PATH_INFO"] == reverse("mfa_activate_totp")
    secret = browser.session[SECRET_SESSION_KEY]
    response = browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=invited, type=Authenticator.Type.TOTP).exists()

    dashboard = browser.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    text = dashboard.content.decode()
    assert invited.get_full_name() in text
    assert "Työvalmentaja" in text

    # The next sign-in asks for the code from the enrolled authenticator.
    browser.post(reverse("account_logout"))
    response = browser.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert browser.get(reverse("dashboard")).status_code == 200


def test_administrators_see_only_their_own_organisations_users(client, unit):
    from services.factories import UnitFactory

    admin = make_user(Role.ADMIN, unit, is_staff=True)
    own = make_user(Role.SOCIAL_WORKER, unit)
    other = make_user(Role.SOCIAL_WORKER, UnitFactory())
    login(client, admin)
    page = client.get("/admin/accounts/user/").content.decode()
    assert own.email in page and other.email not in page


def test_a_missing_page_answers_404_in_the_layout(client, social_worker):
    login(client, social_worker)
    response = client.get("/clients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Sivua ei löytynyt" in text and 'class="polku-header"' in text and 'href="#main"' in text


def test_the_open_signup_is_closed(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "x@polku.test", "password1": "salasana-pitka-123"}
    )
    assert not User.objects.filter(email="x@polku.test").exists()
    assert response.status_code in (200, 302, 403)


def test_a_user_turns_off_the_morning_digest_and_changes_language(client, social_worker):
    login(client, social_worker)
    response = client.post("/profile/", {"preferred_language": "sv", "phone": "040 1112223"})
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert (social_worker.preferred_language, social_worker.email_digest) == ("sv", False)
    assert response.cookies["django_language"].value == "sv"
