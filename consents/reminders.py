"""Reminder rule: a revocation whose parties have not yet been told.

A revocation takes effect at once in Polku, but the parties (Kela by secure
e-mail) learn of it only when the responsible worker tells them; a task per
party was created with the revocation. When such a task is still open some
days later (POLKU_REMINDER_WINDOWS["consents.revocation_notifications_open"],
3 by default), its assignee is reminded once.
"""

import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from clients.models import Client
from clients.reminders import client_name
from consents.actions import NOTIFY_PARTY_OF_REVOCATION, SEND_REVOCATION_TO_KELA

CODE = "consents.revocation_notifications_open"
DEFAULT_DAYS = 3


def _client_field(field: str) -> Subquery:
    """A field of the client the outer task concerns (tasks keep the client's UUID, not a key)."""
    return Subquery(Client.objects.filter(uuid=OuterRef("client_id")).values(field)[:1])


def open_revocation_notifications(today: datetime.date, batch_size: int):
    """The open tasks of telling a party of a revocation, created `days` ago or earlier: one
    reminder to the task's assignee, naming the client (whose id the reminder carries, as
    the task does). One query per batch."""
    from notifications.models import Task
    from notifications.rules_registry import ReminderSpec
    from notifications.texts import Text

    days = _window_days()
    cutoff = today - datetime.timedelta(days=days)
    rows = (
        Task.objects.open()
        .filter(
            kind__in=[NOTIFY_PARTY_OF_REVOCATION, SEND_REVOCATION_TO_KELA],
            created_at__date__lte=cutoff,
        )
        .annotate(
            first_names=_client_field("first_names"),
            calling_name=_client_field("calling_name"),
            last_name=_client_field("last_name"),
        )
        .values_list(
            "pk",
            "assignee_id",
            "created_at",
            "link",
            "client_id",
            "first_names",
            "calling_name",
            "last_name",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, assignee_id, created_at, link, client_id, *names in rows:
        yield ReminderSpec(
            recipient_id=assignee_id,
            model=Task,
            object_id=pk,
            due_date=timezone.localdate(created_at) + datetime.timedelta(days=days),
            title=Text(
                gettext_noop(
                    "Suostumuksen peruutuksesta ei ole vielä ilmoitettu osapuolelle: {client}"
                ),
                client=client_name(*(name or "" for name in names)),
            ),
            link=link or "/inbox/",
            client_id=client_id,
        )


def withdraw_stale_revocation_notifications(today: datetime.date) -> int:
    """The `withdraw_stale` of the rule: the reminder of a task done meanwhile is marked read,
    also one a sweep wrote just after the task was checked off from what it had read before."""
    from notifications.actions import withdraw_stale_reminders
    from notifications.models import Task
    from notifications.rules_registry import DatePlus

    return withdraw_stale_reminders(
        rule=CODE,
        still_due=Task.objects.open().annotate(
            reminded_on=DatePlus(TruncDate("created_at"), Value(_window_days()))
        ),
        due_field="reminded_on",
        today=today,
    )


def _window_days() -> int:
    return getattr(settings, "POLKU_REMINDER_WINDOWS", {}).get(CODE, DEFAULT_DAYS)


def register() -> None:
    from notifications.rules_registry import register_reminder_rule

    register_reminder_rule(
        CODE,
        _("Peruutuksesta ilmoittamatta"),
        open_revocation_notifications,
        withdraw_stale=withdraw_stale_revocation_notifications,
    )
