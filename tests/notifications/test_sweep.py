import datetime
import threading

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import connections
from django.db.models import Value
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from notifications.actions import (
    SWEEP_LOCK_KEY,
    remind_many,
    sweep_reminders,
    withdraw_reminders,
)
from notifications.models import Reminder
from notifications.rules_registry import ReminderSpec, register_reminder_rule, rule_label
from notifications.tasks import sweep_reminders_task
from services.factories import UnitFactory
from services.models import Unit

TODAY = datetime.date(2026, 3, 2)


def review_rule(recipient, units, *, calls=None):
    """A rule like the real ones: whatever is due in seven days gets a reminder."""

    def rule(today, batch_size):
        if calls is not None:
            calls.append((today, batch_size))
        for unit in units:
            yield ReminderSpec(
                recipient_id=recipient.pk,
                model=Unit,
                object_id=unit.pk,
                due_date=today + datetime.timedelta(days=7),
                title="Tarkistus erääntyy",
                link="/",
            )

    return rule


@pytest.mark.django_db
def test_a_sweep_creates_each_reminder_once(isolated_rules, worker, settings):
    settings.POLKU_REMINDER_BATCH_SIZE = 2
    units = UnitFactory.create_batch(5)
    calls = []
    register_reminder_rule("tests.review_due", "Tarkistus", review_rule(worker, units, calls=calls))

    first = sweep_reminders(today=TODAY)
    assert first.created == {"tests.review_due": 5}
    assert calls == [(TODAY, 2)]
    reminders = Reminder.objects.for_recipient(worker)
    assert reminders.count() == 5
    assert set(reminders.values_list("rule", "due_date").distinct()) == {
        ("tests.review_due", TODAY + datetime.timedelta(days=7))
    }

    second = sweep_reminders(today=TODAY)
    assert second.total == 0
    assert reminders.count() == 5
    # The next day the same objects are due on another date: new reminders.
    assert sweep_reminders(today=TODAY + datetime.timedelta(days=1)).total == 5
    assert rule_label("tests.review_due") == "Tarkistus"


@pytest.mark.django_db
def test_a_sweep_runs_in_batches_without_a_query_per_object(
    isolated_rules, worker, settings, django_assert_max_num_queries
):
    settings.POLKU_REMINDER_BATCH_SIZE = 50
    units = UnitFactory.create_batch(120)
    register_reminder_rule("tests.review_due", "Tarkistus", review_rule(worker, units))
    # Three batches: the recipients (active? language?), a savepoint, an INSERT and a release
    # each, plus the content type once.
    with django_assert_max_num_queries(13):
        assert sweep_reminders(today=TODAY).total == 120


@pytest.mark.django_db
def test_a_failing_rule_does_not_stop_the_others(isolated_rules, worker):
    def broken(today, batch_size):
        raise RuntimeError("rule bug")
        yield

    register_reminder_rule("tests.broken", "Rikki", broken)
    register_reminder_rule("tests.review_due", "Tarkistus", review_rule(worker, [UnitFactory()]))
    result = sweep_reminders(today=TODAY)
    assert result.failed == ["tests.broken"]
    assert result.created == {"tests.review_due": 1}


@pytest.mark.django_db
def test_the_soft_time_limit_ends_the_sweep_instead_of_counting_as_a_failed_rule(
    isolated_rules, worker
):
    ran = []

    def out_of_time(today, batch_size):
        raise SoftTimeLimitExceeded
        yield

    def later(today, batch_size):
        ran.append(today)
        yield from ()

    # Rules run in code order: the one that runs out of time comes first.
    register_reminder_rule("tests.a_out_of_time", "Aika loppui", out_of_time)
    register_reminder_rule("tests.b_later", "Myöhemmin", later)
    with pytest.raises(SoftTimeLimitExceeded):
        sweep_reminders(today=TODAY)
    assert ran == []  # the sweep stopped, it did not go on to the next rule
    assert cache.get(SWEEP_LOCK_KEY) is None  # and released its lock for the next run


@pytest.mark.django_db
def test_a_sweep_waits_for_no_one_while_another_holds_the_lock(isolated_rules, worker):
    register_reminder_rule("tests.review_due", "Tarkistus", review_rule(worker, [UnitFactory()]))
    cache.add(SWEEP_LOCK_KEY, "another-sweep", timeout=60)
    assert sweep_reminders(today=TODAY) is None
    assert not Reminder.objects.exists()
    assert cache.get(SWEEP_LOCK_KEY) == "another-sweep"  # not released by the one that skipped
    cache.delete(SWEEP_LOCK_KEY)
    assert sweep_reminders(today=TODAY).total == 1
    assert cache.get(SWEEP_LOCK_KEY) is None  # released after the sweep


@pytest.mark.django_db
def test_the_celery_task_runs_the_sweep_and_a_redelivery_is_harmless(isolated_rules, worker):
    register_reminder_rule("tests.review_due", "Tarkistus", review_rule(worker, [UnitFactory()]))
    first, again = sweep_reminders_task.run(), sweep_reminders_task.run()
    assert first == {"created": {"tests.review_due": 1}, "withdrawn": {}, "failed": []}
    assert again == {"created": {"tests.review_due": 0}, "withdrawn": {}, "failed": []}
    assert Reminder.objects.count() == 1
    assert sweep_reminders_task.name == "notifications.sweep_reminders_task"
    assert sweep_reminders_task.acks_late is True


@pytest.mark.django_db
def test_the_celery_tasks_result_counts_the_reminders_withdrawn(isolated_rules, worker):
    """The task's result (in the worker's log and the result backend) tells what each
    withdraw_stale took back or settled, not only what was written."""
    kept, gone = UnitFactory(), UnitFactory()
    units = [kept, gone]

    def withdraw_stale(today):
        return withdraw_reminders(rule="tests.review_due", concerning=gone)

    register_reminder_rule(
        "tests.review_due", "Tarkistus", review_rule(worker, units), withdraw_stale=withdraw_stale
    )
    register_reminder_rule("tests.other", "Muu", review_rule(worker, []))
    assert sweep_reminders_task.run() == {
        "created": {"tests.other": 0, "tests.review_due": 2},
        "withdrawn": {"tests.review_due": 0},
        "failed": [],
    }
    units.remove(gone)  # no longer due: the next sweep takes its reminder back
    assert sweep_reminders_task.run() == {
        "created": {"tests.other": 0, "tests.review_due": 0},
        "withdrawn": {"tests.review_due": 1},
        "failed": [],
    }
    assert [r.concerning for r in Reminder.objects.all()] == [kept]


def _in_thread(target):
    """Runs target in a thread with its own database connection, closed afterwards."""
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # surfaced by the caller's assertion
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_write_each_reminder_once(isolated_rules):
    worker = make_user(Role.SOCIAL_WORKER, UnitFactory())
    units = UnitFactory.create_batch(6)
    first_running = threading.Event()
    second_finished = threading.Event()
    inner = review_rule(worker, units)

    def slow_rule(today, batch_size):
        # The first sweep holds the lock while the second one starts.
        first_running.set()
        second_finished.wait(timeout=10)
        yield from inner(today, batch_size)

    register_reminder_rule("tests.review_due", "Tarkistus", slow_rule)
    results = {}

    def first():
        results["first"] = sweep_reminders(today=TODAY)

    def second():
        first_running.wait(timeout=10)
        try:
            results["second"] = sweep_reminders(today=TODAY)
        finally:
            second_finished.set()

    threads = [_in_thread(first), _in_thread(second)]
    for thread, _errors in threads:
        thread.join(timeout=30)
    assert [errors for _thread, errors in threads] == [[], []]
    assert results["second"] is None
    assert results["first"].total == 6
    assert Reminder.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_past_the_lock_are_kept_apart_by_the_unique_key():
    worker = make_user(Role.SOCIAL_WORKER, UnitFactory())
    units = UnitFactory.create_batch(8)
    specs = [
        ReminderSpec(
            rule="tests.review_due",
            recipient_id=worker.pk,
            model=Unit,
            object_id=unit.pk,
            due_date=TODAY,
            title="Tarkistus",
        )
        for unit in units
    ]
    barrier = threading.Barrier(2)
    created = []

    def write():
        barrier.wait(timeout=10)
        created.append(remind_many(specs))

    threads = [_in_thread(write), _in_thread(write)]
    for thread, _errors in threads:
        thread.join(timeout=30)
    assert [errors for _thread, errors in threads] == [[], []]
    assert sum(created) == 8
    assert Reminder.objects.count() == 8


@pytest.mark.django_db
def test_sweep_defaults_to_today(isolated_rules, worker):
    seen = []
    register_reminder_rule(
        "tests.review_due", "Tarkistus", lambda today, batch_size: seen.append(today) or []
    )
    sweep_reminders()
    assert seen == [timezone.localdate()]


def test_a_mistyped_rule_code_in_the_windows_setting_is_a_system_check_error(settings):
    from notifications.checks import check_reminder_windows

    settings.POLKU_REMINDER_WINDOWS = {"pathways.step_review_due": 10}
    assert check_reminder_windows() == []
    settings.POLKU_REMINDER_WINDOWS = {"pathways.step_reveiw_due": 10, "clients.plan_review_due": 0}
    assert [error.id for error in check_reminder_windows()] == [
        "notifications.E001",
        "notifications.E002",
    ]


@pytest.mark.django_db
def test_a_rule_takes_back_its_stale_reminders_in_one_statement_before_it_runs(
    isolated_rules, worker, django_assert_num_queries
):
    """withdraw_stale_reminders: a reminder not yet due whose object no longer fits (here: a
    unit renamed away from "Paja") goes; a past one that no longer fits stays, marked read
    (it was right on its day, but its matter is gone); a fitting one and another rule's stay
    unread. One DELETE and one UPDATE."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.actions import withdraw_stale_reminders

    fitting, renamed, past = UnitFactory.create_batch(3, name_fi="Paja")
    ContentType.objects.get_for_model(Unit)

    def specs(rule, units, due):
        return [ReminderSpec(worker.pk, Unit, u.pk, due, "Paja", rule=rule) for u in units]

    remind_many(
        specs("tests.paja", [fitting, renamed], TODAY)
        + specs("tests.other", [renamed], TODAY)
        + specs("tests.paja", [past], TODAY - datetime.timedelta(days=1))
    )
    Unit.objects.filter(pk__in=[renamed.pk, past.pk]).update(name_fi="Verstas")
    order = []

    def withdraw(today):
        order.append("withdraw")
        with django_assert_num_queries(2):
            return withdraw_stale_reminders(
                rule="tests.paja",
                still_due=Unit.objects.filter(name_fi="Paja").annotate(due=Value(today)),
                due_field="due",
                today=today,
            )

    def rule(today, batch_size):
        order.append("rule")
        yield from ()

    register_reminder_rule("tests.paja", "Paja", rule, withdraw_stale=withdraw)
    result = sweep_reminders(today=TODAY)
    assert (order, result.withdrawn, result.failed) == (["withdraw", "rule"], {"tests.paja": 2}, [])
    assert {
        (rule, object_id, read_at is not None)
        for rule, object_id, read_at in Reminder.objects.values_list("rule", "object_id", "read_at")
    } == {
        ("tests.paja", str(fitting.pk), False),
        ("tests.paja", str(past.pk), True),
        ("tests.other", str(renamed.pk), False),
    }
