"""Celery tasks of notifications: thin, they call an action."""

from celery import shared_task

from notifications.actions import sweep_reminders


@shared_task(name="notifications.sweep_reminders_task", acks_late=True)
def sweep_reminders_task() -> dict | None:
    """Runs the reminder sweep (periodic, from the beat schedule).

    Safe to redeliver and to overlap: the sweep holds a lock and the
    reminders' unique key makes a repeat write nothing.
    """
    result = sweep_reminders()
    if result is None:
        return None
    return {"created": result.created, "failed": result.failed}
