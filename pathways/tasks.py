from celery import shared_task

from audit import printing
from pathways import actions
from pathways.models import PrintedDocument


@shared_task(
    name="pathways.render_document_pdf_task", acks_late=True, time_limit=120, soft_time_limit=90
)
def render_document_pdf_task(document_id: int) -> str:
    """Renders one printed document (on the pdf queue); idempotent, so a redelivery is harmless."""
    return actions.render_document(document_id=document_id).status


@shared_task(name="pathways.remove_old_document_files_task", acks_late=True, time_limit=600)
def remove_old_document_files_task() -> int:
    """Records printed documents that stalled as failed and removes the files of those kept
    longer than their days, then the printed files no ready print names (of every kind: both
    daily tasks sweep the one folder); safe to repeat."""
    printing.fail_stalled(PrintedDocument.objects.all())
    removed = printing.remove_old_files(PrintedDocument.objects.all())
    printing.remove_orphan_files()
    return removed
