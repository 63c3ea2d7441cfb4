"""Password changes, passwords set by the invitation's or a reset's link, and reset requests
are in the security log (accounts.security_log), by user id; never a password, and never the
address typed for a reset of an account that does not exist."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.actions import password_link
from accounts.factories import TEST_PASSWORD
from accounts.roles import Role
from tests.conftest import login

NEW_PASSWORD = "Uusi-salasana-2026x"
RESET = "/accounts/password/reset/"


def _never_typed(caplog, *typed) -> None:
    for record in caplog.records:
        text = record.getMessage() + repr(vars(record))
        for value in typed:
            assert value not in text


def test_a_password_change_is_logged(client, social_worker, security_log, caplog):
    login(client, social_worker)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    social_worker.refresh_from_db()
    assert social_worker.check_password(NEW_PASSWORD)
    (line,) = [line for line in security_log() if line.event == "accounts.password_changed"]
    assert line.user_id == social_worker.pk and line.ip == "127.0.0.1"
    _never_typed(caplog, TEST_PASSWORD, NEW_PASSWORD)


def test_a_reset_request_names_a_known_account_by_id_and_not_an_unknown_address(
    client, social_worker, security_log, caplog
):
    client.post(RESET, {"email": social_worker.email})
    Client().post(RESET, {"email": "ei.ketaan@hel.fi"})
    known, unknown = [
        line for line in security_log() if line.event == "accounts.password_reset_requested"
    ]
    assert (known.user_id, known.known_account) == (social_worker.pk, True)
    assert (unknown.user_id, unknown.known_account) == (None, False)
    _never_typed(caplog, social_worker.email, "ei.ketaan@hel.fi")


def test_a_password_set_by_the_link_is_logged(user_factory, unit, security_log, caplog):
    user = user_factory(Role.SOCIAL_WORKER, unit)
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    browser = Client()
    link = password_link(key).replace(settings.POLKU_BASE_URL.rstrip("/"), "")
    page = browser.get(link, follow=True)
    set_password_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    browser.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    (line,) = [line for line in security_log() if line.event == "accounts.password_reset"]
    assert line.user_id == user.pk
    _never_typed(caplog, NEW_PASSWORD, user.email)
