"""Who made a change, for the change history that pghistory's triggers keep.

Every action runs its writes inside `history_context(user, "app.object.verb")`: each
history row then carries the acting user's id and the action code, the same
code the access log uses. Inside a request, pghistory's middleware adds the
URL, which the action's context carries too.

The action that a person started names every change it makes: an action that
another runs inside its own (notifications' create_task inside
consultations' add_recommendation) writes under the caller's label, not its
own. pghistory alone would merge a nested context's label into the open one,
so that the caller's changes too would read as the inner action's.
"""

import contextlib
import contextvars
import uuid

import pghistory
from pghistory import runtime

# The action whose history context is open in this thread or task, if any.
_open_action: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "polku_history_action", default=None
)


@contextlib.contextmanager
def history_context(user, action: str):
    """The history context of one action by `user` (None for the system, e.g. a sweep).

    Inside another action's context it changes nothing: the outer action's user and
    label stand for all the writes. The outermost action gets a pghistory context of its
    own, also inside a request, where it copies the request's context (the URL) and adds
    its user and label: two actions of one request (a transfer, then the move of the
    former worker's tasks) keep their own labels instead of sharing the request's one
    context row, which would end up with the last action's.
    """
    if _open_action.get() is not None:
        yield
        return
    token = _open_action.set(action)
    metadata = {"user": user.pk if user is not None else None, "action": action}
    try:
        # pghistory (3.x) has no public call for a new context inside an open one (the
        # middleware's); its runtime keeps the open one here. tests/audit/test_history.py
        # fails should that change.
        request_context = getattr(runtime._tracker, "value", None)
        if request_context is None:
            with pghistory.context(**metadata):
                yield
            return
        runtime._tracker.value = runtime.Context(
            id=uuid.uuid4(), metadata={**request_context.metadata, **metadata}
        )
        try:
            yield
        finally:
            runtime._tracker.value = request_context
    finally:
        _open_action.reset(token)
