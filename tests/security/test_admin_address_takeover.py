"""Whoever controls an account's sign-in address controls the account: the invitation and a
password reset send their link there, and "remove second factors" leaves only the password.
An organisation's administrator who readdressed a social worker's account to a mailbox of
theirs would sign in as the social worker and read their clients (PERMISSIONS.md:
administrators never see client data). So only the operator changes the address of an
account in use, and every change and every removal of second factors is told to the user."""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.utils import timezone

from accounts.factories import make_invited_user, make_user
from accounts.models import AccountNotice, User
from accounts.roles import Role
from accounts.tasks import send_account_notice_task
from tests.accounts.test_admin_and_errors import _user_change_form
from tests.conftest import login

REFUSED = (
    "Käyttäjätunnus on jo otettu käyttöön, joten sen kirjautumisosoitetta voi vaihtaa vain "
    "Polun ylläpito. Pyydä ylläpitoa vaihtamaan osoite."
)
TAKEN_BY = "haltija@muu.test"


@pytest.fixture
def notices(monkeypatch):
    """The notice tasks enqueued, run where they are enqueued (the worker's part)."""
    enqueued = []

    def run(notice_id):
        enqueued.append(notice_id)
        send_account_notice_task.apply(args=[notice_id]).get()

    monkeypatch.setattr(send_account_notice_task, "delay", run)
    return enqueued


@pytest.fixture
def administrator(unit):
    return make_user(Role.ADMIN, unit, is_staff=True, first_name="Paavo", last_name="Pääkäyttäjä")


@pytest.fixture
def operator(unit):
    return make_user(None, unit, is_staff=True, is_superuser=True, first_name="Olli")


def _email_error(page: str) -> str:
    """The text of the error list rendered next to the e-mail field of the admin's form."""
    match = re.search(r'<ul class="errorlist" id="id_email_error">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def _readdress(client, user, email):
    form = _user_change_form(user, [])
    form["email"] = email
    return client.post(f"/admin/accounts/user/{user.pk}/change/", form)


def _make_in_use(user, how: str) -> None:
    if how == "signed_in":
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    elif how == "password_set":
        user.set_password("oma-Pitka-salasana-2048")
        user.save(update_fields=["password"])
    elif how == "address_proved":
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif how == "second_factor":
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    user.refresh_from_db()


@pytest.mark.parametrize("how", ["signed_in", "password_set", "address_proved", "second_factor"])
def test_an_administrator_cannot_readdress_an_account_in_use(
    client, unit, administrator, notices, django_capture_on_commit_callbacks, how
):
    colleague = make_invited_user(Role.SOCIAL_WORKER, unit, email="sosiaalityontekija@kunta.test")
    _make_in_use(colleague, how)
    login(client, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _readdress(client, colleague, TAKEN_BY)
    page = response.content.decode()
    assert response.status_code == 200
    assert _email_error(page) == REFUSED
    colleague.refresh_from_db()
    assert colleague.email == "sosiaalityontekija@kunta.test"
    assert not User.pgh_event_model.objects.filter(pgh_obj=colleague, pgh_label="update").exists()
    assert notices == [] and mail.outbox == []


def test_an_administrator_cannot_readdress_their_own_account_either(
    client, unit, administrator, notices
):
    login(client, administrator)  # signed in: in use
    response = _readdress(client, administrator, TAKEN_BY)
    assert _email_error(response.content.decode()) == REFUSED
    administrator.refresh_from_db()
    assert administrator.email != TAKEN_BY


def test_the_rest_of_an_account_in_use_is_still_the_administrators(
    client, unit, administrator, notices
):
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    login(client, administrator)
    form = _user_change_form(colleague, [])
    form["title"] = "Johtava sosiaalityöntekijä"
    response = client.post(f"/admin/accounts/user/{colleague.pk}/change/", form)
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.title == "Johtava sosiaalityöntekijä"
    assert notices == []


def test_an_administrator_corrects_the_address_of_an_account_nobody_uses_yet_and_it_is_told(
    client, unit, administrator, notices, django_capture_on_commit_callbacks
):
    invited = make_invited_user(Role.SOCIAL_WORKER, unit, email="kirjoitusvirhe@kunta.test")
    login(client, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _readdress(client, invited, "oikea@kunta.test")
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.email == "oikea@kunta.test"
    (sent,) = mail.outbox
    assert sent.to == ["kirjoitusvirhe@kunta.test"]
    assert "Paavo Pääkäyttäjä" in sent.body


def test_the_operator_readdresses_an_account_in_use_the_old_address_is_told_once_and_history_kept(
    client, unit, operator, notices, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="polku.security")
    colleague = make_user(Role.SOCIAL_WORKER, unit, email="vanha@kunta.test", first_name="Sanna")
    EmailAddress.objects.create(user=colleague, email=colleague.email, verified=True, primary=True)
    _make_in_use(colleague, "signed_in")
    login(client, operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _readdress(client, colleague, "Uusi@Kunta.test")
        assert response.status_code == 302
        # Nothing leaves before the change is committed.
        assert notices == [] and mail.outbox == []
    for callback in callbacks:
        callback()
    colleague.refresh_from_db()
    assert AccountNotice.objects.get().changed_by == operator
    assert colleague.email == "uusi@kunta.test"

    (sent,) = mail.outbox
    assert sent.to == ["vanha@kunta.test"]
    assert sent.extra_headers["Content-Language"] == "fi"
    assert "vanha@kunta.test" in sent.body and "uusi@kunta.test" in sent.body
    assert f"Muutoksen teki {operator.get_full_name()} ({unit.organisation.name})." in sent.body
    # A retried or redelivered task sends it no second time.
    (notice,) = notices
    assert send_account_notice_task.apply(args=[notice]).get() is False
    assert len(mail.outbox) == 1

    # The old address no longer signs in nor receives a password link (allauth finds users
    # by their EmailAddress rows too).
    assert not EmailAddress.objects.filter(email__iexact="vanha@kunta.test").exists()
    (event,) = User.pgh_event_model.objects.filter(pgh_obj=colleague, pgh_label="update")
    assert event.email == "uusi@kunta.test"
    assert event.pgh_context.metadata["user"] == operator.pk
    (line,) = [
        r for r in caplog.records if getattr(r, "event", "") == "accounts.sign_in_address_changed"
    ]
    assert (line.user_id, line.changed_by_id) == (colleague.pk, operator.pk)


def test_a_sign_in_or_a_password_change_writes_no_history(unit):
    user = make_user(Role.SOCIAL_WORKER, unit)
    before = User.pgh_event_model.objects.filter(pgh_obj=user).count()
    user.last_login = timezone.now()
    user.set_password("toinen-Pitka-salasana-2048")
    user.save()
    assert User.pgh_event_model.objects.filter(pgh_obj=user).count() == before
    assert "password" not in {f.name for f in User.pgh_event_model._meta.fields}


def test_removed_second_factors_are_told_to_the_accounts_address(
    client, unit, administrator, notices, django_capture_on_commit_callbacks
):
    colleague = make_user(Role.SOCIAL_WORKER, unit, preferred_language="sv")
    login(client, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/accounts/user/",
            {"action": "remove_second_factors", "_selected_action": [colleague.pk]},
        )
    assert not Authenticator.objects.filter(user=colleague).exists()
    (sent,) = mail.outbox
    assert sent.to == [colleague.email]
    assert sent.extra_headers["Content-Language"] == "sv"
    assert "Paavo Pääkäyttäjä" in sent.body
    (notice,) = notices
    assert send_account_notice_task.apply(args=[notice]).get() is False
    assert len(mail.outbox) == 1
