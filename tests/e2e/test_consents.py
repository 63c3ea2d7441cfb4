"""A social worker records a written Y 100 for Kela and employment services with
its scan, sees the coverage on the client page, revokes the consent and ticks
off the Kela task; axe checks the form with errors, the history and the panel."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from consents.factories import PDF_BYTES, kela
from consents.models import Consent, ConsentScan
from notifications.models import Task
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.POLKU_PRIVATE_ROOT = tmp_path / "private"
    settings.POLKU_CLAMAV_SOCKET = ""


def test_record_see_coverage_revoke_and_tick_off_the_kela_task(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker, first_names="Tuisku", last_name="Tietävä")
    kela_organisation = kela()
    today = timezone.localdate().isoformat()

    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/")
    page.get_by_role("link", name="Kirjaa suostumus").click()
    page.get_by_role("button", name="Tallenna suostumus").click()
    expect(page.get_by_role("alert")).to_contain_text("Lomakkeessa on virheitä")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.locator("#id_purposes_error")).to_contain_text("Valitse vähintään yksi")
    page.get_by_role("alert").get_by_role("link", name="Käyttötarkoitukset").click()
    expect(page.locator("#id_purposes_0")).to_be_focused()
    assert_accessible(page)

    page.get_by_label("Allekirjoitus", exact=True).check()
    page.get_by_label("Kelan lomake Y 100").check()
    page.locator(f"input[name=organisations][value='{kela_organisation.pk}']").check()
    page.locator("input[name=organisation_kinds][value=employment_services]").check()
    for purpose in ("service_planning", "kela_benefits", "employment_services"):
        page.locator(f"input[name=purposes][value={purpose}]").check()
    page.get_by_label("Henkilöllisyys- ja yhteystiedot").check()
    page.get_by_label("Työ- ja toimintakyky").check()
    page.locator("#id_signed_on").fill(today)
    page.locator("#id_valid_from").fill(today)
    page.get_by_label("Voimassa toistaiseksi").check()
    page.locator("#id_scan").set_input_files(
        {"name": "y100-allekirjoitettu.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Tallenna suostumus").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kelan lomake Y 100, versio 1")
    expect(page.locator("main")).to_contain_text("y100-allekirjoitettu.pdf")
    expect(page.locator("main")).to_contain_text("Virustarkistus ei ole käytössä")
    expect(page.get_by_role("heading", name="Historia")).to_be_visible()
    assert_accessible(page)
    consent = Consent.objects.get()
    assert ConsentScan.objects.get().consent == consent

    page.goto(f"/clients/{client.uuid}/")
    panel = page.get_by_role("region", name="Suostumukset ja luovutusperusteet")
    expect(panel.get_by_role("table")).to_contain_text("Kela")
    expect(panel.get_by_role("table")).to_contain_text("Työllisyyspalvelut (kaikki)")
    expect(panel.get_by_role("table")).to_contain_text("toistaiseksi")
    expect(panel).to_contain_text("Ei kateta:")
    expect(panel).to_contain_text("Terveydenhuolto")
    assert_accessible(page)

    panel.get_by_role("link", name="Kelan lomake Y 100, versio 1").first.click()
    page.get_by_role("link", name="Peruuta suostumus").click()
    page.get_by_label("Puhelimitse").check()
    page.get_by_label("Kenen kautta").fill("Asiakas itse vastuutyöntekijälle")
    page.get_by_role("button", name="Peruuta suostumus").click()
    expect(page.locator("main")).to_contain_text("Peruutettu")
    kela_task = page.get_by_role("row").filter(
        has_text="Lähetä peruutus Kelaan suojatulla sähköpostilla"
    )
    expect(kela_task).to_be_visible()
    assert_accessible(page)
    kela_task.get_by_role("button", name="Merkitse tehdyksi").click()
    expect(page.locator("main")).to_contain_text(
        "Tehtävä merkitty tehdyksi: Lähetä peruutus Kelaan suojatulla sähköpostilla"
    )
    task = Task.objects.get(kind="consents.send_revocation_to_kela")
    assert task.done_on == timezone.localdate()

    page.goto(f"/clients/{client.uuid}/")
    expect(page.get_by_role("region", name="Suostumukset ja luovutusperusteet")).to_contain_text(
        "tietoja ei saa luovuttaa muille"
    )
    expect(page.get_by_role("region", name="Suostumukset ja luovutusperusteet")).to_contain_text(
        "Päättyneet suostumukset"
    )
