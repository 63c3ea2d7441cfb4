from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Roles that work with clients: everyone but the administrator and the DPO.
CONSULTATION_ROLES = frozenset(
    {
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
    }
)


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Konsultaatiot")

    def ready(self):
        from accounts.actions import on_deactivation
        from accounts.dashboard import DashboardPanel, register_panel
        from accounts.navigation import NavItem, register_nav_item
        from audit.labels import (
            register_action_labels,
            register_channel_labels,
            register_logged_texts,
        )
        from clients.actions import on_closing, on_team_change
        from clients.panels import ClientPanel, register_client_panel
        from consents.events import register_event_source
        from consents.models import OralEventKind
        from consultations import log_labels, panels, reminders
        from consultations.actions.common import (
            RECOMMENDATION_TASK,
            REQUEST_DECLINED_TASK,
            WORK_PAIR_OFFER_TASK,
        )
        from consultations.actions.feeds import revoke_feed_tokens
        from consultations.actions.outcomes import end_offers_of_ended_memberships
        from consultations.actions.presenters import follow_team_change
        from consultations.actions.requests import refuse_closing_with_waiting_requests
        from consultations.case_view import DISCLOSED_WHAT, oral_consent_sessions
        from notifications.rules_registry import register_reminder_rule
        from notifications.task_kinds import register_task_kind

        register_logged_texts(DISCLOSED_WHAT)
        # A deactivated account's feed address is revoked: reactivated, it does not answer.
        on_deactivation("consultations.feed", revoke_feed_tokens)
        # A new responsible worker brings their client's cases; one who left the team no more.
        on_team_change("consultations", follow_team_change)
        # A work-pair offer's pending membership ended on the team ends the offer.
        on_team_change("consultations.work_pair_offers", end_offers_of_ended_memberships)
        # A client relationship closes once no consultation request waits for the network.
        on_closing("consultations", refuse_closing_with_waiting_requests)
        register_nav_item(
            NavItem(
                url_name="consultations:index",
                label=_("Konsultaatiot"),
                roles=CONSULTATION_ROLES,
                order=30,
            )
        )
        register_client_panel(
            ClientPanel(
                "consultations.requests",
                _("Tapauskonsultaatiot"),
                "consultations/panels/client.html",
                panels.client_consultations,
                order=40,
            )
        )
        register_panel(
            DashboardPanel(
                key="consultations.upcoming",
                template="consultations/dashboard/upcoming.html",
                context=panels.upcoming_sessions,
                roles=CONSULTATION_ROLES,
                order=25,
            )
        )
        register_panel(
            DashboardPanel(
                key="consultations.queue",
                template="consultations/dashboard/queue.html",
                context=panels.coordinator_queue,
                roles=frozenset({"coordinator"}),
                order=20,
            )
        )
        # The responsible worker's duties: open ones move with a transfer of responsibility.
        register_task_kind(
            RECOMMENDATION_TASK,
            _("Konsultaation suositus"),
            on_completed=reminders.withdraw_when_done,
            follows_responsibility=True,
            # A closed client's recommendations remind no one: their tasks are settled.
            settled_on_closing=True,
        )
        # Accepted or declined on the request's page: the offerer waits for that answer.
        register_task_kind(
            WORK_PAIR_OFFER_TASK,
            _("Työparitarjous"),
            follows_responsibility=True,
            answered_on_its_page=_("Vastaa tarjoukseen"),
        )
        register_task_kind(REQUEST_DECLINED_TASK, _("Konsultaatiopyyntöä ei otettu käsittelyyn"))
        register_action_labels(log_labels.ACTION_LABELS)
        register_channel_labels({"consultation": _("Tapauskonsultaatio Polussa")})
        register_event_source(OralEventKind.CONSULTATION_SESSION, oral_consent_sessions)
        register_reminder_rule(
            reminders.CONSULTATION_TOMORROW,
            _("Konsultaatioistunto huomenna"),
            reminders.consultation_tomorrow,
            withdraw_stale=reminders.withdraw_stale_sessions,
        )
        register_reminder_rule(
            "consultations.recommendation_due",
            _("Konsultaation suositus erääntymässä"),
            reminders.recommendation_due,
            withdraw_stale=reminders.withdraw_stale_recommendations,
        )
