"""The coordinator's pages: networks and members, scheduling and changing sessions,
the request queue with triage, the agenda, minutes, recommendations and the
work-pair offer. Every page: access through access.py, a form, one action,
render or redirect."""

import datetime

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import log_list_hits
from audit.models import Basis
from config.forms import add_action_error
from config.ordering import Alphabetical
from config.query import is_ascii_number
from consultations import actions
from consultations.access import (
    get_agenda_item_for_user,
    get_network_for_user,
    get_request_for_coordinator,
    get_session_for_user,
    require,
)
from consultations.case_view import show_case
from consultations.forms import (
    CancelSessionForm,
    DeclineForm,
    GuestForm,
    MemberForm,
    MinutesForm,
    NetworkForm,
    NewSessionForm,
    PlaceOnSessionForm,
    RecommendationForm,
    SessionForm,
    TriageForm,
)
from consultations.log_labels import CASE_LISTED, REQUEST_TRIAGE_VIEWED
from consultations.models import (
    ConsultationRequest,
    Network,
    NetworkMember,
    RequestStatus,
    Session,
    SessionParticipant,
    Urgency,
)
from consultations.pseudonymity import age_band
from consultations.views.sessions import render_case, render_session
from services.i18n import in_name_order


def _named_as_on_form(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The action's refusal with its fields named as the form names them (`names`: the
    action's name to the form's), so that each message shows next to the field the
    coordinator filled in rather than above the form."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(field, field): errors for field, errors in error.error_dict.items()}
    )


def _message_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# Networks


@require_GET
def network_list(request):
    require(request.user, "consultations.run_networks")
    today = timezone.localdate()
    networks = (
        Network.objects.run_by(request.user)
        .select_related("convening_organisation")
        .annotate(
            member_count=Count(
                "members",
                filter=Q(members__active_from__lte=today)
                & (Q(members__active_until__isnull=True) | Q(members__active_until__gte=today)),
                distinct=True,
            ),
            upcoming_count=Count(
                "sessions",
                filter=Q(sessions__ends_at__gt=timezone.now(), sessions__cancelled_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by(in_name_order())
    )
    return render(request, "consultations/network_list.html", {"networks": networks})


@require_http_methods(["GET", "POST"])
def network_create(request):
    require(request.user, "consultations.run_networks")
    form = NetworkForm(
        request.POST or None,
        user=request.user,
        initial={"convening_organisation": request.user.active_assignment.unit.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            network = actions.create_network(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Verkosto perustettu."))
            return redirect("consultations:network", network_id=network.pk)
    return render(request, "consultations/network_form.html", {"form": form})


def _membership_state(member: NetworkMember, today: datetime.date) -> str:
    """ "upcoming" (can be withdrawn), "active" (can be ended) or "" (ended)."""
    if member.active_until is not None and member.active_until < today:
        return ""
    return "upcoming" if member.active_from > today else "active"


def _render_network(request, network, member_form=None, status=200):
    members = list(
        NetworkMember.objects.filter(network=network)
        .select_related("user", "organisation")
        .order_by(in_name_order("organisation__"), Alphabetical("user__last_name"), "active_from")
    )
    today = timezone.localdate()
    sessions = list(
        Session.objects.filter(network=network, ends_at__gt=timezone.now())
        .select_related("chair")
        .annotate(case_count=Count("agenda"))
        .order_by("starts_at")[:20]
    )
    return render(
        request,
        "consultations/network_detail.html",
        {
            "network": network,
            "members": [(m, _membership_state(m, today)) for m in members],
            "sessions": sessions,
            "member_form": member_form or MemberForm(),
        },
        status=status,
    )


@require_GET
def network_detail(request, network_id):
    network = get_network_for_user(request.user, network_id)
    return _render_network(request, network)


@require_POST
def member_add(request, network_id):
    network = get_network_for_user(request.user, network_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        user = data["email"]
        try:
            actions.add_member(
                network=network,
                added_by=request.user,
                user=user,
                organisation=data["organisation"] or user.organisation,
                expertise=data["expertise"],
                active_from=data["active_from"],
                active_until=data["active_until"],
            )
        except ValidationError as error:
            add_action_error(form, _named_as_on_form(error, {"user": "email"}))
        else:
            messages.success(request, _("Jäsen lisätty verkostoon."))
            return redirect("consultations:network", network_id=network.pk)
    return _render_network(request, network, member_form=form, status=400)


@require_POST
def member_end(request, network_id, member_id):
    network = get_network_for_user(request.user, network_id)
    member = get_object_or_404(NetworkMember, pk=member_id, network=network)
    ended = actions.end_member(member=member, ended_by=request.user)
    if ended is None:
        messages.success(request, _("Jäsenyys peruttu ennen alkamistaan."))
    elif ended.active_until < timezone.localdate():
        # Ended before today: end_member leaves it as it was.
        messages.info(
            request,
            _("Jäsenyys päättyi jo %(day)s.")
            % {"day": date_format(ended.active_until, "SHORT_DATE_FORMAT")},
        )
    else:
        messages.success(request, _("Jäsenyys päättyy tänään."))
    # They stay where they chair (actions.leave_later_sessions): the chair is changed there.
    chaired = (
        Session.objects.not_cancelled()
        .upcoming()
        .filter(network=network, chair=member.user, starts_at__date__gt=timezone.localdate())
        .order_by("starts_at")
    )
    if chaired:
        days = ", ".join(
            date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT")
            for session in chaired
        )
        messages.warning(
            request,
            _("%(name)s on puheenjohtajana istunnoissa %(days)s. Vaihda puheenjohtaja.")
            % {"name": member.user.get_full_name(), "days": days},
        )
    return redirect("consultations:network", network_id=network.pk)


# Sessions


@require_http_methods(["GET", "POST"])
def session_create(request, network_id):
    network = get_network_for_user(request.user, network_id)
    # A start given in the address (?starts_at=) ticks the members of that day.
    initial = {"starts_at": request.GET["starts_at"]} if "starts_at" in request.GET else None
    form = NewSessionForm(
        request.POST or None, initial=initial, network=network, coordinator=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = actions.schedule_session(
                network=network,
                scheduled_by=request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                chair=data["chair"],
                place=data["place"],
                video_link=data["video_link"],
                members=list(data["members"]),
                guests=data["guest_emails"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Istunto on sovittu ja kutsut lähtevät osallistujille."))
            return redirect("consultations:session", session_id=session.pk)
    return render(
        request,
        "consultations/session_form.html",
        {"form": form, "network": network, "session": None},
    )


@require_http_methods(["GET", "POST"])
def session_edit(request, session_id):
    session = get_session_for_user(request.user, session_id, manage=True)
    if session.is_cancelled:
        messages.error(request, _("Peruttua istuntoa ei voi muuttaa."))
        return redirect("consultations:session", session_id=session.pk)
    if session.has_ended():
        # change_session refuses it too: no form to fill in only to be refused.
        messages.error(request, _("Istunto on jo pidetty: sitä ei enää muuteta."))
        return redirect("consultations:session", session_id=session.pk)
    initial = {
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "video_link": session.video_link,
        "chair": session.chair_id,
    }
    # The session's own coordinator's choices: another coordinator of the network may change it.
    form = SessionForm(
        request.POST or None,
        initial=initial,
        network=session.network,
        coordinator=session.coordinator,
        present_chair=session.chair,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_session(session=session, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("Muutos tallennettu; osallistujat saavat päivitetyn kutsun.")
            )
            return redirect("consultations:session", session_id=session.pk)
    return render(
        request,
        "consultations/session_form.html",
        {"form": form, "network": session.network, "session": session},
    )


def _refused_on_a_field(error: ValidationError) -> bool:
    """Whether the action refused a value of the form (shown next to its field, the form
    kept) rather than the session's state (a message above the page)."""
    return hasattr(error, "error_dict") and NON_FIELD_ERRORS not in error.error_dict


@require_POST
def session_cancel(request, session_id):
    session = get_session_for_user(request.user, session_id, manage=True)
    form = CancelSessionForm(request.POST)
    if form.is_valid():
        try:
            actions.cancel_session(
                session=session, cancelled_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if not _refused_on_a_field(error):
                _message_errors(request, error)
                return redirect("consultations:session", session_id=session.pk)
            add_action_error(form, error)
        else:
            messages.success(request, _("Istunto peruttu; osallistujat saavat peruutuksen."))
            return redirect("consultations:session", session_id=session.pk)
    return render_session(request, session, cancel_form=form, status=400)


@require_POST
def guest_add(request, session_id):
    session = get_session_for_user(request.user, session_id, manage=True)
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            actions.invite_guest(
                session=session,
                invited_by=request.user,
                user=form.cleaned_data["email"],
                expertise=form.cleaned_data["expertise"],
            )
        except ValidationError as error:
            if not _refused_on_a_field(error):
                _message_errors(request, error)
                return redirect("consultations:session", session_id=session.pk)
            add_action_error(form, error)
        else:
            messages.success(request, _("Vieras kutsuttu."))
            return redirect("consultations:session", session_id=session.pk)
    return render_session(request, session, guest_form=form, status=400)


def _confirmed(request) -> bool:
    """Whether a removal was confirmed on its page (consultations/remove_confirm.html): the
    session page's button only asks for that page."""
    return request.POST.get("confirmed") == "1"


def _session_name(session: Session) -> str:
    day = date_format(timezone.localtime(session.starts_at), "SHORT_DATE_FORMAT")
    return f"{session.network} {day}"


@require_POST
def participant_remove(request, session_id, participant_id):
    session = get_session_for_user(request.user, session_id, manage=True)
    participant = get_object_or_404(
        SessionParticipant.objects.current().select_related("session"),
        pk=participant_id,
        session=session,
    )
    if not _confirmed(request):
        session_name = _session_name(session)
        return render(
            request,
            "consultations/remove_confirm.html",
            {
                "session": session,
                "heading": _("Poistetaanko osallistuja?"),
                "explanation": _(
                    "%(name)s poistetaan istunnosta %(session)s. Hän saa peruutuksen "
                    "sähköpostiinsa."
                )
                % {"name": participant.user.get_full_name(), "session": session_name},
                "button": _("Poista osallistuja"),
            },
        )
    try:
        actions.remove_participant(participant=participant, removed_by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Osallistuja poistettu; hän saa peruutuksen."))
    return redirect("consultations:session", session_id=session.pk)


# The queue and triage

URGENCY_ORDER = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.NORMAL: 2}


def _adding_to(request) -> Session | None:
    """The session the coordinator came from to add cases from the queue (`?session=`),
    carried from the queue to each request's triage page, where it is preselected; None
    unless it is a session they may still place a case on (a hand-edited address, or a
    session cancelled or held meanwhile, only loses the preselection). Read from the
    address only: the place form posts its own choice under the same name."""
    session_id = request.GET.get("session", "")
    if not is_ascii_number(session_id) or len(session_id) > 18:
        return None
    return (
        Session.objects.open_for_cases_of(request.user)
        .select_related("network")
        .filter(pk=int(session_id))
        .first()
    )


def _carry(session: Session | None) -> str:
    """The query string that keeps the session being added to, for links and forms."""
    return f"?session={session.pk}" if session else ""


@require_GET
def queue(request):
    """Requests waiting for a coordinator: most urgent first, then oldest. Pseudonymous
    (reference, age band, question); each listed case is one list hit in the log."""
    require(request.user, "consultations.run_networks")
    adding_to = _adding_to(request)
    waiting = list(
        ConsultationRequest.objects.in_queue_of(request.user)
        .open()
        .select_related("client", "network", "preferred_network")
        .order_by("created_at", "pk")
    )
    waiting.sort(key=lambda r: (URGENCY_ORDER.get(r.urgency, 9), r.created_at))
    today = timezone.localdate()
    log_list_hits(
        actor=request.user,
        client_ids=[r.client.uuid for r in waiting],
        action=CASE_LISTED,
        basis=Basis.CONSULTATION,
        detail="queue",
    )
    return render(
        request,
        "consultations/queue.html",
        {
            "rows": [(r, age_band(r.client, today)) for r in waiting],
            "adding_to": adding_to,
            "carry": _carry(adding_to),
        },
    )


def _render_triage(
    request, consultation, *, triage_form=None, place_form=None, decline_form=None, status=200
):
    """The request, and its forms. Coming from a session to add cases (`?session=`), that
    session is preselected in the place form and every link and form keeps it."""
    adding_to = _adding_to(request)
    item = consultation.agenda_items.select_related("session__network").first()
    session = item.session if item else None
    # The triaging coordinator's own participation in that session, if any (case_view).
    participant = (
        session.participants.seeing()
        .filter(user=request.user)
        .select_related("organisation")
        .first()
        if session
        else None
    )
    showing = show_case(
        viewer=request.user,
        request=consultation,
        action=REQUEST_TRIAGE_VIEWED,
        session=session,
        participant=participant,
    )
    open_ = consultation.status in (RequestStatus.REQUESTED, RequestStatus.TRIAGED)
    initial_network = consultation.network_id or consultation.preferred_network_id
    place_form = place_form or PlaceOnSessionForm(
        user=request.user,
        consultation=consultation,
        initial={"session": adding_to.pk} if adding_to else None,
    )
    return render(
        request,
        "consultations/triage.html",
        {
            "consultation": consultation,
            "showing": showing,
            "item": item,
            "is_open": open_,
            "triage_form": triage_form
            or TriageForm(
                user=request.user,
                initial={"network": initial_network, "note": consultation.triage_note},
            ),
            "place_form": place_form,
            "has_sessions": place_form.fields["session"].queryset.exists(),
            "decline_form": decline_form or DeclineForm(),
            "adding_to": adding_to,
            "carry": _carry(adding_to),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def triage(request, request_id):
    consultation = get_request_for_coordinator(request.user, request_id)
    if request.method == "POST":
        form = TriageForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                actions.triage_request(
                    request=consultation,
                    triaged_by=request.user,
                    network=form.cleaned_data["network"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Pyyntö otettu käsittelyyn."))
                url = reverse("consultations:triage", kwargs={"request_id": consultation.pk})
                return redirect(url + _carry(_adding_to(request)))
        return _render_triage(request, consultation, triage_form=form, status=400)
    return _render_triage(request, consultation)


@require_POST
def place(request, request_id):
    consultation = get_request_for_coordinator(request.user, request_id)
    form = PlaceOnSessionForm(request.POST, user=request.user, consultation=consultation)
    if form.is_valid():
        try:
            item = actions.place_on_session(
                request=consultation,
                session=form.cleaned_data["session"],
                placed_by=request.user,
                starts_at=form.starts_at(),
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            # Without a start time of its own the case follows the previous one: then its
            # length is what does not fit.
            slot = "start_time" if form.cleaned_data["start_time"] else "minutes"
            add_action_error(form, _named_as_on_form(error, {"starts_at": slot}))
        else:
            messages.success(
                request, _("Tapaus lisätty esityslistalle; osallistujat saavat päivitetyn kutsun.")
            )
            return redirect("consultations:session", session_id=item.session_id)
    return _render_triage(request, consultation, place_form=form, status=400)


@require_POST
def decline(request, request_id):
    consultation = get_request_for_coordinator(request.user, request_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            actions.decline_request(
                request=consultation, declined_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("Pyyntöä ei otettu käsittelyyn; pyytäjä saa syyn tehtävänä.")
            )
            return redirect(reverse("consultations:queue") + _carry(_adding_to(request)))
    return _render_triage(request, consultation, decline_form=form, status=400)


# The agenda and the outcome of a case


@require_POST
def agenda_remove(request, session_id, item_id):
    item = get_agenda_item_for_user(request.user, session_id, item_id, manage=True)
    if not _confirmed(request):
        return render(
            request,
            "consultations/remove_confirm.html",
            {
                "session": item.session,
                "heading": _("Poistetaanko tapaus esityslistalta?"),
                "explanation": _(
                    "Tapaus %(reference)s poistetaan istunnon %(session)s esityslistalta ja "
                    "palaa jonoon. Osallistujat saavat päivitetyn kutsun."
                )
                % {"reference": item.request.reference, "session": _session_name(item.session)},
                "button": _("Poista esityslistalta"),
            },
        )
    try:
        actions.remove_from_agenda(item=item, removed_by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Tapaus palasi jonoon."))
    return redirect("consultations:session", session_id=session_id)


@require_POST
def minutes(request, session_id, item_id):
    item = get_agenda_item_for_user(request.user, session_id, item_id, manage=True)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            actions.record_minutes(
                item=item, recorded_by=request.user, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Muistio tallennettu."))
            return redirect("consultations:case", session_id=session_id, item_id=item.pk)
    return render_case(request, item, minutes_form=form, status=400)


@require_POST
def recommendation_add(request, session_id, item_id):
    item = get_agenda_item_for_user(request.user, session_id, item_id, manage=True)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            actions.add_recommendation(
                item=item,
                recommended_by=request.user,
                text=form.cleaned_data["text"],
                due_date=form.cleaned_data["due_date"],
            )
        except actions.RecommendationRecordedAlready as repeat:
            # A double submit: the first one was recorded, and the page shows it.
            messages.info(request, repeat.message)
            return redirect("consultations:case", session_id=session_id, item_id=item.pk)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("Suositus tallennettu; vastuutyöntekijä saa sen tehtäväksi.")
            )
            return redirect("consultations:case", session_id=session_id, item_id=item.pk)
    return render_case(request, item, recommendation_form=form, status=400)


@require_POST
def close(request, session_id, item_id):
    item = get_agenda_item_for_user(request.user, session_id, item_id, manage=True)
    try:
        actions.close_request(request=item.request, closed_by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Konsultaatio päätetty."))
    return redirect("consultations:case", session_id=session_id, item_id=item.pk)


@require_POST
def offer_work_pair(request, session_id, item_id):
    item = get_agenda_item_for_user(request.user, session_id, item_id, manage=True)
    try:
        actions.offer_work_pair(request=item.request, offered_by=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(
            request, _("Tarjous lähetetty vastuutyöntekijälle. Vastuu säilyy vastuutyöntekijällä.")
        )
    return redirect("consultations:case", session_id=session_id, item_id=item.pk)
