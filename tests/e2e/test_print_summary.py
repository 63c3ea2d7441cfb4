"""The coordinator prints a Swedish pathway summary, follows its progress and downloads it."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, add_member, make_plan
from pathways.factories import make_step
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_prints_a_swedish_summary(new_page, unit, start_pdf_worker):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    coordinator = make_user(Role.COORDINATOR, unit)
    client = ClientFactory(
        created_by=worker, first_names="Silmu", last_name="Suunnistaja", language="sv"
    )
    add_member(client, coordinator, "work_pair")
    make_plan(client, worker, goals=("Hankin hygieniapassin",))
    make_step(
        client,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=timezone.localdate() - datetime.timedelta(days=30),
        days_per_week=3,
        hours_per_day=5,
    )

    page = new_page(coordinator)
    page.goto(f"/clients/{client.uuid}/")
    page.get_by_role("link", name="Tulosta yhteenveto asiakkaalle").click()
    expect(page.get_by_label("svenska")).to_be_checked()
    page.get_by_label("Tulevat päivämäärät").uncheck()
    page.get_by_label("Tilanne ja tavoitteet asiakkaan omin sanoin").uncheck()
    page.get_by_label("Palvelupolun aikajana").uncheck()
    page.get_by_label("Nykyiset ja seuraavat palvelut yhteystietoineen").uncheck()
    page.get_by_label("Keneen ottaa yhteyttä").uncheck()
    page.get_by_role("button", name="Tee PDF").click()
    expect(page.locator("#id_sections_error")).to_contain_text("Valitse vähintään yksi osio.")
    assert_accessible(page)

    page.get_by_label("Tilanne ja tavoitteet asiakkaan omin sanoin").check()
    page.get_by_label("Palvelupolun aikajana").check()
    page.get_by_role("button", name="Tee PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Palvelupolun yhteenveto")
    # No worker yet: the document waits in the queue and the page says so.
    status = page.locator("#document-status")
    expect(status).to_contain_text("Jonossa…")
    download_link = page.get_by_role("link", name="Lataa PDF")
    expect(download_link).to_have_count(0)
    start_pdf_worker()
    expect(download_link).to_be_visible(timeout=60_000)
    assert_accessible(page)
    with page.expect_download() as download_info:
        download_link.click()
    pdf = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Din servicestig" in text and "Hankin hygieniapassin" in text
