from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Käyttäjät ja roolit")

    def ready(self):
        from allauth.account.signals import password_reset

        from accounts import panels

        panels.register()
        password_reset.connect(_confirm_email, dispatch_uid="polku-confirm-email-by-reset")


def _confirm_email(sender, request, user, **kwargs):
    from accounts.actions import confirm_login_address

    confirm_login_address(user=user)
