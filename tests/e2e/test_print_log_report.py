"""The data protection officer prints a client's log report in Swedish for the client,
follows its progress on the PDF queue and downloads it."""

import datetime
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.factories import make_user
from accounts.roles import Role
from audit.actions import log_access
from audit.models import Basis
from clients.factories import ClientFactory, demo_identity_code
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dpo_prints_a_swedish_log_report(new_page, unit, start_pdf_worker):
    worker = make_user(Role.SOCIAL_WORKER, unit, first_name="Sanna", last_name="Sosiaali")
    dpo = make_user(Role.DPO, unit)
    code = demo_identity_code(datetime.date(1990, 3, 14), 951)
    client = ClientFactory(
        created_by=worker, first_names="Lotta", last_name="Lokinen", code=code, language="sv"
    )
    log_access(
        actor=worker, client_id=client.uuid, action="clients.client.viewed", basis=Basis.CARE_TEAM
    )

    page = new_page(dpo)
    page.goto("/audit/clients/")
    page.get_by_label("Henkilötunnus").fill(code)
    page.get_by_role("button", name="Näytä lokiraportti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lokiraportti: Lotta Lokinen")
    assert code not in page.url
    page.get_by_label("Raportin kieli").select_option("sv")
    page.get_by_role("button", name="Tulosta PDF asiakkaalle").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Asiakkaan lokiraportti PDF-tiedostona"
    )
    # No worker yet: the report waits in the queue and the page says so.
    expect(page.locator("#log-report-status")).to_contain_text("Jonossa…")
    download_link = page.get_by_role("link", name="Lataa PDF")
    expect(download_link).to_have_count(0)
    start_pdf_worker()
    expect(download_link).to_be_visible(timeout=60_000)
    assert_accessible(page)
    with page.expect_download() as download_info:
        download_link.click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Loggrapport: Lotta Lokinen" in text and "Sosiaali" in text
    assert code not in text
