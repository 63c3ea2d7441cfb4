from celery import shared_task

from pathways import actions


@shared_task(
    name="pathways.render_document_pdf_task", acks_late=True, time_limit=120, soft_time_limit=90
)
def render_document_pdf_task(document_id: int) -> str:
    """Renders one printed document (on the pdf queue); idempotent, so a redelivery is harmless."""
    return actions.render_document(document_id=document_id).status
