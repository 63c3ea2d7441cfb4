"""Marks views that a page polls in the background (the bell, a PDF's progress).

accounts' IdleTimeoutMiddleware reads `view_func.polku_background`: such a
request is checked against the idle timeout but never extends it. The marker
lives here, outside the apps, because audit and notifications use it too and
import no domain app (DESIGN.md "Layout").
"""


def background_request(view_func):
    """Marks a view as background polling: it never counts as user activity."""
    view_func.polku_background = True
    return view_func
