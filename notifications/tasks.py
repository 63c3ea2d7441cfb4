"""Celery tasks of notifications: thin, they call an action."""

import datetime
import smtplib

from celery import shared_task

from notifications.actions import sweep_reminders
from notifications.digest import queue_digests, send_digest


@shared_task(name="notifications.sweep_reminders_task", acks_late=True)
def sweep_reminders_task() -> dict | None:
    """Runs the reminder sweep (periodic, from the beat schedule).

    Safe to redeliver and to overlap: the sweep holds a lock and the
    reminders' unique key makes a repeat write nothing. Returns, per rule, the reminders
    written and those taken back or marked read as no longer fitting (`withdrawn`, for the
    rules that withdraw), and the rules that failed; None when another sweep held the lock.
    """
    result = sweep_reminders()
    if result is None:
        return None
    return {"created": result.created, "withdrawn": result.withdrawn, "failed": result.failed}


@shared_task(name="notifications.send_digests_task", acks_late=True)
def send_digests_task() -> int | None:
    """The morning fan-out (beat schedule): one send_digest_task per user with something waiting.

    Safe to redeliver: each user's digest is sent at most once a day.
    """
    return queue_digests()


@shared_task(
    name="notifications.send_digest_task",
    acks_late=True,
    # A mail server that is down or refuses for a while: try again later. A failed
    # send marks nothing sent (config.mail.send_once), so the retry can send. The longest
    # wait (10 min) stays well inside the broker's visibility timeout.
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=5,
)
def send_digest_task(user_id: int, day: str | None = None) -> bool:
    """Sends one user's digest for `day` (ISO date; today when not given).

    Idempotent: sent at most once per user and day, so a redelivery is harmless.
    """
    return send_digest(user_id=user_id, today=datetime.date.fromisoformat(day) if day else None)
