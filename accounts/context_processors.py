from django.conf import settings

from accounts.middleware import idle_seconds_left
from accounts.navigation import navigation_for


def keepalive_seconds() -> int:
    """How often, at most, typing tells the server the user is active: a third of the idle
    timeout, at most every five minutes."""
    return max(30, min(300, settings.POLKU_IDLE_TIMEOUT_MINUTES * 60 // 3))


def session_warning_seconds() -> int:
    """How long before the idle timeout the page warns (components/session_timer.html): two
    minutes, or half of a shorter timeout. WCAG 2.1 SC 2.2.1 asks for at least 20 seconds."""
    return int(min(120, settings.POLKU_IDLE_TIMEOUT_MINUTES * 60 // 2))


def active_role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "active_assignment": user.active_assignment,
        "current_assignments": getattr(user, "current_assignments", []),
        "navigation": navigation_for(request)
        if user.active_assignment and not getattr(request, "polku_enrolment_pending", False)
        else [],
        "keepalive_seconds": keepalive_seconds(),
        "session_seconds_left": idle_seconds_left(request),
        "session_warning_seconds": session_warning_seconds(),
        "session_warning_minutes": -(-session_warning_seconds() // 60),
    }
