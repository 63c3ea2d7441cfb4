"""The landing dashboard is built from panels that apps register.

A higher app registers its panel in its AppConfig.ready(), so the dashboard
never imports the apps that fill it (DESIGN.md "Layout").
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict | None]
    """Returns the panel's context, or None when the panel has nothing for this user."""
    roles: frozenset[str] | None = None
    """Active roles that see the panel; None means every role."""
    order: int = 100


_panels: dict[str, DashboardPanel] = {}


def register_panel(panel: DashboardPanel) -> None:
    _panels[panel.key] = panel


def panels_for(request: HttpRequest) -> list[tuple[DashboardPanel, dict]]:
    role = request.user.active_role
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.roles is not None and role not in panel.roles:
            continue
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown
