"""The only way a view reaches a pathway step: through its client's access check."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clients.access import get_client_for_user, log_client_access
from pathways.models import PathwayStep


def get_step_for_user(
    user, client_id, step_id, *, permission: str = "pathways.view_pathway", log_action: str | None
):
    """The step `step_id` of the client `client_id`, if the user may see the client (404 otherwise).

    `permission` is checked on the step for "pathways.log_step" and on the
    client for the others; PermissionDenied (403) when the client is visible
    but the permission is missing. Logs `log_action` on the client.
    """
    client_permission = "pathways.view_pathway" if permission == "pathways.log_step" else permission
    client = get_client_for_user(user, client_id, permission=client_permission, log_action=None)
    try:
        step = PathwayStep.objects.select_related(
            "service_type", "unit", "coach", "rule_set", "next_step__service_type"
        ).get(pk=step_id, client=client)
    except PathwayStep.DoesNotExist:
        raise Http404 from None
    step.client = client
    if permission == "pathways.log_step" and not rules.has_perm(permission, user, step):
        raise PermissionDenied
    if log_action:
        log_client_access(user, client, log_action, step)
    return client, step
