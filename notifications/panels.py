"""The dashboard panel of the user's open tasks.

accounts owns the dashboard registry (accounts/dashboard.py), which
notifications may not import; accounts registers this panel with
`open_tasks_panel_context` and the template `notifications/panels/open_tasks.html`.
"""

from django.db.models import Count, Window
from django.utils import timezone

from notifications.access import show_items
from notifications.models import Task
from notifications.task_kinds import task_kind_label

PANEL_TASK_LIMIT = 10


def open_tasks_panel_context(request) -> dict:
    """The user's first open tasks in the inbox's order (what needs attention now first:
    overdue, due today, undated; then those due later), at most ten, and how many are open.

    One query whatever the number of tasks: the total comes from a window
    function over the same rows.
    """
    today = timezone.localdate()
    tasks = list(
        Task.objects.for_assignee(request.user)
        .open()
        .annotate(open_total=Window(Count("pk")))
        .in_inbox_order(today)[:PANEL_TASK_LIMIT]
    )
    count = tasks[0].open_total if tasks else 0
    show_items(request.user, tasks)
    return {
        "tasks": [
            {
                "task": task,
                "kind_label": task_kind_label(task.kind),
                "overdue": task.is_overdue(today),
                "due_today": task.due_date == today,
            }
            for task in tasks
        ],
        "open_count": count,
        "more": count - len(tasks),
    }
