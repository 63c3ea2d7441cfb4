"""Reminder rules of consultations (registered in ConsultationsConfig.ready()).

- consultations.consultation_tomorrow: each participant (and the coordinator)
  of a session that starts tomorrow (or within the configured number of days
  ahead), due on the session's day.
- consultations.recommendation_due: the responsible worker, for each
  recommendation whose task is still open and due within 7 days (or overdue),
  while the client's client relationship is open. Checking the task off takes
  back its reminders not yet due (withdraw_when_done).

Both windows are configurable like every other rule's:
settings.POLKU_REMINDER_WINDOWS[<rule code>] (see clients.reminders.window_days).

Each reads in batches with one query per batch, never one per session or
participant. Titles name the network and the pseudonymous case reference,
never a client.
"""

import datetime

from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from clients.reminders import client_name, window_days
from consultations.ics import clock
from notifications.texts import Text
from services.i18n import lazy_name

CONSULTATION_TOMORROW = "consultations.consultation_tomorrow"
RECOMMENDATION_DUE = "consultations.recommendation_due"

# Default windows in days (POLKU_REMINDER_WINDOWS overrides them): sessions
# this many days ahead; recommendations due within this many days.
CONSULTATION_AHEAD_DAYS = 1
RECOMMENDATION_WARNING_DAYS = 7


def _day_bounds(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of `first` to the start of the day after `last`, in local time."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    return start, timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )


def _session_title(starts_at: datetime.datetime, *network_names: str):
    """Dated, never "tomorrow": the reminder is read on the day of the session too. The
    network is named in each reader's language (`network_names`: Finnish, Swedish, English)."""
    local = timezone.localtime(starts_at)
    return Text(
        gettext_noop("Konsultaatioistunto {date} klo {time}: {network}"),
        date=date_format(local, "SHORT_DATE_FORMAT"),
        time=clock(starts_at),
        network=lazy_name(*network_names),
    )


def consultation_tomorrow(today: datetime.date, batch_size: int):
    from consultations.models import Session, SessionParticipant
    from notifications.rules_registry import ReminderSpec

    tomorrow = today + datetime.timedelta(days=1)
    last = today + datetime.timedelta(
        days=max(1, window_days(CONSULTATION_TOMORROW, CONSULTATION_AHEAD_DAYS))
    )
    start, end = _day_bounds(tomorrow, last)
    in_window = {
        "session__starts_at__gte": start,
        "session__starts_at__lt": end,
        "session__cancelled_at__isnull": True,
    }
    # Those whose session page opens: not a presenter who no longer brings a case.
    rows = (
        SessionParticipant.objects.seeing()
        .filter(**in_window)
        .values_list(
            "user_id",
            "session_id",
            "session__starts_at",
            "session__network__name_fi",
            "session__network__name_sv",
            "session__network__name_en",
        )
        .order_by("session_id", "user_id")
        .iterator(chunk_size=batch_size)
    )
    coordinators = (
        Session.objects.not_cancelled()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .values_list(
            "coordinator_id",
            "pk",
            "starts_at",
            "network__name_fi",
            "network__name_sv",
            "network__name_en",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for rows_of in (rows, coordinators):
        for user_id, session_id, starts_at, *network_names in rows_of:
            yield ReminderSpec(
                recipient_id=user_id,
                model=Session,
                object_id=session_id,
                due_date=timezone.localdate(starts_at),
                title=_session_title(starts_at, *network_names),
                link=reverse("consultations:session", kwargs={"session_id": session_id}),
            )


def withdraw_stale_sessions(today: datetime.date) -> int:
    """The `withdraw_stale` of the session rule: the reminders of a session cancelled or
    moved to another day are taken back (not yet due) or marked read, also those a sweep
    wrote just after the change from what it had read before; and once the session's day
    has passed, its reminders, right on their day, are marked read (the rows stay), or the
    bell and the digest would count a session long held as overdue for good."""
    from consultations.models import Session
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=CONSULTATION_TOMORROW,
        still_due=Session.objects.not_cancelled()
        .annotate(starts_on=TruncDate("starts_at"))
        .filter(starts_on__gte=today),
        due_field="starts_on",
        today=today,
    )


def withdraw_when_done(*, task, by) -> None:
    """Completion hook of the recommendation task kind (ConsultationsConfig.ready()): a
    recommendation acted on no longer comes due, so its reminders not yet due are taken
    back and those already past are marked read, wherever the task was checked off (the
    reminders concern the recommendation, not the task, so complete_task's own settling
    does not reach them: an overdue one stayed unread after the task was done). A reopened
    task is reminded of again by the next sweep."""
    from notifications.actions import settle_reminders, withdraw_reminders

    if task.concerning is not None:
        withdraw_reminders(rule=RECOMMENDATION_DUE, concerning=task.concerning)
        settle_reminders(rule=RECOMMENDATION_DUE, concerning=task.concerning)


def _recommendations_followed():
    from consultations.models import Recommendation

    return Recommendation.objects.filter(
        task__done_at__isnull=True, agenda_item__request__client__closed_on__isnull=True
    )


def withdraw_stale_recommendations(today: datetime.date) -> int:
    """The `withdraw_stale` of the recommendation rule: its reminders are taken back (not yet
    due) or marked read (past) when the task is done by a path without the completion hook,
    the due date moved, or the client relationship closed (a closed client's
    recommendations remind no one)."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=RECOMMENDATION_DUE,
        still_due=_recommendations_followed(),
        due_field="due_date",
        today=today,
    )


def recommendation_due(today: datetime.date, batch_size: int):
    from consultations.models import Recommendation
    from notifications.rules_registry import ReminderSpec

    days = window_days(RECOMMENDATION_DUE, RECOMMENDATION_WARNING_DAYS)
    rows = (
        _recommendations_followed()
        .filter(due_date__lte=today + datetime.timedelta(days=days))
        .values_list(
            "pk",
            "due_date",
            "task__assignee_id",
            "agenda_item__request_id",
            "agenda_item__request__reference",
            "agenda_item__request__client__uuid",
            "agenda_item__request__client__first_names",
            "agenda_item__request__client__calling_name",
            "agenda_item__request__client__last_name",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, due_date, assignee_id, request_id, reference, client_uuid, *names in rows:
        yield ReminderSpec(
            recipient_id=assignee_id,
            model=Recommendation,
            object_id=pk,
            due_date=due_date,
            title=Text(
                gettext_noop("Konsultaation suositus erääntyy {date}: {client} ({case})"),
                client=client_name(*names),
                case=reference,
                date=date_format(due_date, "SHORT_DATE_FORMAT"),
            ),
            client_id=client_uuid,
            link=reverse(
                "consultations:request_detail",
                kwargs={"client_id": client_uuid, "request_id": request_id},
            ),
        )
