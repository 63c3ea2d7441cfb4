from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REPORT_ROLES = frozenset({"manager", "coordinator"})


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Raportit")

    def ready(self):
        from accounts.dashboard import DashboardPanel, register_panel
        from accounts.navigation import NavItem, register_nav_item
        from reports import panels

        register_nav_item(
            NavItem(url_name="reports:index", label=_("Raportit"), roles=REPORT_ROLES, order=60)
        )
        register_panel(
            DashboardPanel(
                key="reports.organisation_indicators",
                template="reports/panels/indicators.html",
                context=panels.organisation_indicators,
                roles=frozenset({"manager"}),
                order=30,
            )
        )
