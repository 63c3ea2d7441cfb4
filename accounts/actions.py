"""Writes on users: invitation."""

from allauth.account.forms import ResetPasswordForm

from accounts.models import User


def invite_user(*, user: User, invited_by: User, request) -> None:
    """Sends the user an invitation e-mail whose link sets their password.

    There is no open sign-up: an administrator creates the user and invites
    them; the link is allauth's single-use password-reset key.
    """
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)
