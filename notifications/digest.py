"""The morning e-mail digest: how many tasks and reminders wait for the user in Polku.

Nothing that leaves Polku by e-mail names a client (DESIGN.md "Access"), so
the digest carries counts, kinds (the reminder rules' labels) and a link to
the inbox, which requires sign-in. Never a task's or reminder's title,
description or link: in-app titles may name the client.

`queue_digests()` (the daily fan-out, from the beat schedule) enqueues one
`send_digest_task` per user who has something waiting, after commit.
`send_digest()` builds and sends one user's digest, in the user's language,
at most once per user and day.

Once per day is kept by config.mail.send_once: a lease while sending, and the
cache key `digest:<user id>:<date>` set once the relay accepted the digest, so
a redelivered or repeated task sends nothing, a failed send can be retried,
and a digest whose worker died while sending it goes out with the redelivered
task. A database row would also survive a Redis flush, but it would need a
table only for this; losing Redis at worst sends one extra digest that day,
which is harmless, unlike a duplicate reminder.

Like the rest of notifications this module imports no domain app: it knows
users only through get_user_model() and settings.
"""

import datetime
import functools
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.mail import send_once
from notifications.models import Reminder, Task
from notifications.rules_registry import rule_label

logger = logging.getLogger(__name__)

TEXT_TEMPLATE = "notifications/email/digest.txt"
HTML_TEMPLATE = "notifications/email/digest.html"
# The once-a-day key outlives the day it is for, whatever the time zone of the worker,
# and the task's retries and the broker's redelivery.
SENT_KEY_SECONDS = 48 * 60 * 60
# Longer than the task's time limit (CELERY_TASK_TIME_LIMIT in config/settings.py, 5 min).
LEASE_SECONDS = 10 * 60
FAN_OUT_LOCK_KEY = "notifications:digests:lock"
FAN_OUT_LOCK_SECONDS = 10 * 60


@dataclass(frozen=True)
class Digest:
    """What one user's digest says: counts only. `reminders` is (rule code, count), by code."""

    overdue_tasks: int
    tasks_due_today: int
    reminders: tuple[tuple[str, int], ...]
    # Open tasks given the day before: a new task due in two weeks is news this morning.
    tasks_given_yesterday: int = 0
    # Open tasks without a due date, every morning while open: the bell counts them too
    # (TaskQuerySet.needing_attention).
    tasks_without_due_date: int = 0

    @property
    def unread_reminders(self) -> int:
        return sum(count for _rule, count in self.reminders)

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue_tasks
            or self.tasks_due_today
            or self.tasks_given_yesterday
            or self.tasks_without_due_date
            or self.unread_reminders
        )


def _yesterday(today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day before `today` as a range of moments, in the current time zone (Helsinki):
    each task is news in exactly one morning's digest."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return start - datetime.timedelta(days=1), start


def sent_key(user_id: int, day: datetime.date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def wants_digest(user) -> bool:
    """Active, has an address and has not opted out (User.email_digest, on by default)."""
    return bool(user.is_active and user.email and getattr(user, "email_digest", True))


def build_digest(user, today: datetime.date) -> Digest:
    """The user's open tasks overdue, due today, without a due date and given yesterday, and
    unread reminders per rule. Two queries."""
    given_from, given_until = _yesterday(today)
    tasks = (
        Task.objects.for_assignee(user)
        .open()
        .aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            due_today=Count("pk", filter=Q(due_date=today)),
            without_due_date=Count("pk", filter=Q(due_date__isnull=True)),
            given_yesterday=Count(
                "pk", filter=Q(created_at__gte=given_from, created_at__lt=given_until)
            ),
        )
    )
    reminders = (
        Reminder.objects.for_recipient(user)
        .unread()
        .values("rule")
        .annotate(count=Count("pk"))
        .order_by("rule")
        .values_list("rule", "count")
    )
    return Digest(
        overdue_tasks=tasks["overdue"],
        tasks_due_today=tasks["due_today"],
        tasks_given_yesterday=tasks["given_yesterday"],
        tasks_without_due_date=tasks["without_due_date"],
        reminders=tuple(reminders),
    )


def _language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def inbox_url() -> str:
    return settings.POLKU_BASE_URL.rstrip("/") + reverse("notifications:inbox")


def render_digest(user, digest: Digest, today: datetime.date) -> EmailMultiAlternatives:
    """The digest as a plain-text e-mail with an HTML alternative, in the user's language.

    The templates get counts, rule labels and the inbox address, nothing else:
    no object of the user's work reaches them.
    """
    language = _language_of(user)
    with translation.override(language):
        reminders = sorted(
            ((str(rule_label(rule)), count) for rule, count in digest.reminders),
            key=lambda row: (-row[1], row[0]),
        )
        context = {
            "language": language,
            "today": today,
            "overdue_tasks": digest.overdue_tasks,
            "tasks_due_today": digest.tasks_due_today,
            "tasks_given_yesterday": digest.tasks_given_yesterday,
            "tasks_without_due_date": digest.tasks_without_due_date,
            "reminders": reminders,
            "unread_reminders": digest.unread_reminders,
            "inbox_url": inbox_url(),
        }
        subject = "Polku – {heading} {date}".format(
            heading=_("Tehtävät ja muistutukset"), date=date_format(today, "SHORT_DATE_FORMAT")
        )
        text = render_to_string(TEXT_TEMPLATE, context)
        html = render_to_string(HTML_TEMPLATE, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            "Content-Language": language,
            # RFC 3834: an automatic message; out-of-office replies are not sent back to it.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_digest(*, user_id: int, today: datetime.date | None = None) -> bool:
    """Sends the user's digest for `today` (the local date when not given); True when sent.

    Nothing is sent to an inactive user, one without an address, one who opted
    out, or one with nothing waiting (no open task overdue, due today, without a due date
    or given yesterday, no unread reminder). Once per user and day (config.mail.send_once under the
    key `digest:<user>:<date>`): a call while another sends it or after it was
    sent returns False; when sending raises, the error is re-raised and nothing
    is marked sent, so that a retry can send.
    """
    today = today or timezone.localdate()
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not wants_digest(user):
        return False
    digest = build_digest(user, today)
    if digest.is_empty:
        return False
    message = render_digest(user, digest, today)
    if not send_once(
        sent_key(user.pk, today),
        message,
        lease_seconds=LEASE_SECONDS,
        sent_seconds=SENT_KEY_SECONDS,
    ):
        return False
    logger.info("Digest sent.", extra={"user_id": user.pk, "day": today.isoformat()})
    return True


def users_to_notify(today: datetime.date):
    """Ids of the users who want a digest and have something waiting: one query."""
    User = get_user_model()
    given_from, given_until = _yesterday(today)
    waiting_task = Task.objects.open().filter(
        Q(due_date__lte=today)
        | Q(due_date__isnull=True)
        | Q(created_at__gte=given_from, created_at__lt=given_until),
        assignee=OuterRef("pk"),
    )
    unread_reminder = Reminder.objects.unread().filter(recipient=OuterRef("pk"))
    users = User.objects.filter(is_active=True).exclude(email="")
    if any(field.name == "email_digest" for field in User._meta.get_fields()):
        users = users.filter(email_digest=True)
    return users.filter(Exists(waiting_task) | Exists(unread_reminder)).order_by("pk")


def queue_digests(*, today: datetime.date | None = None) -> int | None:
    """Enqueues one send_digest_task per user with something waiting; returns how many.

    The tasks are enqueued with transaction.on_commit, so a rollback of the
    surrounding transaction enqueues nothing. One fan-out at a time (a cache
    lock; a second concurrent call returns None); running it twice in a day
    is harmless anyway, since each user's digest is sent once a day.
    """
    from notifications.tasks import send_digest_task  # tasks import this module

    today = today or timezone.localdate()
    token = uuid.uuid4().hex
    if not cache.add(FAN_OUT_LOCK_KEY, token, timeout=FAN_OUT_LOCK_SECONDS):
        logger.info("Digest fan-out skipped: another fan-out holds the lock.")
        return None
    try:
        with transaction.atomic():
            user_ids = list(users_to_notify(today).values_list("pk", flat=True))
            for user_id in user_ids:
                transaction.on_commit(
                    functools.partial(send_digest_task.delay, user_id, today.isoformat())
                )
    finally:
        if cache.get(FAN_OUT_LOCK_KEY) == token:
            cache.delete(FAN_OUT_LOCK_KEY)
    logger.info("Digests queued.", extra={"digests_queued": len(user_ids)})
    return len(user_ids)
