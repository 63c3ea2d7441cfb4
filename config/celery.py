"""The Celery application. Periodic jobs live in code: `beat_schedule` below."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("polku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app's periodic jobs, named "<app>.<job>"; one beat process runs them.
app.conf.beat_schedule = {}
