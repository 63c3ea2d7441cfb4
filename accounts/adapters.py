"""allauth policy: no open sign-up; users are invited by an administrator."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """SSO signs in existing, invited users only; it never creates accounts."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
