"""The client page is built from panels. Higher apps (pathways, consents,
consultations) register theirs in AppConfig.ready(), so the client page never
imports them (DESIGN.md "Layout")."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ClientPanel:
    key: str
    title: str
    template: str
    context: Callable
    """context(request, client, relation) -> dict, or None when the panel has nothing to show."""
    order: int = 100

    @property
    def html_id(self) -> str:
        """The panel's anchor on the client page: "clients.notes" is #panel-clients-notes."""
        return "panel-" + self.key.replace(".", "-").replace("_", "-")


_panels: dict[str, ClientPanel] = {}


def register_client_panel(panel: ClientPanel) -> None:
    _panels[panel.key] = panel


def panels_for(request, client, relation) -> list[tuple[ClientPanel, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, client, relation)
        if context is not None:
            shown.append((panel, context))
    return shown


def register_client_panels() -> None:
    from clients import page_panels

    register_client_panel(
        ClientPanel(
            "clients.team", _("Omatiimi"), "clients/panels/team.html", page_panels.team, order=10
        )
    )
    register_client_panel(
        ClientPanel(
            "clients.plans",
            _("Suunnitelmat"),
            "clients/panels/plans.html",
            page_panels.plans,
            order=20,
        )
    )
    register_client_panel(
        ClientPanel(
            "clients.assessments",
            _("Palvelutarpeen arvio"),
            "clients/panels/assessments.html",
            page_panels.assessments,
            order=30,
        )
    )
    register_client_panel(
        ClientPanel(
            "clients.notes",
            _("Asiakaskirjaukset"),
            "clients/panels/notes.html",
            page_panels.notes,
            order=90,
        )
    )
