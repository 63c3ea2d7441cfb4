import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.factories import make_user
from accounts.roles import Role
from notifications.actions import (
    mark_reminder_read,
    mark_reminders_read,
    remind,
    remind_many,
    settle_reminders,
    withdraw_reminders,
)
from notifications.factories import ReminderFactory
from notifications.models import Reminder
from notifications.rules_registry import ReminderSpec
from notifications.texts import Text
from services.factories import UnitFactory
from services.models import Unit

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_reminder_with_the_same_key(worker, unit):
    fields = {
        "recipient": worker,
        "rule": "clients.plan_review_due",
        "content_type": ContentType.objects.get_for_model(unit),
        "object_id": str(unit.pk),
        "due_date": timezone.localdate(),
        "title": "Suunnitelman tarkistus",
    }
    Reminder.objects.create(**fields)
    with pytest.raises(IntegrityError):
        Reminder.objects.create(**fields)


def test_a_reminder_settled_by_a_move_does_not_hold_the_key_one_read_does(worker, unit):
    """A reminder settled because its matter moved from the recipient (settled_at) no longer
    holds the unique key: both ways of writing a reminder write it afresh, once. One the
    recipient read still holds it."""
    from notifications.actions import settle_client_reminders

    client_id = uuid.uuid4()
    due = timezone.localdate() - datetime.timedelta(days=2)
    spec = ReminderSpec(
        recipient_id=worker.pk,
        model=Unit,
        object_id=unit.pk,
        due_date=due,
        title="Muistutus",
        rule="tests.rule",
        client_id=client_id,
    )
    assert remind_many([spec]) == 1
    assert settle_client_reminders(client_id=client_id, recipient_id=worker.pk) == 1
    settled = Reminder.objects.get()
    assert settled.read_at is not None
    assert settled.settled_at is not None

    assert remind_many([spec]) == 1
    assert remind_many([spec]) == 0
    fresh = Reminder.objects.unread().get()
    mark_reminder_read(reminder=fresh, by=worker)
    assert remind_many([spec]) == 0
    args = {"recipient": worker, "rule": "tests.rule", "concerning": unit, "due_date": due}
    assert remind(**args, title="x") == (fresh, False)
    assert Reminder.objects.count() == 2

    # Through remind as well: the settled row is passed over, not returned.
    other = {**args, "rule": "tests.other"}
    first, _created = remind(**other, title="x")
    Reminder.objects.filter(pk=first.pk).update(read_at=timezone.now(), settled_at=timezone.now())
    again, created = remind(**other, title="x")
    assert created
    assert again.pk != first.pk
    # Two reminders not settled with the same key are refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.filter(pk=first.pk).update(settled_at=None)
    # A settled reminder is also read.
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.filter(pk=first.pk).update(read_at=None)


def test_remind_creates_once(worker, unit):
    due = timezone.localdate() + datetime.timedelta(days=7)
    args = {"recipient": worker, "rule": "tests.rule", "concerning": unit, "due_date": due}
    first, created = remind(**args, title="Tarkista suunnitelma", link="/clients/")
    again, created_again = remind(**args, title="Tarkista suunnitelma", link="/clients/")
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    # Another due date, recipient or rule is another reminder.
    remind(**{**args, "due_date": due + datetime.timedelta(days=1)}, title="x")
    remind(**{**args, "rule": "tests.other"}, title="x")
    assert Reminder.objects.count() == 3


def test_remind_writes_nothing_for_an_inactive_user_as_remind_many(worker, colleague, unit):
    """Both ways of writing a reminder skip an account that was closed, read from the
    database (the object the caller holds may be older than the deactivation)."""
    type(colleague).objects.filter(pk=colleague.pk).update(is_active=False)
    assert colleague.is_active  # the caller's stale copy
    args = {"rule": "tests.rule", "concerning": unit, "due_date": timezone.localdate()}
    assert remind(recipient=colleague, **args, title="x") == (None, False)
    reminder, created = remind(recipient=worker, **args, title="x")
    assert created and reminder.recipient == worker
    assert set(Reminder.objects.values_list("recipient_id", flat=True)) == {worker.pk}


def _specs(recipient, units, due, title="Tarkista"):
    return [
        ReminderSpec(
            rule="tests.rule",
            recipient_id=recipient.pk,
            model=Unit,
            object_id=unit.pk,
            due_date=due,
            title=title,
            link=f"/services/{unit.pk}/",
        )
        for unit in units
    ]


def test_remind_many_writes_a_batch_in_one_statement_and_only_once(
    worker, django_assert_num_queries
):
    units = UnitFactory.create_batch(5)
    due = timezone.localdate()
    specs = _specs(worker, units, due)
    # Content types are cached; one INSERT for the batch inside one transaction.
    ContentType.objects.get_for_model(Unit)
    # The recipients (active? language?), then SAVEPOINT, INSERT ... ON CONFLICT, RELEASE.
    with django_assert_num_queries(4):
        assert remind_many(specs) == 5
    assert remind_many(specs) == 0
    assert remind_many(specs + specs) == 0  # duplicates inside one batch are harmless too
    more = _specs(worker, UnitFactory.create_batch(2), due)
    assert remind_many(specs + more) == 2
    assert Reminder.objects.count() == 7
    reminder = Reminder.objects.get(object_id=str(units[0].pk))
    assert (reminder.concerning, reminder.recipient, reminder.link) == (
        units[0],
        worker,
        f"/services/{units[0].pk}/",
    )


def test_remind_many_writes_nothing_for_an_inactive_user(worker, colleague):
    """Whatever rule found them (a consultation participant, a task's assignee, a coach on
    the team): an account that was closed gets no reminder; the others of the batch do."""
    type(colleague).objects.filter(pk=colleague.pk).update(is_active=False)
    units = UnitFactory.create_batch(2)
    due = timezone.localdate()
    assert remind_many(_specs(worker, units, due) + _specs(colleague, units, due)) == 2
    assert set(Reminder.objects.values_list("recipient_id", flat=True)) == {worker.pk}


def test_remind_many_keeps_a_texts_message_and_writes_it_out_in_each_recipients_language(
    unit,
):
    finn = make_user(Role.SOCIAL_WORKER, unit, preferred_language="fi")
    swede = make_user(Role.SOCIAL_WORKER, unit, preferred_language="sv")
    due = timezone.localdate()
    yes = Text(gettext_noop("Yes"))
    specs = _specs(finn, [unit], due, yes) + _specs(swede, [unit], due, yes)
    assert remind_many(specs) == 2
    finns, swedes = Reminder.objects.get(recipient=finn), Reminder.objects.get(recipient=swede)
    assert (finns.title, swedes.title) == ("Kyllä", "Ja")
    assert finns.title_msgid == swedes.title_msgid == "Yes"
    with translation.override("en"):
        assert finns.shown_title == swedes.shown_title == "Yes"


def test_remind_many_refuses_a_lazy_title(worker, unit):
    with pytest.raises(TypeError):
        remind_many(_specs(worker, [unit], timezone.localdate(), gettext_lazy("Yes")))
    assert not Reminder.objects.exists()


def test_remind_many_refuses_a_link_to_another_site(worker, unit):
    spec = _specs(worker, [unit], timezone.localdate())[0]
    with pytest.raises(ValueError):
        remind_many([ReminderSpec(**{**spec.__dict__, "link": "https://evil.example/"})])
    assert not Reminder.objects.exists()


def test_marking_read(worker, colleague):
    mine = ReminderFactory.create_batch(3, recipient=worker)
    theirs = ReminderFactory(recipient=colleague)
    with pytest.raises(PermissionDenied):
        mark_reminder_read(reminder=theirs, by=worker)
    first = mark_reminder_read(reminder=mine[0], by=worker)
    read_at = first.read_at
    assert read_at is not None
    assert mark_reminder_read(reminder=mine[0], by=worker).read_at == read_at
    ids = [r.pk for r in mine] + [theirs.pk]
    assert mark_reminders_read(recipient=worker, reminder_ids=ids) == 2
    assert not Reminder.objects.for_recipient(worker).unread().exists()
    assert Reminder.objects.for_recipient(colleague).unread().get() == theirs


def test_withdrawing_takes_back_only_the_rules_reminders_not_yet_past(worker, colleague, unit):
    today = timezone.localdate()
    other_unit = UnitFactory()
    for recipient in (worker, colleague):
        for due in (today - datetime.timedelta(days=1), today, today + datetime.timedelta(days=3)):
            remind(recipient=recipient, rule="tests.rule", concerning=unit, due_date=due, title="x")
    remind(recipient=worker, rule="tests.other", concerning=unit, due_date=today, title="x")
    remind(recipient=worker, rule="tests.rule", concerning=other_unit, due_date=today, title="x")

    assert withdraw_reminders(rule="tests.rule", concerning=unit, recipient_ids=[colleague.pk]) == 2
    assert list(colleague.reminders.values_list("due_date", flat=True)) == [
        today - datetime.timedelta(days=1)
    ]
    assert withdraw_reminders(rule="tests.rule", concerning=unit) == 2
    left = set(worker.reminders.values_list("rule", "object_id", "due_date"))
    assert left == {
        ("tests.rule", str(unit.pk), today - datetime.timedelta(days=1)),
        ("tests.other", str(unit.pk), today),
        ("tests.rule", str(other_unit.pk), today),
    }


def test_settling_marks_the_rules_reminders_about_the_object_read_for_everyone(
    worker, colleague, unit
):
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=5), today + datetime.timedelta(days=3)
    for recipient in (worker, colleague):
        for due in (past, today, future):
            remind(recipient=recipient, rule="tests.rule", concerning=unit, due_date=due, title="x")
    earlier = today - datetime.timedelta(days=10)
    already, _ = remind(
        recipient=colleague, rule="tests.rule", concerning=unit, due_date=earlier, title="x"
    )
    mark_reminder_read(reminder=already, by=colleague)
    first_read = Reminder.objects.get(pk=already.pk).read_at
    other_rule, _ = remind(
        recipient=worker, rule="tests.other", concerning=unit, due_date=today, title="x"
    )
    other_object, _ = remind(
        recipient=worker, rule="tests.rule", concerning=UnitFactory(), due_date=today, title="x"
    )

    assert settle_reminders(rule="tests.rule", concerning=unit) == 6
    # Past, today's and future ones alike, of every recipient; the rows stay.
    assert not Reminder.objects.filter(rule="tests.rule").concerning(unit).unread().exists()
    assert Reminder.objects.filter(rule="tests.rule").concerning(unit).count() == 7
    assert Reminder.objects.get(pk=already.pk).read_at == first_read
    assert set(Reminder.objects.unread()) == {other_rule, other_object}
    assert settle_reminders(rule="tests.rule", concerning=unit) == 0
    with pytest.raises(ValueError):
        settle_reminders(rule="", concerning=unit)
