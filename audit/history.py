"""Who made a change, for the change history that pghistory's triggers keep.

Every action runs its writes inside `history_context(user, "app.object.verb")`: each
history row then carries the acting user's id and the action code, the same
code the access log uses. Inside a request, pghistory's middleware adds the
URL; the action's own context is merged over it.
"""

import pghistory


def history_context(user, action: str):
    """The history context of one action by `user` (None for the system, e.g. a sweep)."""
    return pghistory.context(user=user.pk if user is not None else None, action=action)
