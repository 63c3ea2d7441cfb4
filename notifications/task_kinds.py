"""Kinds of tasks that higher apps register, so the inbox can name a task's kind
in the reader's language (as it shows the title Polku wrote: notifications.texts),
and so that checking a task off does what its app needs wherever it is done.

    register_task_kind("consents.notify_party", _("Ilmoita suostumuksen muutoksesta"))
    register_task_kind(KIND, _("..."), on_completed=log_notification_completed, hook_logs_client=True)

`on_completed(task, by)` runs inside `notifications.actions.complete_task`'s
transaction, once, when the task is checked off (not on a repeated check-off):
the app's own audit row is written whether the task was ticked off on the app's
page or in the inbox, and notifications never imports the app. A hook that writes
the client's access-log row itself is registered with `hook_logs_client=True`;
for every other kind the inbox logs the client its answer names.

A kind registered with `follows_responsibility=True` is a duty of the client's
responsible worker (a recommendation to act on, a party to tell of a revoked
consent): when responsibility is transferred, the open tasks of the kind move
to the new responsible worker (`notifications.actions.hand_over_tasks`).

A kind registered with `settled_on_closing=True` asks for what only an open client
relationship needs (a recommendation to act on): when the relationship is closed, the
client's open tasks of the kind are checked off as settled by the closing
(`notifications.actions.settle_closed_client_tasks`), not left overdue for good.

A kind registered with `answered_on_its_page=_("Vastaa tarjoukseen")` is done by
answering on the page its link opens (a work-pair offer is accepted or declined
there), never by a check-off: the inbox offers that link under the label instead
of "Tehty", and `complete_task` refuses it, so no one waits for an answer that a
tick in the inbox put away.
"""

from collections.abc import Callable

from django.utils.functional import Promise

CompletionHook = Callable[..., None]

_kinds: dict[str, str | Promise] = {}
_completion_hooks: dict[str, CompletionHook] = {}
_following_responsibility: set[str] = set()
_settled_on_closing: set[str] = set()
_hooks_logging_client: set[str] = set()
_answered_on_its_page: dict[str, str | Promise] = {}


def register_task_kind(
    code: str,
    label: str | Promise,
    *,
    on_completed: CompletionHook | None = None,
    hook_logs_client: bool = False,
    follows_responsibility: bool = False,
    settled_on_closing: bool = False,
    answered_on_its_page: str | Promise | None = None,
) -> None:
    """Registers (or replaces, on a repeated ready()) the kind's label, completion hook,
    whether the hook writes the client's access-log row of the check-off, whether its
    open tasks move with a transfer of responsibility, whether they are settled when the
    client relationship closes, and, for a task done by answering
    on its page rather than checked off, the label of the link there."""
    if hook_logs_client and on_completed is None:
        raise ValueError("Only a completion hook can log the client.")
    if not code or len(code) > 64:
        raise ValueError("A task kind code has 1-64 characters.")
    _kinds[code] = label
    if on_completed is None:
        _completion_hooks.pop(code, None)
    else:
        _completion_hooks[code] = on_completed
    if hook_logs_client:
        _hooks_logging_client.add(code)
    else:
        _hooks_logging_client.discard(code)
    if follows_responsibility:
        _following_responsibility.add(code)
    else:
        _following_responsibility.discard(code)
    if settled_on_closing:
        _settled_on_closing.add(code)
    else:
        _settled_on_closing.discard(code)
    if answered_on_its_page is None:
        _answered_on_its_page.pop(code, None)
    else:
        _answered_on_its_page[code] = answered_on_its_page


def task_kind_label(code: str) -> str | Promise | None:
    """The kind's label in the current language, or None for a kind nobody registered."""
    return _kinds.get(code)


def answer_label(code: str) -> str | Promise | None:
    """For a kind done by answering on the task's page, the label of the link there; None
    for a kind that is checked off."""
    return _answered_on_its_page.get(code)


def completion_hook(code: str) -> CompletionHook | None:
    """What the kind's app does when a task of the kind is checked off, if anything."""
    return _completion_hooks.get(code)


def completion_logs_client(code: str) -> bool:
    """Whether checking off a task of the kind writes the client's access-log row (its
    completion hook's): the inbox answer naming the client then logs nothing more."""
    return code in _hooks_logging_client


def kinds_following_responsibility() -> frozenset[str]:
    """The kinds whose open tasks move to the new responsible worker on a transfer."""
    return frozenset(_following_responsibility)


def kinds_settled_on_closing() -> frozenset[str]:
    """The kinds whose open tasks are settled when the client relationship closes."""
    return frozenset(_settled_on_closing)
