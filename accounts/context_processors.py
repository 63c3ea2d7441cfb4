from accounts.navigation import navigation_for


def active_role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "active_assignment": user.active_assignment,
        "current_assignments": getattr(user, "current_assignments", []),
        "navigation": navigation_for(request) if user.active_assignment else [],
    }
