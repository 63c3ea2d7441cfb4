"""The security log (accounts.security_log): who signed in or tried to, from where, and what
changed in their second factors and active role; never what they typed."""

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleAssignment
from accounts.roles import Role
from tests.conftest import login, totp_code

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"
PASSWORD = "polku-demo"
WRONG_PASSWORD = "väärä-salasana-123"


def _events(records) -> list[str]:
    return [record.event for record in records]


def _never_typed(caplog, *typed) -> None:
    """Nothing the user typed is in any line, rendered or in its fields."""
    for record in caplog.records:
        text = record.getMessage() + repr(vars(record))
        for value in typed:
            assert value not in text


def test_a_sign_in_with_password_and_code_is_logged_by_user_id(
    client, social_worker, security_log, caplog
):
    code = totp_code()
    client.post(
        LOGIN,
        {"login": social_worker.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    client.post(MFA, {"code": code})
    records = security_log()
    assert _events(records) == ["accounts.authenticator_used", "accounts.signed_in"]
    used, signed_in = records
    assert used.authenticator_type == Authenticator.Type.TOTP and not used.reauthentication
    assert signed_in.user_id == social_worker.pk
    # Without a trusted proxy the address is the connection's, not what a header claims.
    assert signed_in.ip == "127.0.0.1"
    _never_typed(caplog, PASSWORD, code, social_worker.email)


def test_behind_a_trusted_proxy_the_line_has_the_clients_address(
    client, social_worker, security_log, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.post(
        LOGIN,
        {"login": social_worker.email, "password": WRONG_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    (line,) = security_log()
    assert line.ip == "198.51.100.7"


def test_failed_sign_ins_name_a_known_account_by_id_and_never_the_typed_values(
    client, social_worker, security_log, caplog
):
    client.post(LOGIN, {"login": social_worker.email.upper(), "password": WRONG_PASSWORD})
    client.post(LOGIN, {"login": "nobody@hel.fi", "password": WRONG_PASSWORD})
    known, unknown = security_log()
    assert (known.event, known.levelname) == ("accounts.sign_in_failed", "WARNING")
    assert (known.user_id, known.known_account) == (social_worker.pk, True)
    assert (unknown.user_id, unknown.known_account) == (None, False)
    _never_typed(caplog, WRONG_PASSWORD, social_worker.email.upper(), "nobody@hel.fi")


def test_a_wrong_second_factor_and_the_rate_limit_are_logged(
    client, social_worker, security_log, caplog
):
    client.post(LOGIN, {"login": social_worker.email, "password": PASSWORD})
    wrong = "000000" if totp_code() != "000000" else "111111"
    client.post(MFA, {"code": wrong})
    (failed,) = security_log()
    assert (failed.event, failed.user_id) == ("accounts.second_factor_failed", social_worker.pk)
    assert failed.authenticator_type == Authenticator.Type.TOTP
    caplog.clear()
    other_browser = Client()
    for _ in range(6):
        other_browser.post(LOGIN, {"login": social_worker.email, "password": WRONG_PASSWORD})
    assert _events(security_log()) == ["accounts.sign_in_failed"] * 5 + [
        "accounts.sign_in_rate_limited"
    ]
    assert security_log()[-1].user_id == social_worker.pk
    _never_typed(caplog, PASSWORD, WRONG_PASSWORD, wrong)


def test_signing_out_and_the_idle_sign_out_are_logged_with_their_reason(
    client, social_worker, security_log, settings
):
    login(client, social_worker)
    client.post(reverse("account_logout"))
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        client.get(reverse("dashboard"))
        traveller.shift(31 * 60)
        client.get(reverse("dashboard"))
    signed_out = [line for line in security_log() if line.event == "accounts.signed_out"]
    assert [(line.user_id, line.reason) for line in signed_out] == [
        (social_worker.pk, "user"),
        (social_worker.pk, "idle"),
    ]


# Enrolment commits inside the request, as in production: allauth's authenticator_added,
# sent on commit, then marks the session as having used its second factor.
@pytest.mark.django_db(transaction=True)
def test_adding_and_removing_an_authenticator_is_logged(
    client, user_factory, unit, security_log, django_capture_on_commit_callbacks
):
    user = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    from accounts.actions import confirm_login_address

    confirm_login_address(user=user)  # as the invitation's link does
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    added = [line for line in security_log() if line.event == "accounts.authenticator_added"]
    assert sorted((line.user_id, line.authenticator_type) for line in added) == [
        (user.pk, Authenticator.Type.RECOVERY_CODES),
        (user.pk, Authenticator.Type.TOTP),
    ]
    assert {line.authenticator_id for line in added} == set(
        Authenticator.objects.filter(user=user).values_list("pk", flat=True)
    )
    response = client.post(reverse("mfa_deactivate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()
    removed = [line for line in security_log() if line.event == "accounts.authenticator_removed"]
    # The recovery codes go with the last authenticator.
    assert sorted((line.user_id, line.authenticator_type) for line in removed) == [
        (user.pk, Authenticator.Type.RECOVERY_CODES),
        (user.pk, Authenticator.Type.TOTP),
    ]


def test_switching_the_active_role_is_logged(client, user_factory, unit, security_log):
    user = user_factory(Role.SOCIAL_WORKER, unit)
    second = RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, unit=unit)
    other = user_factory(Role.MANAGER, unit).role_assignments.get()
    login(client, user)
    client.post(reverse("switch_role"), {"assignment": second.pk})
    client.post(reverse("switch_role"), {"assignment": other.pk})
    switched, refused = [line for line in security_log() if "role" in line.event]
    assert switched.event == "accounts.active_role_switched"
    assert (switched.user_id, switched.assignment_id) == (user.pk, second.pk)
    assert (switched.role, switched.unit_id) == (Role.COORDINATOR, unit.pk)
    assert refused.event == "accounts.active_role_switch_refused"
    assert (refused.user_id, refused.assignment_id) == (user.pk, other.pk)
