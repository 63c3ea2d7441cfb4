"""The change history's context (audit.history.history_context): the action a person
started names every change it makes, also those of an action it runs inside its own, and
each action of a request keeps its own label."""

import pghistory
import pytest
from pghistory import runtime

from accounts.factories import make_user
from accounts.roles import Role
from audit.history import history_context
from notifications.actions import complete_task, create_task, reopen_task
from notifications.factories import TaskFactory
from services.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return make_user(Role.SOCIAL_WORKER, UnitFactory())


@pytest.fixture
def coordinator():
    return make_user(Role.COORDINATOR, UnitFactory())


def _context(task):
    return task.events.order_by("-pgh_id").first().pgh_context


def test_an_action_run_inside_another_writes_under_the_callers_label(worker, coordinator):
    with history_context(coordinator, "tests.recommendation.created"):
        inner = create_task(assignee=worker, kind="tests.task", title="Suositus")
    context = _context(inner)
    assert context.metadata == {"user": coordinator.pk, "action": "tests.recommendation.created"}
    # Once the caller's action is over, an action labels its own changes again.
    alone = create_task(assignee=worker, kind="tests.task", title="Oma", created_by=worker)
    assert _context(alone).metadata == {"user": worker.pk, "action": "notifications.task.created"}
    assert _context(alone).pk != context.pk


def test_each_action_of_a_request_has_a_context_of_its_own(worker):
    task = TaskFactory(assignee=worker)
    # As pghistory's middleware does for a request.
    with pghistory.context(user=worker.pk, url="/inbox/"):
        complete_task(task=task, by=worker)
        reopen_task(task=task, by=worker)
        # Writes outside an action stay in the request's context.
        outside = TaskFactory(assignee=worker)
    completed, reopened = (event.pgh_context for event in task.events.order_by("pgh_id")[1:])
    assert completed.metadata == {
        "user": worker.pk,
        "url": "/inbox/",
        "action": "notifications.task.completed",
    }
    assert reopened.metadata == {
        "user": worker.pk,
        "url": "/inbox/",
        "action": "notifications.task.reopened",
    }
    assert _context(outside).metadata == {"user": worker.pk, "url": "/inbox/"}
    assert len({completed.pk, reopened.pk, _context(outside).pk}) == 3
    assert not hasattr(runtime._tracker, "value")


def test_a_failed_action_gives_the_request_its_context_back(worker):
    with pghistory.context(user=worker.pk, url="/inbox/") as request_context:
        with pytest.raises(RuntimeError), history_context(worker, "tests.failing"):
            raise RuntimeError
        assert runtime._tracker.value is request_context
        task = create_task(assignee=worker, kind="tests.task", title="Sitten", created_by=worker)
    assert _context(task).metadata["action"] == "notifications.task.created"
