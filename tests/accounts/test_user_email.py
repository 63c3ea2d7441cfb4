"""One account per e-mail address, whatever its letter case: sign-in and SSO find users by
address case-insensitively, so 'Anna@hel.fi' beside 'anna@hel.fi' would be ambiguous."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, connection, transaction

from accounts.factories import make_invited_user, make_user
from accounts.models import User
from accounts.roles import Role
from tests.conftest import login

ADD = "/admin/accounts/user/add/"


def _user_form(unit, email: str) -> dict:
    """The admin's user form as posted, with no role memberships."""
    return {
        "email": email,
        "first_name": "Anna",
        "last_name": "Virtanen",
        "organisation": unit.organisation_id,
        "preferred_language": "fi",
        "email_digest": "on",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": 0,
        "role_assignments-INITIAL_FORMS": 0,
        "role_assignments-MIN_NUM_FORMS": 0,
        "role_assignments-MAX_NUM_FORMS": 1000,
    }


def _unique_message() -> str:
    (message,) = User().unique_error_message(User, ("email",)).messages
    return message


def test_the_admin_refuses_an_address_another_user_has_in_other_letter_case(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    make_user(Role.SOCIAL_WORKER, unit, email="anna@hel.fi")
    login(client, admin)
    response = client.post(ADD, _user_form(unit, "Anna@hel.fi"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"email": [_unique_message()]}
    assert User.objects.filter(email__iexact="anna@hel.fi").count() == 1


def test_the_admin_refuses_changing_an_address_to_another_users_in_other_case(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    make_user(Role.SOCIAL_WORKER, unit, email="anna@hel.fi")
    # Not yet in use: an account in use is readdressed by the operator only.
    colleague = make_invited_user(Role.SOCIAL_WORKER, unit, email="pekka@hel.fi")
    login(client, admin)
    response = client.post(
        f"/admin/accounts/user/{colleague.pk}/change/", _user_form(unit, "ANNA@hel.fi")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"email": [_unique_message()]}
    colleague.refresh_from_db()
    assert colleague.email == "pekka@hel.fi"


def test_the_admin_stores_a_new_address_in_lower_case(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, admin)
    response = client.post(ADD, _user_form(unit, "Anna.Virtanen@Hel.fi"))
    assert response.status_code == 302
    assert User.objects.filter(email="anna.virtanen@hel.fi").exists()


def test_saving_a_user_stores_the_address_in_lower_case(unit):
    user = make_user(Role.SOCIAL_WORKER, unit, email="Anna@Hel.fi")
    user.refresh_from_db()
    assert user.email == "anna@hel.fi"


def test_the_database_refuses_a_second_address_differing_only_in_case(unit):
    make_user(Role.SOCIAL_WORKER, unit, email="anna@hel.fi")
    other = make_user(Role.SOCIAL_WORKER, unit, email="pekka@hel.fi")
    # An update bypasses the model's save() and clean(): the constraint alone refuses it.
    with (
        pytest.raises(IntegrityError, match="user_email_unique_ignoring_case"),
        transaction.atomic(),
    ):
        User.objects.filter(pk=other.pk).update(email="Anna@hel.fi")


def test_the_migration_stops_on_addresses_differing_only_in_case_and_lowercases_the_rest(unit):
    migration = importlib.import_module("accounts.migrations.0005_lowercase_user_emails")
    constraint = next(
        c for c in User._meta.constraints if c.name == "user_email_unique_ignoring_case"
    )
    # As before the constraint: dropped inside the test's transaction, which rolls back.
    with connection.schema_editor() as editor:
        editor.remove_constraint(User, constraint)
    anna = make_user(Role.SOCIAL_WORKER, unit, email="anna@hel.fi")
    twin = make_user(Role.SOCIAL_WORKER, unit, email="twin@hel.fi")
    mixed = make_user(Role.SOCIAL_WORKER, unit, email="pekka@hel.fi")
    User.objects.filter(pk=twin.pk).update(email="Anna@hel.fi")
    User.objects.filter(pk=mixed.pk).update(email="Pekka@Hel.fi")

    with pytest.raises(RuntimeError) as refused:
        migration.lowercase_emails(apps, None)
    assert f"users {sorted([anna.pk, twin.pk])}" in str(refused.value)
    assert "differ only in case" in str(refused.value)
    assert User.objects.get(pk=mixed.pk).email == "Pekka@Hel.fi"  # nothing changed

    User.objects.filter(pk=twin.pk).update(email="twin@hel.fi")
    migration.lowercase_emails(apps, None)
    assert User.objects.get(pk=mixed.pk).email == "pekka@hel.fi"


def test_a_new_active_user_is_invited_when_saved_and_an_inactive_one_is_not(
    client, unit, django_capture_on_commit_callbacks, monkeypatch
):
    from accounts.tasks import send_invitation_task

    monkeypatch.setattr(
        send_invitation_task, "delay", lambda *args: send_invitation_task.apply(args=args).get()
    )
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, _user_form(unit, "uusi@hel.fi"), follow=True)
    assert "Kutsu lähetetään osoitteeseen uusi@hel.fi." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["uusi@hel.fi"]
    assert "/accounts/password/reset/key/" in message.body
    invited = User.objects.get(email="uusi@hel.fi")
    assert not invited.has_usable_password()
    assert invited.invitations.get().invited_by == admin

    inactive = {**_user_form(unit, "lepaava@hel.fi")}
    del inactive["is_active"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, inactive)
    assert len(mail.outbox) == 1
    assert not User.objects.get(email="lepaava@hel.fi").invitations.exists()
