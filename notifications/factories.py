"""Factories for tasks and reminders, shared by tests and demo data.

The person is always given (`assignee=` / `recipient=`): notifications does
not import accounts, so it cannot make users itself.
"""

import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import Reminder, Task


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    kind = "tests.task"
    title = factory.Sequence(lambda n: f"Tehtävä {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    link = "/"

    class Params:
        overdue = factory.Trait(
            due_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
        )
        done = factory.Trait(
            done_at=factory.LazyFunction(timezone.now),
            done_on=factory.LazyFunction(timezone.localdate),
            done_by=factory.SelfAttribute("assignee"),
        )


class ReminderFactory(factory.django.DjangoModelFactory):
    """A reminder that concerns its recipient's own user row unless `content_type`/`object_id` are given."""

    class Meta:
        model = Reminder

    rule = "tests.rule"
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.recipient))
    object_id = factory.LazyAttribute(lambda o: str(o.recipient.pk))
    due_date = factory.Sequence(lambda n: timezone.localdate() + datetime.timedelta(days=n))
    title = factory.Sequence(lambda n: f"Muistutus {n}")
    link = "/"

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))
