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
