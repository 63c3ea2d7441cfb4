"""Reminder rules of consultations (registered in ConsultationsConfig.ready()).

- consultations.consultation_tomorrow: each participant (and the coordinator)
  of a session that starts tomorrow, due on the session's day.
- consultations.recommendation_due: the responsible worker, for each
  recommendation whose task is still open and due within a week (or overdue).

Each reads in batches with one query per batch, never one per session or
participant. Titles name the network and the pseudonymous case reference,
never a client.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

RECOMMENDATION_WARNING_DAYS = 7


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def consultation_tomorrow(today: datetime.date, batch_size: int):
    from consultations.models import Session, SessionParticipant
    from notifications.rules_registry import ReminderSpec

    tomorrow = today + datetime.timedelta(days=1)
    start, end = _day_bounds(tomorrow)
    in_window = {
        "session__starts_at__gte": start,
        "session__starts_at__lt": end,
        "session__cancelled_at__isnull": True,
    }
    rows = (
        SessionParticipant.objects.current()
        .filter(**in_window)
        .values_list("user_id", "session_id", "session__starts_at", "session__network__name")
        .order_by("session_id", "user_id")
        .iterator(chunk_size=batch_size)
    )
    coordinators = (
        Session.objects.not_cancelled()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .values_list("coordinator_id", "pk", "starts_at", "network__name")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for rows_of in (rows, coordinators):
        for user_id, session_id, starts_at, network in rows_of:
            yield ReminderSpec(
                recipient_id=user_id,
                model=Session,
                object_id=session_id,
                due_date=tomorrow,
                title=format_lazy(
                    _("Konsultaatioistunto huomenna klo {time}: {network}"),
                    time=timezone.localtime(starts_at).strftime("%H.%M"),
                    network=network,
                ),
                link=reverse("consultations:session", kwargs={"session_id": session_id}),
            )


def recommendation_due(today: datetime.date, batch_size: int):
    from consultations.models import Recommendation
    from notifications.rules_registry import ReminderSpec

    rows = (
        Recommendation.objects.filter(
            task__done_at__isnull=True,
            due_date__lte=today + datetime.timedelta(days=RECOMMENDATION_WARNING_DAYS),
        )
        .values_list(
            "pk",
            "due_date",
            "task__assignee_id",
            "agenda_item__request_id",
            "agenda_item__request__reference",
            "agenda_item__request__client__uuid",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, due_date, assignee_id, request_id, reference, client_uuid in rows:
        yield ReminderSpec(
            recipient_id=assignee_id,
            model=Recommendation,
            object_id=pk,
            due_date=due_date,
            title=format_lazy(
                _("Konsultaation suositus ({case}) erääntyy {date}"),
                case=reference,
                date=due_date.strftime("%d.%m.%Y"),
            ),
            link=reverse(
                "consultations:request_detail",
                kwargs={"client_id": client_uuid, "request_id": request_id},
            ),
        )
