"""Reminder rule: a revocation whose parties have not yet been told.

A revocation takes effect at once in Polku, but the parties (Kela by secure
e-mail) learn of it only when the responsible worker tells them; a task per
party was created with the revocation. When such a task is still open some
days later (POLKU_REMINDER_WINDOWS["consents.revocation_notifications_open"],
3 by default), its assignee is reminded once.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.actions import NOTIFY_PARTY_OF_REVOCATION, SEND_REVOCATION_TO_KELA

CODE = "consents.revocation_notifications_open"
DEFAULT_DAYS = 3


def open_revocation_notifications(today: datetime.date, batch_size: int):
    from notifications.models import Task
    from notifications.rules_registry import ReminderSpec

    days = getattr(settings, "POLKU_REMINDER_WINDOWS", {}).get(CODE, DEFAULT_DAYS)
    cutoff = today - datetime.timedelta(days=days)
    rows = (
        Task.objects.open()
        .filter(
            kind__in=[NOTIFY_PARTY_OF_REVOCATION, SEND_REVOCATION_TO_KELA],
            created_at__date__lte=cutoff,
        )
        .values_list("pk", "assignee_id", "created_at", "link")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, assignee_id, created_at, link in rows:
        yield ReminderSpec(
            recipient_id=assignee_id,
            model=Task,
            object_id=pk,
            due_date=timezone.localdate(created_at) + datetime.timedelta(days=days),
            title=_("Suostumuksen peruutuksesta ei ole vielä ilmoitettu osapuolelle"),
            link=link or "/inbox/",
        )


def register() -> None:
    from notifications.rules_registry import register_reminder_rule

    register_reminder_rule(CODE, _("Peruutuksesta ilmoittamatta"), open_revocation_notifications)
