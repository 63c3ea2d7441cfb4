"""The clients app's panels on the role dashboards."""

import rules
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.roles import Role
from clients.models import BreakTheGlass, CareTeamMembership, Client, ClientPlan, TeamRole


def my_clients(request):
    if not rules.has_perm("clients.view_client_list", request.user):
        return None
    clients = Client.objects.for_user(request.user).active()
    # Only those who write plans can act on an overdue review (PERMISSIONS.md: the responsible
    # worker and the sote contact person, as clients.write_plan); the other team members, a
    # coach among them, only read plans and are not told of them.
    writes_plans = CareTeamMembership.objects.acting(request.user).filter(
        client=OuterRef("pk"), role__in=[TeamRole.RESPONSIBLE_WORKER, TeamRole.SOTE_CONTACT]
    )
    return {
        # A manager finds the unit's clients (ClientQuerySet.for_user): the heading says so.
        "of_unit": request.user.active_role == Role.MANAGER,
        "count": clients.count(),
        # The clients (not the plans) with a plan in force whose review is overdue, as the
        # review reminders count them (a draft revision being written leaves the agreed
        # version's review due); the panel says "N clients".
        "overdue_reviews": clients.filter(
            Exists(writes_plans),
            Exists(
                ClientPlan.objects.in_force().filter(
                    client=OuterRef("pk"), next_review_on__lt=timezone.localdate()
                )
            ),
        ).count(),
    }


def break_the_glass_to_review(request):
    if not rules.has_perm("clients.review_break_the_glass", request.user):
        return None
    return {"count": BreakTheGlass.objects.awaiting_review().reviewable_by(request.user).count()}
