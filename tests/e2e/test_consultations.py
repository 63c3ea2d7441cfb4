"""A social worker asks for a consultation; the coordinator triages it onto a session with
a Kela liaison and an employment expert; the Kela liaison (no Kela consent) sees the
case pseudonymously, the employment expert (consent) named; the coordinator records a
recommendation and the social worker sees the task. axe checks the request form (with
an error and on the confirmation step), the queue, the calendar and the session page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from consents.factories import ConsentFactory
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    make_request,
    make_session,
    put_on_agenda,
)
from consultations.models import ConsultationRequest
from services.factories import OrganisationFactory, UnitFactory
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def helsinki():
    sote = OrganisationFactory(slug="e2e-sote", name_fi="Helsingin sote")
    employment = OrganisationFactory(
        employment_services=True, slug="e2e-tyollisyys", name_fi="Helsingin työllisyyspalvelut"
    )
    kela = OrganisationFactory(kela=True, slug="e2e-kela", name_fi="Kela")
    worker = make_user(
        Role.SOCIAL_WORKER, UnitFactory(organisation=sote), first_name="Sanna", last_name="S"
    )
    coordinator = make_user(
        Role.COORDINATOR, UnitFactory(organisation=sote), first_name="Kaisa", last_name="K"
    )
    expert = make_user(
        Role.EMPLOYMENT_EXPERT,
        UnitFactory(organisation=employment),
        first_name="Tero",
        last_name="Työllinen",
    )
    liaison = make_user(
        Role.KELA_LIAISON, UnitFactory(organisation=kela), first_name="Kerttu", last_name="Kela"
    )
    client = ClientFactory(
        responsible_worker=worker, first_names="Kaarina", last_name="Koivisto", calling_name=""
    )
    # Y 100: employment services, not Kela.
    ConsentFactory(client=client, recorded_by=worker, parties=[employment])
    network = NetworkFactory(
        name_fi="Työkyvyn tuen verkosto", convening_organisation=sote, created_by=coordinator
    )
    for user, expertise in (
        (coordinator, "Koordinaattori"),
        (expert, "Työllisyys"),
        (liaison, "Kela"),
    ):
        add_network_member(network, user, expertise=expertise)
    # On now, so the coordinator can record the recommendation during it.
    session = make_session(
        network,
        coordinator,
        participants=[expert, liaison],
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        minutes=180,
    )
    return {
        "worker": worker,
        "coordinator": coordinator,
        "expert": expert,
        "liaison": liaison,
        "client": client,
        "network": network,
        "session": session,
    }


def test_request_triage_consent_aware_views_and_the_recommendation_task(new_page, helsinki):
    client = helsinki["client"]
    session = helsinki["session"]

    # The social worker asks, first naming the client by mistake.
    worker = new_page(helsinki["worker"])
    worker.goto(f"/clients/{client.uuid}/")
    worker.get_by_role("link", name="Pyydä tapauskonsultaatiota").click()
    worker.locator("#id_question").fill("Miten Kaarinan työkyky saadaan selvitettyä?")
    worker.locator("#id_pseudonymous_summary").fill(
        "Yli viisikymppinen asiakas, pitkä työttömyys, terveys ja asuminen kuormittavat."
    )
    worker.locator("#id_background").fill("Kaarina on ollut työttömänä neljä vuotta.")
    worker.locator("#id_tried_so_far").fill("Kuntouttava työtoiminta keskeytyi.")
    worker.locator("#id_preferred_network").select_option(str(helsinki["network"].pk))
    preview = worker.locator("#visibility-preview")
    expect(preview).to_contain_text("Kela")
    expect(preview).to_contain_text("näkee pseudonyyminä")
    worker.get_by_role("button", name="Jatka tarkistamaan").click()
    expect(worker.locator("#id_question_error")).to_contain_text("asiakkaan nimi")
    assert_accessible(worker)

    worker.locator("#id_question").fill(
        "Miten työkyky saadaan selvitettyä, kun moni asia kuormittaa?"
    )
    worker.get_by_role("button", name="Jatka tarkistamaan").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Tarkista konsultaatiopyyntö")
    kela_row = worker.locator("li", has_text="Kela")
    expect(kela_row).to_contain_text("näkee pseudonyyminä")
    expect(worker.locator("li", has_text="Helsingin työllisyyspalvelut")).to_contain_text(
        "näkee nimellä"
    )
    assert_accessible(worker)
    worker.get_by_role("button", name="Lähetä pyyntö").click()
    consultation = ConsultationRequest.objects.get()
    expect(worker.get_by_role("heading", level=1)).to_have_text(
        f"Konsultaatiopyyntö {consultation.reference}"
    )
    expect(worker.locator("main")).to_contain_text("Vastuu säilyy vastuutyöntekijällä.")

    # The coordinator triages it onto the session.
    coordinator = new_page(helsinki["coordinator"])
    coordinator.goto("/consultations/queue/")
    expect(coordinator.locator("main")).not_to_contain_text("Koivisto")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name=consultation.reference).click()
    coordinator.locator("#id_session").select_option(str(session.pk))
    coordinator.locator("#id_minutes").fill("40")
    coordinator.get_by_role("button", name="Lisää esityslistalle").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Työkyvyn tuen verkosto")
    expect(coordinator.locator("main")).to_contain_text(consultation.reference)
    assert_accessible(coordinator)
    coordinator.goto(f"/consultations/calendar/?day={timezone.localdate().isoformat()}")
    expect(coordinator.locator("main")).to_contain_text("Työkyvyn tuen verkosto")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name="Kuukausinäkymä").click()
    expect(coordinator.locator("table")).to_contain_text("Työkyvyn tuen verkosto")
    assert_accessible(coordinator)

    # The social worker presents the case: the request page says where, and opens the session.
    worker.goto(
        reverse(
            "consultations:request_detail",
            kwargs={"client_id": client.uuid, "request_id": consultation.pk},
        )
    )
    expect(worker.locator("main")).to_contain_text(session.place)
    assert_accessible(worker)
    worker.get_by_role("link", name="Avaa istunto ja sen esityslista").click()
    expect(worker.locator("main")).to_contain_text("Tapauksen esittelijä")
    expect(worker.locator("main")).to_contain_text(consultation.reference)
    assert_accessible(worker)

    item = consultation.agenda_items.get()
    case_path = f"/consultations/sessions/{session.pk}/cases/{item.pk}/"

    # The Kela liaison: pseudonymous. The employment expert: named.
    liaison = new_page(helsinki["liaison"])
    liaison.goto(case_path)
    expect(liaison.locator("main")).to_contain_text("Näet tapauksen pseudonyyminä")
    expect(liaison.locator("main")).not_to_contain_text("Koivisto")
    expect(liaison.locator("main")).not_to_contain_text("neljä vuotta")
    expect(liaison.locator("main")).to_contain_text("Vastuu säilyy vastuutyöntekijällä.")
    assert_accessible(liaison)
    expert = new_page(helsinki["expert"])
    expert.goto(case_path)
    expect(expert.locator("main")).to_contain_text("Näet tapauksen nimellä")
    expect(expert.locator("main")).to_contain_text("Kaarina Koivisto")
    expect(expert.locator("main")).to_contain_text("neljä vuotta")

    # The coordinator records a recommendation.
    coordinator.goto(case_path)
    coordinator.locator("#id_text").fill("Ohjataan työkykyselvitykseen.")
    coordinator.get_by_role("button", name="Tallenna suositus").click()
    expect(coordinator.locator("main")).to_contain_text("Ohjataan työkykyselvitykseen.")
    assert_accessible(coordinator)

    # The social worker sees the task on the dashboard and the client page.
    worker.goto("/")
    expect(worker.locator("main")).to_contain_text("Ohjataan työkykyselvitykseen.")
    worker.goto(f"/clients/{client.uuid}/")
    expect(worker.locator("#panel-consultations-requests")).to_contain_text(
        "Ohjataan työkykyselvitykseen."
    )


def test_the_worker_withdraws_a_request_sent_by_mistake(new_page, helsinki):
    consultation = make_request(helsinki["client"], helsinki["worker"])
    worker = new_page(helsinki["worker"])
    worker.goto(
        reverse(
            "consultations:request_detail",
            kwargs={"client_id": helsinki["client"].uuid, "request_id": consultation.pk},
        )
    )
    worker.get_by_role("button", name="Peru pyyntö").click()
    expect(worker.locator("#id_reason_error")).to_contain_text("Tämä kenttä vaaditaan.")
    assert_accessible(worker)
    worker.locator("#id_reason").fill("Lähetetty vahingossa.")
    worker.get_by_role("button", name="Peru pyyntö").click()
    expect(worker.locator("main")).to_contain_text("Pyyntö peruttu")
    expect(worker.locator("main")).to_contain_text("Lähetetty vahingossa.")
    expect(worker.get_by_role("button", name="Peru pyyntö")).to_have_count(0)
    assert_accessible(worker)


def test_minutes_naming_the_client_of_another_case_are_refused(new_page, helsinki):
    """Every participant reads a case's minutes: the Kela liaison, who sees the other case
    (no consent) only pseudonymously, must not learn its client's name from them."""
    session = helsinki["session"]
    first = put_on_agenda(make_request(helsinki["client"], helsinki["worker"]), session)
    other_client = ClientFactory(
        responsible_worker=helsinki["worker"],
        first_names="Tuisku",
        last_name="Tietävä",
        calling_name="",
    )
    put_on_agenda(make_request(other_client, helsinki["worker"]), session)
    case_path = f"/consultations/sessions/{session.pk}/cases/{first.pk}/"

    coordinator = new_page(helsinki["coordinator"])
    coordinator.goto(case_path)
    minutes = coordinator.get_by_role("textbox", name="Muistio")
    minutes.fill("Sama tilanne kuin Tuisku Tietävällä: yhteinen ryhmä.")
    coordinator.get_by_role("button", name="Tallenna muistio").click()
    # The coordinator may see that case only pseudonymously: told neither what nor whose.
    expect(coordinator.locator("#id_minutes_error")).to_contain_text(
        "Tekstissä on asiakkaan tunnistetietoja"
    )
    expect(coordinator.locator("#id_minutes_error")).not_to_contain_text("Tuisku")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    assert_accessible(coordinator)
    minutes.fill("Sama tilanne kuin toisella asiakkaalla: yhteinen ryhmä.")
    coordinator.get_by_role("button", name="Tallenna muistio").click()
    expect(coordinator.locator("main")).to_contain_text("Muistio tallennettu.")

    liaison = new_page(helsinki["liaison"])
    liaison.goto(case_path)
    expect(liaison.locator("main")).to_contain_text("yhteinen ryhmä")
    expect(liaison.locator("main")).not_to_contain_text("Tuisku")
    expect(liaison.locator("main")).not_to_contain_text("Koivisto")


def test_removing_a_participant_and_a_case_is_confirmed_first(new_page, helsinki):
    """One click must not e-mail a cancellation: each removal asks on a page of its own."""
    session = make_session(
        helsinki["network"],
        helsinki["coordinator"],
        participants=[helsinki["expert"], helsinki["liaison"]],
        starts_at=timezone.now() + datetime.timedelta(days=7),
    )
    put_on_agenda(make_request(helsinki["client"], helsinki["worker"]), session)
    page = new_page(helsinki["coordinator"])
    page.goto(f"/consultations/sessions/{session.pk}/")
    page.get_by_role("button", name=re.compile("^Poista.*Kerttu Kela")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Poistetaanko osallistuja?")
    assert_accessible(page)
    page.get_by_role("link", name="Peruuta").click()
    expect(page.get_by_role("listitem").filter(has_text="Kerttu Kela")).to_be_visible()

    page.get_by_role("button", name=re.compile("^Poista.*Kerttu Kela")).click()
    page.get_by_role("button", name="Poista osallistuja").click()
    expect(page.locator("main")).to_contain_text("Osallistuja poistettu; hän saa peruutuksen.")
    expect(page.get_by_role("listitem").filter(has_text="Kerttu Kela")).to_have_count(0)

    page.get_by_role("button", name=re.compile("^Poista esityslistalta")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Poistetaanko tapaus esityslistalta?")
    expect(page.locator("main")).not_to_contain_text("Koivisto")
    page.get_by_role("button", name="Poista esityslistalta").click()
    expect(page.locator("main")).to_contain_text("Tapaus palasi jonoon.")
