"""Writes on users: invitation, the address the invitation proved, the sign-in address and
second factors, and the notices that tell the user of a change to either."""

import datetime
import functools
import math
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AccountNotice, Invitation, User
from config.mail import automatic_email, send_once

INVITATION_TEMPLATE = "account/email/invitation"


# What other apps end when an account is deactivated: name -> hook(user=, request=).
_deactivation_hooks: dict[str, Callable] = {}


def on_deactivation(name: str, hook: Callable) -> None:
    """Registers what an app ends when an account is deactivated (consultations: the private
    calendar feed address, which would otherwise answer again when the account is
    reactivated, months later, to a phone or a shared calendar that has changed hands)."""
    _deactivation_hooks[name] = hook


def account_deactivated(*, user: User, request=None) -> None:
    """Runs what the apps registered with `on_deactivation`, in the caller's transaction (the
    admin's save of the account)."""
    for hook in _deactivation_hooks.values():
        hook(user=user, request=request)


def invite_user(*, user: User, invited_by: User, request=None) -> Invitation:
    """Records that `invited_by` invited `user`; the e-mail leaves by Celery after commit
    (send_invitation), so a slow or failing mail relay neither holds nor fails the
    administrator's request. The security log says so on commit (accounts.invitation_sent).

    There is no open sign-up: an administrator creates the user and invites them.
    Raises ValidationError for a user whose account is closed.
    """
    from accounts.security_log import log_event_on_commit
    from accounts.tasks import send_invitation_task

    if not user.is_active:
        raise ValidationError(
            _("Käyttäjätunnus %(email)s ei ole voimassa, joten kutsua ei lähetetty.")
            % {"email": user.email}
        )
    language = user.preferred_language or settings.LANGUAGE_CODE
    with transaction.atomic():
        invitation = Invitation.objects.create(user=user, invited_by=invited_by, language=language)
        transaction.on_commit(functools.partial(send_invitation_task.delay, invitation.pk))
        log_event_on_commit(
            "accounts.invitation_sent",
            request=request,
            user_id=invited_by.pk,
            target_user_id=user.pk,
            invitation_id=invitation.pk,
        )
    return invitation


def send_invitation(*, invitation_id: int) -> bool:
    """E-mails one recorded invitation once, also when the task is retried or redelivered
    (config.mail.send_once: a lease while sending, a "sent" key after the relay took it;
    a worker that dies while sending leaves only the lease, which runs out, so the
    redelivered task sends it). A failed send raises, so that the task's retry sends it.

    The e-mail is in the invited user's language, names their organisation and who invited
    them, and carries allauth's single-use password-reset key as the link that sets the
    password (using it also verifies the address, see confirm_login_address); nothing else,
    no client data. The key is made here, never passed through the broker. False when
    nothing was sent (sent already or being sent, or the account was closed meanwhile).
    """
    invitation = Invitation.objects.select_related(
        "user__organisation", "invited_by__organisation"
    ).get(pk=invitation_id)
    if not invitation.user.is_active:
        return False
    return send_once(
        f"accounts:invitation:{invitation.pk}",
        _invitation_message(invitation),
        lease_seconds=LEASE_SECONDS,
    )


# Longer than the task's time limit (accounts.tasks).
LEASE_SECONDS = 5 * 60


def password_link(key: str) -> str:
    """The link that sets a password by allauth's single-use key (`<uid>-<token>`), on
    Polku's own address (POLKU_BASE_URL), not on whatever host a request came by."""
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return settings.POLKU_BASE_URL.rstrip("/") + path.replace("UID-KEY", quote(key))


def _invitation_message(invitation: Invitation) -> EmailMessage:
    user, invited_by, language = invitation.user, invitation.invited_by, invitation.language
    link = password_link(f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}")
    with translation.override(language):
        template_context = {
            "user": user,
            "organisation": user.organisation.name,
            "invited_by": invited_by.get_full_name() or invited_by.email,
            "invited_by_organisation": invited_by.organisation.name,
            "link": link,
            "valid_days": math.ceil(settings.PASSWORD_RESET_TIMEOUT / 86400),
        }
        return automatic_email(
            INVITATION_TEMPLATE, template_context, to=user.email, language=language
        )


RESET_LINK_TEMPLATE = "account/email/password_reset_key"


def password_reset_message(*, user: User, email: str, link: str) -> EmailMessage:
    """The e-mail with the link that sets a new password, asked for on the sign-in page
    (allauth's password reset): Polku's own text in the user's language, as the invitation
    is, saying until when the link works, that it can be ignored and whom to ask. It goes
    only to an address of an active account; for any other address allauth sends the
    "unknown account" e-mail instead (templates/account/email/unknown_account_*), and the
    page says the same for both, so the page reveals nothing of which addresses have one.
    """
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        template_context = {
            "user": user,
            "email": email,
            "link": link,
            # The key's timestamp is now (allauth made it just before calling this).
            "expires": timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        }
        return automatic_email(RESET_LINK_TEMPLATE, template_context, to=email, language=language)


def confirm_login_address(*, user: User) -> None:
    """Marks the user's login address verified once they have proved they own it.

    Two things prove it: setting a password by the link of the invitation (or of a
    password reset), a single-use key sent to that address; and signing in by the
    county's identity provider, which vouches for the address (`email_verified`).
    allauth lets only a user with a verified address enrol an authenticator, and
    Polku requires MFA before anything else: without this an invited user could
    never get in.
    """
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(
                user=user,
                email=user.email,
                verified=True,
                primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
            )
        elif not EmailAddress.objects.filter(user=user, primary=True).exists():
            EmailAddress.objects.filter(user=user, email__iexact=user.email).update(primary=True)


def _name_key(user: User) -> str:
    """The person's name compared loosely: case, spacing, hyphens and marks (ä/a) aside, so
    "Paavo Pääkäyttäjä" and "paavo  paakayttaja" are one name."""
    text = unicodedata.normalize("NFKD", f"{user.first_name} {user.last_name}")
    letters = "".join(c for c in text if c.isalnum())  # combining marks are not alphanumeric
    return letters.casefold()


def _mailbox_key(user: User) -> str:
    """The mailbox an address delivers to: "paavo+toinen@kunta.fi" reaches paavo@kunta.fi."""
    local, _at, domain = (user.email or "").strip().casefold().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else ""


def same_person(user: User, other: User) -> bool:
    """Whether two accounts look like one person's: the same name or the same mailbox."""
    if user.pk is not None and user.pk == other.pk:
        return True
    name = _name_key(user)
    mailbox = _mailbox_key(user)
    return bool((name and name == _name_key(other)) or (mailbox and mailbox == _mailbox_key(other)))


def check_may_manage_roles(*, user: User, by: User) -> None:
    """An administrator never grants, changes or ends their own roles (PERMISSIONS.md: the
    administrator never reads client data; docs/permissions.md: another administrator grants
    their roles), and a second account of theirs is their own: one they could give the
    manager's role, invite to an address of theirs and sign in with would read the unit's
    clients; one they made an administrator would grant their first account any role.

    `user` is the account as it will be saved (its name and address as posted), so renaming
    or readdressing an account that holds roles to the administrator's own is refused too.
    A superuser (the operator) is not bound by this. Raises ValidationError.
    """
    if by.is_superuser:
        return
    if same_person(user, by):
        raise ValidationError(
            _(
                "Et voi hallita omia roolejasi etkä toisen käyttäjätunnuksesi rooleja: "
                "tällä tunnuksella on sama nimi tai sähköpostiosoite kuin sinulla. "
                "Pyydä toista pääkäyttäjää."
            ),
            code="own_roles",
        )


def account_in_use(user: User) -> bool:
    """Whether the account is its person's already: someone has signed in with it, set its
    password (by the e-mailed link, which proved the address), had its address proved
    otherwise (the identity provider vouched for it) or enrolled a second factor. Before
    that it is only what the administrator typed: its address may be corrected (a typo in the
    invitation) without taking anyone's account."""
    from allauth.mfa.models import Authenticator

    if user.pk is None:
        return False
    return (
        user.last_login is not None
        or user.has_usable_password()
        or EmailAddress.objects.filter(user=user, verified=True).exists()
        or Authenticator.objects.filter(user=user).exists()
    )


def check_may_change_address(*, user: User, by: User) -> None:
    """The sign-in address of an account in use is changed by the operator (a superuser) only,
    not by an organisation's administrator, not even their own: with it goes the account,
    since the invitation's or a password reset's link then reaches the new address, and
    "remove second factors" (for a lost phone) leaves only the password. An administrator who
    readdressed a social worker's account to a mailbox of theirs would sign in as the social
    worker and read their clients (PERMISSIONS.md: administrators never see client data).
    Polku has no address change of its own for the user (the profile page has none);
    allauth's address page lets a user change their own (accounts.apps tells it too).

    `user` is the account as it is stored (not as posted). Raises ValidationError.
    """
    if by.is_superuser or not account_in_use(user):
        return
    raise ValidationError(
        _(
            "Käyttäjätunnus on jo otettu käyttöön, joten sen kirjautumisosoitetta voi vaihtaa "
            "vain Polun ylläpito. Pyydä ylläpitoa vaihtamaan osoite."
        ),
        code="address_in_use",
    )


def record_address_change(*, user: User, old_email: str, changed_by: User, request=None) -> None:
    """After `user`'s sign-in address was changed from `old_email` (saved, in the caller's
    transaction): the old address no longer signs in nor gets a password link, the security
    log says who changed it, and a notice goes to the old address once the change is
    committed, so that an account is never taken over in silence. allauth finds a user by
    any of their EmailAddress rows too, so the old one's row is removed; the new address
    is proved when its owner sets a password by the link (confirm_login_address)."""
    from accounts.security_log import log_event

    with transaction.atomic():
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
        _notify_on_commit(
            AccountNotice.Kind.ADDRESS_CHANGED,
            user=user,
            by=changed_by,
            sent_to=old_email,
            old_email=old_email,
        )
    log_event(
        "accounts.sign_in_address_changed",
        request=request,
        user_id=user.pk,
        changed_by_id=changed_by.pk,
    )


# The template of each kind of AccountNotice.
NOTICE_TEMPLATES = {
    AccountNotice.Kind.ADDRESS_CHANGED: "account/email/address_changed",
    AccountNotice.Kind.SECOND_FACTORS_REMOVED: "account/email/second_factors_removed",
}


def _notify_on_commit(
    kind: str, *, user: User, by: User, sent_to: str, old_email: str = ""
) -> AccountNotice:
    """Records the notice and enqueues its e-mail after commit: a rolled back change tells
    nothing, and the task's retries and redeliveries send it once (config.mail.send_once)."""
    from accounts.tasks import send_account_notice_task

    notice = AccountNotice.objects.create(
        user=user,
        kind=kind,
        changed_by=by,
        sent_to=sent_to,
        old_email=old_email,
        new_email=user.email if kind == AccountNotice.Kind.ADDRESS_CHANGED else "",
    )
    transaction.on_commit(functools.partial(send_account_notice_task.delay, notice.pk))
    return notice


def send_account_notice(*, notice_id: int) -> bool:
    """E-mails one recorded notice once; False when it was sent already or is being sent."""
    notice = AccountNotice.objects.select_related(
        "user__organisation", "changed_by__organisation"
    ).get(pk=notice_id)
    return send_once(
        f"accounts:notice:{notice.pk}", _notice_message(notice), lease_seconds=LEASE_SECONDS
    )


def _notice_message(notice: AccountNotice) -> EmailMessage:
    user, by = notice.user, notice.changed_by
    language = user.preferred_language or settings.LANGUAGE_CODE
    template = NOTICE_TEMPLATES[notice.kind]
    with translation.override(language):
        template_context = {
            "user": user,
            "old_email": notice.old_email,
            "new_email": notice.new_email,
            "by": by.get_full_name() or by.email,
            "by_organisation": by.organisation.name,
            "by_self": by.pk == user.pk,
            "at": timezone.localtime(notice.created_at),
        }
        return automatic_email(template, template_context, to=notice.sent_to, language=language)


def remove_second_factors(*, user: User, removed_by: User, request=None) -> int:
    """Removes every second factor of `user` (authenticator app, security keys, recovery
    codes): what an administrator does for a user who lost their phone and has no recovery
    code left. Every session of the account ends at its next request, those that used the
    removed factors too (the lost phone's, a stolen laptop's): the removal is counted in
    the session hash (User._get_session_auth_hash), so no such session passes again once
    the user enrols a new factor elsewhere. The user signs in with their password next and
    is sent to enrol a new factor before anything else
    (accounts.middleware.RequireMFAMiddleware), as a new user is. The user's address is
    told of it after commit, naming who removed them. Returns how many authenticators were
    removed.

    Raises ValidationError for the administrator's own account: they manage their own
    factors on their own pages, having signed in with one, and another administrator
    removes them if they lost it.
    """
    from allauth.mfa.models import Authenticator

    from accounts.security_log import log_event

    if user.pk == removed_by.pk:
        raise ValidationError(
            _(
                "Omaa kaksivaiheista tunnistautumistasi et voi poistaa täällä; pyydä toista pääkäyttäjää."
            )
        )
    with transaction.atomic():
        removed, _per_model = Authenticator.objects.filter(user=user).delete()
        # Counted even when nothing was left to remove: the sessions end all the same.
        User.objects.filter(pk=user.pk).update(
            second_factor_removals=F("second_factor_removals") + 1
        )
        user.refresh_from_db(fields=["second_factor_removals"])
        # Told to the account's address: a user who did not ask for it knows at once.
        if removed:
            _notify_on_commit(
                AccountNotice.Kind.SECOND_FACTORS_REMOVED,
                user=user,
                by=removed_by,
                sent_to=user.email,
            )
    log_event(
        "accounts.second_factors_removed",
        request=request,
        user_id=user.pk,
        removed_by_id=removed_by.pk,
        authenticators=removed,
    )
    return removed


# Set on the request once its user's other sessions were ended: removing the authenticator
# app takes the recovery codes with it, two signals, one end.
OTHER_SESSIONS_ENDED = "polku_other_sessions_ended"


def end_other_sessions(*, user: User, request, reason: str) -> None:
    """Ends every session of `user` but the one of `request`, at their next request: counts
    a second-factor removal (part of the session hash, User._get_session_auth_hash, as
    remove_second_factors does) and gives this session the new hash, so only the session
    that made the change stays signed in. Called when a user removes their own second factor
    or makes new recovery codes (accounts.apps, allauth's authenticator_removed and
    _reset): a session that had used the old factor, on a lost phone or a stolen laptop,
    does not go on. Written to the security log (accounts.other_sessions_ended). Without a
    request (no session to keep) every session ends."""
    from django.contrib.auth import update_session_auth_hash

    from accounts.security_log import log_event

    if request is not None and getattr(request, OTHER_SESSIONS_ENDED, False):
        return
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            second_factor_removals=F("second_factor_removals") + 1
        )
        user.refresh_from_db(fields=["second_factor_removals"])
    if request is not None:
        setattr(request, OTHER_SESSIONS_ENDED, True)
        current = getattr(request, "user", None)
        if current is not None and current.pk == user.pk:
            if current is not user:
                current.second_factor_removals = user.second_factor_removals
            update_session_auth_hash(request, user)
    log_event("accounts.other_sessions_ended", request=request, user_id=user.pk, reason=reason)
