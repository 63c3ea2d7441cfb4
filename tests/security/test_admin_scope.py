"""An organisation's administrator manages the users of their own organisation, never the
operator's account (a superuser): whoever could change its address, send it a password
link and remove its second factors would sign in as the operator, who reaches every
organisation's users, units and rule sets."""

from allauth.mfa.models import Authenticator

from accounts.factories import make_user
from accounts.models import User
from accounts.roles import Role
from tests.accounts.test_admin_and_errors import _user_change_form
from tests.conftest import login


def _administrator_and_operator(unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    operator = make_user(None, unit, is_staff=True, is_superuser=True)
    return admin, colleague, operator


def test_the_operators_account_is_not_in_an_administrators_user_list(client, unit):
    admin, colleague, operator = _administrator_and_operator(unit)
    login(client, admin)
    page = client.get("/admin/accounts/user/").content.decode()
    assert colleague.email in page
    assert operator.email not in page
    # Nor is it opened by its address: the admin answers as for a user that does not exist.
    response = client.get(f"/admin/accounts/user/{operator.pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_an_administrator_cannot_take_over_the_operators_account(client, unit):
    admin, colleague, operator = _administrator_and_operator(unit)
    login(client, admin)
    form = _user_change_form(operator, [])
    form["email"] = "haltija@polku.test"
    client.post(f"/admin/accounts/user/{operator.pk}/change/", form)
    client.post(
        "/admin/accounts/user/",
        {"action": "remove_second_factors", "_selected_action": [operator.pk, colleague.pk]},
    )
    operator.refresh_from_db()
    assert operator.email != "haltija@polku.test"
    assert Authenticator.objects.filter(user=operator).exists()
    # The same action still reaches the administrator's own colleague.
    assert not Authenticator.objects.filter(user=colleague).exists()


def test_a_superuser_still_manages_every_account(client, unit):
    _admin, colleague, operator = _administrator_and_operator(unit)
    other_operator = make_user(None, unit, is_staff=True, is_superuser=True)
    login(client, operator)
    page = client.get("/admin/accounts/user/").content.decode()
    assert colleague.email in page and other_operator.email in page
    assert User.objects.filter(is_superuser=True).count() == 2
