"""A real Celery worker on the real Redis broker renders a PDF enqueued after commit."""

import time

import pytest

from audit.models import PrintStatus
from pathways import actions
from pathways.models import PrintedDocument


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_pdf_enqueued_after_commit(worker, client_of, pdf_worker):
    client = client_of()
    document = actions.request_pathway_summary(
        client=client, requested_by=worker, language="fi", sections=["dates"]
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status in (PrintStatus.READY, PrintStatus.FAILED):
            break
        time.sleep(0.2)
    assert document.status == PrintStatus.READY, document.error
    assert PrintedDocument.objects.get(pk=document.pk).checksum
