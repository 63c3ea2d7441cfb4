"""Writes on users: invitation, and the address the invitation proved."""

import logging
import math

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Invitation, User

logger = logging.getLogger(__name__)

INVITATION_TEMPLATE = "account/email/invitation"


def invite_user(*, user: User, invited_by: User, request) -> Invitation:
    """Records that `invited_by` invited `user` and e-mails the user the invitation, in the
    user's own language, on commit.

    There is no open sign-up: an administrator creates the user and invites them. The
    e-mail names the user's organisation and who invited them, and carries allauth's
    single-use password-reset key as the link that sets the password (using it also
    verifies the address, see confirm_login_address); nothing else, no client data.
    Raises ValidationError for a user whose account is closed.
    """
    if not user.is_active:
        raise ValidationError(
            _("Käyttäjätunnus %(email)s ei ole voimassa, joten kutsua ei lähetetty.")
            % {"email": user.email}
        )
    language = user.preferred_language or settings.LANGUAGE_CODE
    message = _invitation_message(
        user=user, invited_by=invited_by, request=request, language=language
    )
    with transaction.atomic():
        invitation = Invitation.objects.create(user=user, invited_by=invited_by, language=language)
        transaction.on_commit(message.send)
    logger.info("User %s invited by user %s", user.pk, invited_by.pk)
    return invitation


def _invitation_message(*, user: User, invited_by: User, request, language: str) -> EmailMessage:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    with context.request_context(request):
        link = get_adapter().get_reset_password_from_key_url(key)
    with translation.override(language):
        template_context = {
            "user": user,
            "organisation": user.organisation.name,
            "invited_by": invited_by.get_full_name() or invited_by.email,
            "invited_by_organisation": invited_by.organisation.name,
            "link": link,
            "valid_days": math.ceil(settings.PASSWORD_RESET_TIMEOUT / 86400),
        }
        subject = render_to_string(f"{INVITATION_TEMPLATE}_subject.txt", template_context)
        body = render_to_string(f"{INVITATION_TEMPLATE}_message.txt", template_context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        to=[user.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )


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
