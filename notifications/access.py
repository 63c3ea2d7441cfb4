"""The only way a view gets a task or a reminder: the user's own, or 404.

Another person's task answers 404, not 403, so that ids reveal nothing.
"""

from django.shortcuts import get_object_or_404

from audit.actions import log_list_hits
from audit.models import Basis
from notifications.models import Reminder, Task


def get_task_for_user(user, task_id: int) -> Task:
    """The user's own task (open or done); Http404 for any other id."""
    return get_object_or_404(Task.objects.for_assignee(user), pk=task_id)


def get_reminder_for_user(user, reminder_id: int) -> Reminder:
    """A reminder in the user's own inbox; Http404 for any other id."""
    return get_object_or_404(Reminder.objects.for_recipient(user), pk=reminder_id)


# Access-log action of a client named in the inbox or the dashboard's task panel.
CLIENTS_SHOWN = "notifications.inbox.listed"


def log_clients_shown(user, items) -> int:
    """One list-hit row per client that the shown tasks and reminders name (their `client_id`),
    as the client list logs each client it shows."""
    client_ids = list(dict.fromkeys(i.client_id for i in items if i.client_id is not None))
    if not client_ids:
        return 0
    basis = {"manager": Basis.MANAGER, "dpo": Basis.DATA_PROTECTION}.get(
        getattr(user, "active_role", None), Basis.CARE_TEAM
    )
    return log_list_hits(actor=user, client_ids=client_ids, action=CLIENTS_SHOWN, basis=basis)
