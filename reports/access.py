"""The only way a report view learns what it may aggregate: the scope of the user's active role.

Reports show aggregates only, so there is no object to hide: every role
other than manager and coordinator is refused with 403 (the URL is no
secret, and the answer tells nothing about any client).
"""

from dataclasses import dataclass, field

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.roles import Role
from consultations.models import Network
from services.models import Organisation


@dataclass(frozen=True)
class ReportScope:
    """What the user's reports cover.

    A manager: every client whose responsible unit belongs to `organisation`
    (the organisation of the unit they manage in their active role). A
    coordinator: the consultation `networks` they run (consultations'
    `Network.objects.run_by`; `organisation` is theirs, for the page heading
    only).
    """

    role: str
    organisation: Organisation
    networks: QuerySet[Network] | None = field(default=None, compare=False)

    @property
    def is_organisation(self) -> bool:
        return self.role == Role.MANAGER


def report_scope_for(user) -> ReportScope:
    """The scope of the user's active role; PermissionDenied for every role but manager and coordinator.

    Reads no database: the active assignment, its unit and organisation are
    loaded by accounts' middleware, and a coordinator's networks are a lazy
    queryset that only the report reads.
    """
    if not rules.has_perm("reports.view_indicators", user):
        raise PermissionDenied
    role = user.active_role
    return ReportScope(
        role=role,
        organisation=user.active_assignment.unit.organisation,
        networks=None if role == Role.MANAGER else Network.objects.run_by(user),
    )
