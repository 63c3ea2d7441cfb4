"""What participants and coordinators read: the consultations home, the calendar, a
session with its agenda, and one case, named or pseudonymous for the viewer."""

import rules
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.actions import log_list_hits
from audit.models import Basis
from clients.models import CareTeamMembership, TeamRole
from config.ordering import Alphabetical
from config.query import day_param
from consultations import calendar_grid
from consultations.access import get_agenda_item_for_user, get_session_for_user, require
from consultations.case_view import show_case
from consultations.forms import (
    CancelSessionForm,
    GuestForm,
    MinutesForm,
    RecommendationForm,
)
from consultations.log_labels import CASE_LISTED, CASE_VIEWED
from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Recommendation,
    RequestStatus,
    Session,
    WorkPairOffer,
)
from consultations.pseudonymity import age_band
from services.i18n import in_name_order


@require_GET
def index(request):
    """The consultations home: my next sessions, my requests, and the coordinator's tools."""
    require(request.user, "consultations.use_consultations")
    user = request.user
    sessions = list(
        Session.objects.for_user(user)
        .not_cancelled()
        .upcoming()
        .select_related("network")
        .annotate(case_count=Count("agenda"))
        .order_by("starts_at", "pk")[:10]
    )
    is_coordinator = rules.has_perm("consultations.run_networks", user)
    queue = ConsultationRequest.objects.in_queue_of(user).open().count() if is_coordinator else None
    return render(
        request,
        "consultations/index.html",
        {
            "sessions": sessions,
            "now": timezone.now(),
            "is_coordinator": is_coordinator,
            "queue_count": queue,
            "my_open_requests": ConsultationRequest.objects.of_worker(user)
            .exclude(
                status__in=[RequestStatus.CLOSED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN]
            )
            .count(),
        },
    )


@require_GET
def calendar(request):
    """Sessions by week or month. A coordinator sees the sessions of the networks they
    run; everyone sees the sessions they take part in. No client data: the number of
    cases only. Three queries whatever the number of sessions."""
    require(request.user, "consultations.use_consultations")
    view = request.GET.get("view", calendar_grid.WEEK)
    day = day_param(request, "day") or timezone.localdate()
    grid = calendar_grid.period(view, day)
    sessions = (
        Session.objects.for_user(request.user)
        .between(grid.start, grid.end)
        .select_related("network", "chair")
        .annotate(case_count=Count("agenda"))
        .order_by("starts_at", "pk")
    )
    calendar_grid.place_sessions(grid, sessions)
    return render(
        request,
        "consultations/calendar.html",
        {
            "grid": grid,
            "may_run": rules.has_perm("consultations.run_networks", request.user),
        },
    )


@require_GET
def session_detail(request, session_id):
    session = get_session_for_user(request.user, session_id)
    return render_session(request, session)


def render_session(request, session, *, guest_form=None, cancel_form=None, status=200):
    """A session with its participants and agenda. The agenda shows every case
    pseudonymously (reference, age band, question); each case opens on its own page,
    where the viewer's named or pseudonymous view is decided and logged. Each case
    listed is logged as one list hit (one statement), also when a refused guest or
    cancellation shows the page again with the form's errors. A fixed number of
    queries."""
    manage = rules.has_perm("consultations.run_session", request.user, session)
    participants = list(
        session.participants.current()
        .select_related("user", "organisation")
        .order_by(
            in_name_order("organisation__"),
            Alphabetical("user__last_name"),
            Alphabetical("user__first_name"),
        )
    )
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("request__client")
        .order_by("starts_at", "pk")
    )
    today = timezone.localdate()
    agenda = [{"item": item, "age_band": age_band(item.request.client, today)} for item in items]
    log_list_hits(
        actor=request.user,
        client_ids=[item.request.client.uuid for item in items],
        action=CASE_LISTED,
        basis=Basis.CONSULTATION,
        detail=f"session {session.pk}",
    )
    return render(
        request,
        "consultations/session_detail.html",
        {
            "session": session,
            "participants": participants,
            "agenda": agenda,
            "manage": manage and not session.is_cancelled,
            "started": session.has_started(),
            # Who took part in a held session stays as it was.
            "people_fixed": session.has_ended(),
            "guest_form": (guest_form or GuestForm()) if manage else None,
            "cancel_form": (cancel_form or CancelSessionForm()) if manage else None,
            "is_participant": any(p.user_id == request.user.pk for p in participants),
        },
        status=status,
    )


def render_case(request, item, *, minutes_form=None, recommendation_form=None, status=200):
    """One case on its session, shown as the viewer may see it at this moment."""
    session = item.session
    participant = (
        session.participants.seeing()
        .filter(user=request.user)
        .select_related("organisation")
        .first()
    )
    showing = show_case(
        viewer=request.user,
        request=item.request,
        action=CASE_VIEWED,
        session=session,
        participant=participant,
        obj=item,
    )
    manage = rules.has_perm("consultations.run_session", request.user, session)
    # What follows the consultation inside social services (whether the responsible worker
    # has checked a recommendation's task off, the coordinator's work-pair offer and its
    # answer) is for the client's care team and those who run the session, not for the
    # network's partners: they see the case, its minutes and its recommendations only.
    follows_up = showing.on_team or manage
    recommendations = list(
        Recommendation.objects.filter(agenda_item=item).select_related("task", "created_by")
    )
    offers = (
        list(
            WorkPairOffer.objects.filter(request=item.request)
            .select_related("offered_by")
            .order_by("-offered_at")
        )
        if follows_up
        else []
    )
    held = session.has_started() and not session.is_cancelled
    # The viewer's own work-pair membership (accepted, or an offer or proposal waiting):
    # while it is open, offer_work_pair refuses another offer, so none is offered.
    own_pair = (
        CareTeamMembership.objects.open()
        .filter(client_id=item.request.client_id, user=request.user, role=TeamRole.WORK_PAIR)
        .first()
    )
    return render(
        request,
        "consultations/case_detail.html",
        {
            "session": session,
            "item": item,
            "consultation": item.request,
            "showing": showing,
            "manage": manage,
            "held": held,
            "recommendations": recommendations,
            "follows_up": follows_up,
            "offers": offers,
            "minutes_form": minutes_form or MinutesForm(initial={"minutes": item.minutes}),
            "recommendation_form": recommendation_form or RecommendationForm(),
            "may_offer": manage
            and held
            and item.request.status != RequestStatus.CLOSED
            and own_pair is None,
            "is_work_pair": own_pair is not None and own_pair.accepted_at is not None,
            "may_close": manage and item.request.status == RequestStatus.DISCUSSED,
        },
        status=status,
    )


@require_GET
def case_detail(request, session_id, item_id):
    item = get_agenda_item_for_user(request.user, session_id, item_id)
    return render_case(request, item)
