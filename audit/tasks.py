from celery import shared_task

from audit import actions, printing
from audit.models import LogReportPrint


@shared_task(
    name="audit.render_log_report_pdf_task", acks_late=True, time_limit=300, soft_time_limit=240
)
def render_log_report_pdf_task(report_id: int) -> str:
    """Renders one client's log report (on the pdf queue); idempotent, so a redelivery is harmless."""
    return actions.render_log_report(report_id=report_id).status


@shared_task(name="audit.remove_old_log_report_files_task", acks_late=True, time_limit=600)
def remove_old_log_report_files_task() -> int:
    """Records printed log reports that stalled as failed and removes the files of those kept
    longer than their days, then the printed files no ready print names (of every kind: both
    daily tasks sweep the one folder); safe to repeat."""
    printing.fail_stalled(LogReportPrint.objects.all())
    removed = printing.remove_old_files(LogReportPrint.objects.all())
    printing.remove_orphan_files()
    return removed
