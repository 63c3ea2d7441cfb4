"""A social worker registers a client and writes a plan; need to know and break-the-glass, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import (
    ClientFactory,
    demo_identity_code,
    make_note,
    make_plan,
    random_birth_date,
)
from clients.models import Client
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_plan_search_and_break_the_glass(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    counsellor = make_user(Role.SOCIAL_COUNSELLOR, unit)
    coach = make_user(Role.WORK_COACH, unit)
    manager = make_user(Role.MANAGER, unit)
    code = demo_identity_code(random_birth_date(23, 24))

    page = new_page(worker)
    page.goto("/clients/new/")
    page.locator("#id_identity_code").fill("131052-308U")
    page.get_by_role("button", name="Rekisteröi").click()
    expect(page.locator("#id_identity_code_error")).to_contain_text("tarkistusmerkki")
    expect(page.locator("#id_first_names_error")).to_be_visible()
    # The error summary is focused first and each of its links takes the keyboard to its field.
    summary = page.get_by_role("alert").filter(has_text="Lomakkeessa on virheitä")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Henkilötunnus").click()
    expect(page.locator("#id_identity_code")).to_be_focused()
    assert_accessible(page)

    page.locator("#id_identity_code").fill(code)
    page.locator("#id_first_names").fill("Silmu")
    page.locator("#id_last_name").fill("Suunnistaja")
    page.get_by_label("kuvatuki").check()
    page.get_by_role("button", name="Rekisteröi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Silmu Suunnistaja")
    expect(page.locator("main")).to_contain_text(code[:7] + "****")
    client = Client.objects.get()

    page.get_by_role("link", name="Laadi suunnitelma").click()
    assert_accessible(page)
    page.locator("#id_client_view").fill("Opiskelu vai työ? Mitä osaan?")
    page.locator("#id_goals").fill("Hankin hygieniapassin\nSelvitän opiskelun ja työn vaihtoehdot")
    page.get_by_role("button", name="Tallenna").click()
    goals = ["Hankin hygieniapassin", "Selvitän opiskelun ja työn vaihtoehdot"]
    for goal in goals:
        expect(page.get_by_role("listitem").filter(has_text=goal)).to_be_visible()
    plan = client.plans.get()
    assert list(plan.goals.values_list("position", "text")) == list(enumerate(goals))

    page.goto("/clients/")
    page.get_by_role("searchbox", name="Hae nimellä").fill("suunn")
    expect(page.get_by_role("link", name="Suunnistaja, Silmu")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Suunnistaja, Silmu").click()
    expect(page.get_by_role("heading", level=2, name="Suunnitelmat")).to_be_visible()
    assert_accessible(page)

    outsider = new_page(counsellor)
    response = outsider.goto(f"/clients/{client.uuid}/")
    assert response.status == 404
    outsider.goto("/clients/")
    outsider.locator("#id_identity_code").fill(code)
    outsider.get_by_role("button", name="Hae henkilötunnuksella").click()
    expect(outsider.get_by_role("heading", level=1)).to_have_text(
        "Avaa asiakkaan tiedot perustellusta syystä"
    )
    assert code not in outsider.url
    outsider.locator("#id_reason").fill("Asiakas soitti, vastuutyöntekijä on lomalla.")
    outsider.get_by_role("button", name="Avaa tiedot").click()
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Silmu Suunnistaja")
    expect(outsider.get_by_role("status").first).to_contain_text("murtautumalla")

    supervisor = new_page(manager)
    supervisor.goto("/")
    expect(supervisor.locator("main")).to_contain_text("1 tarkastamaton murtautuminen")
    supervisor.get_by_role("link", name="Tarkasta murtautumiset").click()
    expect(supervisor.get_by_role("table")).to_contain_text("vastuutyöntekijä on lomalla")

    coach_page = new_page(coach)
    response = coach_page.goto(f"/clients/{client.uuid}/break-the-glass/")
    assert response.status == 404


def test_client_page_with_data_has_no_axe_violations(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(created_by=worker, address_non_disclosure=True)
    make_plan(client, worker)
    make_note(client, worker)
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/")
    page.get_by_role("button", name="Näytä henkilötunnus").click()
    expect(page.locator("#identity-code")).not_to_contain_text("****")
    # The button that had focus is gone: focus moves to the code, which is read out.
    expect(page.locator("#identity-code")).to_be_focused()
    assert_accessible(page)
    # The responsible worker sees the non-disclosed address; paper never gets it.
    address = page.get_by_text(client.street_address)
    expect(address).to_be_visible()
    page.emulate_media(media="print")
    expect(address).to_be_hidden()
    expect(page.get_by_text("Turvakielto: osoitetta ei tulosteta.")).to_be_visible()
    assert client.street_address not in page.locator("main").inner_text()


def test_the_edit_page_never_prints_a_non_disclosed_address(new_page, unit):
    """The responsible worker edits the address on screen; printing the page leaves it out."""
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(created_by=worker, address_non_disclosure=True)
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/edit/")
    street = page.get_by_label("Katuosoite")
    expect(street).to_have_value(client.street_address)
    assert_accessible(page)
    page.emulate_media(media="print")
    for name in ("Katuosoite", "Postinumero", "Postitoimipaikka"):
        expect(page.get_by_label(name)).to_be_hidden()
    expect(page.get_by_text("Turvakielto: osoitetta ei tulosteta.")).to_be_visible()
    expect(page.get_by_label("Puhelin")).to_be_visible()


def test_the_browser_does_not_send_an_identity_code_typed_into_the_name_search(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    ClientFactory(responsible_worker=worker, first_names="Tuisku", last_name="Tietävä")
    code = demo_identity_code(random_birth_date(30, 40))
    page = new_page(worker)
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto("/clients/")
    search = page.get_by_role("searchbox", name="Hae nimellä")
    search.fill("tiet")
    expect(page.get_by_role("link", name="Tietävä, Tuisku")).to_be_visible()
    search.fill(code)
    # The field refuses digits before anything is sent and says why; the last results, which
    # would seem to match, are hidden.
    digits = (
        "Nimihaussa ei käytetä numeroita. Hae henkilötunnuksella sille tarkoitetulla lomakkeella."
    )
    expect(page.get_by_text(digits)).to_be_visible()
    expect(search).to_have_accessible_description(re.compile(re.escape(digits)))
    expect(page.get_by_role("link", name="Tietävä, Tuisku")).to_be_hidden()
    search.press("Enter")
    # The address never holds the code.
    expect(search).to_have_js_property("validity.patternMismatch", True)
    page.wait_for_timeout(600)  # longer than the search-as-you-type delay
    assert not any(code[:6] in url for url in sent), sent
    assert code[:6] not in page.url
    assert_accessible(page)
    # A name again: it is searched, its results shown, the message gone.
    search.fill("tiet")
    expect(page.get_by_role("link", name="Tietävä, Tuisku")).to_be_visible()
    expect(page.get_by_text(digits)).to_be_hidden()


def test_typing_a_note_tells_the_server_the_user_is_active(new_page, unit):
    """The keepalive (base.html) fires on the first keystroke, then at most every few minutes."""
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker)
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/notes/new/")
    with page.expect_request(lambda request: "/session/keepalive/" in request.url) as asked:
        page.locator("#id_text").press_sequentially("Tapasimme")
    assert asked.value.method == "POST" and "?" not in asked.value.url
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.locator("#id_text").press_sequentially(" kirjastossa.")
    page.wait_for_timeout(300)
    assert not [url for url in sent if "/session/keepalive/" in url]  # throttled


def test_typing_in_the_admin_tells_the_server_the_user_is_active(new_page, unit):
    """An administrator writing a long catalogue entry or rule set is not signed out as idle:
    the admin's pages carry the same keepalive as Polku's own."""
    administrator = make_user(Role.ADMIN, unit, is_staff=True)
    page = new_page(administrator)
    page.goto("/admin/services/unit/add/")
    with page.expect_request(lambda request: "/session/keepalive/" in request.url) as asked:
        page.locator("#id_name_fi").press_sequentially("Työpaja")
    assert asked.value.method == "POST"
    assert asked.value.response().status == 204  # the form token is sent: the admin's too


def test_leaving_a_page_with_an_unsent_note_asks_first(new_page, unit):
    """A note typed and not saved: following a link asks before leaving (the browser's own
    question, which Playwright answers "stay" unless told), and saving the note does not."""
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker)
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/notes/new/")
    page.locator("#id_text").press_sequentially("Tapasimme kirjastossa.")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name=re.compile("^Takaisin")).first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/notes/new/")  # stayed, the text with it
    expect(page.locator("#id_text")).to_have_value("Tapasimme kirjastossa.")

    page.get_by_role("button", name="Tallenna").click()
    expect(page).not_to_have_url(re.compile(r"/notes/new/$"))
    assert asked == ["beforeunload"]  # sending the note itself asked nothing
