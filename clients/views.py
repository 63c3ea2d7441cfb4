"""Client pages. Each view: permission through access.py, a form, one action, render or redirect."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.actions import log_access, log_list_hits
from audit.models import Basis
from clients import actions
from clients.access import (
    find_client_by_identity_code,
    get_client_for_user,
    may_break_the_glass,
    read_log,
    relation_to,
)
from clients.forms import (
    AccessRequestForm,
    AddMemberForm,
    AssessmentForm,
    BreakTheGlassForm,
    CaseNoteForm,
    ClientForm,
    ClientPlanForm,
    CloseClientForm,
    FindByIdentityCodeForm,
    GoalStatusForm,
    HandoverForm,
    RegisterClientForm,
    TransferForm,
)
from clients.models import (
    BreakTheGlass,
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    CommunicationNeed,
    GoalStatus,
    PlanGoal,
    ServiceNeedAssessment,
)
from clients.panels import panels_for
from clients.querysets import caseload_holders

PAGE_SIZE = 50


@require_GET
def client_list(request):
    """The user's clients: search by name prefix, paginated; each client shown is logged as a list hit."""
    if not rules.has_perm("clients.view_client_list", request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    show_closed = request.GET.get("closed") == "1"
    clients = Client.objects.for_user(request.user).search(query).select_related("responsible_unit")
    clients = clients if show_closed else clients.active()
    page = Paginator(
        clients.with_responsible_worker().order_by("search_name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    log_list_hits(
        actor=request.user,
        client_ids=[c.uuid for c in page.object_list],
        action="clients.client.listed",
        basis=Basis.CARE_TEAM if request.user.active_role != "manager" else Basis.MANAGER,
        detail="search" if query else "list",
    )
    context = {
        "page": page,
        "query": query,
        "show_closed": show_closed,
        "find_form": FindByIdentityCodeForm(),
        "may_register": rules.has_perm("clients.register_client", request.user),
    }
    template = "clients/client_list.html#results" if request.htmx else "clients/client_list.html"
    return render(request, template, context)


@require_POST
def find_by_identity_code(request):
    """Exact search by identity code: a POST, so the code never enters a URL or a log line.

    Found and visible: redirect to the client's UUID page. Found but outside
    the user's reach: the break-the-glass page where the rule allows it, else
    the same answer as not found.
    """
    if not rules.has_perm("clients.view_client_list", request.user):
        raise PermissionDenied
    form = FindByIdentityCodeForm(request.POST)
    if form.is_valid():
        client = find_client_by_identity_code(form.cleaned_data["identity_code"])
        if client is not None:
            if relation_to(request.user, client).visible:
                return redirect("clients:detail", client_id=client.uuid)
            if may_break_the_glass(request.user, client):
                return redirect("clients:break_the_glass", client_id=client.uuid)
        form.add_error(
            "identity_code",
            _("Henkilötunnuksella ei löytynyt asiakasta, jonka tietoihin sinulla on pääsy."),
        )
    clients = Client.objects.none()
    page = Paginator(clients, PAGE_SIZE).get_page(1)
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "query": "",
            "find_form": form,
            "may_register": rules.has_perm("clients.register_client", request.user),
        },
        status=200,
    )


@require_http_methods(["GET", "POST"])
def register(request):
    if not rules.has_perm("clients.register_client", request.user):
        raise PermissionDenied
    form = RegisterClientForm(request.POST or None, user=request.user)
    duplicate = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("identity_code")
        allow_temporary = data.pop("identity_code_is_temporary")
        try:
            client = actions.register_client(
                registered_by=request.user,
                identity_code=code,
                allow_temporary=allow_temporary,
                **data,
            )
        except actions.DuplicateIdentityCode:
            duplicate = True
            form.add_error(
                "identity_code",
                _(
                    "Henkilötunnuksella on jo asiakkuus Polussa. Pyydä pääsyä asiakkaan vastuutyöntekijältä tai esihenkilöltä."
                ),
            )
        except ValidationError as error:
            form.add_error("identity_code", error)
        else:
            messages.success(request, _("Asiakas rekisteröity. Olet asiakkaan vastuutyöntekijä."))
            return redirect("clients:detail", client_id=client.uuid)
    access_form = (
        AccessRequestForm(initial={"identity_code": form.data.get("identity_code", "")})
        if duplicate
        else None
    )
    return render(
        request,
        "clients/register.html",
        {"form": form, "duplicate": duplicate, "access_form": access_form},
    )


@require_GET
def detail(request, client_id):
    client = get_client_for_user(request.user, client_id, log_action="clients.client.viewed")
    relation = relation_to(request.user, client)
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "relation": relation,
            "panels": panels_for(request, client, relation),
            "may_change": rules.has_perm("clients.change_client", request.user, client),
            "may_reveal": rules.has_perm("clients.reveal_identity_code", request.user, client),
            "may_see_address": not client.address_non_disclosure
            or rules.has_perm("clients.view_protected_address", request.user, client),
            "may_close": rules.has_perm("clients.close_client", request.user, client),
            "may_reopen": client.closed_on is not None
            and rules.has_perm("clients.reopen_client", request.user, client),
            "communication_needs": [
                CommunicationNeed(need).label for need in client.communication_needs
            ],
        },
    )


@require_POST
def reveal_identity_code(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.reveal_identity_code", log_action=None
    )
    code = actions.reveal_identity_code(client=client, revealed_by=request.user)
    template = "clients/detail.html#identity-code" if request.htmx else "clients/identity_code.html"
    return render(request, template, {"client": client, "identity_code": code})


@require_http_methods(["GET", "POST"])
def edit(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="clients.change_client",
        log_action=read_log(request),
    )
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        # The form wrote its values onto the instance; the action compares against the stored row.
        client.refresh_from_db()
        actions.update_client(client=client, changed_by=request.user, fields=fields)
        messages.success(request, _("Perustiedot tallennettu."))
        return redirect("clients:detail", client_id=client.uuid)
    return render(
        request,
        "clients/edit.html",
        {"client": client, "form": form, "address_hidden": form.address_hidden},
    )


@require_http_methods(["GET", "POST"])
def close(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.close_client", log_action=read_log(request)
    )
    form = CloseClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_client(
                client=client,
                closed_by=request.user,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Asiakkuus päätetty. Tiedot säilyvät."))
            return redirect("clients:detail", client_id=client.uuid)
    return render(request, "clients/close.html", {"client": client, "form": form})


@require_POST
def reopen(request, client_id):
    """Opens a closed client relationship again, from the button on the client page."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.reopen_client", log_action=None
    )
    try:
        actions.reopen_client(client=client, reopened_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Asiakkuus avattu uudelleen."))
    return redirect("clients:detail", client_id=client.uuid)


@require_http_methods(["GET", "POST"])
def add_member(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.manage_team", log_action=read_log(request)
    )
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_team_member(client=client, added_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tiimin jäsen lisätty."))
            return redirect("clients:detail", client_id=client.uuid)
    return render(request, "clients/add_member.html", {"client": client, "form": form})


@require_POST
def end_member(request, client_id, membership_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.manage_team", log_action=None
    )
    membership = get_object_or_404(CareTeamMembership, pk=membership_id, client=client)
    try:
        actions.end_membership(membership=membership, ended_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Jäsenyys päättyi."))
    return redirect("clients:detail", client_id=client.uuid)


@require_http_methods(["GET", "POST"])
def transfer(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="clients.transfer_responsibility",
        log_action=read_log(request),
    )
    form = TransferForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        assignment = form.cleaned_data["assignment"]
        try:
            actions.transfer_responsibility(
                client=client,
                to_user=assignment.user,
                to_unit=assignment.unit,
                transferred_by=request.user,
                handover_note=form.cleaned_data["handover_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vastuu siirretty."))
            if relation_to(request.user, Client.objects.get(pk=client.pk)).visible:
                return redirect("clients:detail", client_id=client.uuid)
            return redirect("clients:list")
    return render(request, "clients/transfer.html", {"client": client, "form": form})


@require_http_methods(["GET", "POST"])
def break_the_glass(request, client_id):
    """Asks a reason, then grants time-limited read access. Only where the rule allows; otherwise 404."""
    try:
        client = Client.objects.select_related("responsible_unit").get(uuid=client_id)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None
    if relation_to(request.user, client).visible:
        return redirect("clients:detail", client_id=client.uuid)
    if not may_break_the_glass(request.user, client):
        raise Http404
    form = BreakTheGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.break_the_glass(
                client=client, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.warning(
                request,
                _(
                    "Avasit asiakkaan tiedot murtautumalla. Käyttö on kirjattu ja esihenkilö tarkastaa sen."
                ),
            )
            return redirect("clients:detail", client_id=client.uuid)
    return render(request, "clients/break_the_glass.html", {"client_id": client.uuid, "form": form})


@require_GET
def break_the_glass_review(request):
    if not rules.has_perm("clients.review_break_the_glass", request.user):
        raise PermissionDenied
    events = list(
        _reviewable_events(request.user).select_related("user", "client", "reviewed_by")[:100]
    )
    log_list_hits(
        actor=request.user,
        client_ids=dict.fromkeys(event.client.uuid for event in events),
        action="clients.client.listed",
        basis=Basis.MANAGER if request.user.active_role == "manager" else Basis.DATA_PROTECTION,
        detail="break_the_glass_review",
    )
    return render(request, "clients/break_the_glass_review.html", {"events": events})


def _reviewable_events(user):
    events = BreakTheGlass.objects.all()
    if user.active_role == "manager":
        return events.filter(client__responsible_unit=user.active_assignment.unit_id)
    return events.filter(
        client__responsible_unit__organisation=user.active_assignment.unit.organisation_id
    )


@require_POST
def review_break_the_glass(request, event_id):
    if not rules.has_perm("clients.review_break_the_glass", request.user):
        raise PermissionDenied
    event = get_object_or_404(_reviewable_events(request.user), pk=event_id)
    actions.review_break_the_glass(
        event=event, reviewed_by=request.user, note=request.POST.get("note", "")
    )
    messages.success(request, _("Merkitty tarkastetuksi."))
    return redirect("clients:break_the_glass_review")


@require_http_methods(["GET", "POST"])
def plan_create(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=read_log(request)
    )
    form = ClientPlanForm(
        request.POST or None, initial={"plan_type": request.GET.get("type", "client_plan")}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plan = actions.create_plan(
            client=client, written_by=request.user, goals=data.pop("goals"), **data
        )
        messages.success(request, _("Suunnitelma tallennettu."))
        return redirect("clients:plan_detail", client_id=client.uuid, plan_id=plan.pk)
    return render(request, "clients/plan_form.html", {"client": client, "form": form})


@require_GET
def plan_detail(request, client_id, plan_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.read_plan", log_action=None
    )
    plan = get_object_or_404(
        ClientPlan.objects.select_related("created_by", "superseded_by").prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.order_by("position", "id"))
        ),
        pk=plan_id,
        client=client,
    )
    log_access(
        actor=request.user,
        client_id=client.uuid,
        action="clients.plan.viewed",
        basis=relation_to(request.user, client).basis,
        obj=plan,
    )
    versions = ClientPlan.objects.filter(client=client, plan_type=plan.plan_type).select_related(
        "created_by"
    )
    may_write = rules.has_perm("clients.write_plan", request.user, client)
    return render(
        request,
        "clients/plan_detail.html",
        {
            "client": client,
            "plan": plan,
            "versions": versions,
            "may_write": may_write,
            "may_change_goals": may_write and plan.is_current,
            "goal_statuses": GoalStatus.choices,
        },
    )


@require_POST
def goal_status(request, client_id, plan_id, goal_id):
    """Sets one goal's status on the plan page: htmx swaps the goal in place, a plain form
    post returns to the plan page at the goal."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=None
    )
    goal = get_object_or_404(
        PlanGoal.objects.select_related("plan__superseded_by"),
        pk=goal_id,
        plan_id=plan_id,
        plan__client=client,
    )
    form = GoalStatusForm(request.POST)
    if form.is_valid():
        try:
            goal = actions.set_goal_status(
                goal=goal, status=form.cleaned_data["status"], changed_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
    error = " ".join(e for errors in form.errors.values() for e in errors)
    done = "" if error else _("Tavoitteen tila tallennettu: %(goal)s") % {"goal": goal.text[:60]}
    if request.htmx:
        return render(
            request,
            "clients/plan_detail.html#goal",
            {
                "client": client,
                "plan": goal.plan,
                "goal": goal,
                "may_change_goals": goal.plan.is_current,
                "goal_statuses": GoalStatus.choices,
                "goal_error": error,
                "status_message": done,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(
        reverse("clients:plan_detail", kwargs={"client_id": client.uuid, "plan_id": plan_id})
        + f"#goal-{goal.pk}"
    )


@require_http_methods(["GET", "POST"])
def plan_revise(request, client_id, plan_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=read_log(request)
    )
    plan = get_object_or_404(ClientPlan, pk=plan_id, client=client)
    # plan_type is disabled while revising: the form takes it from `initial`, never from the POST.
    initial = {
        "goals": "\n".join(plan.goals.values_list("text", flat=True)),
        "plan_type": plan.plan_type,
    }
    form = ClientPlanForm(
        request.POST or None,
        instance=plan if request.method == "GET" else None,
        initial=initial,
        revising=True,
    )
    if request.method == "GET":
        form.initial.update({"next_review_on": None})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("plan_type", None)
        try:
            new = actions.revise_plan(
                plan=plan, revised_by=request.user, goals=data.pop("goals"), **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Suunnitelmasta tallennettiin uusi versio."))
            return redirect("clients:plan_detail", client_id=client.uuid, plan_id=new.pk)
    return render(request, "clients/plan_form.html", {"client": client, "form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def assessment_edit(request, client_id, assessment_id=None):
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=read_log(request)
    )
    assessment = (
        get_object_or_404(ServiceNeedAssessment, pk=assessment_id, client=client)
        if assessment_id
        else None
    )
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_assessment(
                client=client, written_by=request.user, assessment=assessment, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Palvelutarpeen arvio tallennettu."))
            return redirect("clients:detail", client_id=client.uuid)
    return render(
        request,
        "clients/assessment_form.html",
        {"client": client, "form": form, "assessment": assessment},
    )


@require_http_methods(["GET", "POST"])
def note_create(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_note", log_action=read_log(request)
    )
    amends = None
    if request.GET.get("amends") or request.POST.get("amends"):
        amends = get_object_or_404(
            CaseNote.objects.readable_by(request.user),
            pk=request.GET.get("amends") or request.POST.get("amends"),
            client=client,
        )
    form = CaseNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.add_note(client=client, author=request.user, amends=amends, **form.cleaned_data)
        messages.success(request, _("Kirjaus tallennettu."))
        return redirect(
            reverse("clients:detail", kwargs={"client_id": client.uuid}) + "#panel-clients-notes"
        )
    return render(
        request, "clients/note_form.html", {"client": client, "form": form, "amends": amends}
    )


@require_http_methods(["GET", "POST"])
def note_edit(request, client_id, note_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_note", log_action=read_log(request)
    )
    note = get_object_or_404(CaseNote.objects.readable_by(request.user), pk=note_id, client=client)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    form = CaseNoteForm(request.POST or None, instance=note if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_note(note=note, edited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kirjaus päivitetty."))
            return redirect(
                reverse("clients:detail", kwargs={"client_id": client.uuid})
                + "#panel-clients-notes"
            )
    return render(request, "clients/note_form.html", {"client": client, "form": form, "note": note})


@require_http_methods(["GET", "POST"])
def handover(request):
    """A manager hands a leaving worker's whole caseload to one or more colleagues of the unit."""
    if not rules.has_perm("clients.hand_over_caseload", request.user):
        raise PermissionDenied
    unit = request.user.active_assignment.unit
    workers = caseload_holders(unit)
    from_user = None
    if request.GET.get("from") or request.POST.get("from"):
        from_user = get_object_or_404(
            workers, pk=request.GET.get("from") or request.POST.get("from")
        )
    form = HandoverForm(request.POST or None, from_user=from_user, unit=unit) if from_user else None
    if form is not None and request.method == "GET":
        log_list_hits(
            actor=request.user,
            client_ids=[c.uuid for c in form.clients],
            action="clients.client.listed",
            basis=Basis.MANAGER,
            detail="handover",
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
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)s asiakkaan vastuu siirretty.") % {"count": count})
            return redirect("clients:handover")
    return render(
        request, "clients/handover.html", {"workers": workers, "from_user": from_user, "form": form}
    )


@require_POST
def request_access(request):
    """An access request from the registration form's duplicate message; the answer tells nothing of the client."""
    if not rules.has_perm("clients.register_client", request.user):
        raise PermissionDenied
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        client = find_client_by_identity_code(form.cleaned_data["identity_code"])
        if client is not None and not relation_to(request.user, client).visible:
            try:
                actions.request_access(
                    client=client, requested_by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error("reason", error.messages)
        if not form.errors:
            messages.success(
                request,
                _("Pyyntö on välitetty asiakkaan vastuutyöntekijälle, joka päättää pääsystä."),
            )
            return redirect("clients:list")
    return render(request, "clients/request_access.html", {"form": form})
