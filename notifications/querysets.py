"""Reads of tasks and reminders."""

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Q, Value, When


def _concerning_filter(obj: models.Model) -> Q:
    content_type = ContentType.objects.get_for_model(obj)
    return Q(content_type=content_type, object_id=str(obj.pk))


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def done(self):
        return self.filter(done_at__isnull=False)

    def for_assignee(self, user):
        return self.filter(assignee=user)

    def due_before(self, date: datetime.date):
        """Tasks due strictly before `date` (tasks without a due date are never due)."""
        return self.filter(due_date__lt=date)

    def needing_attention(self, today: datetime.date):
        """Open tasks due today or earlier, and open tasks without a due date."""
        return self.open().filter(Q(due_date__isnull=True) | Q(due_date__lte=today))

    def concerning(self, obj: models.Model):
        return self.filter(_concerning_filter(obj))

    def for_client(self, client_id: uuid.UUID | str):
        return self.filter(client_id=client_id)

    def in_inbox_order(self, today: datetime.date):
        """What needs attention now first, as the bell counts it (needing_attention): the
        overdue and those due today, earliest due first, then those without a due date,
        oldest first; then those due later, earliest due first."""
        later = Case(When(due_date__gt=today, then=Value(1)), default=Value(0))
        return self.order_by(later, F("due_date").asc(nulls_last=True), "created_at", "pk")


class ReminderQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_recipient(self, user):
        return self.filter(recipient=user)

    def due_before(self, date: datetime.date):
        return self.filter(due_date__lt=date)

    def concerning(self, obj: models.Model):
        return self.filter(_concerning_filter(obj))

    def in_inbox_order(self):
        return self.order_by("due_date", "created_at", "pk")
