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
    """The step's coach, acting in a coach role (every rule reads the active role). The
    coach of the client's work coaching that runs alongside a Jobcenter paid-work period is
    that period's coach too (DOMAIN.md: the period is supported by the work coach), named
    on it or not: the period's reminders go to them."""
    if step is None or getattr(user, "active_role", None) not in COACH_ROLES:
        return False
    return step.coach_id == user.pk or coaches_alongside(user, step)


def coaches_alongside(user, step) -> bool:
    """`user` coaches the client's work coaching (not cancelled) during the Jobcenter period
    `step`. One query, none for a step of another service."""
    from pathways.models import PathwayStep
    from pathways.step_rules import JOBCENTER, WORK_COACHING

    if step.service_type.code != JOBCENTER:
        return False
    return (
        PathwayStep.objects.filter(client=step.client_id, coach=user.pk)
        .of_type(WORK_COACHING)
        .not_cancelled()
        .overlapping(step.start_on, step.end_or_planned_end)
        .exists()
    )


@rules.predicate
def responsible_for_steps_client(user, step) -> bool:
    return step is not None and is_responsible_worker(user, step.client)


@rules.predicate
def plans_steps_of_steps_client(user, step) -> bool:
    """`user` may plan the steps of `step`'s client ("pathways.plan_step")."""
    return step is not None and (
        is_responsible_worker(user, step.client) or is_sote_contact(user, step.client)
    )


rules.add_perm("pathways.view_pathway", can_see)
rules.add_perm("pathways.plan_step", is_responsible_worker | is_sote_contact)
rules.add_perm("pathways.log_step", coaches_the_step | responsible_for_steps_client)
# The coach who logs a step but may not plan steps asks the responsible worker for its
# follow-on step; who may plan it plans it.
rules.add_perm(
    "pathways.ask_for_follow_on",
    (coaches_the_step | responsible_for_steps_client) & ~plans_steps_of_steps_client,
)
rules.add_perm(
    "pathways.print_summary",
    is_responsible_worker
    | is_sote_contact
    | (active_role_in("coordinator") & is_work_pair)
    | manages_responsible_unit,
)
