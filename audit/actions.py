"""Writing the logs. Every read, change, print, export and disclosure of client data
calls one of these in the same transaction as the work it records. Also the
printing of a client's log report, which the PDF queue renders like every
printed document."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.labels import LOG_REPORT_PRINTED, as_logged
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry, LogReportPrint
from config.request_context import current_request_id

CLIENT_LOG_PRINT_REQUESTED = "audit.client_log.print_requested"
CLIENT_LOG_PRINTED = "audit.client_log.printed"


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
    at=None,
) -> DisclosureLogEntry:
    """Writes one disclosure-log row: to whom, what, on which consent version or statute,
    made at `at` (now when not given; earlier for a disclosure logged afterwards), written
    now."""
    now = timezone.now()
    return DisclosureLogEntry.objects.create(
        at=at or now,
        recorded_at=now,
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


def request_log_report_print(*, subject, period, language: str, requested_by) -> LogReportPrint:
    """Queues the PDF of a client's log report for `period`; rendered after the request commits.

    `subject` is the audit.subjects.ClientSubject the DPO reached through audit.access. The
    report records the version of the template it is printed with (LOG_REPORT_TEMPLATE_VERSION).
    The same DPO's report of the same period in the same language asked for again within
    PRINT_REPEAT_WITHIN while it is still under way is the same request sent twice: it returns
    that print and logs and enqueues nothing. audit imports no domain app, so the two requests
    take turns on a transaction-level advisory lock on the client's id, not on its row.
    """
    from audit.reports import LOG_REPORT_TEMPLATE_VERSION

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"audit.log_report_print:{subject.uuid}"],
            )
        repeated = (
            LogReportPrint.objects.repeated_by(requested_by)
            .filter(
                client_id=subject.uuid,
                period_start=period.start,
                period_end=period.end,
                reason=period.reason,
                language=language,
            )
            .first()
        )
        if repeated is not None:
            return repeated
        report = LogReportPrint.objects.create(
            client_id=subject.uuid,
            organisation_id=subject.organisation_id,
            period_start=period.start,
            period_end=period.end,
            reason=period.reason,
            language=language,
            template_version=LOG_REPORT_TEMPLATE_VERSION,
            requested_by=requested_by,
        )
        log_access(
            actor=requested_by,
            client_id=subject.uuid,
            action=CLIENT_LOG_PRINT_REQUESTED,
            basis=Basis.DATA_PROTECTION,
            obj=report,
            detail=period.detail(language=language),
        )
        transaction.on_commit(lambda: _enqueue_render(report.pk))
    return report


def _enqueue_render(report_id: int) -> None:
    from audit.tasks import render_log_report_pdf_task

    render_log_report_pdf_task.delay(report_id)


def render_log_report(*, report_id: int) -> LogReportPrint:
    """Renders a queued log report to PDF and stores it privately. Safe to run twice."""
    from audit import printing

    return printing.render_queued(
        LogReportPrint,
        report_id,
        html=_log_report_html,
        file_name=lambda report: f"log-report-{report.uuid}.pdf",
    )


def _log_report_html(report: LogReportPrint) -> str:
    from audit.reports import ReportPeriod, client_access_rows, client_disclosure_rows
    from audit.subjects import describe_clients

    period = ReportPeriod(start=report.period_start, end=report.period_end, reason=report.reason)
    context = {
        "subject": describe_clients([report.client_id])[report.client_id],
        "period": period,
        "access_rows": client_access_rows(report.client_id, period),
        "disclosure_rows": client_disclosure_rows(report.client_id, period),
    }
    return render_to_string("audit/pdf_client_log.html", context)


def record_log_report_handed_over(*, report: LogReportPrint, by) -> None:
    """The download of a printed log report: a print, and a disclosure to the client who asked,
    both rows in one transaction (neither without the other)."""
    period = f"{report.period_start.isoformat()}..{report.period_end.isoformat()}"
    with transaction.atomic(), translation.override("fi"):  # the log is kept in Finnish
        log_access(
            actor=by,
            client_id=report.client_id,
            action=CLIENT_LOG_PRINTED,
            basis=Basis.DATA_PROTECTION,
            obj=report,
            detail=f"period={period}",
        )
        log_disclosure(
            actor=by,
            client_id=report.client_id,
            recipient_organisation=None,
            recipient_description=_("Asiakas itse"),
            what=as_logged(
                LOG_REPORT_PRINTED,
                period=f"{report.period_start:%-d.%-m.%Y}–{report.period_end:%-d.%-m.%Y}",
            ),
            basis=Basis.CLIENT_REQUEST,
            channel="pdf",
        )
