from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Roles that may be a client's responsible worker and so see expiring consents.
DASHBOARD_ROLES = frozenset(
    {
        "social_worker",
        "social_counsellor",
        "employment_expert",
        "work_coach",
        "job_coach",
        "workshop_coach",
        "coordinator",
        "health_professional",
    }
)


class ConsentsConfig(AppConfig):
    name = "consents"
    verbose_name = _("Suostumukset")

    def ready(self):
        from accounts.dashboard import DashboardPanel, register_panel
        from audit.labels import (
            register_action_labels,
            register_channel_labels,
            register_consent_describer,
            register_purpose_labels,
        )
        from clients.panels import ClientPanel, register_client_panel
        from clients.team_scope import register_team_coverage
        from consents import (
            actions,
            log_labels,
            majority,
            page_panels,
            pending_scans,
            reminders,
            team_coverage,
        )
        from consents.models import Purpose
        from notifications.rules_registry import register_reminder_rule
        from notifications.task_kinds import register_task_kind

        register_client_panel(
            ClientPanel(
                "consents.coverage",
                _("Suostumukset ja luovutusperusteet"),
                "consents/panels/coverage.html",
                page_panels.coverage,
                order=15,
            )
        )
        register_panel(
            DashboardPanel(
                key="consents.expiring",
                template="consents/dashboard/expiring.html",
                context=page_panels.expiring_consents,
                roles=DASHBOARD_ROLES,
                order=30,
            )
        )
        for kind, label in (
            (
                actions.NOTIFY_PARTY_OF_REVOCATION,
                _("Ilmoita osapuolelle suostumuksen peruutuksesta"),
            ),
            (actions.NOTIFY_PARTY_OF_CHANGE, _("Ilmoita osapuolelle suostumuksen muutoksesta")),
            (actions.SEND_REVOCATION_TO_KELA, _("Suostumuksen peruutus Kelaan")),
            (actions.SEND_CHANGE_TO_KELA, _("Suostumuksen muutos Kelaan")),
            (
                team_coverage.MEMBER_UNCOVERED_TASK,
                _("Tiimin jäsenen pääsy päättyi suostumuksen mukaan"),
            ),
        ):
            # Ticked off on the consent page or in the inbox, the same log row; the responsible
            # worker's duty, so an open one moves with a transfer of responsibility.
            register_task_kind(
                kind,
                label,
                on_completed=actions.log_notification_completed,
                hook_logs_client=True,
                follows_responsibility=True,
            )
        # The uploader's own task: ticked off where it is, nothing more to log.
        register_task_kind(pending_scans.SCAN_PENDING_TASK, _("Lomakkeen virustarkistus kesken"))
        register_action_labels(log_labels.ACTION_LABELS)
        register_channel_labels(log_labels.CHANNEL_LABELS)
        register_purpose_labels(dict(Purpose.choices))
        register_consent_describer(log_labels.describe_consents)
        reminders.register()
        majority.register()
        register_reminder_rule(
            page_panels.CONSENT_EXPIRING,
            _("Suostumus päättymässä"),
            page_panels.expiring_consent_reminders,
            withdraw_stale=page_panels.withdraw_stale_expiring,
            reminds_the_team=True,
        )
        # Someone of another organisation joins a client's team only as consent allows.
        register_team_coverage(team_coverage.team_coverage())
