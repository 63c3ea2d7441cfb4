"""Panels of consultations: on the client page (the client's consultations, their
recommendations and tasks, a waiting work-pair offer) and on the dashboard
(upcoming sessions; the coordinator's queue). Each reads with a fixed number
of queries, whatever the data size."""

import rules
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Recommendation,
    RequestStatus,
    Session,
    WorkPairOffer,
)

DASHBOARD_LIMIT = 5


def client_consultations(request, client, relation):
    """The client page: every consultation of the client for the care team."""
    user = request.user
    if not rules.has_perm("consultations.view_requests", user, client):
        return None
    consultations = list(
        ConsultationRequest.objects.filter(client=client)
        .select_related("network", "preferred_network")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("session__network").prefetch_related(
                    Prefetch(
                        "recommendations",
                        queryset=Recommendation.objects.select_related("task").order_by(
                            "due_date", "pk"
                        ),
                    )
                ),
            ),
            Prefetch(
                "work_pair_offers",
                queryset=WorkPairOffer.objects.select_related("offered_by").order_by("-offered_at"),
            ),
        )
        .order_by("-created_at", "-pk")[:20]
    )
    may_ask = rules.has_perm("consultations.ask_for_consultation", user, client)
    if not consultations and not may_ask:
        return None
    rows = []
    for consultation in consultations:
        items = list(consultation.agenda_items.all())
        item = items[0] if items else None
        rows.append(
            {
                "request": consultation,
                "item": item,
                "recommendations": list(item.recommendations.all()) if item else [],
                "pending_offers": [o for o in consultation.work_pair_offers.all() if o.is_pending],
            }
        )
    return {
        "rows": rows,
        "may_ask": may_ask,
        "may_answer": rules.has_perm("consultations.answer_work_pair_offer", user, client),
        "today": timezone.localdate(),
    }


def upcoming_sessions(request):
    """Dashboard: the user's next sessions (taking part, or running them). No client data."""
    sessions = list(
        Session.objects.for_user(request.user)
        .not_cancelled()
        .upcoming()
        .select_related("network")
        .annotate(case_count=Count("agenda"))
        .order_by("starts_at", "pk")[:DASHBOARD_LIMIT]
    )
    if not sessions:
        return None
    return {"sessions": sessions, "now": timezone.now()}


def coordinator_queue(request):
    """Dashboard: how many requests wait in the coordinator's queue."""
    counts = ConsultationRequest.objects.in_queue_of(request.user).aggregate(
        requested=Count("pk", filter=Q(status=RequestStatus.REQUESTED)),
        triaged=Count("pk", filter=Q(status=RequestStatus.TRIAGED)),
    )
    return counts
