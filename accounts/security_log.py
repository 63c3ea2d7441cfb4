"""The security log: sign-ins and their failures, sign-outs, passwords, second factors and
role switches.

One JSON line per event on the logger "polku.security" (LOGGING in config/settings.py
formats and redacts it), with a dotted event code, the user's id and the client's address
as allauth determines it (ALLAUTH_TRUSTED_PROXY_COUNT / ..._CLIENT_IP_HEADER). A line
names a user by id, never by e-mail address, and never carries what was typed: no
password, no code, not even the address typed into a failed sign-in (users type their
password into the wrong field). It answers who signed in or tried to, when, from where.

The receivers are connected in accounts.apps; a password reset's request is logged by the
account adapter (accounts.adapters), as allauth sends no signal for it; the role switch (accounts.active_role_switched,
..._switch_refused), the idle and maximum-age sign-outs and a chosen role found ended
(accounts.active_role_ended, or accounts.active_role_renewed when the same role in the same
unit goes on in a new assignment; accounts.middleware.ActiveRoleMiddleware) are logged by the view
and the middlewares that do them; an administrator's acts (roles granted, changed, ended or
deleted, accounts closed or opened again: accounts.admin; invitations: accounts.actions) on
commit, naming the administrator as `user_id` and the account as `target_user_id`. An access
request no one can decide on (clients.access_request_undecidable) is logged by its action.
"""

import functools
import logging

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction

logger = logging.getLogger("polku.security")

# Why a session ended, set on the request by whoever calls logout() for another reason
# than the user's own sign-out (accounts.middleware.IdleTimeoutMiddleware: "idle", "max_age").
SIGN_OUT_REASON = "polku_sign_out_reason"


def client_ip(request) -> str | None:
    """The client's address as the rate limits see it; None when it cannot be told."""
    from allauth.account.adapter import get_adapter

    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


def log_event(event: str, *, request, user_id: int | None, level=logging.INFO, **fields) -> None:
    """Writes one security-log line: `event` (dotted code), the user's id, the client's
    address, and `fields` (ids and kinds only, never anything the user typed)."""
    logger.log(
        level,
        event,
        extra={"event": event, "user_id": user_id, "ip": client_ip(request), **fields},
    )


def log_event_on_commit(event: str, *, request, user_id: int | None, **fields) -> None:
    """log_event once the caller's transaction commits: a change rolled back is not logged."""
    transaction.on_commit(
        functools.partial(log_event, event, request=request, user_id=user_id, **fields)
    )


def _user_id(user) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def on_signed_in(sender, request, user, **kwargs) -> None:
    log_event("accounts.signed_in", request=request, user_id=user.pk)


def account_id_for(credentials) -> int | None:
    """The id of the account whose address was typed into a sign-in, if there is one."""
    from accounts.models import User

    login = str(credentials.get("email") or credentials.get("username") or "").strip()
    if not login:
        return None
    return User.objects.filter(email__iexact=login).values_list("pk", flat=True).first()


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """The account tried, by id, when the address typed belongs to one; the address itself
    is not written."""
    user_id = account_id_for(credentials)
    log_event(
        "accounts.sign_in_failed",
        request=request,
        user_id=user_id,
        level=logging.WARNING,
        known_account=user_id is not None,
    )


def on_signed_out(sender, request, user, **kwargs) -> None:
    reason = getattr(request, SIGN_OUT_REASON, "user")
    log_event("accounts.signed_out", request=request, user_id=_user_id(user), reason=reason)


def _authenticator_event(event: str, level=logging.INFO):
    def receiver(sender, request, user, authenticator, **kwargs) -> None:
        # A removed authenticator may have lost its id already (Model.delete()).
        extra = {"authenticator_id": authenticator.pk} if authenticator.pk else {}
        if "reauthentication" in kwargs or "reauthenticated" in kwargs:
            extra["reauthentication"] = bool(
                kwargs.get("reauthentication", kwargs.get("reauthenticated"))
            )
        log_event(
            event,
            request=request,
            user_id=user.pk,
            level=level,
            authenticator_type=authenticator.type,
            **extra,
        )

    return receiver


def _password_event(event: str):
    def receiver(sender, request, user, **kwargs) -> None:
        log_event(event, request=request, user_id=user.pk)

    return receiver


# A password changed on the user's own page, set where there was none, or set by the
# single-use link of an invitation or a password reset.
on_password_changed = _password_event("accounts.password_changed")
on_password_set = _password_event("accounts.password_set")
on_password_reset = _password_event("accounts.password_reset")


def on_password_reset_requested(request, user) -> None:
    """A new password's link asked for on the sign-in page (allauth sends no signal: its
    adapter calls this, accounts.adapters). `user` is None when the address typed has no
    active account; the address itself is not written."""
    log_event(
        "accounts.password_reset_requested",
        request=request,
        user_id=_user_id(user),
        known_account=user is not None,
    )


on_authenticator_added = _authenticator_event("accounts.authenticator_added")
on_authenticator_removed = _authenticator_event("accounts.authenticator_removed")
on_authenticator_reset = _authenticator_event("accounts.authenticator_reset")
on_authenticator_used = _authenticator_event("accounts.authenticator_used")
on_second_factor_failed = _authenticator_event("accounts.second_factor_failed", logging.WARNING)


def connect() -> None:
    """Connects the receivers (once; called from AccountsConfig.ready)."""
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa
    from django.contrib.auth import signals as auth

    receivers = {
        "signed-in": (auth.user_logged_in, on_signed_in),
        "sign-in-failed": (auth.user_login_failed, on_sign_in_failed),
        "signed-out": (auth.user_logged_out, on_signed_out),
        "password-changed": (account.password_changed, on_password_changed),
        "password-set": (account.password_set, on_password_set),
        "password-reset": (account.password_reset, on_password_reset),
        "authenticator-added": (mfa.authenticator_added, on_authenticator_added),
        "authenticator-removed": (mfa.authenticator_removed, on_authenticator_removed),
        "authenticator-reset": (mfa.authenticator_reset, on_authenticator_reset),
        "authenticator-used": (mfa.authenticator_used, on_authenticator_used),
        "second-factor-failed": (mfa.authentication_failed, on_second_factor_failed),
    }
    for name, (signal, receiver) in receivers.items():
        signal.connect(receiver, dispatch_uid=f"polku-security-log-{name}")
