from django.utils.translation import gettext_lazy as _

from accounts.dashboard import DashboardPanel, register_panel
from accounts.navigation import NavItem, register_nav_item


def my_roles_context(request):
    return {"assignments": request.user.current_assignments}


def register() -> None:
    from notifications.panels import open_tasks_panel_context

    register_nav_item(NavItem(url_name="dashboard", label=_("Etusivu"), order=0))
    register_nav_item(NavItem(url_name="notifications:inbox", label=_("Saapuneet"), order=5))
    register_nav_item(
        NavItem(url_name="services:catalogue", label=_("Palvelut"), roles=None, order=40)
    )
    # Users, units, the catalogue's entries and rule sets: the administration site.
    register_nav_item(
        NavItem(url_name="admin:index", label=_("Ylläpito"), roles=frozenset({"admin"}), order=90)
    )
    register_panel(
        DashboardPanel(
            key="notifications.open_tasks",
            template="notifications/panels/open_tasks.html",
            context=open_tasks_panel_context,
            order=5,
        )
    )
    register_panel(
        DashboardPanel(
            key="accounts.my_roles",
            template="accounts/panels/my_roles.html",
            context=my_roles_context,
            order=900,
        )
    )
