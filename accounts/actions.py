"""Writes on users: invitation, and the address the invitation proved."""

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User


def invite_user(*, user: User, invited_by: User, request) -> None:
    """Sends the user an invitation e-mail whose link sets their password.

    There is no open sign-up: an administrator creates the user and invites
    them; the link is allauth's single-use password-reset key.
    """
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)


def confirm_email_by_password_reset(*, user: User) -> None:
    """Marks the user's login address verified once they set a password by its link.

    The invitation (and every password reset) is a single-use key sent to that
    address, so using it proves the user reads the mailbox. allauth lets only a
    user with a verified address enrol an authenticator, and Polku requires MFA
    before anything else: without this an invited user could never get in.
    """
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        if not EmailAddress.objects.filter(user=user, primary=True).exists():
            EmailAddress.objects.filter(user=user, email__iexact=user.email).update(primary=True)
