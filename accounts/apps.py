from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Käyttäjät ja roolit")

    def ready(self):
        from accounts import panels

        panels.register()
