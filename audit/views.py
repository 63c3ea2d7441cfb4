"""The data protection officer's log pages: a client's log report (found by identity
code, HTML and CSV), one user's access log, and log statistics. Every report
writes its own access-log row."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from audit.access import (
    dpo_organisation_id,
    find_client_for_dpo,
    get_client_subject_for_dpo,
    get_user_for_dpo,
    organisation_users,
)
from audit.actions import log_access
from audit.forms import FindClientForm, ReportPeriodForm, UserSearchForm, not_found_error
from audit.models import AccessLogEntry, Basis
from audit.printing import render_pdf
from audit.reports import (
    ReportPeriod,
    client_access_rows,
    client_disclosure_rows,
    client_log_csv,
    organisation_statistics,
    user_access_rows,
)

CLIENT_LOG_VIEWED = "audit.client_log.viewed"
CLIENT_LOG_EXPORTED = "audit.client_log.exported"
CLIENT_LOG_PRINTED = "audit.client_log.printed"
USER_LOG_VIEWED = "audit.user_log.viewed"
STATISTICS_VIEWED = "audit.statistics.viewed"
USER_LOG_PAGE_SIZE = 100
USER_SEARCH_LIMIT = 50


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
        return render(request, "audit/client_log.html", {"subject": subject, "form": form})
    return _client_log_page(request, subject, period, form)


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
    context = {
        "subject": subject,
        "form": form,
        "period": period,
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
        return render(request, "audit/client_log.html", {"subject": subject, "form": form})
    access_rows = client_access_rows(subject.uuid, period)
    disclosure_rows = client_disclosure_rows(subject.uuid, period)
    log_access(
        actor=request.user,
        client_id=subject.uuid,
        action=CLIENT_LOG_EXPORTED,
        basis=Basis.DATA_PROTECTION,
        detail=period.detail(),
    )
    filename = f"lokiraportti-{period.start.isoformat()}-{period.end.isoformat()}.csv"
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
    found = list(users.order_by("last_name", "first_name", "pk")[: USER_SEARCH_LIMIT + 1])
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
    organisation_id = request.user.active_assignment.unit.organisation_id
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
    """The client's log report as a PDF for the same period (and reason), for the client who asked."""
    subject = get_client_subject_for_dpo(request.user, client_id)
    form = _period_form(request)
    period = _period_of(form)
    if period is None:
        return render(request, "audit/client_log.html", {"subject": subject, "form": form})
    context = {
        "subject": subject,
        "period": period,
        "access_rows": client_access_rows(subject.uuid, period),
        "disclosure_rows": client_disclosure_rows(subject.uuid, period),
    }
    pdf = render_pdf(render_to_string("audit/pdf_client_log.html", context, request=request))
    log_access(
        actor=request.user,
        client_id=subject.uuid,
        action=CLIENT_LOG_PRINTED,
        basis=Basis.DATA_PROTECTION,
        detail=period.detail(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"lokiraportti-{period.start.isoformat()}-{period.end.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
