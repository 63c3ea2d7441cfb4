"""allauth policy: no open sign-up; users are invited by an administrator."""

import logging

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
