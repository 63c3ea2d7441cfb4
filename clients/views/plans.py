"""Service-need assessments, client plans with their goals and revisions, and case notes."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients import actions
from clients.access import (
    get_client_for_user,
    log_client_access,
    log_shown_again,
    read_log,
)
from clients.forms import (
    AssessmentForm,
    CaseNoteForm,
    ClientPlanForm,
    GoalStatusForm,
    NewCaseNoteForm,
)
from clients.models import (
    CaseNote,
    ClientPlan,
    GoalStatus,
    PlanGoal,
    ServiceNeedAssessment,
)
from clients.page_panels import open_assessment, readable_notes
from config.forms import add_action_error
from config.query import id_param


@require_http_methods(["GET", "POST"])
def plan_create(request, client_id):
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=read_log(request)
    )
    form = ClientPlanForm(
        request.POST or None, initial={"plan_type": request.GET.get("type", "client_plan")}
    )
    back = _back_to_client(request, client)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            plan = actions.create_plan(
                client=client, written_by=request.user, goals=data.pop("goals"), **data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Suunnitelma tallennettu."))
            if back:
                return redirect(back)
            return redirect("clients:plan_detail", client_id=client.uuid, plan_id=plan.pk)
    log_shown_again(request, client)
    return render(request, "clients/plan_form.html", {"client": client, "form": form, "next": back})


def _back_to_client(request, client) -> str:
    """The page to return to after the plan is saved (`next`): only one of this client's own
    pages (the step form that needed the plan), else none."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    own = f"/clients/{client.uuid}/"
    if back.startswith(own) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return ""


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
    log_client_access(request.user, client, PLAN_VIEWED, plan)
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
            # A version a draft revision supersedes stays in force until the draft is decided.
            "in_force": ClientPlan.objects.filter(pk=plan.pk).in_force().exists(),
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
    before = goal.status
    if form.is_valid():
        try:
            goal = actions.set_goal_status(
                goal=goal, status=form.cleaned_data["status"], changed_by=request.user
            )
        except ValidationError as error:
            add_action_error(form, error)
    error = " ".join(e for errors in form.errors.values() for e in errors)
    done = "" if error else _("Tavoitteen tila tallennettu: %(goal)s") % {"goal": goal.text[:60]}
    if request.htmx:
        if error or goal.status == before:
            # The goal shown again in place, and the action wrote no row (it refused, or the
            # status was already that): logged as the plan page logs its read. A plain form
            # post goes back to the plan page, which logs it.
            log_client_access(request.user, client, PLAN_VIEWED, goal.plan)
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


PLAN_VIEWED = "clients.plan.viewed"
ASSESSMENT_VIEWED = "clients.assessment.viewed"


@require_http_methods(["GET", "POST"])
def plan_revise(request, client_id, plan_id):
    """The plan's form filled with the version revised: a read of that plan, logged as the
    plan page logs it (the client's own words, goals and services are on it)."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=None
    )
    plan = get_object_or_404(ClientPlan, pk=plan_id, client=client)
    if request.method == "GET":
        log_client_access(request.user, client, PLAN_VIEWED, plan)
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
            add_action_error(form, error)
        else:
            messages.success(request, _("Suunnitelmasta tallennettiin uusi versio."))
            return redirect("clients:plan_detail", client_id=client.uuid, plan_id=new.pk)
    log_shown_again(request, client, PLAN_VIEWED, plan)
    return render(request, "clients/plan_form.html", {"client": client, "form": form, "plan": plan})


@require_GET
def assessment_list(request, client_id):
    """Every service-need assessment of the client, newest first (the client page shows the
    newest few); logged as one read of the client's assessments."""
    client = get_client_for_user(
        request.user,
        client_id,
        permission="clients.read_plan",
        log_action=read_log(request, "clients.assessments.viewed"),
    )
    may_write = rules.has_perm("clients.write_plan", request.user, client)
    return render(
        request,
        "clients/assessment_list.html",
        {
            "client": client,
            "assessments": ServiceNeedAssessment.objects.filter(client=client).select_related(
                "author"
            ),
            "may_write": may_write,
            "open_assessment": open_assessment(client) if may_write else None,
        },
    )


@require_GET
def assessment_detail(request, client_id, assessment_id):
    """One service-need assessment in full, for the team (PERMISSIONS.md: the responsible
    worker and sote contact person write, team members read); logged as its read."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.read_plan", log_action=None
    )
    assessment = get_object_or_404(
        ServiceNeedAssessment.objects.select_related("author"), pk=assessment_id, client=client
    )
    log_client_access(request.user, client, ASSESSMENT_VIEWED, assessment)
    return render(
        request,
        "clients/assessment_detail.html",
        {
            "client": client,
            "assessment": assessment,
            "may_write": rules.has_perm("clients.write_plan", request.user, client),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_edit(request, client_id, assessment_id=None):
    """A new assessment's form, or the form of an assessment in progress filled with it: the
    latter is a read of that assessment, logged as its page logs it. A completed assessment
    is not edited (`actions.save_assessment`): its page instead, which logs its own read,
    saying that a correction is a new assessment."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_plan", log_action=None
    )
    assessment = (
        get_object_or_404(ServiceNeedAssessment, pk=assessment_id, client=client)
        if assessment_id
        else None
    )
    if assessment is not None and assessment.completed_on is not None:
        messages.info(request, actions.ASSESSMENT_COMPLETED_FIXED)
        return redirect(
            "clients:assessment_detail", client_id=client.uuid, assessment_id=assessment.pk
        )
    read = (ASSESSMENT_VIEWED, assessment) if assessment else ("clients.client.viewed", None)
    if request.method == "GET":
        log_client_access(request.user, client, *read)
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_assessment(
                client=client, written_by=request.user, assessment=assessment, **form.cleaned_data
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Palvelutarpeen arvio tallennettu."))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client, *read)
    return render(
        request,
        "clients/assessment_form.html",
        {"client": client, "form": form, "assessment": assessment},
    )


NOTES_PER_PAGE = 30


@require_GET
def note_list(request, client_id):
    """Every note of the client the user may read, newest first, a page at a time (the
    client page shows the newest); logged as one read of the client's notes."""
    client = get_client_for_user(
        request.user,
        client_id,
        permission="clients.read_notes",
        log_action=read_log(request, "clients.notes.viewed"),
    )
    page = Paginator(readable_notes(request.user, client), NOTES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "clients/note_list.html",
        {
            "client": client,
            "page": page,
            "may_write": rules.has_perm("clients.write_note", request.user, client),
            "hidden_health_notes": not rules.has_perm(
                "clients.read_health_notes", request.user, client
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def note_create(request, client_id):
    """A new note, or one amending an earlier note (`?amends=`): logged once the amended note
    is found, as a 404 shows nothing of the client."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_note", log_action=None
    )
    amends = None
    amended = id_param(request, "amends")
    if amended is not None:
        amends = get_object_or_404(
            CaseNote.objects.readable_by(request.user), pk=amended, client=client
        )
    if request.method == "GET":
        log_client_access(request.user, client, "clients.client.viewed")
    form = NewCaseNoteForm(request.POST or None, amends=amends)
    if request.method == "POST" and form.is_valid():
        try:
            # The same form sent again (a double click) answers as the first: the one note.
            actions.add_note(client=client, author=request.user, amends=amends, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
            if getattr(error, "code", None) == "sent_already_changed":
                form.renew_token()
        else:
            messages.success(request, _("Kirjaus tallennettu."))
            return redirect(
                reverse("clients:detail", kwargs={"client_id": client.uuid})
                + "#panel-clients-notes"
            )
    log_shown_again(request, client)
    return render(
        request, "clients/note_form.html", {"client": client, "form": form, "amends": amends}
    )


@require_http_methods(["GET", "POST"])
def note_edit(request, client_id, note_id):
    """The author's note in its form, within its 24 hours; logged when the form is shown."""
    client = get_client_for_user(
        request.user, client_id, permission="clients.write_note", log_action=None
    )
    note = get_object_or_404(CaseNote.objects.readable_by(request.user), pk=note_id, client=client)
    if note.author_id != request.user.pk:
        raise PermissionDenied
    if request.method == "GET":
        if not note.edit_window_open:
            # Past its 24 hours the note is only amended: the form to amend it, not one that
            # would refuse what the user typed. That page logs its own read.
            messages.info(
                request, _("Kirjausta voi muokata 24 tunnin ajan. Tee nyt täydentävä kirjaus.")
            )
            return redirect(
                reverse("clients:note_create", kwargs={"client_id": client.uuid})
                + f"?amends={note.pk}"
            )
        log_client_access(request.user, client, "clients.client.viewed")
    form = CaseNoteForm(
        request.POST or None,
        instance=note if request.method == "GET" else None,
        amends=note.amends,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_note(note=note, edited_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Kirjaus päivitetty."))
            return redirect(
                reverse("clients:detail", kwargs={"client_id": client.uuid})
                + "#panel-clients-notes"
            )
    log_shown_again(request, client)
    return render(request, "clients/note_form.html", {"client": client, "form": form, "note": note})
