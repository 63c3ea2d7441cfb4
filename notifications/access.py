"""The only way a view gets a task or a reminder: the user's own, or 404.

Another person's task answers 404, not 403, so that ids reveal nothing.
"""

from django.shortcuts import get_object_or_404

from notifications.models import Reminder, Task


def get_task_for_user(user, task_id: int) -> Task:
    """The user's own task (open or done); Http404 for any other id."""
    return get_object_or_404(Task.objects.for_assignee(user), pk=task_id)


def get_reminder_for_user(user, reminder_id: int) -> Reminder:
    """A reminder in the user's own inbox; Http404 for any other id."""
    return get_object_or_404(Reminder.objects.for_recipient(user), pk=reminder_id)
