"""The only way a view reaches a pathway step, a placement, a competence certificate or a
printed document: through its client's access check."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from clients.access import get_client_for_user, log_client_access
from pathways.models import (
    DocumentKind,
    PathwayStep,
    PrintedDocument,
)
from pathways.summary import sections_for

# Permissions whose rules read the step (its coach), not only its client.
STEP_PERMISSIONS = {"pathways.log_step", "pathways.ask_for_follow_on"}


def get_step_for_user(
    user, client_id, step_id, *, permission: str = "pathways.view_pathway", log_action: str | None
):
    """The step `step_id` of the client `client_id`, if the user may see the client (404 otherwise).

    `permission` is checked on the step for those of STEP_PERMISSIONS and on the
    client for the others; PermissionDenied (403) when the client is visible
    but the permission is missing. Logs `log_action` on the client.
    """
    on_step = permission in STEP_PERMISSIONS
    client_permission = "pathways.view_pathway" if on_step else permission
    client = get_client_for_user(user, client_id, permission=client_permission, log_action=None)
    try:
        step = PathwayStep.objects.select_related(
            "service_type",
            "unit__organisation",
            "coach",
            "rule_set",
            "plan",
            "next_step__service_type",
            "previous_step__service_type",
        ).get(pk=step_id, client=client)
    except PathwayStep.DoesNotExist:
        raise Http404 from None
    step.client = client
    if on_step and not rules.has_perm(permission, user, step):
        raise PermissionDenied
    if log_action:
        log_client_access(user, client, log_action, step)
    return client, step


def get_step_to_follow(client, step_id) -> PathwayStep:
    """The client's step whose follow-on is being planned; 404 when the client has no such
    step. Whether it can still be followed is the step's to tell (`follow_on_refusal`): the
    page sends the user back to it with the reason. `client` comes from get_client_for_user
    (the caller's check)."""
    try:
        return PathwayStep.objects.select_related("service_type").get(pk=step_id, client=client)
    except PathwayStep.DoesNotExist:
        raise Http404 from None


def get_placement_for_user(user, client_id, step_id, placement_id, *, log_action: str | None):
    """The placement `placement_id` (a job start, studies) recorded in the step `step_id` of
    the client `client_id`, for a user who may log the step (the coach of the step or the
    responsible worker): (client, step, placement).

    404 for a client the user does not see, a step not of that client or a placement not of
    that step (as get_step_for_user for the step); PermissionDenied (403) when the user sees
    the client but may not log the step. Logs `log_action` on the step, as the step's pages do,
    once the placement is found.
    """
    client, step, placement = _record_of_loggable_step(
        user, client_id, step_id, "placements", placement_id
    )
    placement.client = client
    if log_action:
        log_client_access(user, client, log_action, step)
    return client, step, placement


def get_certificate_for_user(user, client_id, step_id, certificate_id):
    """The competence certificate `certificate_id` of the step `step_id` of the client
    `client_id`, for a user who may log the step (the coach of the step or the responsible
    worker): (client, step, certificate).

    404 for a client the user does not see or a certificate not of that step (as
    get_step_for_user for the step); PermissionDenied (403) when the user sees the client but
    may not log the step. Logs nothing: the action that prints it writes the log row.
    """
    return _record_of_loggable_step(user, client_id, step_id, "certificates", certificate_id)


def _record_of_loggable_step(user, client_id, step_id, records: str, record_id):
    """(client, step, record): the record `record_id` among the step's `records` (a related
    name), for a user who may log the step; 404 for a record not of that step."""
    client, step = get_step_for_user(
        user, client_id, step_id, permission="pathways.log_step", log_action=None
    )
    record = get_object_or_404(getattr(step, records), pk=record_id)
    record.step = step
    return client, step, record


def get_document_for_user(user, client_id, document_id, *, log_view: bool):
    """A printed document `document_id` (a pathway summary or a competence certificate) of the
    client `client_id`, for a user who may print it now: (client, document).

    404 for a client the user does not see or a document not of that client. The permission
    is checked as the document was asked for: a certificate on its step
    ("pathways.log_step"), a summary on the client ("pathways.print_summary", and
    "clients.read_plan" too for a summary with a section that carries the client's plans:
    summary.sections_for); PermissionDenied (403) without it. With `log_view`, logs the
    opening of the document's page on the client, named by the document's kind, so that the
    client's log report says which document it was (a summary or a certificate).
    """
    client = get_client_for_user(user, client_id, log_action=None)
    try:
        document = PrintedDocument.objects.select_related("certificate__step__service_type").get(
            uuid=document_id, client=client
        )
    except (PrintedDocument.DoesNotExist, ValueError):
        raise Http404 from None
    document.client = client
    if document.kind == DocumentKind.COMPETENCE_CERTIFICATE:
        allowed = rules.has_perm("pathways.log_step", user, document.certificate.step)
    else:
        allowed = rules.has_perm("pathways.print_summary", user, client) and set(
            document.sections
        ) <= set(sections_for(user, client))
    if not allowed:
        raise PermissionDenied
    if log_view:
        action = (
            "pathways.certificate_pdf.viewed"
            if document.kind == DocumentKind.COMPETENCE_CERTIFICATE
            else "pathways.summary.viewed"
        )
        log_client_access(user, client, action, document)
    return client, document
