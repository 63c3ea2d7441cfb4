"""Writing the logs. Every read, change, print, export and disclosure of client data
calls one of these in the same transaction as the work it records."""

from collections.abc import Iterable

from audit.models import AccessLogEntry, DisclosureLogEntry
from config.request_context import current_request_id


def _actor_fields(actor) -> dict:
    assignment = getattr(actor, "active_assignment", None)
    return {
        "actor": actor,
        "actor_organisation_id": assignment.unit.organisation_id
        if assignment
        else getattr(actor, "organisation_id", None),
        "actor_role": assignment.role if assignment else "",
        "request_id": current_request_id() or "",
    }


def _object_fields(obj) -> dict:
    if obj is None:
        return {"object_type": "", "object_id": ""}
    return {"object_type": obj._meta.label_lower, "object_id": str(obj.pk)}


def log_access(
    *, actor, client_id, action: str, basis: str, obj=None, detail: str = ""
) -> AccessLogEntry:
    """Writes one access-log row: `action` is a dotted code such as "clients.client.viewed"."""
    return AccessLogEntry.objects.create(
        client_id=client_id,
        action=action,
        basis=basis,
        detail=detail[:300],
        **_actor_fields(actor),
        **_object_fields(obj),
    )


def log_list_hits(*, actor, client_ids: Iterable, action: str, basis: str, detail: str = "") -> int:
    """One row per client shown in a list or search result, written in one statement."""
    common = {**_actor_fields(actor), "action": action, "basis": basis, "detail": detail[:300]}
    rows = [AccessLogEntry(client_id=client_id, **common) for client_id in client_ids]
    AccessLogEntry.objects.bulk_create(rows)
    return len(rows)


def log_disclosure(
    *,
    actor,
    client_id,
    recipient_organisation,
    what: str,
    basis: str,
    channel: str,
    recipient_user=None,
    recipient_description: str = "",
    purpose: str = "",
    consent_id: int | None = None,
    statute: str = "",
) -> DisclosureLogEntry:
    """Writes one disclosure-log row: to whom, what, on which consent version or statute."""
    return DisclosureLogEntry.objects.create(
        actor=actor,
        client_id=client_id,
        recipient_organisation=recipient_organisation,
        recipient_user=recipient_user,
        recipient_description=recipient_description,
        what=what[:300],
        purpose=purpose,
        basis=basis,
        consent_id=consent_id,
        statute=statute,
        channel=channel,
        request_id=current_request_id() or "",
    )
