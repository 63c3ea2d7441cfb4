"""The care team: members added and ended, responsibility transferred, a caseload handed over,
and break-the-glass with its review."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import log_list_hits
from audit.labels import action_label
from audit.models import Basis
from clients import actions
from clients.access import (
    get_break_the_glass_event_for_review,
    get_client_for_break_the_glass,
    get_client_for_user,
    log_client_access,
    log_shown_again,
    read_log,
    relation_to,
    sees_client_now,
)
from clients.forms import (
    AddMemberForm,
    BreakTheGlassForm,
    BreakTheGlassReviewForm,
    EndMembershipForm,
    HandoverForm,
    MembershipPeriodForm,
    TransferForm,
)
from clients.models import BreakTheGlass, CareTeamMembership, Client, TeamRole
from clients.querysets import activity_during, caseload_holders
from config.forms import add_action_error
from config.query import id_param


@require_http_methods(["GET", "POST"])
def add_member(request, client_id):
    """Adds a member to the team. A closed client's team takes nobody new: a link to the page
    (an access request's task) leads to the client page, saying why, and its read is logged
    there."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.manage_team", log_action=None
    )
    if not rules.has_perm("clients.add_team_member", request.user, client):
        try:
            actions.check_open_for_new_members(client)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("clients:detail", client_id=client.uuid)
    if request.method == "GET":
        log_client_access(request.user, client, "clients.client.viewed")
    form = AddMemberForm(request.POST or None, client=client, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_team_member(client=client, added_by=request.user, **form.member())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Tiimin jäsen lisätty."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client)
    return render(request, "clients/add_member.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def member_period(request, client_id, membership_id):
    """Extends or shortens how long a member stays on the team. Logged once the membership is
    found: a membership not on the team is a 404, which shows nothing of the client."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.manage_team", log_action=None
    )
    membership = get_object_or_404(
        CareTeamMembership.objects.on_team()
        .filter(accepted_at__isnull=False)
        .select_related("user"),
        pk=membership_id,
        client=client,
    )
    if request.method == "GET":
        log_client_access(request.user, client, "clients.client.viewed")
    form = MembershipPeriodForm(
        request.POST or None, initial={"valid_until": membership.valid_until}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_membership_valid_until(
                membership=membership,
                valid_until=form.cleaned_data["valid_until"],
                changed_by=request.user,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Jäsenyyden voimassaolo muutettu."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client)
    return render(
        request,
        "clients/member_period.html",
        {"client": client, "form": form, "membership": membership},
    )


@require_http_methods(["GET", "POST"])
def end_member(request, client_id, membership_id):
    """Asks to confirm, then ends a membership (or cancels one that has not started). A POST
    without the confirmation (a page from before it was asked) shows the question again.
    Logged when the question is shown: a membership it cannot end sends the user to the
    client page, which logs its own read."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.manage_team", log_action=None
    )
    membership = get_object_or_404(
        CareTeamMembership.objects.select_related("user"), pk=membership_id, client=client
    )
    if membership.ended_on is not None:
        messages.info(request, _("Jäsenyys on jo päättynyt."))
        return redirect("clients:detail", client_id=client.uuid)
    if membership.role == TeamRole.RESPONSIBLE_WORKER:
        messages.error(
            request, _("Vastuutyöntekijän jäsenyys päättyy vain siirtämällä vastuu toiselle.")
        )
        return redirect("clients:detail", client_id=client.uuid)
    if request.method == "GET":
        log_client_access(request.user, client, "clients.client.viewed")
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = actions.end_membership(membership=membership, ended_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Jäsenyys peruttiin ennen sen alkamista.")
                if ended.cancelled
                else _("Jäsenyys päättyi."),
            )
        return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client)
    return render(
        request,
        "clients/end_member.html",
        {
            "client": client,
            "form": form,
            "membership": membership,
            "cancelling": membership.started_on > timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def transfer(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="clients.transfer_responsibility",
        log_action=read_log(request),
    )
    form = TransferForm(request.POST or None, client=client, actor=request.user)
    if request.method == "POST" and form.is_valid():
        assignment = form.cleaned_data["assignment"]
        try:
            actions.transfer_responsibility(
                client=client,
                to_user=assignment.user,
                to_unit=assignment.unit,
                transferred_by=request.user,
                handover_note=form.cleaned_data["handover_note"],
                **form.shown_responsible(),
            )
        except ValidationError as error:
            add_action_error(form, error)
            form.show_current_responsible()
        else:
            messages.success(request, _("Vastuu siirretty."))
            if sees_client_now(request.user, client):
                return redirect("clients:detail", client_id=client.uuid)
            return redirect("clients:list")
    log_shown_again(request, client)
    return render(request, "clients/transfer.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def break_the_glass(request, client_id):
    """Asks a reason, then grants time-limited read access. Only where the rule allows; otherwise 404."""
    client = get_client_for_break_the_glass(request.user, client_id)
    if relation_to(request.user, client).visible:
        return redirect("clients:detail", client_id=client.uuid)
    form = BreakTheGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.break_the_glass(
                client=client, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.warning(
                request,
                _(
                    "Avasit asiakkaan tiedot murtautumalla. Käyttö on kirjattu ja esihenkilö tarkastaa sen."
                ),
            )
            return redirect("clients:detail", client_id=client.uuid)
    return render(request, "clients/break_the_glass.html", {"client_id": client.uuid, "form": form})


BTG_REVIEW_PAGE_SIZE = 50


@require_GET
def break_the_glass_review(request):
    """The events the user reviews: those awaiting review first (newest first), then the
    reviewed ones, a page at a time, so no event waits unseen behind newer reviewed ones."""
    if not rules.has_perm("clients.review_break_the_glass", request.user):
        raise PermissionDenied
    return _review_page(request)


def _review_page(request, refused=None):
    """The review list; `refused` is a review refused for one event ({"event_id", "note",
    "errors"}): its note is kept and the errors are told next to that event's field."""
    order = (F("reviewed_at").desc(nulls_first=True), F("started_at").desc(), F("pk").desc())
    reviewable = BreakTheGlass.objects.reviewable_by(request.user)
    number = request.GET.get("page")
    if refused is not None:
        # The refused event's own page, wherever it is (the form's page may have been any);
        # only a refusal reads all their ids.
        ids = list(reviewable.order_by(*order).values_list("pk", flat=True))
        if refused["event_id"] in ids:
            number = ids.index(refused["event_id"]) // BTG_REVIEW_PAGE_SIZE + 1
    ordered = reviewable.select_related("user", "client", "reviewed_by").order_by(*order)
    page = Paginator(ordered, BTG_REVIEW_PAGE_SIZE).get_page(number)
    events = list(page.object_list)
    log_list_hits(
        actor=request.user,
        client_ids=dict.fromkeys(event.client.uuid for event in events),
        action="clients.client.listed",
        basis=Basis.MANAGER if request.user.active_role == "manager" else Basis.DATA_PROTECTION,
        detail="break_the_glass_review",
    )
    # What each user did while the access lasted, and for a manager a link to each client
    # they still see (one moved to another unit is no longer theirs); the DPO reads the
    # client's whole log in the audit pages, not the client page.
    activity = activity_during(events)
    linked = set()
    if request.user.active_role == "manager" and events:
        linked = set(
            Client.objects.for_user(request.user)
            .filter(pk__in={event.client_id for event in events})
            .values_list("pk", flat=True)
        )
    for event in events:
        event.activity = [
            {"at": entry.at, "label": action_label(entry.action)} for entry in activity[event.pk]
        ]
        event.client_linked = event.client_id in linked
    return render(
        request,
        "clients/break_the_glass_review.html",
        {"events": events, "page": page, "refused": refused},
    )


@require_POST
def review_break_the_glass(request, event_id):
    event = get_break_the_glass_event_for_review(request.user, event_id)
    form = BreakTheGlassReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for ms in form.errors.values() for m in ms])
        actions.review_break_the_glass(
            event=event, reviewed_by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        # The page again, the note kept and the reason next to it, not above the whole list.
        refused = {
            "event_id": event.pk,
            "note": request.POST.get("note", "").replace("\x00", ""),
            "errors": error,
        }
        return _review_page(request, refused)
    messages.success(request, _("Merkitty tarkastetuksi."))
    return redirect("clients:break_the_glass_review")


@require_http_methods(["GET", "POST"])
def handover(request):
    """A manager hands a leaving worker's whole caseload to one or more colleagues of the unit."""
    if not rules.has_perm("clients.hand_over_caseload", request.user):
        raise PermissionDenied
    unit = request.user.active_assignment.unit
    workers = caseload_holders(unit)
    from_user, not_a_holder = None, False
    chosen = id_param(request, "from")
    if chosen is not None:
        # Handed over meanwhile (by another manager, or an old link): said next to the choice.
        from_user = workers.filter(pk=chosen).first()
        not_a_holder = from_user is None
    form = (
        HandoverForm(request.POST or None, from_user=from_user, unit=unit, actor=request.user)
        if from_user
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            count = actions.hand_over_caseload(
                from_user=from_user,
                assignments=form.assignments(),
                handed_over_by=request.user,
                handover_note=form.cleaned_data["handover_note"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("%(count)s asiakkaan vastuu siirretty.") % {"count": count})
            return redirect("clients:handover")
    if form is not None:
        # The page lists the caseload's clients by name, also when shown again with errors.
        log_list_hits(
            actor=request.user,
            client_ids=[c.uuid for c in form.clients],
            action="clients.client.listed",
            basis=Basis.MANAGER,
            detail="handover",
        )
    return render(
        request,
        "clients/handover.html",
        {"workers": workers, "from_user": from_user, "form": form, "not_a_holder": not_a_holder},
    )
