"""What is recorded while a step runs: attendance, the Jobcenter contract, employer
contacts, in-work support, IPS phases, placements and certificates."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clients.access import log_client_access, log_shown_again
from config.forms import add_action_error
from config.query import week_param
from pathways import actions
from pathways.access import get_placement_for_user, get_step_for_user
from pathways.forms import (
    AttendanceWeekForm,
    BenefitsCounsellingForm,
    CancelPlacementForm,
    CertificateForm,
    EmployerContactForm,
    EndPlacementForm,
    IncomeClarificationForm,
    InWorkSupportForm,
    IpsPhaseForm,
    JobcenterContractForm,
    PlacementForm,
)
from pathways.models import JOB_KINDS, Attendance, IpsPhase, StepStatus
from pathways.querysets import awaited_support
from pathways.views.steps import VIEWED, log_step_shown


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _iso_week(monday: datetime.date) -> str:
    """The week as in the address: 2026-W47."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _step_weeks(step) -> tuple[datetime.date, datetime.date | None]:
    """Mondays of the step's first week and of the week of its last day taking attendance
    (`actions.last_attendance_day`: a step running on past its planned end is not held to
    that end's week); no last week for a step with no such day."""
    last_day = actions.last_attendance_day(step)
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
        log_action=None,
    )
    if not step.service_type.needs_attendance:
        raise Http404
    log_step_shown(request, client, step, "pathways.attendance.viewed")
    monday = _week_of(request, step)
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    existing = {
        row.day: row for row in Attendance.objects.filter(step=step, day__range=(days[0], days[-1]))
    }
    with_compensation = step.code == "open_work"
    closed = {day: why for day in days if (why := actions.day_taking_no_attendance(step, day))}
    form = AttendanceWeekForm(
        request.POST or None,
        days=days,
        with_compensation=with_compensation,
        existing=existing,
        closed=closed,
    )
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_week_attendance(
                step=step, recorded_by=request.user, days=form.week(), shown=form.shown()
            )
        except ValidationError as error:
            # Each error next to the field of the day it concerns (the hours, the reason, the
            # compensation); one without such a field (the grid of a service paid no
            # compensation) next to the day's status.
            changed = []
            for key, errors in error.error_dict.items():
                if any(each.code == "changed_meanwhile" for each in errors):
                    changed.append(datetime.date.fromisoformat(key[:10]))
                if key not in form.fields:
                    key = f"{key[:10]}-status" if f"{key[:10]}-status" in form.fields else None
                form.add_error(key, errors)
            if changed:
                # A day recorded meanwhile is shown as it now is, for the user to check.
                recorded = Attendance.objects.filter(step=step, day__in=changed)
                form.show_recorded(changed, {row.day: row for row in recorded})
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
    only_open_if_of=None,
    only_of=None,
    with_step=False,
):
    """The form of a record of a step (a GET shows it, a POST saves it by `action`).

    A step of another service than the record's, or not open, has no such page (404,
    nothing shown or logged): `only_open_of` names the service of a record kept only while
    the step is open, as the step's page offers it; `only_open_if_of` that of a step whose
    record, kept for any service, is kept only while it is open (a job start of an IPS step
    moves its phase); `only_of` that of a record given also at or after the step's end (a
    competence certificate), never for a step cancelled before it started.
    """
    client, step = get_step_for_user(
        request.user,
        client_id,
        step_id,
        permission=permission,
        log_action=None,
    )
    if only_open_of and (step.code != only_open_of or step.status == StepStatus.ENDED):
        raise Http404
    if only_open_if_of and step.code == only_open_if_of and step.status == StepStatus.ENDED:
        raise Http404
    if only_of and (step.code != only_of or step.is_cancelled):
        raise Http404
    log_step_shown(request, client, step)
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
        except actions.RecordedAlready as repeat:
            # A double submit: the first one was recorded, and the step's page shows it.
            messages.info(request, repeat.message)
            return redirect("pathways:step", client_id=client.uuid, step_id=step.pk)
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
        only_open_of="supported_employment",
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
        only_open_of="supported_employment",
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
        only_open_if_of="supported_employment",
    )


@require_http_methods(["GET", "POST"])
def placement_end(request, client_id, step_id, placement_id):
    """Records the day a job or studies ended and why; only one that has begun and is neither
    ended nor cancelled has this page."""
    client, step, placement = get_placement_for_user(
        request.user, client_id, step_id, placement_id, log_action=None
    )
    if not placement.may_end_on(timezone.localdate()):
        raise Http404
    log_step_shown(request, client, step)
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
        request.user, client_id, step_id, placement_id, log_action=None
    )
    today = timezone.localdate()
    if placement.is_cancelled or (request.method == "GET" and not placement.may_cancel_on(today)):
        raise Http404
    log_step_shown(request, client, step)
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
        only_of="youth_workshop",
    )
