"""The admin's own password form is not a second way to change a password: it checked the
current password without allauth's rate limit, so a session left open on a shared computer
could try passwords there without end. The admin leads to Polku's (allauth's) form."""

from django.urls import reverse

from accounts.factories import TEST_PASSWORD, make_user
from accounts.roles import Role
from tests.conftest import login

NEW_PASSWORD = "Uusi-pitka-salasana-2048"


def _change(client, path, fields, old):
    return client.post(path, {fields[0]: old, fields[1]: NEW_PASSWORD, fields[2]: NEW_PASSWORD})


def test_the_admin_leads_to_polkus_own_password_change(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, admin)
    response = client.get("/admin/password_change/")
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("account_change_password"),
    )


def test_the_admins_form_checks_no_password(client, unit):
    """Before, ten wrong guesses got ten answers and the right one changed the password;
    allauth's form refuses the sixth attempt within a minute (429)."""
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, admin)
    admin_fields = ("old_password", "new_password1", "new_password2")
    answers = {
        _change(client, "/admin/password_change/", admin_fields, guess).status_code
        for guess in [f"arvaus-{attempt}" for attempt in range(10)] + [TEST_PASSWORD]
    }
    assert answers == {302}
    admin.refresh_from_db()
    assert admin.check_password(TEST_PASSWORD)
