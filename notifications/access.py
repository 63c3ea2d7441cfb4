"""The only way a view gets a task or a reminder: the user's own, or 404.

Another person's task answers 404, not 403, so that ids reveal nothing.
"""

from collections.abc import Callable, Iterable

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from audit.actions import log_list_hits
from audit.models import Basis
from notifications.models import Reminder, Task


def get_task_for_user(user, task_id: int) -> Task:
    """The user's own task (open or done); Http404 for any other id."""
    return get_object_or_404(Task.objects.for_assignee(user), pk=task_id)


def get_reminder_for_user(user, reminder_id: int) -> Reminder:
    """A reminder in the user's own inbox; Http404 for any other id."""
    return get_object_or_404(Reminder.objects.for_recipient(user), pk=reminder_id)


# Which of some clients (UUIDs) the user reaches now in their active role; the clients app
# registers it in ready() (notifications imports no domain app).
ClientReach = Callable[[object, set], set]
_client_reach: ClientReach | None = None

OUT_OF_REACH_TITLE = _(
    "Koskee asiakasta, jonka tietoihin sinulla ei ole pääsyä nykyisessä roolissasi"
)


def register_client_reach(reach: ClientReach) -> None:
    global _client_reach
    _client_reach = reach


def withhold_clients_out_of_reach(user, items: Iterable) -> None:
    """A task or reminder may stay the user's after a transfer (the responsible worker's
    duties move, hand_over_tasks; other tasks and past reminders stay) or an ended
    membership, but its title (or description) names a client the user no longer reaches:
    shown (in memory, never saved) with a neutral title, no description and no link, and
    not logged as a showing of that client."""
    items = list(items)
    named = {item.client_id for item in items if item.client_id is not None}
    if not named or _client_reach is None:
        return
    reached = _client_reach(user, named)
    for item in items:
        if item.client_id is not None and item.client_id not in reached:
            item.title, item.link, item.client_id = str(OUT_OF_REACH_TITLE), "", None
            item.title_msgid, item.title_params = "", {}
            if hasattr(item, "description"):
                item.description, item.description_msgid, item.description_params = "", "", {}


# Access-log action of a client named in the inbox or the dashboard's task panel.
CLIENTS_SHOWN = "notifications.inbox.listed"


def show_items(user, items) -> int:
    """Readies the tasks and reminders a page shows: those naming a client out of the user's
    reach are withheld (`withhold_clients_out_of_reach`), and each client the rest name
    (their `client_id`) gets one list-hit row, as the client list logs each client it shows.
    Returns the number of rows written."""
    items = list(items)
    withhold_clients_out_of_reach(user, items)
    client_ids = list(dict.fromkeys(i.client_id for i in items if i.client_id is not None))
    if not client_ids:
        return 0
    basis = {"manager": Basis.MANAGER, "dpo": Basis.DATA_PROTECTION}.get(
        getattr(user, "active_role", None), Basis.CARE_TEAM
    )
    return log_list_hits(actor=user, client_ids=client_ids, action=CLIENTS_SHOWN, basis=basis)
