"""The clients app's panels on the role dashboards."""

import rules
from django.utils import timezone

from clients.models import BreakTheGlass, Client


def my_clients(request):
    if not rules.has_perm("clients.view_client_list", request.user):
        return None
    clients = Client.objects.for_user(request.user).active()
    return {
        "count": clients.count(),
        "overdue_reviews": clients.filter(
            plans__superseded_by__isnull=True,
            plans__next_review_on__lt=timezone.localdate(),
            plans__status__in=["agreed", "active"],
        )
        .distinct()
        .count(),
    }


def break_the_glass_to_review(request):
    if not rules.has_perm("clients.review_break_the_glass", request.user):
        return None
    return {"count": BreakTheGlass.objects.awaiting_review().reviewable_by(request.user).count()}
