from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Käyttäjät ja roolit")

    def ready(self):
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import (
            authenticator_added,
            authenticator_removed,
            authenticator_reset,
            authenticator_used,
        )
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models import fields

        from accounts import panels, security_log
        from accounts.middleware import remember_second_factor, remember_sign_in
        from config.forms import BLANK_CHOICE_LABEL
        from config.language import forget_language_choice

        # Django 6.1's "- Select an option -" has no Finnish or Swedish translation in
        # Django's own catalogues; the empty choice of every select is ours.
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
        panels.register()
        security_log.connect()
        password_reset.connect(_confirm_email, dispatch_uid="polku-confirm-email-by-reset")
        user_logged_out.connect(forget_language_choice, dispatch_uid="polku-forget-language")
        user_logged_in.connect(remember_sign_in, dispatch_uid="polku-remember-sign-in")
        for signal in (authenticator_used, authenticator_added):
            signal.connect(remember_second_factor, dispatch_uid="polku-second-factor-used")
        # A user removing their own second factor, or making new recovery codes, ends their
        # other sessions (accounts.actions.end_other_sessions).
        authenticator_removed.connect(
            _end_other_sessions_on_removal, dispatch_uid="polku-end-sessions-factor-removed"
        )
        authenticator_reset.connect(
            _end_other_sessions_on_reset, dispatch_uid="polku-end-sessions-factor-reset"
        )


def _confirm_email(sender, request, user, **kwargs):
    from accounts.actions import confirm_login_address

    confirm_login_address(user=user)


def _end_other_sessions_on_removal(sender, request, user, **kwargs):
    from accounts.actions import end_other_sessions

    end_other_sessions(user=user, request=request, reason="second_factor_removed")


def _end_other_sessions_on_reset(sender, request, user, **kwargs):
    from accounts.actions import end_other_sessions

    end_other_sessions(user=user, request=request, reason="second_factor_reset")
