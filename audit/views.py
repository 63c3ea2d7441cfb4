"""The data protection officer's log pages: a client's log report (found by identity
code, HTML and CSV), one user's access log, and log statistics. Every report
writes its own access-log row."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from audit import actions
from audit.access import (
    dpo_organisation_id,
    find_client_for_dpo,
    get_client_subject_for_dpo,
    get_log_report_for_dpo,
    get_user_for_dpo,
    organisation_users,
)
from audit.actions import log_access, log_list_hits
from audit.forms import (
    FindClientForm,
    LogReportPrintForm,
    ReportPeriodForm,
    UserSearchForm,
    not_found_error,
)
from audit.models import PRINT_LANGUAGES, AccessLogEntry, Basis, PrintStatus
from audit.printing import open_stored, status_unchanged
from audit.reports import (
    ReportPeriod,
    client_access_rows,
    client_disclosure_rows,
    client_log_csv,
    organisation_statistics,
    user_access_rows,
)
from config.downloads import file_name
from config.ordering import Alphabetical
from config.polling import background_request

CLIENT_LOG_VIEWED = "audit.client_log.viewed"
CLIENT_LOG_EXPORTED = "audit.client_log.exported"
USER_LOG_VIEWED = "audit.user_log.viewed"
USER_LOG_CLIENT_LISTED = "audit.user_log.client_listed"
STATISTICS_VIEWED = "audit.statistics.viewed"
USER_LOG_PAGE_SIZE = 100
USER_SEARCH_LIMIT = 50
LOG_REPORT_FILE = pgettext_lazy("tiedoston nimi", "lokiraportti")


def _period_form(request, *, reason_beyond_two_years: bool = True) -> ReportPeriodForm:
    """The period from a POST, or from the query string without any reason: a reason is
    free text about a client's matter and is taken only from a POST, never from a URL."""
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("reason", None)
        data = data or None
    return ReportPeriodForm(data, reason_beyond_two_years=reason_beyond_two_years)


def _period_of(form: ReportPeriodForm) -> ReportPeriod | None:
    """The chosen period, the default one for an unbound form, None when the form has errors."""
    if not form.is_bound:
        return ReportPeriod.default()
    return form.cleaned_data["period"] if form.is_valid() else None


@require_GET
def index(request):
    dpo_organisation_id(request.user)
    return render(request, "audit/index.html")


@require_http_methods(["GET", "POST"])
def client_log_find(request):
    """Finds a client of the DPO's organisation by identity code (POST only).

    Found: a redirect to the report by the client's UUID with the period; when
    a reason for a longer period was given, the report answers the POST itself
    so the reason stays out of the URL too. Not found, or a client of another
    organisation: the same message.
    """
    dpo_organisation_id(request.user)
    form = FindClientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subject = find_client_for_dpo(request.user, form.cleaned_data["identity_code"])
        except ValidationError as error:
            form.add_error("identity_code", error)
        else:
            if subject is None:
                form.add_error("identity_code", not_found_error())
            else:
                period = form.cleaned_data["period"]
                if period.reason:
                    return _client_log_page(request, subject, period)
                url = reverse("audit:client_log", args=[subject.uuid])
                return redirect(f"{url}?{urlencode(period.as_query())}")
    return render(request, "audit/client_log_find.html", {"form": form})


@require_http_methods(["GET", "POST"])
def client_log(request, client_id):
    """A client's log report for a period: the last two years unless a reason is given."""
    subject = get_client_subject_for_dpo(request.user, client_id)
    form = _period_form(request)
    period = _period_of(form)
    if period is None:
        return _period_refused_page(request, subject, form)
    return _client_log_page(request, subject, period, form)


def _period_refused_page(request, subject, form: ReportPeriodForm):
    """The form again with its errors. The page names the client, so it is logged too."""
    log_access(
        actor=request.user,
        client_id=subject.uuid,
        action=CLIENT_LOG_VIEWED,
        basis=Basis.DATA_PROTECTION,
        detail="period refused",
    )
    return render(request, "audit/client_log.html", {"subject": subject, "form": form})


def _client_log_page(request, subject, period: ReportPeriod, form=None):
    access_rows = client_access_rows(subject.uuid, period)
    disclosure_rows = client_disclosure_rows(subject.uuid, period)
    log_access(
        actor=request.user,
        client_id=subject.uuid,
        action=CLIENT_LOG_VIEWED,
        basis=Basis.DATA_PROTECTION,
        detail=period.detail(),
    )
    if form is None or not form.is_bound:
        form = ReportPeriodForm(
            initial={"start": period.start, "end": period.end, "reason": period.reason}
        )
    printed_in = {code for code, _name in PRINT_LANGUAGES}
    context = {
        "subject": subject,
        "form": form,
        "period": period,
        # The report is printed for the client: in their language by default.
        "print_language": subject.language if subject.language in printed_in else "fi",
        "access_rows": access_rows,
        "disclosure_rows": disclosure_rows,
    }
    return render(request, "audit/client_log.html", context)


@require_http_methods(["GET", "POST"])
def client_log_export(request, client_id):
    """The client's log report as CSV for the same period (and reason) as the page."""
    subject = get_client_subject_for_dpo(request.user, client_id)
    form = _period_form(request)
    period = _period_of(form)
    if period is None:
        return _period_refused_page(request, subject, form)
    access_rows = client_access_rows(subject.uuid, period)
    disclosure_rows = client_disclosure_rows(subject.uuid, period)
    log_access(
        actor=request.user,
        client_id=subject.uuid,
        action=CLIENT_LOG_EXPORTED,
        basis=Basis.DATA_PROTECTION,
        detail=period.detail(),
    )
    filename = file_name(LOG_REPORT_FILE, period.start, period.end, extension="csv")
    return client_log_csv(access_rows, disclosure_rows, filename=filename)


@require_GET
def user_find(request):
    """The users of the DPO's organisation, searched by name or e-mail."""
    users = organisation_users(request.user)
    form = UserSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    for term in query.split():
        users = users.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
    in_order = users.order_by(Alphabetical("last_name"), Alphabetical("first_name"), "pk")
    found = list(in_order[: USER_SEARCH_LIMIT + 1])
    context = {
        "form": form,
        "query": query,
        "users": found[:USER_SEARCH_LIMIT],
        "more": len(found) > USER_SEARCH_LIMIT,
    }
    return render(request, "audit/user_find.html", context)


@require_GET
def user_log(request, user_id):
    """What one user of the organisation accessed in a period, newest first, paginated."""
    person = get_user_for_dpo(request.user, user_id)
    organisation_id = dpo_organisation_id(request.user)
    form = _period_form(request, reason_beyond_two_years=False)
    period = _period_of(form)
    context = {"person": person, "form": form, "period": period}
    if period is None:
        return render(request, "audit/user_log.html", context)
    entries = (
        AccessLogEntry.objects.by_actor(person)
        .acting_for(organisation_id)
        .between(*period.bounds())
        .order_by("-at", "-id")
    )
    page = Paginator(entries, USER_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = user_access_rows(page.object_list, organisation_id)
    log_access(
        actor=request.user,
        client_id=None,
        action=USER_LOG_VIEWED,
        basis=Basis.DATA_PROTECTION,
        obj=person,
        detail=period.detail(user=person.pk),
    )
    # The page names the organisation's clients: each one shown is a list hit on that client's
    # own log (clients of other organisations are not named, so not logged here).
    log_list_hits(
        actor=request.user,
        client_ids=dict.fromkeys(row.client_id for row in rows if row.client_id is not None),
        action=USER_LOG_CLIENT_LISTED,
        basis=Basis.DATA_PROTECTION,
        detail=f"user={person.pk}",
    )
    context.update(page=page, rows=rows, period_query=urlencode(period.as_query()))
    return render(request, "audit/user_log.html", context)


@require_GET
def statistics(request):
    """How many access-log rows the organisation's users wrote, per action and per basis."""
    organisation_id = dpo_organisation_id(request.user)
    form = _period_form(request, reason_beyond_two_years=False)
    period = _period_of(form)
    context = {"form": form, "period": period}
    if period is not None:
        context["statistics"] = organisation_statistics(organisation_id, period)
        log_access(
            actor=request.user,
            client_id=None,
            action=STATISTICS_VIEWED,
            basis=Basis.DATA_PROTECTION,
            detail=period.detail(),
        )
    return render(request, "audit/statistics.html", context)


@require_http_methods(["POST"])
def client_log_pdf(request, client_id):
    """Prints the client's log report for the page's period in the chosen language: the PDF
    is made on the PDF queue, and the progress page then offers it for download."""
    subject = get_client_subject_for_dpo(request.user, client_id)
    form = LogReportPrintForm(request.POST)
    if not form.is_valid():
        return _period_refused_page(request, subject, form)
    report = actions.request_log_report_print(
        subject=subject,
        period=form.cleaned_data["period"],
        language=form.cleaned_data["language"],
        requested_by=request.user,
    )
    return redirect("audit:log_report", report_id=report.uuid)


def _log_report_context(report) -> dict:
    return {
        "report": report,
        "printed_files_kept_days": settings.POLKU_PRINTED_FILES_KEPT_DAYS,
        **_print_dialog(report),
    }


def _print_dialog(report) -> dict:
    """The way back to the client's log report for the report's period, where it is printed
    again (its status offers it when the PDF failed or its file is gone): a link, or with a
    reason for a longer period a form posting it (a reason is never put in a URL), as the
    page's own way back."""
    url = reverse("audit:client_log", args=[report.client_id])
    period = [
        ("start", report.period_start.isoformat()),
        ("end", report.period_end.isoformat()),
    ]
    if report.reason:
        return {"retry_url": url, "retry_fields": [*period, ("reason", report.reason)]}
    return {"retry_url": f"{url}?{urlencode(period)}"}


@require_GET
def log_report(request, report_id):
    """The progress page of a printed log report, then its download link. It names no
    client (the period and language only), so it writes no access-log row."""
    report = get_log_report_for_dpo(request.user, report_id)
    return render(request, "audit/log_report.html", _log_report_context(report))


@background_request
@require_GET
def log_report_status(request, report_id):
    """Polled by htmx while the PDF is made; background polling does not extend the session.
    Answers 204 (nothing to swap) while the status is the one the page shows (`shown`)."""
    report = get_log_report_for_dpo(request.user, report_id)
    if status_unchanged(request.GET.get("shown"), report):
        return HttpResponse(status=204)
    return render(
        request,
        "audit/log_report.html#status",
        {**_log_report_context(report), "status_only": True},
    )


@require_GET
def log_report_download(request, report_id):
    """The finished PDF; handing it over is logged as a print and a disclosure to the client."""
    report = get_log_report_for_dpo(request.user, report_id)
    if report.status != PrintStatus.READY:
        raise Http404
    # Opened before the print is logged: the daily cleanup may have removed the file.
    pdf = open_stored(report.file_name)
    if pdf is None:
        raise Http404
    actions.record_log_report_handed_over(report=report, by=request.user)
    # Named in the report's language (the client's file), as the pathway summary's is.
    with translation.override(report.language):
        filename = file_name(
            LOG_REPORT_FILE, report.period_start, report.period_end, extension="pdf"
        )
    return FileResponse(
        pdf,
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
