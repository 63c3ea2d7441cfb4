from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Tehtävät ja muistutukset")

    def ready(self):
        from audit.labels import register_action_labels
        from notifications import checks  # noqa: F401 (registers the system checks)
        from notifications.access import CLIENTS_SHOWN

        register_action_labels({CLIENTS_SHOWN: _("Asiakas näkyi saapuneissa tai tehtävälistassa")})
