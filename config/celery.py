"""The Celery application. Periodic jobs live in code: `beat_schedule` below."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("polku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def configure_logging(**kwargs):
    """Workers and beat log as the web does: Django's LOGGING (JSON lines, identity codes
    redacted). With a receiver here Celery leaves the root logger alone; without one it
    replaces the root handler with its own, unredacted plain text."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# Each app's periodic jobs, named "<app>.<job>"; one beat process runs them.
app.conf.beat_schedule = {
    "notifications.sweep_reminders": {
        "task": "notifications.sweep_reminders_task",
        "schedule": crontab(minute=5),  # hourly; the sweep is locked and idempotent
        "options": {"expires": 55 * 60},
    },
    "clients.end_lapsed_memberships": {
        "task": "clients.end_lapsed_memberships_task",
        "schedule": crontab(hour=0, minute=15),  # daily; access already stops on the day
        "options": {"expires": 12 * 60 * 60},
    },
    "consents.end_uncovered_memberships": {
        "task": "consents.end_uncovered_memberships",
        # Daily, after consents' last days have passed; admits the members starting today.
        "schedule": crontab(hour=0, minute=20),
        "options": {"expires": 12 * 60 * 60},
    },
    "consents.follow_up_pending_scans": {
        "task": "consents.follow_up_pending_scans",
        "schedule": crontab(minute="*/15"),  # scans left waiting for the virus scanner
        "options": {"expires": 14 * 60},
    },
    "consents.remove_orphan_scan_files": {
        "task": "consents.remove_orphan_scan_files",
        "schedule": crontab(hour=1, minute=20),  # daily
        "options": {"expires": 12 * 60 * 60},
    },
    "pathways.remove_old_document_files": {
        "task": "pathways.remove_old_document_files_task",
        "schedule": crontab(hour=1, minute=0),  # daily
        "options": {"expires": 12 * 60 * 60},
    },
    "audit.remove_old_log_report_files": {
        "task": "audit.remove_old_log_report_files_task",
        "schedule": crontab(hour=1, minute=10),  # daily
        "options": {"expires": 12 * 60 * 60},
    },
    "notifications.send_digests": {
        "task": "notifications.send_digests_task",
        "schedule": crontab(hour=7, minute=0),  # Europe/Helsinki (CELERY_TIMEZONE)
        "options": {"expires": 3 * 60 * 60},
    },
}
