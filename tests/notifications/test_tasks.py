import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.factories import make_user
from accounts.roles import Role
from notifications.actions import complete_task, create_task, reopen_task, restate_task
from notifications.factories import TaskFactory
from notifications.models import Task
from notifications.task_kinds import register_task_kind
from notifications.texts import Text
from services.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_a_task_concerns_an_object_and_a_client(worker, unit):
    client_id = "6f1c1b8e-6c1a-4c5e-9d7e-2b1b4d1f0a11"
    task = create_task(
        assignee=worker,
        kind="consents.notify_party",
        title="Ilmoita Kelalle suostumuksen peruutuksesta",
        due_date=timezone.localdate(),
        concerning=unit,
        client_id=client_id,
        link="/clients/6f1c1b8e-6c1a-4c5e-9d7e-2b1b4d1f0a11/",
    )
    task.refresh_from_db()
    assert task.concerning == unit
    assert task.object_id == str(unit.pk)
    assert list(Task.objects.concerning(unit)) == [task]
    assert list(Task.objects.for_client(client_id)) == [task]
    assert list(Task.objects.for_assignee(worker).open()) == [task]
    assert task.events.count() == 1  # change history by pghistory


def test_the_same_key_gives_the_same_task(worker):
    first = create_task(
        assignee=worker, kind="tests.task", title="Soita Kelaan", key="revocation:7:kela"
    )
    again = create_task(
        assignee=worker, kind="tests.task", title="Soita Kelaan", key="revocation:7:kela"
    )
    assert again.pk == first.pk
    assert Task.objects.count() == 1
    create_task(assignee=worker, kind="tests.task", title="Soita Kelaan")
    create_task(assignee=worker, kind="tests.task", title="Soita Kelaan")
    assert Task.objects.count() == 3  # without a key every call is a new task


def test_a_restated_open_task_takes_the_new_words_and_assignee_a_done_one_stays(worker, unit):
    """Restating an open task rewrites its description (a Text in the new assignee's
    language) and moves it; the same words again write nothing; a done task is not changed."""
    swede = make_user(Role.SOCIAL_WORKER, unit, preferred_language="sv")
    task = create_task(assignee=worker, kind="tests.task", title="Soita", description="Ensin")
    restated = restate_task(
        task=task, by=worker, description=Text(gettext_noop("No")), assignee=swede
    )
    restated.refresh_from_db()
    assert (restated.assignee, restated.description, restated.description_msgid) == (
        swede,
        "Nej",
        "No",
    )
    assert restated.events.count() == 2
    restate_task(task=task, by=worker, description=Text(gettext_noop("No")))
    assert restated.events.count() == 2
    complete_task(task=task, by=swede)
    done = restate_task(task=task, by=worker, description="Myöhemmin", assignee=worker)
    done.refresh_from_db()
    assert (done.assignee, done.description, done.is_open) == (swede, "Nej", False)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_with_one_key_make_one_task():
    worker = make_user(Role.SOCIAL_WORKER, UnitFactory())
    barrier = threading.Barrier(2)
    results, errors = [], []

    def create():
        try:
            barrier.wait(timeout=10)
            results.append(
                create_task(assignee=worker, kind="tests.task", title="Soita", key="k-1").pk
            )
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Task.objects.count() == 1
    assert results == [Task.objects.get().pk] * 2


def test_a_text_is_kept_as_its_message_and_written_out_in_the_assignees_language(unit):
    swede = make_user(Role.SOCIAL_WORKER, unit, preferred_language="sv")
    task = create_task(
        assignee=swede,
        kind="tests.task",
        title=Text(gettext_noop("Yes")),
        description=Text(gettext_noop("No")),
    )
    task.refresh_from_db()
    assert (task.title, task.title_msgid, task.title_params) == ("Ja", "Yes", {})
    assert (task.description, task.description_msgid) == ("Nej", "No")
    with translation.override("fi"):
        assert (task.shown_title, task.shown_description) == ("Kyllä", "Ei")


def test_a_lazy_title_is_refused_because_it_would_stay_in_one_language(worker):
    with pytest.raises(TypeError):
        create_task(assignee=worker, kind="tests.task", title=gettext_lazy("Yes"))
    with pytest.raises(TypeError):
        create_task(assignee=worker, kind="tests.task", title="x", description=gettext_lazy("No"))
    assert not Task.objects.exists()


def test_a_link_must_stay_inside_polku(worker):
    for link in ("https://example.com/", "//example.com/", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            create_task(assignee=worker, kind="tests.task", title="x", link=link)
    with pytest.raises(IntegrityError):
        TaskFactory(assignee=worker, link="https://example.com/")


def test_only_the_assignee_checks_a_task_off_with_a_date(worker, colleague):
    task = TaskFactory(assignee=worker)
    with pytest.raises(PermissionDenied):
        complete_task(task=task, by=colleague)
    task.refresh_from_db()
    assert task.done_at is None

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Task.objects.filter(pk=task.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    done = complete_task(task=task, by=worker, done_on=yesterday)
    assert (done.done_on, done.done_by, done.is_open) == (yesterday, worker, False)
    assert list(Task.objects.for_assignee(worker).open()) == []


def test_checking_off_twice_keeps_the_first_check_off(worker):
    task = TaskFactory(assignee=worker)
    first = complete_task(task=task, by=worker)
    second = complete_task(task=task, by=worker)
    assert second.done_at == first.done_at


@pytest.fixture
def hooked_kind():
    """A kind whose app wants to know when a task of it is checked off."""
    calls = []
    register_task_kind("tests.hooked", "Koe", on_completed=lambda **kw: calls.append(kw))
    yield calls
    register_task_kind("tests.hooked", "Koe")


def test_the_kinds_completion_hook_runs_once_when_the_task_is_checked_off(
    worker, colleague, hooked_kind
):
    task = TaskFactory(assignee=worker, kind="tests.hooked")
    with pytest.raises(PermissionDenied):
        complete_task(task=task, by=colleague)
    assert hooked_kind == []
    done = complete_task(task=task, by=worker)
    complete_task(task=task, by=worker)  # a double submit
    assert hooked_kind == [{"task": done, "by": worker}]
    complete_task(task=TaskFactory(assignee=worker, kind="tests.other"), by=worker)
    assert len(hooked_kind) == 1


def test_a_task_is_not_done_in_the_future_or_before_it_existed(worker):
    task = TaskFactory(assignee=worker)
    with pytest.raises(ValidationError):
        complete_task(
            task=task, by=worker, done_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        complete_task(
            task=task, by=worker, done_on=timezone.localdate() - datetime.timedelta(days=30)
        )
    task.refresh_from_db()
    assert task.is_open


def test_reopen_by_the_assignee_keeps_the_check_off_in_history(worker, colleague):
    task = TaskFactory(assignee=worker)
    complete_task(task=task, by=worker)
    with pytest.raises(PermissionDenied):
        reopen_task(task=task, by=colleague)
    reopened = reopen_task(task=task, by=worker)
    assert reopened.is_open
    assert (reopened.done_by, reopened.done_on) == (None, None)
    labels = list(task.events.order_by("pgh_id").values_list("pgh_label", "done_on"))
    assert [label for label, _ in labels] == ["insert", "update", "update"]
    assert labels[1][1] == timezone.localdate()


def test_done_by_and_done_at_go_together_in_the_database(worker):
    task = TaskFactory(assignee=worker)
    with pytest.raises(IntegrityError):
        Task.objects.filter(pk=task.pk).update(done_at=timezone.now())


def test_querysets(worker):
    today = timezone.localdate()
    overdue = TaskFactory(assignee=worker, overdue=True)
    undated = TaskFactory(assignee=worker, due_date=None)
    later = TaskFactory(assignee=worker, due_date=today + datetime.timedelta(days=10))
    due_today = TaskFactory(assignee=worker, due_date=today)
    TaskFactory(assignee=worker, overdue=True, done=True)
    mine = Task.objects.for_assignee(worker)
    assert list(mine.open().due_before(today)) == [overdue]
    assert set(mine.needing_attention(today)) == {overdue, due_today, undated}
    # What needs attention now (as the bell counts it) comes before what is due later.
    assert list(mine.open().in_inbox_order(today)) == [overdue, due_today, undated, later]
