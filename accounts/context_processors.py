from django.conf import settings

from accounts.navigation import navigation_for


def keepalive_seconds() -> int:
    """How often, at most, typing tells the server the user is active: a third of the idle
    timeout, at most every five minutes."""
    return max(30, min(300, settings.POLKU_IDLE_TIMEOUT_MINUTES * 60 // 3))


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
    }
