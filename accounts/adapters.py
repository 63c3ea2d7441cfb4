"""allauth policy: no open sign-up; users are invited by an administrator."""

import datetime
import logging
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth's rate limit of failed sign-ins, with a security-log line when it refuses
        (the refused attempt is never checked, so no failed sign-in is logged for it)."""
        from accounts.security_log import account_id_for, log_event

        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            log_event(
                "accounts.sign_in_rate_limited",
                request=request,
                user_id=account_id_for(credentials),
                level=logging.WARNING,
            )
            raise

    def post_login(self, request, user, **kwargs):
        """The rest of the sign-in request speaks the user's own language when this browser
        has chosen none (the page after it will, config.language): else allauth's "signed in
        as" message, made now, came in Finnish on a Swedish or English page."""
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        languages = {code for code, _name in settings.LANGUAGES}
        if chosen not in languages and user.preferred_language in languages:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return super().post_login(request, user, **kwargs)

    def get_reset_password_from_key_url(self, key: str) -> str:
        from accounts.actions import password_link

        return password_link(key)

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        """Polku's own e-mail in the user's language (accounts.actions), not allauth's
        generic one in the language of the page it was asked on."""
        from accounts.actions import password_reset_message
        from accounts.security_log import on_password_reset_requested

        on_password_reset_requested(context.get("request") or self.request, user)
        password_reset_message(user=user, email=email, link=context["password_reset_url"]).send()

    def send_mail(self, template_prefix, email, context):
        """A password reset asked for an address with no account is in the security log too,
        without the address (allauth sends it the "unknown account" e-mail instead)."""
        if template_prefix == "account/email/unknown_account":
            from accounts.security_log import on_password_reset_requested

            on_password_reset_requested(context.get("request") or self.request, None)
        return super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's other e-mails (the "unknown account" one of a password reset) say which
        language they are in and that they are automatic, as Polku's own do."""
        from django.utils import translation

        headers = {
            "Content-Language": translation.get_language(),
            "Auto-Submitted": "auto-generated",
            **(headers or {}),
        }
        return super().render_mail(template_prefix, email, context, headers=headers)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A new user enrolling their second factor right after signing in with the
        password (and seeing the recovery codes it makes) is not asked for the password
        again: they typed it moments ago, within allauth's reauthentication timeout, and
        had no second factor then. A user who signed in with a second factor is asked
        before changing factors, as allauth does."""
        if app == "allauth.mfa" and _enrolling_right_after_password_sign_in():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _enrolling_right_after_password_sign_in() -> bool:
    from allauth.account import app_settings
    from allauth.account.authentication import get_authentication_records
    from allauth.core import context
    from allauth.mfa.models import Authenticator

    request = context.request
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    passwords = [
        record
        for record in get_authentication_records(request, user)
        if record.get("method") == "password"
    ]
    if not passwords:
        return False
    signed_in_at = passwords[-1]["at"]
    if time.time() - signed_in_at >= app_settings.REAUTHENTICATION_TIMEOUT:
        return False
    # Factors enrolled before this sign-in were asked for at it: then this is no enrolment.
    return not Authenticator.objects.filter(
        user=user, created_at__lt=datetime.datetime.fromtimestamp(signed_in_at, datetime.UTC)
    ).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO signs in existing, invited users only; it never creates accounts.

    An invited user has no social account yet: allauth finds them by the address
    the identity provider has verified (SOCIALACCOUNT_EMAIL_AUTHENTICATION) and
    connects the two (..._AUTO_CONNECT), see docs/operations.md "Single sign-on".
    """

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin) -> None:
        """The provider vouches for the user's address: it counts as verified in Polku too,
        so the user can enrol MFA (allauth refuses authenticators on unverified addresses)."""
        from accounts.actions import confirm_login_address

        user = sociallogin.user
        if user is None or user.pk is None:
            return
        verified = {
            address.email.lower() for address in sociallogin.email_addresses if address.verified
        }
        if user.email.lower() in verified:
            confirm_login_address(user=user)
