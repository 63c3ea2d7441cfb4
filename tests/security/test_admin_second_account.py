"""An administrator never manages their own roles, and a second account of theirs is their
own: one they made a manager, invited to an address of theirs and signed in with would read
the unit's clients (PERMISSIONS.md: administrators never see client data)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.actions import check_may_manage_roles, same_person
from accounts.factories import make_invited_user, make_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from tests.accounts.test_admin_and_errors import _user_change_form
from tests.conftest import login

REFUSED = "Et voi hallita omia roolejasi etkä toisen käyttäjätunnuksesi rooleja"


@pytest.fixture
def administrator(unit):
    return make_user(
        Role.ADMIN,
        unit,
        is_staff=True,
        first_name="Paavo",
        last_name="Pääkäyttäjä",
        email="paavo.paakayttaja@kunta.test",
    )


def _new_user_form(unit, **fields) -> dict:
    return {
        "email": "uusi@kunta.test",
        "first_name": "Uusi",
        "last_name": "Tunnus",
        "organisation": unit.organisation_id,
        "preferred_language": "fi",
        "email_digest": "on",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": 1,
        "role_assignments-INITIAL_FORMS": 0,
        "role_assignments-MIN_NUM_FORMS": 0,
        "role_assignments-MAX_NUM_FORMS": 1000,
        "role_assignments-0-role": Role.MANAGER,
        "role_assignments-0-unit": unit.pk,
        "role_assignments-0-valid_from": "2026-01-01",
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        # Their own name under another address ...
        {"first_name": "paavo", "last_name": "Paakayttaja", "email": "pp@muu.test"},
        # ... or another name at their own mailbox.
        {"email": "Paavo.Paakayttaja+esihenkilo@kunta.test"},
    ],
)
def test_an_administrator_cannot_create_a_second_account_of_theirs_with_a_role(
    client, unit, administrator, fields
):
    login(client, administrator)
    response = client.post("/admin/accounts/user/add/", _new_user_form(unit, **fields))
    page = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in page
    assert not User.objects.filter(email=fields["email"].lower()).exists()
    assert not RoleAssignment.objects.filter(role=Role.MANAGER).exists()


def test_a_second_account_of_theirs_without_roles_is_created_and_another_grants_its_roles(
    client, unit, administrator
):
    """An account for another person of the same name is possible: another administrator
    gives it roles."""
    login(client, administrator)
    form = _new_user_form(
        unit,
        first_name="Paavo",
        last_name="Pääkäyttäjä",
        email="paavo.paakayttaja2@kunta.test",
        **{"role_assignments-TOTAL_FORMS": 0},
    )
    response = client.post("/admin/accounts/user/add/", form)
    assert response.status_code == 302
    namesake = User.objects.get(email="paavo.paakayttaja2@kunta.test")

    # Granting it a role is refused to them ...
    response = client.post(
        f"/admin/accounts/user/{namesake.pk}/change/",
        _user_change_form(namesake, [{"role": Role.MANAGER, "unit": unit.pk}]),
    )
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not namesake.role_assignments.exists()

    # ... and done by another administrator.
    colleague = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, colleague)
    response = client.post(
        f"/admin/accounts/user/{namesake.pk}/change/",
        _user_change_form(namesake, [{"role": Role.MANAGER, "unit": unit.pk}]),
    )
    assert response.status_code == 302
    assert list(namesake.role_assignments.values_list("role", flat=True)) == [Role.MANAGER]


def test_an_account_with_roles_is_not_readdressed_to_the_administrators_mailbox(
    client, unit, administrator
):
    """Else its password link (an invitation) would reach the administrator. (Not yet in use:
    an account in use is readdressed by the operator only, test_admin_address_takeover.)"""
    manager = make_invited_user(Role.MANAGER, unit, email="esa.esihenkilo@kunta.test")
    login(client, administrator)
    form = _user_change_form(manager, [])
    form["email"] = "paavo.paakayttaja+esa@kunta.test"
    response = client.post(f"/admin/accounts/user/{manager.pk}/change/", form)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    manager.refresh_from_db()
    assert manager.email == "esa.esihenkilo@kunta.test"
    # Another change of the same account is saved.
    form = _user_change_form(manager, [])
    form["phone"] = "040 1234567"
    assert client.post(f"/admin/accounts/user/{manager.pk}/change/", form).status_code == 302
    manager.refresh_from_db()
    assert manager.phone == "040 1234567"


def test_the_administrator_still_edits_their_own_details(client, unit, administrator):
    """Their own roles are read-only, not a refusal of the whole form."""
    login(client, administrator)
    form = _user_change_form(administrator, [])
    form["phone"] = "040 7654321"
    assert client.post(f"/admin/accounts/user/{administrator.pk}/change/", form).status_code == 302
    administrator.refresh_from_db()
    assert administrator.phone == "040 7654321"


def test_the_action_refuses_the_own_person_and_lets_the_operator(unit, administrator):
    second = User(
        first_name="Paavo",
        last_name="Pää-käyttäjä",
        email="x@y.test",
        organisation=unit.organisation,
    )
    with pytest.raises(ValidationError) as refused:
        check_may_manage_roles(user=second, by=administrator)
    assert refused.value.code == "own_roles"
    with pytest.raises(ValidationError):
        check_may_manage_roles(user=administrator, by=administrator)
    other = make_user(Role.SOCIAL_WORKER, unit, first_name="Sanna", last_name="Sosiaalinen")
    check_may_manage_roles(user=other, by=administrator)
    assert not same_person(other, administrator)
    operator = make_user(None, unit, is_staff=True, is_superuser=True)
    check_may_manage_roles(user=operator, by=operator)
