"""Context of the client page's own panels: team, plans, assessments, notes.

Each function reads with a fixed number of queries, whatever the data size.
"""

from dataclasses import dataclass

import rules
from django.db.models import Prefetch
from django.utils import timezone

from clients.models import (
    CareTeamMembership,
    CaseNote,
    ClientPlan,
    PlanGoal,
    PlanStatus,
    ServiceNeedAssessment,
)


def team(request, client, relation):
    today = timezone.localdate()
    members = (
        CareTeamMembership.objects.filter(client=client)
        .on_team(today)
        # The organisation each member works for on this team (a partner's, not only ours).
        .select_related("user", "organisation", "created_by")
        .in_team_order()
    )
    return {
        "members": [m for m in members if m.accepted_at],
        "pending": [m for m in members if not m.accepted_at],
        "today": today,
        "may_manage": rules.has_perm("clients.manage_team", request.user, client),
        "may_add": rules.has_perm("clients.add_team_member", request.user, client),
        "may_transfer": rules.has_perm("clients.transfer_responsibility", request.user, client),
    }


@dataclass(frozen=True)
class PlanOnPage:
    """One plan type on the client page: the version in force (ClientPlan.in_force) when
    there is one, else the newest version (a first draft, or a closed plan); and a newer
    draft revision being written, which is not yet in force."""

    plan: ClientPlan
    in_force: bool
    draft: ClientPlan | None

    @property
    def review_late(self) -> bool:
        """The plan in force was to be reviewed before today (as the overdue reminder says)."""
        review_on = self.plan.next_review_on
        return self.in_force and review_on is not None and review_on < timezone.localdate()


def plans(request, client, relation):
    if not relation.reads_team_records:
        return None
    client_plans = ClientPlan.objects.filter(client=client)
    # The newest version of each type and, where a draft revision is the newest, the version
    # still in force: at most two rows per type, in one query.
    versions = (
        (client_plans.current() | client_plans.in_force())
        .select_related("created_by")
        .prefetch_related(Prefetch("goals", queryset=PlanGoal.objects.order_by("position", "id")))
        .order_by("plan_type", "-version")
    )
    by_type: dict[str, list[ClientPlan]] = {}
    for version in versions:
        by_type.setdefault(version.plan_type, []).append(version)
    shown = []
    for newest, *older in by_type.values():
        in_force = older[0] if older else None
        if in_force is None and newest.status in (PlanStatus.AGREED, PlanStatus.ACTIVE):
            in_force = newest
        if in_force is None:
            shown.append(PlanOnPage(newest, in_force=False, draft=None))
        else:
            draft = newest if newest.pk != in_force.pk else None
            shown.append(PlanOnPage(in_force, in_force=True, draft=draft))
    return {
        "plans": shown,
        "may_write": rules.has_perm("clients.write_plan", request.user, client),
    }


# The client page shows the newest assessments; the list (clients:assessment_list) shows all.
PANEL_ASSESSMENTS = 5


def assessments(request, client, relation):
    if not relation.reads_team_records:
        return None
    shown = list(
        ServiceNeedAssessment.objects.filter(client=client).select_related("author")[
            : PANEL_ASSESSMENTS + 1
        ]
    )
    may_write = rules.has_perm("clients.write_plan", request.user, client)
    return {
        "assessments": shown[:PANEL_ASSESSMENTS],
        "more": len(shown) > PANEL_ASSESSMENTS,
        "may_write": may_write,
        "open_assessment": open_assessment(client) if may_write else None,
    }


def open_assessment(client):
    """The client's assessment in progress (one at a time, `actions.save_assessment`), if any:
    the writer is offered to continue it instead of starting another."""
    return ServiceNeedAssessment.objects.filter(client=client, completed_on__isnull=True).first()


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
