"""The only way a report view learns what it may aggregate: the scope of the user's active role.

Reports show aggregates only, so there is no object to hide: every role
other than manager and coordinator is refused with 403 (the URL is no
secret, and the answer tells nothing about any client).
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied

from accounts.roles import Role
from services.models import Organisation


@dataclass(frozen=True)
class ReportScope:
    """What the user's reports cover.

    A manager: every client whose responsible unit belongs to `organisation`
    (the organisation of the unit they manage in their active role). A
    coordinator: the consultation networks they coordinate (`organisation`
    is theirs, for the page heading only).
    """

    role: str
    organisation: Organisation

    @property
    def is_organisation(self) -> bool:
        return self.role == Role.MANAGER


def report_scope_for(user) -> ReportScope:
    """The scope of the user's active role; PermissionDenied for every role but manager and coordinator.

    Reads no database: the active assignment, its unit and organisation are
    loaded by accounts' middleware.
    """
    if not rules.has_perm("reports.view_indicators", user):
        raise PermissionDenied
    return ReportScope(role=user.active_role, organisation=user.active_assignment.unit.organisation)
