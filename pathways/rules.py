"""Who may plan and log pathway steps (PERMISSIONS.md)."""

import rules

from accounts.roles import COACH_ROLES
from accounts.rules import active_role_in
from clients.rules import can_see, is_responsible_worker, is_sote_contact, manages_responsible_unit


@rules.predicate
def is_work_pair(user, client) -> bool:
    from clients.access import relation_to

    return client is not None and "work_pair" in relation_to(user, client).team_roles


@rules.predicate
def coaches_the_step(user, step) -> bool:
    """The step's coach, acting in a coach role (every rule reads the active role)."""
    return (
        step is not None
        and step.coach_id == user.pk
        and getattr(user, "active_role", None) in COACH_ROLES
    )


@rules.predicate
def responsible_for_steps_client(user, step) -> bool:
    return step is not None and is_responsible_worker(user, step.client)


rules.add_perm("pathways.view_pathway", can_see)
rules.add_perm("pathways.plan_step", is_responsible_worker | is_sote_contact)
rules.add_perm("pathways.log_step", coaches_the_step | responsible_for_steps_client)
rules.add_perm(
    "pathways.print_summary",
    is_responsible_worker
    | is_sote_contact
    | (active_role_in("coordinator") & is_work_pair)
    | manages_responsible_unit,
)
