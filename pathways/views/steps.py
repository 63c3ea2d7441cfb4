"""Planning, following, changing, pausing, ending and cancelling a step; the client page's
pathway panel."""

import datetime

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import PRINT_LANGUAGES
from clients.access import (
    get_client_for_user,
    log_client_access,
    log_shown_again,
    read_log,
    sees_client_now,
)
from config.forms import add_action_error
from config.query import id_param, text_param
from pathways import actions, step_rules, timeline
from pathways.access import get_step_for_user, get_step_to_follow
from pathways.forms import CancelStepForm, EndStepForm, PauseStepForm, ResumeStepForm, StepForm
from pathways.models import (
    CLIENT_SERVICES_END,
    PLAN_FIELDS,
    Attendance,
    PathwayStep,
    StepStatus,
)
from pathways.pauses import pauses_of
from pathways.querysets import first_job_start, ips_phases
from services.i18n import in_name_order
from services.models import NoRuleSetInForce, ServiceRuleSet, ServiceType

VIEWED = "pathways.step.viewed"


def log_step_shown(request, client, step, action: str = VIEWED) -> None:
    """The read of a step's page about to be shown on GET, logged once the page is neither
    refused (404: nothing of the client shown) nor sending the user on (the page it
    redirects to logs its own read). On POST the action writes its row, or a refused form
    logs as shown again (`log_shown_again`)."""
    if request.method == "GET":
        log_client_access(request.user, client, action, step)


def _period(start: datetime.date, end: datetime.date | None) -> str:
    """A period as in messages: 1.2.2027–31.7.2027, or 1.2.2027– without an end."""
    end_text = formats.date_format(end, "SHORT_DATE_FORMAT") if end else ""
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')}–{end_text}"


@require_http_methods(["GET", "POST"])
def step_create(request, client_id):
    """The service to plan, then its form. Logged when a page is shown: a step that can no
    longer be followed on sends the user to its page, which logs its own read, and a step or
    service not found (404) shows nothing of the client."""
    client = get_client_for_user(
        request.user, client_id, permission="pathways.plan_step", log_action=None
    )
    follows = _follows(request, client)
    if request.method == "GET" and follows is not None and follows.follow_on_refusal:
        # Followed meanwhile, or ended: the step's page shows what follows it now. (A form
        # sent stays, with the action's refusal, so that nothing typed is lost.)
        messages.error(request, follows.follow_on_refusal)
        return redirect("pathways:step", client_id=client.uuid, step_id=follows.pk)
    code = text_param(request, "type")
    service_type = get_object_or_404(ServiceType.objects.active(), code=code) if code else None
    if request.method == "GET":
        log_client_access(request.user, client, "clients.client.viewed")
    if not code:
        types = ServiceType.objects.active().order_by(in_name_order())
        log_shown_again(request, client)
        return render(
            request,
            "pathways/choose_service.html",
            {"client": client, "types": types, "follows": follows},
        )
    form = StepForm(request.POST or None, service_type=service_type, client=client, follows=follows)
    if request.method == "POST" and form.is_valid():
        try:
            step = actions.plan_step(
                client=client,
                planned_by=request.user,
                service_type=service_type,
                follows=follows,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Palvelujakso suunniteltu."))
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    # The notices read the rule set the form marks its required fields by.
    rule_set = form.rule_set
    log_shown_again(request, client)
    return render(
        request,
        "pathways/step_form.html",
        {
            "client": client,
            "form": form,
            "service_type": service_type,
            "follows": follows,
            "rule_set": rule_set,
            "may_write_plan": rules.has_perm("clients.write_plan", request.user, client),
            "alongside": step_rules.alongside(
                rule_set, client.responsible_unit.organisation, form.rules_on
            )
            if rule_set
            else None,
        },
    )


def _follows(request, client):
    """The client's step whose follow-on is being planned (`?follows=<step id>`)."""
    step_id = id_param(request, "follows")
    if step_id is None:
        return None
    return get_step_to_follow(client, step_id)


@require_http_methods(["GET"])
def step_detail(request, client_id, step_id):
    client, step = get_step_for_user(request.user, client_id, step_id, log_action=VIEWED)
    today = timezone.localdate()
    step.contact_count = step.employer_contacts.count()
    ips = step.code == "supported_employment"
    return render(
        request,
        "pathways/step_detail.html",
        {
            "client": client,
            "step": step,
            "today": today,
            "pauses": pauses_of(step) if step.paused_on else (),
            "warnings": timeline.step_warnings(step, today),
            "may_log": rules.has_perm("pathways.log_step", request.user, step),
            "may_plan": rules.has_perm("pathways.plan_step", request.user, client),
            # The plan the step was planned under, named only to those who may read plans.
            "may_read_plan": rules.has_perm("clients.read_plan", request.user, client),
            **_follow_on_request(request.user, step),
            "attendance_summary": list(Attendance.objects.filter(step=step).monthly_summary()),
            "contacts": step.employer_contacts.all(),
            "support": step.in_work_support.all(),
            "phase_changes": ips_phases(step, today) if ips else (),
            # The phase on the day (an ended step's as it ended), and a change dated ahead: the
            # in-work support of a job that begins later.
            "ips_phase": step.ips_phase_on(min(today, step.ended_on or today)) if ips else None,
            "phase_ahead": step.phase_changes.ahead_of(today).first()
            if ips and step.is_open
            else None,
            # In-work support is recorded once a job has begun (actions.add_in_work_support).
            "job_started": ips and first_job_start(step, until=today) is not None,
            "placements": _placements(step, today),
            "certificates": step.certificates.all(),
            "print_languages": PRINT_LANGUAGES,
            "print_language": actions.print_language_of(client),
            "contract": getattr(step, "jobcenter_contract", None)
            if step.code == "jobcenter_paid_work"
            else None,
            "caseload_warning": _caseload_warning(step),
            "resume_form": ResumeStepForm(step=step) if step.status == StepStatus.PAUSED else None,
        },
    )


def _placements(step, today) -> list:
    """The step's placements, each with what may be done with it today: its end recorded once
    it has begun (`may_end`), cancelled while it has not (`may_cancel`)."""
    placements = list(step.placements.all())
    for placement in placements:
        placement.may_end = placement.may_end_on(today)
        placement.may_cancel = placement.may_cancel_on(today)
    return placements


def _caseload_warning(step) -> str:
    """The warning that the step's coach has more clients in the service than the limit
    (`coach_caseload_warning`) of the rule set in force today, the step's organisations' own
    (`step_rules.arranging_organisations`) or else the general one: the caseload is today's, so the limit is too, not the one in
    force when this step started (an IPS step has no end)."""
    if not step.coach_id:
        return ""
    try:
        rules_set = ServiceRuleSet.objects.in_force(
            step.service_type,
            step_rules.arranging_organisations(step.client, step.unit),
            timezone.localdate(),
        )
    except NoRuleSetInForce:
        return ""
    if not rules_set.coach_caseload_warning:
        return ""
    caseload = PathwayStep.objects.caseload(step.coach, step.code)
    if caseload > rules_set.coach_caseload_warning:
        return _(
            "Valmentajalla on %(count)s aktiivista asiakasta; suositus on enintään %(max)s "
            "(%(source)s)."
        ) % {
            "count": caseload,
            "max": rules_set.coach_caseload_warning,
            "source": rules_set.translated_source,
        }
    return ""


@require_http_methods(["GET", "POST"])
def step_edit(request, client_id, step_id):
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission="pathways.plan_step",
        log_action=read_log(request, VIEWED),
    )
    form = StepForm(
        request.POST or None,
        instance=step if request.method == "GET" else None,
        service_type=step.service_type,
        client=client,
        current_coach=step.coach,
        current_unit=step.unit,
        plan_state=step.plan_state,
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        # The plan as the form was shown with; a form sent without it is not compared.
        shown = fields.pop("shown") or None
        try:
            changed = actions.update_step(step=step, changed_by=request.user, shown=shown, **fields)
        except ValidationError as error:
            add_action_error(form, error)
            if getattr(error, "code", None) == "changed_meanwhile":
                # Saving again, once the user has checked the step, saves over the plan as
                # it is now, not as it was when the form was opened.
                step.refresh_from_db(fields=PLAN_FIELDS)
                form.show_current(step)
        else:
            messages.success(request, _("Palvelujakso päivitetty."))
            if changed.changed_with:
                messages.info(
                    request,
                    _("Samalla muuttuivat jakson päivät: %(services)s.")
                    % {
                        "services": ", ".join(
                            f"{s.service_type.name} ({_period(s.start_on, s.planned_end_on)})"
                            for s in changed.changed_with
                        )
                    },
                )
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    log_shown_again(request, client, VIEWED, step)
    return render(
        request,
        "pathways/step_form.html",
        {
            "client": client,
            "form": form,
            "service_type": step.service_type,
            "step": step,
            "rule_set": step.rule_set,
        },
    )


# What to do next once a step ended because the client's services end altogether.
_SERVICES_END_MESSAGE = gettext_lazy(
    "Asiakkaan palvelut päättyvät: päätä tai peru asiakkaan muut jaksot ja "
    "päätä sitten asiakkuus asiakkaan sivulta."
)


@require_http_methods(["GET", "POST"])
def step_end(request, client_id, step_id):
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission="pathways.log_step",
        log_action=None,
    )
    if step.status == StepStatus.ENDED:
        raise Http404
    log_step_shown(request, client, step)
    form = EndStepForm(request.POST or None, step=step)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = actions.end_step(
                step=step,
                ended_by=request.user,
                ended_on=data["ended_on"],
                end_reason=data["end_reason"],
                next_step=data["next_step"],
                exit_outcome=data["exit_outcome"],
                review_decision=data.get("review_decision", ""),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Palvelujakso päätetty."))
            if ended.end_reason in CLIENT_SERVICES_END:
                messages.info(request, _SERVICES_END_MESSAGE)
            if ended.ended_with:
                messages.info(
                    request,
                    _("Samalla päättyi: %(services)s.")
                    % {"services": ", ".join(s.service_type.name for s in ended.ended_with)},
                )
            # A coach whose only tie to the client was this step (and the companions ending
            # with it) leaves the care team with it: the client page would answer 404.
            if sees_client_now(request.user, client):
                return redirect("clients:detail", client_id=client.uuid)
            return redirect("clients:list")
    log_shown_again(request, client, VIEWED, step)
    return render(
        request,
        "pathways/step_end.html",
        {
            "client": client,
            "step": step,
            "form": form,
            "may_plan": rules.has_perm("pathways.plan_step", request.user, client),
            # A Jobcenter period that ran is ended only with its contract recorded: the page
            # links to the contract's form (same permission as ending, `pathways.log_step`).
            "contract_missing": step_rules.contract_needed_to_end(step),
            **_follow_on_request(request.user, step),
        },
    )


def _follow_on_request(user, step) -> dict:
    """Whether `user` may ask the responsible worker for the open `step`'s follow-on, and the
    task that asked for it once asked (so the page shows it asked, not the button)."""
    may_ask = (
        step.status != StepStatus.ENDED
        and step.next_step_id is None
        and rules.has_perm("pathways.ask_for_follow_on", user, step)
    )
    return {
        "may_ask_follow_on": may_ask,
        "follow_on_asked": actions.follow_on_requested(step) if may_ask else None,
    }


@require_POST
def step_ask_follow_on(request, client_id, step_id):
    """The coach's request that the responsible worker plan the step's follow-on; back to
    the page it was asked on (the step's or its end page)."""
    client, step = get_step_for_user(
        request.user, client_id, step_id, permission="pathways.ask_for_follow_on", log_action=None
    )
    try:
        actions.ask_for_follow_on(step=step, asked_by=request.user)
    except ValidationError as error:
        # The step page it redirects to shows the refusal and logs that read.
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Vastuutyöntekijää pyydettiin suunnittelemaan jatkopolku. Pyyntö näkyy hänen "
                "tehtävissään."
            ),
        )
    page = "pathways:step_end" if request.POST.get("back") == "end" else "pathways:step"
    if page == "pathways:step_end" and step.status == StepStatus.ENDED:
        page = "pathways:step"
    return redirect(page, client_id=client.uuid, step_id=step.pk)


@require_http_methods(["GET", "POST"])
def step_cancel(request, client_id, step_id):
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission="pathways.plan_step",
        log_action=None,
    )
    if step.status != StepStatus.PLANNED:
        raise Http404
    log_step_shown(request, client, step)
    ended = (
        PathwayStep.objects.ended_into([step])
        .select_related("service_type", "rule_set", "client__responsible_unit__organisation")
        .first()
    )
    form = CancelStepForm(request.POST or None, step=step, ended=ended)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cancelled = actions.cancel_step(
                step=step,
                cancelled_by=request.user,
                reason=data["reason"],
                next_step=data.get("next_step"),
                exit_outcome=data.get("exit_outcome", ""),
                services_end_reason=data.get("services_end_reason", ""),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Palvelujakso peruttu."))
            if cancelled.follow_on_replaced and data.get("services_end_reason"):
                messages.info(request, _SERVICES_END_MESSAGE)
            if cancelled.cancelled_with:
                messages.info(
                    request,
                    _("Samalla peruttiin: %(services)s.")
                    % {
                        "services": ", ".join(s.service_type.name for s in cancelled.cancelled_with)
                    },
                )
            for replaced in cancelled.follow_on_replaced:
                messages.info(request, _follow_on_replaced_message(replaced))
            return redirect("clients:detail", client_id=client.uuid)
    log_shown_again(request, client, VIEWED, step)
    return render(
        request,
        "pathways/step_cancel.html",
        {
            "client": client,
            "step": step,
            "form": form,
            "ended": ended,
            "outcome_may_replace": getattr(form, "outcome_may_replace", False),
            "has_replacements": ended is not None and form.fields["next_step"].queryset.exists(),
        },
    )


def _follow_on_replaced_message(ended) -> str:
    """What the ended step now ends into, after its follow-on was cancelled."""
    name = f"{ended.service_type.name}, {formats.date_format(ended.start_on, 'SHORT_DATE_FORMAT')}"
    if ended.next_step is not None:
        return _("Päättyneen jakson %(step)s jatkopolku on nyt %(next)s.") % {
            "step": name,
            "next": ended.next_step.service_type.name,
        }
    return _("Päättyneen jakson %(step)s tulos on nyt: %(outcome)s.") % {
        "step": name,
        "outcome": ended.get_exit_outcome_display(),
    }


@require_POST
def step_status(request, client_id, step_id):
    """Starts or resumes the step; a pause asks since when and why (`step_pause`)."""
    client, step = get_step_for_user(
        request.user, client_id, step_id, permission="pathways.log_step", log_action=None
    )
    if request.POST.get("status") == StepStatus.PAUSED:
        return redirect("pathways:step_pause", client_id=client.uuid, step_id=step.pk)
    try:
        step = actions.set_step_status(
            step=step, status=request.POST.get("status", ""), changed_by=request.user
        )
    except ValidationError as error:
        # The refusal names the client's steps; the step page it redirects to shows it and
        # logs that read, so nothing is logged here.
        messages.error(request, " ".join(error.messages))
    else:
        _status_changed(request, step)
    return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)


def _status_changed(request, step) -> None:
    messages.success(request, _("Jakson tila: %(status)s.") % {"status": step.get_status_display()})
    if step.changed_with:
        message = (
            _("Samalla keskeytyi tauolle: %(services)s.")
            if step.status == StepStatus.PAUSED
            else _("Samalla alkoi tai jatkui: %(services)s.")
        )
        services = ", ".join(s.service_type.name for s in step.changed_with)
        messages.info(request, message % {"services": services})


@require_http_methods(["GET", "POST"])
def step_pause(request, client_id, step_id):
    """Pauses a running step, with the day the pause began and its reason."""
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission="pathways.log_step",
        log_action=None,
    )
    if step.status != StepStatus.ACTIVE:
        raise Http404
    log_step_shown(request, client, step)
    form = PauseStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            step = actions.set_step_status(
                step=step,
                status=StepStatus.PAUSED,
                changed_by=request.user,
                paused_on=form.cleaned_data["paused_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            _status_changed(request, step)
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    log_shown_again(request, client, VIEWED, step)
    return render(
        request, "pathways/step_pause.html", {"client": client, "step": step, "form": form}
    )


@require_http_methods(["GET", "POST"])
def step_resume(request, client_id, step_id):
    """Resumes a paused step, on the day it resumed (today unless dated back); the step page
    sends its resume form here, and a refusal is shown here next to the date."""
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission="pathways.log_step",
        log_action=None,
    )
    if step.status != StepStatus.PAUSED:
        raise Http404
    log_step_shown(request, client, step)
    form = ResumeStepForm(request.POST or None, step=step)
    if request.method == "POST" and form.is_valid():
        try:
            step = actions.set_step_status(
                step=step,
                status=StepStatus.ACTIVE,
                changed_by=request.user,
                resumed_on=form.cleaned_data["resumed_on"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            _status_changed(request, step)
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    log_shown_again(request, client, VIEWED, step)
    return render(
        request, "pathways/step_resume.html", {"client": client, "step": step, "form": form}
    )


def pathway_panel(request, client, relation):
    """The client page's pathway panel: the timeline (SVG and table) with a fixed number of queries."""
    steps = list(
        PathwayStep.objects.of_client(client)
        .for_timeline()
        .select_related("rule_set")
        .annotate(contact_count=Count("employer_contacts"))
    )
    return {
        "timeline": timeline.build(steps, timezone.localdate()),
        "steps": steps,
        "may_plan": rules.has_perm("pathways.plan_step", request.user, client),
        "may_print": rules.has_perm("pathways.print_summary", request.user, client),
    }
