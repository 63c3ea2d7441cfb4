"""The reports page and its CSV: indicators of the user's scope, aggregates only.

No access-log row is written for these pages: they show and export only
counts, shares and medians of groups of at least five clients (smaller ones
are suppressed in reports.suppression), never a name, an identity code or
anything else that identifies a client, so nothing here processes one
client's data. Who may read them is decided in reports.access.
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports.access import report_scope_for
from reports.charts import organisation_charts
from reports.exports import report_csv
from reports.forms import ReportPeriodForm
from reports.indicators import organisation_report
from reports.suppression import SUPPRESSION_NOTE


def _form(request) -> ReportPeriodForm:
    return ReportPeriodForm(request.GET or None)


@require_GET
def index(request):
    """The manager's indicators of their organisation; the coordinator's page of their networks.

    Consultation indicators (sessions held, days from request to session) are
    not built yet, so a coordinator's page states that there is nothing to
    report.
    """
    scope = report_scope_for(request.user)
    form = _form(request)
    context = {"scope": scope, "form": form, "suppression_note": SUPPRESSION_NOTE}
    period = form.period if scope.is_organisation else None
    if period is not None:
        report = organisation_report(scope.organisation, period)
        context.update(
            report=report,
            charts=organisation_charts(report),
            export_query=urlencode(period.as_query()),
        )
    return render(request, "reports/index.html", context)


@require_GET
def export(request):
    """The same indicators as CSV (same period, same suppression); the page on a bad period."""
    scope = report_scope_for(request.user)
    if not scope.is_organisation:
        return report_csv(scope, None, filename="tunnusluvut.csv")
    form = _form(request)
    period = form.period
    if period is None:
        context = {"scope": scope, "form": form, "suppression_note": SUPPRESSION_NOTE}
        return render(request, "reports/index.html", context, status=400)
    report = organisation_report(scope.organisation, period)
    filename = f"tunnusluvut-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return report_csv(scope, report, filename=filename)
