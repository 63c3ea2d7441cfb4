"""Context of the client page's own panels: team, plans, assessments, notes.

Each function reads with a fixed number of queries, whatever the data size.
"""

import rules
from django.db.models import Prefetch
from django.utils import timezone

from clients.models import CareTeamMembership, CaseNote, ClientPlan, PlanGoal, ServiceNeedAssessment


def team(request, client, relation):
    today = timezone.localdate()
    members = (
        CareTeamMembership.objects.filter(client=client)
        .on_team(today)
        .select_related("user__organisation", "created_by")
        .order_by("role", "started_on")
    )
    return {
        "members": [m for m in members if m.accepted_at],
        "pending": [m for m in members if not m.accepted_at],
        "today": today,
        "may_manage": rules.has_perm("clients.manage_team", request.user, client),
        "may_transfer": rules.has_perm("clients.transfer_responsibility", request.user, client),
    }


def plans(request, client, relation):
    if not relation.reads_team_records:
        return None
    current = (
        ClientPlan.objects.filter(client=client)
        .current()
        .select_related("created_by")
        .prefetch_related(Prefetch("goals", queryset=PlanGoal.objects.order_by("position", "id")))
    )
    return {
        "plans": list(current),
        "may_write": rules.has_perm("clients.write_plan", request.user, client),
    }


def assessments(request, client, relation):
    if not relation.reads_team_records:
        return None
    return {
        "assessments": list(
            ServiceNeedAssessment.objects.filter(client=client).select_related("author")[:5]
        ),
        "may_write": rules.has_perm("clients.write_plan", request.user, client),
    }


# The client page shows the newest notes; the notes page (clients:note_list) shows them all.
PANEL_NOTES = 20


def readable_notes(user, client):
    """The client's notes the user may read (health-related ones only for their readers), newest first."""
    return (
        CaseNote.objects.filter(client=client).readable_by(user).select_related("author", "amends")
    )


def notes(request, client, relation):
    if not relation.reads_team_records:
        return None
    shown = list(readable_notes(request.user, client)[: PANEL_NOTES + 1])
    return {
        "notes": shown[:PANEL_NOTES],
        "more": len(shown) > PANEL_NOTES,
        "may_write": rules.has_perm("clients.write_note", request.user, client),
        "hidden_health_notes": not rules.has_perm(
            "clients.read_health_notes", request.user, client
        ),
    }
