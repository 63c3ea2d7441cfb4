"""The reports page and its CSV: indicators of the user's scope, aggregates only.

No access-log row is written for these pages: they show and export only
counts, shares and medians of groups of at least five clients (smaller ones
are suppressed in reports.suppression), never a name, an identity code, a
case reference or anything else that identifies a client, so nothing here
processes one client's data. Who may read them is decided in reports.access.
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from config.downloads import file_name
from reports.access import ReportScope, report_scope_for
from reports.charts import organisation_charts
from reports.consultation_indicators import NetworkReport, network_report
from reports.exports import report_csv
from reports.forms import ReportPeriodForm
from reports.indicators import OrganisationReport, ReportPeriod, organisation_report
from reports.suppression import SUPPRESSION_NOTE


def _form(request) -> ReportPeriodForm:
    return ReportPeriodForm(request.GET or None)


def _report(scope: ReportScope, period: ReportPeriod) -> OrganisationReport | NetworkReport:
    if scope.is_organisation:
        return organisation_report(scope.organisation, period)
    return network_report(scope.networks, period)


@require_GET
def index(request):
    """The manager's indicators of their organisation (with its clients' consultations);
    the coordinator's consultation indicators of the networks they run."""
    scope = report_scope_for(request.user)
    form = _form(request)
    context = {"scope": scope, "form": form, "suppression_note": SUPPRESSION_NOTE}
    period = form.period
    if period is not None:
        report = _report(scope, period)
        context.update(report=report, export_query=urlencode(period.as_query()))
        if scope.is_organisation:
            context["charts"] = organisation_charts(report)
    return render(request, "reports/index.html", context)


@require_GET
def export(request):
    """The same indicators as CSV (same period, same suppression); the page on a bad period."""
    scope = report_scope_for(request.user)
    form = _form(request)
    period = form.period
    if period is None:
        context = {"scope": scope, "form": form, "suppression_note": SUPPRESSION_NOTE}
        return render(request, "reports/index.html", context, status=400)
    filename = file_name(
        pgettext("tiedoston nimi", "tunnusluvut"), period.start, period.end, extension="csv"
    )
    return report_csv(scope, _report(scope, period), filename=filename)
