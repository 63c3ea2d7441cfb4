from celery import shared_task

from audit import actions


@shared_task(
    name="audit.render_log_report_pdf_task", acks_late=True, time_limit=300, soft_time_limit=240
)
def render_log_report_pdf_task(report_id: int) -> str:
    """Renders one client's log report (on the pdf queue); idempotent, so a redelivery is harmless."""
    return actions.render_log_report(report_id=report_id).status
