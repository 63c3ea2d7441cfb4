"""The inbox: every role has one. A task or reminder URL answers only its own
person; for everyone else it is 404, so ids reveal nothing."""

from notifications.factories import ReminderFactory, TaskFactory
from tests.permissions.matrix import ALL_ROLES, Row

OWNER = "social_worker"


def _own_task(world) -> dict:
    return {"task_id": TaskFactory(assignee=world.users[OWNER]).pk}


def _own_reminder(world) -> dict:
    return {"reminder_id": ReminderFactory(recipient=world.users[OWNER]).pk}


ROWS = {
    "notifications:inbox": Row(allowed=ALL_ROLES),
    "notifications:bell": Row(allowed=ALL_ROLES),
    "notifications:complete_task": Row(
        allowed=frozenset({OWNER}),
        method="POST",
        kwargs=_own_task,
        allowed_status=302,
        denied_status=404,
    ),
    "notifications:mark_reminder_read": Row(
        allowed=frozenset({OWNER}),
        method="POST",
        kwargs=_own_reminder,
        allowed_status=302,
        denied_status=404,
    ),
    "notifications:mark_all_read": Row(allowed=ALL_ROLES, method="POST", allowed_status=302),
}
