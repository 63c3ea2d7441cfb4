"""The client's log report printed as a PDF with the pathway summary's machinery."""

import io

from pypdf import PdfReader

from audit.actions import log_access
from audit.models import AccessLogEntry, Basis
from tests.conftest import login


def test_the_log_report_prints_as_a_pdf_and_the_print_is_logged(
    client, dpo, worker, subject_client
):
    log_access(
        actor=worker,
        client_id=subject_client.uuid,
        action="clients.client.viewed",
        basis=Basis.CARE_TEAM,
    )
    login(client, dpo)
    response = client.post(f"/audit/clients/{subject_client.uuid}/log.pdf", {})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Lokiraportti" in text and worker.last_name in text and "Omatiimin" in text
    assert AccessLogEntry.objects.filter(action="audit.client_log.printed", actor=dpo).count() == 1
