from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = _("Palvelupolut")

    def ready(self):
        from audit.labels import register_action_labels, register_channel_labels
        from audit.printing import register_pdf_renderer
        from clients.actions import on_closing, on_closing_day
        from clients.panels import ClientPanel, register_client_panel
        from notifications.task_kinds import register_task_kind
        from pathways import log_labels, reminders
        from pathways.actions.follow_ons import FOLLOW_ON_REQUESTED_TASK
        from pathways.actions.new_rules import (
            STEP_BREAKS_NEW_RULES_TASK,
            move_planned_steps_to_new_rules,
        )
        from pathways.actions.step_cancellation import FOLLOW_ON_CANCELLED_TASK
        from pathways.actions.step_endings import last_service_day, refuse_closing_with_open_steps
        from pathways.printing import render_pdf
        from pathways.views.steps import pathway_panel
        from services.actions import on_new_rules

        reminders.register()
        register_task_kind(
            FOLLOW_ON_CANCELLED_TASK, _("Peruttu jatkopolku"), follows_responsibility=True
        )
        register_task_kind(
            FOLLOW_ON_REQUESTED_TASK, _("Pyydetty jatkopolku"), follows_responsibility=True
        )
        register_task_kind(
            STEP_BREAKS_NEW_RULES_TASK,
            _("Jakso ei täytä uusia sääntöjä"),
            follows_responsibility=True,
        )
        on_new_rules("pathways", move_planned_steps_to_new_rules)
        on_closing("pathways", refuse_closing_with_open_steps)
        on_closing_day("pathways", last_service_day)
        register_action_labels(log_labels.ACTION_LABELS)
        register_channel_labels({"pdf": _("Tuloste (PDF)")})
        register_pdf_renderer(render_pdf)
        register_client_panel(
            ClientPanel(
                "pathways.pathway",
                _("Palvelupolku"),
                "pathways/panels/pathway.html",
                pathway_panel,
                order=15,
            )
        )
