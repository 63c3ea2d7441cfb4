"""The admin is signed in to only through Polku's sign-in, with MFA: its own password form
(which would sign in with a password alone, and without allauth's rate limit) is not
there. A visitor is sent to allauth's sign-in, keeping where they were going."""

import datetime

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


def test_the_admin_follows_the_active_role_not_the_staff_flag(client, db):
    """An administrator made by another in the admin (whose form has no staff flag) reaches the
    admin the menu offers them; a user who holds the administrator role but acts in another
    role, or whose administrator role has ended, does not, whatever their staff flag."""
    from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT

    unit = UnitFactory()
    new_administrator = make_user(Role.ADMIN, unit)  # is_staff False, as the admin creates them
    login(client, new_administrator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    client.logout()

    two_roles = make_user(Role.ADMIN, unit, is_staff=True)
    manager_role = two_roles.role_assignments.create(role=Role.MANAGER, unit=unit)
    login(client, two_roles)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SESSION_ACTIVE_ASSIGNMENT] = manager_role.pk
    session.save()
    assert client.get("/admin/accounts/user/", follow=True).status_code == 403
    client.logout()

    former = make_user(Role.ADMIN, unit, is_staff=True)
    former.role_assignments.update(
        valid_from=datetime.date(1999, 1, 1), valid_to=datetime.date(2000, 1, 1)
    )
    login(client, former)
    assert client.get("/admin/accounts/user/", follow=True).status_code == 403
