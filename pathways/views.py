"""Pathway pages: plan, follow, end and cancel steps; log attendance, contacts, jobs and
certificates."""

import datetime

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import PRINT_LANGUAGES
from audit.printing import status_unchanged
from clients.access import (
    get_client_for_user,
    log_client_access,
    log_shown_again,
    read_log,
    sees_client_now,
)
from config.downloads import file_name
from config.forms import add_action_error
from config.polling import background_request
from config.query import id_param, text_param, week_param
from pathways import actions, printing, step_rules, timeline
from pathways.access import (
    get_certificate_for_user,
    get_document_for_user,
    get_placement_for_user,
    get_step_for_user,
    get_step_to_follow,
)
from pathways.forms import (
    AttendanceWeekForm,
    BenefitsCounsellingForm,
    CancelPlacementForm,
    CancelStepForm,
    CertificateForm,
    EmployerContactForm,
    EndPlacementForm,
    EndStepForm,
    IncomeClarificationForm,
    InWorkSupportForm,
    IpsPhaseForm,
    JobcenterContractForm,
    PauseStepForm,
    PlacementForm,
    PrintSummaryForm,
    StepForm,
)
from pathways.models import (
    CLIENT_SERVICES_END,
    JOB_KINDS,
    Attendance,
    IpsPhase,
    PathwayStep,
    StepStatus,
)
from pathways.pauses import pauses_of
from pathways.querysets import awaited_support, first_job_start, ips_phases
from pathways.summary import SECTIONS
from services.i18n import in_name_order
from services.models import NoRuleSetInForce, ServiceRuleSet, ServiceType

VIEWED = "pathways.step.viewed"
# The summary's print dialog (language and sections), told apart from the client's page.
SUMMARY_DIALOG_VIEWED = "pathways.summary_dialog.viewed"


def _period(start: datetime.date, end: datetime.date | None) -> str:
    """A period as in messages: 1.2.2027–31.7.2027, or 1.2.2027– without an end."""
    end_text = formats.date_format(end, "SHORT_DATE_FORMAT") if end else ""
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')}–{end_text}"


@require_http_methods(["GET", "POST"])
def step_create(request, client_id):
    client = get_client_for_user(
        request.user,
        client_id,
        permission="pathways.plan_step",
        log_action=read_log(request),
    )
    follows = _follows(request, client)
    code = text_param(request, "type")
    if not code:
        types = ServiceType.objects.active().order_by(in_name_order())
        log_shown_again(request, client)
        return render(
            request,
            "pathways/choose_service.html",
            {"client": client, "types": types, "follows": follows},
        )
    service_type = get_object_or_404(ServiceType.objects.active(), code=code)
    form = StepForm(request.POST or None, service_type=service_type, client=client)
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
    day = (form.cleaned_data.get("start_on") if form.is_bound and form.is_valid() else None) or (
        timezone.localdate()
    )
    rule_set = _rule_set_in_force(service_type, client, day)
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
            "alongside": step_rules.alongside(rule_set, client.responsible_unit.organisation, day)
            if rule_set
            else None,
        },
    )


def _follows(request, client):
    """The client's running step whose follow-on is being planned (`?follows=<step id>`)."""
    step_id = id_param(request, "follows")
    if step_id is None:
        return None
    return get_step_to_follow(client, step_id)


def _rule_set_in_force(service_type, client, day):
    """The rule set the form's notices describe (the client's organisation's, on the day)."""
    try:
        return ServiceRuleSet.objects.in_force(
            service_type, client.responsible_unit.organisation, day
        )
    except NoRuleSetInForce:
        return None


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
    rules_set = step.rule_set
    if not (step.coach_id and rules_set and rules_set.coach_caseload_warning):
        return ""
    caseload = PathwayStep.objects.caseload(step.coach, step.code)
    if caseload > rules_set.coach_caseload_warning:
        return _(
            "Valmentajalla on %(count)s aktiivista asiakasta; suositus on enintään %(max)s."
        ) % {"count": caseload, "max": rules_set.coach_caseload_warning}
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
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.update_step(step=step, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
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
        log_action=read_log(request, VIEWED),
    )
    if step.status == StepStatus.ENDED:
        raise Http404
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
        log_action=read_log(request, VIEWED),
    )
    if step.status != StepStatus.PLANNED:
        raise Http404
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
        log_action=read_log(request, VIEWED),
    )
    if step.status != StepStatus.ACTIVE:
        raise Http404
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


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _iso_week(monday: datetime.date) -> str:
    """The week as in the address: 2026-W47."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _step_weeks(step) -> tuple[datetime.date, datetime.date | None]:
    """Mondays of the step's first and last week; no last week without an end or planned end."""
    last_day = step.end_or_planned_end
    return _monday(step.start_on), _monday(last_day) if last_day else None


def _week_of(request, step) -> datetime.date:
    """Monday of the requested ISO week (?week=2026-W47), else of this week, kept within the
    step: a week before its first week is its first, one after its last is its last."""
    first, last = _step_weeks(step)
    monday = week_param(request, "week") or _monday(timezone.localdate())
    if last and monday > last:
        return last
    return max(monday, first)


@require_http_methods(["GET", "POST"])
def attendance(request, client_id, step_id):
    """The attendance grid of one week; htmx swaps just the grid, the form works without it."""
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission="pathways.log_step",
        log_action="pathways.attendance.viewed" if request.method == "GET" else None,
    )
    if not step.service_type.needs_attendance:
        raise Http404
    monday = _week_of(request, step)
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    existing = {
        row.day: row for row in Attendance.objects.filter(step=step, day__range=(days[0], days[-1]))
    }
    with_compensation = step.code == "open_work"
    form = AttendanceWeekForm(
        request.POST or None, days=days, with_compensation=with_compensation, existing=existing
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_week_attendance(step=step, recorded_by=request.user, days=form.week())
        except ValidationError as error:
            # Each error next to the field of the day it concerns (the hours, the reason, the
            # compensation); one without such a field (the grid of a service paid no
            # compensation) next to the day's status.
            for key, errors in error.error_dict.items():
                if key not in form.fields:
                    key = f"{key[:10]}-status" if f"{key[:10]}-status" in form.fields else None
                form.add_error(key, errors)
        else:
            saved = True
            if not request.htmx:
                messages.success(request, _("Viikon läsnäolot tallennettu."))
                return redirect(
                    reverse(
                        "pathways:attendance", kwargs={"client_id": client.uuid, "step_id": step.pk}
                    )
                    + f"?week={_iso_week(monday)}"
                )
    if request.method == "POST" and not saved:
        # A refused week shows the step's attendance again (the grid and the monthly
        # summary) without the action's row: logged as the GET logs it.
        log_client_access(request.user, client, "pathways.attendance.viewed", step)
    first, last = _step_weeks(step)
    week = datetime.timedelta(days=7)
    context = {
        "client": client,
        "step": step,
        "form": form,
        "saved": saved,
        "week_label": _iso_week(monday),
        "week_number": monday.isocalendar().week,
        # The heading names the days too: week 1 and week 53 alone do not tell the year.
        "week_days": days,
        # No link out of the step: such a week would show the step's first or last again.
        "previous_week": _iso_week(monday - week) if monday > first else None,
        "next_week": _iso_week(monday + week) if last is None or monday < last else None,
        "summary": list(Attendance.objects.filter(step=step).monthly_summary()),
        "with_compensation": with_compensation,
    }
    template = "pathways/attendance.html#grid" if request.htmx else "pathways/attendance.html"
    return render(request, template, context)


def _record_form(
    request,
    client_id,
    step_id,
    form_class,
    action,
    title,
    *,
    permission="pathways.log_step",
    instance=None,
    only_open_of=None,
    with_step=False,
):
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission=permission,
        log_action=read_log(request, VIEWED),
    )
    if only_open_of and (step.code != only_open_of or step.status == StepStatus.ENDED):
        raise Http404
    current = instance(step) if instance else None
    extra = {"step": step} if with_step else {}
    form = (
        form_class(request.POST or None, instance=current, **extra)
        if hasattr(form_class, "_meta")
        else form_class(request.POST or None, **extra)
    )
    if request.method == "POST" and form.is_valid():
        try:
            action(step, form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Tallennettu."))
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    log_shown_again(request, client, VIEWED, step)
    return render(
        request,
        "pathways/record_form.html",
        {"client": client, "step": step, "form": form, "title": title},
    )


@require_http_methods(["GET", "POST"])
def jobcenter_contract(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        JobcenterContractForm,
        lambda step, data: actions.save_jobcenter_contract(
            step=step, saved_by=request.user, **data
        ),
        _("Jobcenter-työsopimus"),
        instance=lambda step: getattr(step, "jobcenter_contract", None),
        only_open_of="jobcenter_paid_work",
        with_step=True,
    )


@require_http_methods(["GET", "POST"])
def income_clarification(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        IncomeClarificationForm,
        lambda step, data: actions.record_income_clarification(
            step=step, recorded_by=request.user, **data
        ),
        _("Tuloselvitys"),
        instance=lambda step: step,
        only_open_of="jobcenter_paid_work",
    )


@require_http_methods(["GET", "POST"])
def employer_contact(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        EmployerContactForm,
        lambda step, data: actions.add_employer_contact(
            step=step, recorded_by=request.user, **data
        ),
        _("Työnantajakontakti"),
    )


@require_http_methods(["GET", "POST"])
def in_work_support(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        InWorkSupportForm,
        lambda step, data: actions.add_in_work_support(step=step, recorded_by=request.user, **data),
        _("Tuki työssä"),
    )


@require_http_methods(["GET", "POST"])
def ips_phase(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        IpsPhaseForm,
        lambda step, data: actions.record_ips_phase(step=step, recorded_by=request.user, **data),
        _("IPS-vaihe"),
        only_open_of="supported_employment",
    )


@require_http_methods(["GET", "POST"])
def benefits_counselling(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        BenefitsCounsellingForm,
        lambda step, data: actions.record_benefits_counselling(
            step=step, recorded_by=request.user, **data
        ),
        _("Etuusneuvonta"),
        only_open_of="supported_employment",
    )


@require_http_methods(["GET", "POST"])
def placement(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        PlacementForm,
        lambda step, data: actions.record_placement(
            client=step.client, step=step, recorded_by=request.user, **data
        ),
        _("Työllistyminen tai opinnot"),
    )


@require_http_methods(["GET", "POST"])
def placement_end(request, client_id, step_id, placement_id):
    """Records the day a job or studies ended and why; only one that has begun and is neither
    ended nor cancelled has this page."""
    client, step, placement = get_placement_for_user(
        request.user, client_id, step_id, placement_id, log_action=read_log(request, VIEWED)
    )
    if not placement.may_end_on(timezone.localdate()):
        raise Http404
    form = EndPlacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_placement(placement=placement, ended_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Työn tai opintojen päättyminen kirjattu."))
            if placement.kind in JOB_KINDS and _in_work_support(step):
                messages.info(request, _IPS_PHASE_STAYS)
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    log_shown_again(request, client, VIEWED, step)
    return render(
        request,
        "pathways/placement_end.html",
        {
            "client": client,
            "step": step,
            "placement": placement,
            "form": form,
            "ips_job": placement.kind in JOB_KINDS and step.code == "supported_employment",
        },
    )


# After a job of an IPS step in in-work support ends: the phase is the coach's to record.
_IPS_PHASE_STAYS = gettext_lazy(
    "IPS-vaihe ei muutu työn päättyessä. Kirjaa uusi vaihe, jos asiakas palaa työnhakuun."
)


def _in_work_support(step) -> bool:
    """The step is an IPS step, not ended, in in-work support today."""
    return (
        step.code == "supported_employment"
        and step.is_open
        and step.ips_phase_on(timezone.localdate()) == IpsPhase.IN_WORK_SUPPORT
    )


@require_http_methods(["GET", "POST"])
def placement_cancel(request, client_id, step_id, placement_id):
    """Cancels a job or studies agreed to begin later that fell through, after the page says
    what follows; only one that has not begun has this page (a refusal of the action, a start
    day come meanwhile, shows on it)."""
    client, step, placement = get_placement_for_user(
        request.user, client_id, step_id, placement_id, log_action=read_log(request, VIEWED)
    )
    today = timezone.localdate()
    if placement.is_cancelled or (request.method == "GET" and not placement.may_cancel_on(today)):
        raise Http404
    form = CancelPlacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.cancel_placement(
                placement=placement, cancelled_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Työ tai opinnot peruttu."))
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
    log_shown_again(request, client, VIEWED, step)
    awaited = awaited_support(placement, today)
    return render(
        request,
        "pathways/placement_cancel.html",
        {
            "client": client,
            "step": step,
            "placement": placement,
            "form": form,
            "awaited": awaited,
            "ips_phase": step.ips_phase_on(today) if awaited else None,
        },
    )


@require_http_methods(["GET", "POST"])
def certificate(request, client_id, step_id):
    return _record_form(
        request,
        client_id,
        step_id,
        CertificateForm,
        lambda step, data: actions.issue_certificate(step=step, issued_by=request.user, **data),
        _("Osaamistodistus"),
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


@require_http_methods(["GET", "POST"])
def print_summary(request, client_id):
    """The print dialog: language (the client's by default) and sections; queues the PDF."""
    client = get_client_for_user(
        request.user,
        client_id,
        permission="pathways.print_summary",
        log_action=read_log(request, SUMMARY_DIALOG_VIEWED),
    )
    form = PrintSummaryForm(
        request.POST or None,
        initial={"language": actions.print_language_of(client), "sections": list(SECTIONS)},
    )
    if request.method == "POST" and form.is_valid():
        document = actions.request_pathway_summary(
            client=client,
            requested_by=request.user,
            language=form.cleaned_data["language"],
            sections=form.cleaned_data["sections"],
        )
        return redirect("pathways:document", client_id=client.uuid, document_id=document.uuid)
    log_shown_again(request, client, SUMMARY_DIALOG_VIEWED)
    return render(request, "pathways/print_summary.html", {"client": client, "form": form})


@require_POST
def print_certificate(request, client_id, step_id, certificate_id):
    """Queues the certificate's PDF in the chosen language, the client's by default."""
    client, _step, certificate = get_certificate_for_user(
        request.user, client_id, step_id, certificate_id
    )
    language = request.POST.get("language") or actions.print_language_of(client)
    try:
        document = actions.request_certificate_pdf(
            certificate=certificate, requested_by=request.user, language=language
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pathways:step", client_id=client.uuid, step_id=certificate.step_id)
    return redirect("pathways:document", client_id=client.uuid, document_id=document.uuid)


def _document_context(client, document) -> dict:
    return {
        "client": client,
        "document": document,
        "printed_files_kept_days": settings.POLKU_PRINTED_FILES_KEPT_DAYS,
    }


@require_GET
def document(request, client_id, document_id):
    """The progress page of a printed document, then its download link."""
    client, document = get_document_for_user(request.user, client_id, document_id, log_view=True)
    return render(request, "pathways/document.html", _document_context(client, document))


@background_request
@require_GET
def document_status(request, client_id, document_id):
    """Polled by htmx while the PDF is made; background polling does not extend the session.
    Answers 204 (nothing to swap) while the status is the one the page shows (`shown`)."""
    client, document = get_document_for_user(request.user, client_id, document_id, log_view=False)
    if status_unchanged(request.GET.get("shown"), document):
        return HttpResponse(status=204)
    return render(
        request,
        "pathways/document.html#status",
        {**_document_context(client, document), "status_only": True},
    )


@require_GET
def document_download(request, client_id, document_id):
    _client, document = get_document_for_user(request.user, client_id, document_id, log_view=False)
    if document.status != "ready":
        raise Http404
    # Opened before the print is logged: the daily cleanup may have removed the file.
    pdf = printing.open_stored(document.file_name)
    if pdf is None:
        raise Http404
    actions.record_print_handed_over(document=document, by=request.user)
    requested_on = timezone.localtime(document.requested_at).date()
    # Named in the document's language, as its title is.
    with translation.override(document.language):
        filename = file_name(document.get_kind_display(), requested_on, extension="pdf")
    return FileResponse(pdf, as_attachment=True, filename=filename, content_type="application/pdf")
