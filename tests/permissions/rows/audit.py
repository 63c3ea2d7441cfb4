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


def _log_report_kwargs(world):
    """A printed log report of the world's client, requested by the world's DPO and rendered."""
    report = world.extra.get("log_report")
    if report is None:
        from audit.actions import render_log_report, request_log_report_print
        from audit.reports import ReportPeriod
        from audit.subjects import describe_clients

        subject = describe_clients([_client_kwargs(world)["client_id"]])[world.client.uuid]
        report = request_log_report_print(
            subject=subject,
            period=ReportPeriod.default(),
            language="fi",
            requested_by=world.users[Role.DPO],
        )
        report = world.extra["log_report"] = render_log_report(report_id=report.pk)
    return {"report_id": report.uuid}


def _user_kwargs(world):
    return {"user_id": world.users[Role.SOCIAL_WORKER].uuid}


ROWS = {
    "audit:index": Row(allowed=DPO_ONLY, denied_status=403),
    "audit:client_log_find": Row(allowed=DPO_ONLY, denied_status=403),
    "audit:client_log": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_client_kwargs),
    "audit:client_log_export": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_client_kwargs),
    "audit:client_log_pdf": Row(
        allowed=DPO_ONLY,
        denied_status=403,
        kwargs=_client_kwargs,
        method="POST",
        data=lambda world: {"language": "fi"},
        allowed_status=302,
    ),
    "audit:log_report": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_log_report_kwargs),
    "audit:log_report_status": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_log_report_kwargs),
    "audit:log_report_download": Row(
        allowed=DPO_ONLY, denied_status=403, kwargs=_log_report_kwargs
    ),
    "audit:user_find": Row(allowed=DPO_ONLY, denied_status=403),
    "audit:user_log": Row(allowed=DPO_ONLY, denied_status=403, kwargs=_user_kwargs),
    "audit:statistics": Row(allowed=DPO_ONLY, denied_status=403),
}
