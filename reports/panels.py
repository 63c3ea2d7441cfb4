"""The reports app's panel on the manager's dashboard: today's situation of the organisation."""

import rules

from reports.access import report_scope_for
from reports.indicators import current_situation, organisation_clients


def organisation_indicators(request):
    """Active clients, overdue plan reviews and consent coverage (one query), or None."""
    if not rules.has_perm("reports.view_indicators", request.user):
        return None
    scope = report_scope_for(request.user)
    if not scope.is_organisation:
        return None
    return {"situation": current_situation(organisation_clients(scope.organisation.pk))}
