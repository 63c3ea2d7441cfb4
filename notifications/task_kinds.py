"""Kinds of tasks that higher apps register, so the inbox can name a task's kind
in the reader's language while its title stays as written for the assignee.

    register_task_kind("consents.notify_party", _("Ilmoita suostumuksen muutoksesta"))
"""

from django.utils.functional import Promise

_kinds: dict[str, str | Promise] = {}


def register_task_kind(code: str, label: str | Promise) -> None:
    if not code or len(code) > 64:
        raise ValueError("A task kind code has 1-64 characters.")
    _kinds[code] = label


def task_kind_label(code: str) -> str | Promise | None:
    """The kind's label in the current language, or None for a kind nobody registered."""
    return _kinds.get(code)
