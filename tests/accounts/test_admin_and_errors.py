"""Administrators invite users (the e-mail sets the password); friendly error pages in the layout."""

from django.core import mail

from accounts.factories import make_user
from accounts.models import User
from accounts.roles import Role
from tests.conftest import login


def test_an_administrator_invites_a_user_who_sets_a_password_by_the_link(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    invited = User.objects.create_user(
        "uusi.tyontekija@polku.test",
        None,
        first_name="Uusi",
        last_name="Työntekijä",
        organisation=unit.organisation,
    )
    login(client, admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "send_invitation", "_selected_action": [invited.pk]}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["uusi.tyontekija@polku.test"]
    link = next(word for word in message.body.split() if "/accounts/password/reset/key/" in word)
    page = client.get(link.replace("http://testserver", ""), follow=True)
    assert page.status_code == 200
    assert not invited.has_usable_password()


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
