"""Marks views that the page polls in the background (the bell).

accounts' IdleTimeoutMiddleware reads `view_func.polku_background`: such a
request is checked against the idle timeout but never extends it. The marker
is set here rather than imported from accounts, which notifications must
not import (DESIGN.md "Layout").
"""


def background_request(view_func):
    """Marks a view as background polling: it never counts as user activity."""
    view_func.polku_background = True
    return view_func
