from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Käyttäjät ja roolit")

    def ready(self):
        from allauth.account.signals import email_changed, password_reset
        from django.contrib.auth.signals import user_logged_out
        from django.db.models import fields

        from accounts import panels, security_log
        from config.forms import BLANK_CHOICE_LABEL
        from config.language import forget_language_choice

        # Django 6.1's "- Select an option -" has no Finnish or Swedish translation in
        # Django's own catalogues; the empty choice of every select is ours.
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
        panels.register()
        security_log.connect()
        password_reset.connect(_confirm_email, dispatch_uid="polku-confirm-email-by-reset")
        user_logged_out.connect(forget_language_choice, dispatch_uid="polku-forget-language")
        email_changed.connect(_address_changed, dispatch_uid="polku-address-changed-by-user")


def _confirm_email(sender, request, user, **kwargs):
    from accounts.actions import confirm_login_address

    confirm_login_address(user=user)


def _address_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    """allauth's own address page (/accounts/email/, not linked from Polku's pages) changes
    the user's own sign-in address (to one proved by its link when they have a proved one):
    the old one is told, and stops signing in, as when the operator changes it."""
    from accounts.actions import record_address_change

    if from_email_address is not None and from_email_address.email.lower() != user.email:
        record_address_change(
            user=user, old_email=from_email_address.email, changed_by=user, request=request
        )
