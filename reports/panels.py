"""The reports app's panel on the manager's dashboard: today's situation of the organisation."""

import rules

from reports.access import report_scope_for
from reports.indicators import current_situation, organisation_clients
from reports.suppression import SUPPRESSION_NOTE


def organisation_indicators(request):
    """Active clients, overdue plan reviews and consent coverage (one query), or None."""
    if not rules.has_perm("reports.view_indicators", request.user):
        return None
    scope = report_scope_for(request.user)
    if not scope.is_organisation:
        return None
    situation = current_situation(organisation_clients(scope.organisation.pk))
    shown = (situation.active, situation.overdue_reviews.part, situation.consent_coverage.share)
    # A bare "ei näytetä" read as a fault: the panel says why, as the report page does.
    hidden = any(figure.hidden for figure in shown)
    return {"situation": situation, "suppression_note": SUPPRESSION_NOTE if hidden else None}
