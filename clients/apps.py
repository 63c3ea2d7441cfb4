from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CLIENT_WORKER_ROLES = (
    "social_worker",
    "social_counsellor",
    "work_coach",
    "job_coach",
    "workshop_coach",
    "coordinator",
    "employment_expert",
    "kela_liaison",
    "health_professional",
    "manager",
)


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Asiakkaat")

    def ready(self):
        from accounts.dashboard import DashboardPanel, register_panel
        from accounts.navigation import NavItem, register_nav_item
        from clients import dashboard_panels, panels, reminders
        from clients.actions import (
            RESPONSIBILITY_RECEIVED_TASK,
            on_closing,
            refuse_closing_with_assessment_in_progress,
        )
        from clients.actions.exceptional_access import ACCESS_REQUEST_TASK
        from clients.audit_subjects import register_audit_subjects
        from notifications.access import register_client_reach
        from notifications.task_kinds import register_task_kind

        panels.register_client_panels()
        register_client_reach(_clients_reached)
        reminders.register()
        # The responsible worker decides (the managers when they cannot): an open request
        # moves with a transfer.
        register_task_kind(ACCESS_REQUEST_TASK, _("Pääsypyyntö"), follows_responsibility=True)
        # Taking up a client is the new worker's own: a later transfer gives the next one theirs.
        register_task_kind(RESPONSIBILITY_RECEIVED_TASK, _("Uusi vastuuasiakas"))
        register_audit_subjects()
        # A client relationship closes once no service-need assessment is left half done.
        on_closing("clients.assessments", refuse_closing_with_assessment_in_progress)
        register_nav_item(
            NavItem(url_name="audit:index", label=_("Lokit"), roles=frozenset({"dpo"}), order=90)
        )
        register_nav_item(
            NavItem(
                url_name="clients:list",
                label=_("Asiakkaat"),
                roles=frozenset(CLIENT_WORKER_ROLES),
                order=10,
            )
        )
        register_nav_item(
            NavItem(
                url_name="clients:handover",
                label=_("Asiakkuuksien siirto"),
                roles=frozenset({"manager"}),
                order=70,
            )
        )
        register_nav_item(
            NavItem(
                url_name="clients:break_the_glass_review",
                label=_("Murtautumiset"),
                roles=frozenset({"manager", "dpo"}),
                order=80,
            )
        )
        register_panel(
            DashboardPanel(
                key="clients.my_clients",
                template="clients/dashboard/my_clients.html",
                context=dashboard_panels.my_clients,
                roles=frozenset(CLIENT_WORKER_ROLES),
                order=10,
            )
        )
        register_panel(
            DashboardPanel(
                key="clients.break_the_glass",
                template="clients/dashboard/break_the_glass.html",
                context=dashboard_panels.break_the_glass_to_review,
                roles=frozenset({"manager", "dpo"}),
                order=20,
            )
        )


def _clients_reached(user, client_ids: set) -> set:
    """Which of `client_ids` the user finds in their active role (for the inbox)."""
    from clients.models import Client

    return set(
        Client.objects.for_user(user).filter(uuid__in=client_ids).values_list("uuid", flat=True)
    )
