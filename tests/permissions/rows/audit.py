"""The DPO's log pages: the dpo of the organisation only; every other role gets 403.

The world's users and clients are all of one organisation, so the dpo sees
`world.client`. The client URLs are not `client_url` rows: the IDOR test's
other client is of the same organisation, which the dpo may see; the refusal
of another organisation's client and user is tested in tests/audit.
"""

from accounts.roles import Role
from tests.permissions.matrix import Row

DPO_ONLY = frozenset({Role.DPO})


def _client_kwargs(world):
    # Until clients.apps registers the audit resolver in ready(); registering again is harmless.
    from clients.audit_subjects import register_audit_subjects

    register_audit_subjects()
    return {"client_id": world.client.uuid}


def _user_kwargs(world):
    return {"user_id": world.users[Role.SOCIAL_WORKER].uuid}


ROWS = {
    "audit:index": Row(allowed=DPO_ONLY, denied_status=403),
    "audit:client_log_find": Row(allowed=DPO_ONLY, denied_status=403),
    "audit:client_log": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_client_kwargs),
    "audit:client_log_export": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_client_kwargs),
    "audit:client_log_pdf": Row(
        allowed=DPO_ONLY, denied_status=403, kwargs=_client_kwargs, method="POST"
    ),
    "audit:user_find": Row(allowed=DPO_ONLY, denied_status=403),
    "audit:user_log": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_user_kwargs),
    "audit:statistics": Row(allowed=DPO_ONLY, denied_status=403),
}
