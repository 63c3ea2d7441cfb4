"""The admin is signed in to only through Polku's sign-in, with MFA: its own password form
(which would sign in with a password alone, and without allauth's rate limit) is not
there. A visitor is sent to allauth's sign-in, keeping where they were going."""

from django.urls import reverse

from accounts.factories import TEST_PASSWORD, make_user
from accounts.roles import Role
from services.factories import UnitFactory
from tests.conftest import login


def test_posting_a_password_to_the_admin_signs_no_one_in(client, db):
    administrator = make_user(Role.ADMIN, UnitFactory(), is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/accounts/user/",
        {"username": administrator.email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/user/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/accounts/user/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_admin_sends_a_visitor_to_polkus_sign_in(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    going = client.get(response["Location"])
    assert going.status_code == 302
    assert going["Location"] == "/accounts/login/?next=/admin/"


def test_a_signed_in_administrator_goes_on_and_others_are_refused(client, db):
    unit = UnitFactory()
    login(client, make_user(Role.ADMIN, unit, is_staff=True))
    response = client.get("/admin/login/?next=/admin/services/unit/")
    assert (response.status_code, response["Location"]) == (302, "/admin/services/unit/")
    # Never onward to another host.
    response = client.get("/admin/login/?next=https://example.org/")
    assert response["Location"] == reverse("admin:index")
    client.logout()
    login(client, make_user(Role.SOCIAL_WORKER, unit))
    assert client.get("/admin/login/").status_code == 403
