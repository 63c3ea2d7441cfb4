"""Asking for a consultation: the pseudonymous texts are checked for the client's names
and identity code; the worker sees, before sending, who would see the case
pseudonymously; the coordinator's queue, triage, placing and declining."""

import datetime
import threading
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import ClientFactory
from consents.factories import ConsentFactory
from consultations import actions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    make_request,
    make_session,
    next_weekday_at,
)
from consultations.models import ConsultationRequest, RequestStatus
from consultations.pseudonymity import age_band, identifying_mentions
from consultations.tasks import send_invitations_task
from notifications.models import Task
from services.factories import UnitFactory
from tests.conftest import acting, field_errors, login
from tests.consultations.conftest import IDENTITY_CODE


@pytest.mark.parametrize(
    "text",
    [
        "Kaarina tarvitsee tukea.",
        "kaarina tarvitsee tukea.",
        "Kaarinan tilanne on vaikea.",  # inflected
        "Soitin Koivistolle eilen.",
        "Kaijakin oli paikalla.",
        "Aurora on huolissaan.",  # the second first name
        "Kaija-täti kertoi.",  # the calling name, hyphenated
        "Asiakas Koivisto on 50-vuotias.",
        "KOIVISTO",
        "Henkilötunnus " + IDENTITY_CODE,
        "Tunnus " + IDENTITY_CODE[:7] + "****",
        "Syntynyt 14.5.1974.",
        "Syntynyt 14.05.1974.",
        "ks. 140574",
    ],
)
def test_identifying_texts_are_found(hki, text):
    assert identifying_mentions(hki.client, text)


@pytest.mark.parametrize(
    "text",
    [
        "Keski-ikäinen asiakas, jolla on selkäkipuja.",
        "Asuu Koivistonkadulla.",  # a name inside a longer word is not the name
        "Työkokeilu onnistui.",
        "Syntynyt 1970-luvulla.",
        "",
    ],
)
def test_ordinary_texts_pass(hki, text):
    assert identifying_mentions(hki.client, text) == []


def test_age_bands(hki):
    born = hki.client.birth_date
    assert age_band(hki.client, born.replace(year=born.year + 52)) == "50–59-vuotias"
    assert age_band(hki.client, born.replace(year=born.year + 23)) == "20–24-vuotias"
    assert age_band(hki.client, born.replace(year=born.year + 27)) == "25–29-vuotias"
    assert age_band(hki.client, born.replace(year=born.year + 18)) == "alle 20-vuotias"


def form_data(hki, **overrides):
    data = {
        "question": "Miten työkyvyn arviointiin pääsee, kun toimeentulo ja asuminen kuormittavat?",
        "pseudonymous_summary": "Keski-ikäinen asiakas, pitkä työttömyys, kuormittava elämäntilanne.",
        "background": "Kaarina on ollut työttömänä neljä vuotta. Selkä ja mieliala rajoittavat.",
        "tried_so_far": "Kuntouttava työtoiminta, keskeytyi.",
        "urgency": "soon",
        "preferred_network": hki.network.pk,
    }
    data.update(overrides)
    return data


def create_url(hki):
    return reverse("consultations:request_create", kwargs={"client_id": hki.client.uuid})


@pytest.fixture
def worker_client(client, hki):
    return login(client, hki.worker)


def test_the_form_shows_before_sending_who_would_see_the_case_pseudonymously(worker_client, hki):
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.employment])
    response = worker_client.get(create_url(hki) + f"?preferred_network={hki.network.pk}")
    assert response.status_code == 200
    preview = response.content.decode().split('id="visibility-preview"')[1]
    employment, kela = (
        preview.split(str(hki.employment))[1][:200],
        preview.split("<strong>Kela</strong>")[1][:200],
    )
    assert "näkee nimellä" in employment
    assert "näkee pseudonyyminä" in kela
    assert hki.kela_liaison.get_full_name() in kela


def test_the_htmx_preview_is_a_fragment_and_carries_no_text_in_its_url(worker_client, hki):
    response = worker_client.get(
        create_url(hki),
        {"preferred_network": hki.network.pk, "includes_health_data": "on"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    # Only the contents of the live region: the region itself stays in the page, so a
    # screen reader announces the new contents (a replaced region is not announced).
    assert "<html" not in html and 'id="visibility-preview"' not in html
    assert "aria-live" not in html and "<h2" not in html
    assert html.lstrip().startswith(f"<h3>{hki.network.name}</h3>")
    form = worker_client.get(create_url(hki)).content.decode()
    assert 'hx-get="' + create_url(hki) + '"' in form
    assert 'hx-include="#id_includes_health_data"' in form
    assert form.count('hx-target="#visibility-preview"') == 2
    assert form.count('hx-swap="innerHTML"') == 2
    assert '<div id="visibility-preview" aria-live="polite">' in form


def test_the_preview_names_the_convening_organisations_coordinators_who_are_not_members(
    worker_client, hki
):
    """A coordinator of the convening organisation may coordinate or chair a session without
    being a member, and then sees the case as their organisation's consent allows: the
    preview lists them with it, and says coverage is checked again at the session."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from consents.factories import acting as acting_in
    from services.factories import UnitFactory

    acting_in(
        make_user(
            Role.COORDINATOR,
            UnitFactory(organisation=hki.sote),
            first_name="Kalle",
            last_name="Kokoonkutsuja",
        )
    )
    ended = make_user(Role.COORDINATOR, hki.social_work, first_name="Elsa", last_name="Entinen")
    ended.role_assignments.update(
        valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31)
    )
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.sote])
    page = worker_client.get(create_url(hki) + f"?preferred_network={hki.network.pk}")
    preview = page.content.decode().split('id="visibility-preview"')[1]
    sote = preview.split(str(hki.sote))[1].split("</li>")[0]
    assert "näkee nimellä" in sote
    assert "Kalle Kokoonkutsuja" in sote and "koordinoida tai johtaa istuntoa" in sote
    assert "Elsa Entinen" not in preview
    assert preview.count("Kaisa Koordinaattori") == 1  # a member, listed once
    assert "kattavuus tarkistetaan uudelleen istunnossa" in preview


def test_only_networks_that_serve_the_clients_organisation_may_be_preferred(worker_client, hki):
    """The employment services' own network, in which the client's organisation takes no
    part, is not offered, shown in the preview or accepted; once the social services
    nominate a member of theirs to it, it is."""
    coordinator = acting(make_user(Role.COORDINATOR, UnitFactory(organisation=hki.employment)))
    theirs = NetworkFactory(
        name_fi="Työllisyyspalvelujen oma verkosto",
        convening_organisation=hki.employment,
        created_by=coordinator,
    )
    add_network_member(theirs, coordinator)
    page = worker_client.get(create_url(hki), {"preferred_network": theirs.pk})
    assert theirs.name_fi not in page.content.decode() and page.context["chosen_network"] is None
    assert str(hki.network) in page.content.decode()
    response = worker_client.post(
        create_url(hki), {**form_data(hki, preferred_network=theirs.pk), "confirm": "1"}
    )
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "preferred_network")
    assert not ConsultationRequest.objects.exclude(pk=hki.request.pk).exists()
    with pytest.raises(ValidationError) as refused:
        actions.ask_for_consultation(
            client=hki.client,
            asked_by=hki.worker,
            **{**form_data(hki), "preferred_network": theirs},
        )
    assert "preferred_network" in refused.value.message_dict

    add_network_member(theirs, hki.worker)  # nominated by the social services themselves
    page = worker_client.get(create_url(hki), {"preferred_network": theirs.pk})
    assert page.context["chosen_network"] == theirs


def test_sending_takes_a_confirmation_step(worker_client, hki):
    response = worker_client.post(create_url(hki), form_data(hki))
    assert response.status_code == 200
    assert "Tarkista konsultaatiopyyntö" in response.content.decode()
    assert not ConsultationRequest.objects.exclude(pk=hki.request.pk).exists()
    response = worker_client.post(create_url(hki), {**form_data(hki), "confirm": "1"})
    consultation = ConsultationRequest.objects.exclude(pk=hki.request.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations:request_detail",
        kwargs={"client_id": hki.client.uuid, "request_id": consultation.pk},
    )
    assert consultation.status == RequestStatus.REQUESTED
    assert consultation.asked_by == hki.worker and consultation.responsible_worker == hki.worker
    assert consultation.reference == f"K-{timezone.localdate().year}-002"
    assert consultation.urgency == "soon" and consultation.preferred_network == hki.network
    actions_logged = list(
        AccessLogEntry.objects.filter(client_id=hki.client.uuid)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions_logged == ["consultations.request.form_viewed", "consultations.request.created"]


HEALTH_BACKGROUND = "Masennusdiagnoosi ja lääkitys"
WITHHELD = "Taustatiedoissa on terveystietoja, joita et voi lukea nykyisessä roolissasi"


@pytest.mark.parametrize(
    ("who", "reads"), [("coach", False), ("worker", True)], ids=["work_coach", "social_worker"]
)
def test_health_data_in_the_background_shows_on_the_request_page_only_to_health_note_readers(
    client, hki, who, reads
):
    """The client's work coach is on the team but does not read health-related notes: the
    request page keeps its question and summary and says the background is withheld; the
    social worker reads it. Both readings are logged."""
    import rules

    consultation = make_request(
        hki.client,
        hki.worker,
        includes_health_data=True,
        background=HEALTH_BACKGROUND,
        tried_so_far="Lääkityksen säätö terveyskeskuksessa.",
    )
    user = getattr(hki, who)
    assert rules.has_perm("clients.read_health_notes", user, hki.client) is reads
    login(client, user)
    response = client.get(
        reverse(
            "consultations:request_detail",
            kwargs={"client_id": hki.client.uuid, "request_id": consultation.pk},
        )
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert consultation.question in html and consultation.pseudonymous_summary in html
    assert (HEALTH_BACKGROUND in html) is reads
    assert ("Lääkityksen säätö" in html) is reads
    assert (WITHHELD in html) is not reads
    assert AccessLogEntry.objects.filter(
        actor=user, action="consultations.request.viewed", client_id=hki.client.uuid
    ).exists()


def test_a_background_without_health_data_shows_to_the_whole_team(client, hki):
    login(client, hki.coach)
    html = client.get(
        reverse(
            "consultations:request_detail",
            kwargs={"client_id": hki.client.uuid, "request_id": hki.request.pk},
        )
    ).content.decode()
    assert hki.request.background in html and WITHHELD not in html


def test_the_edit_button_returns_to_the_form_with_the_texts(worker_client, hki):
    response = worker_client.post(create_url(hki), {**form_data(hki), "edit": "1"})
    assert response.status_code == 200
    assert "Jatka tarkistamaan" in response.content.decode()
    assert "pitkä työttömyys" in response.content.decode()


def test_a_summary_that_names_the_client_is_refused(worker_client, hki):
    data = form_data(hki, pseudonymous_summary="Kaarina, 52, työtön.", question="Mitä Koivisto?")
    response = worker_client.post(create_url(hki), {**data, "confirm": "1"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "asiakkaan nimi (Kaarina)" in errors["pseudonymous_summary"][0]
    assert "asiakkaan nimi (Koivisto)" in errors["question"][0]
    assert ConsultationRequest.objects.count() == 1


def test_the_refusal_names_the_client_as_written_not_folded(worker_client, hki):
    """The worker recognises "Mätti Åström", not "matti" or "astrom", whatever the case and
    accents of the text, in the order of the name; each part of a double name as written."""
    hki.client.first_names, hki.client.last_name = "Mätti Anna-Liisa", "Åström"
    hki.client.calling_name = ""
    hki.client.save()
    data = form_data(
        hki,
        pseudonymous_summary="MATTI on työtön, astromin perhe muutti.",
        question="Mitä anna-liisalle?",
    )
    response = worker_client.post(create_url(hki), {**data, "confirm": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Tekstissä on tunnistetietoja: asiakkaan nimi (Mätti, Åström). "
        "Kirjoita se niin, ettei asiakasta voi tunnistaa."
    ) in field_errors(page, "pseudonymous_summary")
    assert "asiakkaan nimi (Anna, Liisa)" in field_errors(page, "question")
    assert ConsultationRequest.objects.count() == 1


def test_the_action_refuses_the_identity_code_too(hki):
    with pytest.raises(Exception) as error:
        actions.ask_for_consultation(
            client=hki.client,
            asked_by=hki.worker,
            question="Kysymys",
            background="Tausta",
            tried_so_far="-",
            pseudonymous_summary=f"Tunnus {IDENTITY_CODE}",
        )
    assert "henkilötunnus" in str(error.value)


def test_a_team_member_asks_on_the_responsible_workers_behalf(client, hki):
    login(client, hki.coach)
    response = client.post(create_url(hki), {**form_data(hki), "confirm": "1"})
    assert response.status_code == 302
    consultation = ConsultationRequest.objects.latest("pk")
    assert consultation.asked_by == hki.coach and consultation.responsible_worker == hki.worker


def test_references_are_numbered_within_the_year(hki):
    second = make_request(hki.client, hki.worker)
    third = actions.ask_for_consultation(
        client=hki.client,
        asked_by=hki.worker,
        question="Kysymys",
        background="Tausta",
        tried_so_far="-",
        pseudonymous_summary="Tiivistelmä",
    )
    year = timezone.localdate().year
    assert [second.reference, third.reference] == [f"K-{year}-002", f"K-{year}-003"]


# The coordinator


@pytest.fixture
def waiting(hki):
    return make_request(hki.client, hki.worker, preferred_network=hki.network, urgency="urgent")


def test_the_queue_is_pseudonymous_and_logged(client, hki, waiting):
    login(client, hki.coordinator)
    response = client.get(reverse("consultations:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert waiting.reference in html and hki.request.reference not in html  # scheduled already
    assert "Koivisto" not in html and "Kaarina" not in html
    entry = AccessLogEntry.objects.get(action="consultations.case.listed")
    assert entry.client_id == hki.client.uuid and entry.detail == "queue"


def test_the_queue_is_the_coordinators_alone(client, hki):
    for user in (hki.worker, hki.expert, hki.kela_liaison):
        client.logout()
        login(client, user)
        assert client.get(reverse("consultations:queue")).status_code == 403


def test_triage_place_and_decline(client, hki, waiting):
    login(client, hki.coordinator)
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    assert client.get(triage).status_code == 200
    response = client.post(triage, {"network": hki.network.pk, "note": "Otetaan seuraavaan."})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.TRIAGED and waiting.triaged_by == hki.coordinator
    place = reverse("consultations:place", kwargs={"request_id": waiting.pk})
    response = client.post(
        place, {"session": hki.session.pk, "start_time": "14:00", "minutes": "45"}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    item = waiting.agenda_items.get()
    assert waiting.status == RequestStatus.SCHEDULED
    assert timezone.localtime(item.starts_at).strftime("%H:%M") == "14:00"
    assert item.ends_at - item.starts_at == datetime.timedelta(minutes=45)
    hki.session.refresh_from_db()
    assert hki.session.sequence == 1

    other = make_request(hki.client, hki.worker)
    decline = reverse("consultations:decline", kwargs={"request_id": other.pk})
    assert client.post(decline, {"reason": ""}).status_code == 400
    response = client.post(decline, {"reason": "Kuuluu työllisyyspalvelujen konsultaatioon."})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == RequestStatus.DECLINED
    task = Task.objects.get(kind="consultations.request_declined")
    assert task.assignee == hki.worker and task.client_id == hki.client.uuid


def test_a_triage_note_or_decline_reason_naming_the_client_is_refused(client, hki, waiting):
    """The triage page shows them to the network's coordinators, also to one who sees the
    case pseudonymously (consent not covering their organisation)."""
    login(client, hki.coordinator)
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    response = client.post(
        triage, {"network": hki.network.pk, "note": "Kaarinan asia kiireellinen."}
    )
    assert response.status_code == 400
    # The coordinator may see the case pseudonymously: no guessed name is confirmed.
    assert field_errors(response.content.decode(), "note").startswith(
        "Tekstissä on asiakkaan tunnistetietoja"
    )
    assert "Kaarina" not in field_errors(response.content.decode(), "note")
    decline = reverse("consultations:decline", kwargs={"request_id": waiting.pk})
    response = client.post(decline, {"reason": "Koivisto ohjataan työllisyyspalveluihin."})
    page = response.content.decode()
    assert response.status_code == 400
    assert field_errors(page, "reason").startswith("Tekstissä on asiakkaan tunnistetietoja")
    assert "Pyytäjä ja verkoston koordinaattorit näkevät tämän" in page
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED
    assert waiting.triage_note == "" and waiting.decline_reason == ""
    assert not Task.objects.filter(kind="consultations.request_declined").exists()


@pytest.mark.parametrize(
    "where",
    [
        {"place": "Kotikäynti Koivistolle, Kaarinan luona"},
        {"place": "", "video_link": "https://video.example.fi/kaarina-koivisto"},
    ],
)
def test_a_session_whose_place_or_link_names_the_client_takes_no_case_of_theirs(
    client, hki, waiting, where, django_capture_on_commit_callbacks
):
    """The updated invitation would carry the place and the link by e-mail: placing the case
    is refused next to the session field, and nothing changes or is sent."""
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert],
        starts_at=next_weekday_at(9),
        **where,
    )
    login(client, hki.coordinator)
    place = reverse("consultations:place", kwargs={"request_id": waiting.pk})
    with (
        mock.patch.object(send_invitations_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(place, {"session": session.pk, "minutes": "30"})
    assert response.status_code == 400
    assert "Muuta istunnon paikka tai videoyhteys" in field_errors(
        response.content.decode(), "session"
    )
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED and not waiting.agenda_items.exists()
    assert session.sequence == 0
    delay.assert_not_called()
    # The session takes another client's case, and the original session this one.
    other = make_request(
        ClientFactory(responsible_worker=hki.worker, first_names="Onni", last_name="Orava"),
        hki.worker,
        preferred_network=hki.network,
    )
    other_place = reverse("consultations:place", kwargs={"request_id": other.pk})
    assert client.post(other_place, {"session": session.pk, "minutes": "30"}).status_code == 302
    assert client.post(place, {"session": hki.session.pk, "minutes": "30"}).status_code == 302


@pytest.mark.parametrize("placed_first", ["naming", "named"])
def test_two_cases_whose_texts_name_each_others_client_are_not_on_one_agenda(
    client, hki, waiting, placed_first
):
    """Every participant reads every case's question and summary: a case whose summary
    names the client of a case already on the agenda is refused next to the session field,
    whichever of the two is placed first, and goes to another session."""
    naming = make_request(
        ClientFactory(responsible_worker=hki.worker, first_names="Onni", last_name="Orava"),
        hki.worker,
        preferred_network=hki.network,
        pseudonymous_summary="Nuori aikuinen, asuu samassa taloudessa Kaarina Koiviston kanssa.",
    )
    first, second = (naming, waiting) if placed_first == "naming" else (waiting, naming)
    session, later = (
        make_session(
            hki.network,
            hki.coordinator,
            participants=[hki.expert],
            starts_at=next_weekday_at(9, days),
        )
        for days in (7, 14)
    )
    login(client, hki.coordinator)

    def place(request, session):
        url = reverse("consultations:place", kwargs={"request_id": request.pk})
        return client.post(url, {"session": session.pk, "minutes": "30"})

    assert place(first, session).status_code == 302
    response = place(second, session)
    assert response.status_code == 400
    error = field_errors(response.content.decode(), "session")
    assert "käsittele tapaus toisessa istunnossa" in error
    # What matched is not said: the coordinator may see the other case only pseudonymously.
    assert "Kaarina" not in error
    second.refresh_from_db()
    assert second.status != RequestStatus.SCHEDULED and not second.agenda_items.exists()
    assert place(second, later).status_code == 302


@pytest.mark.parametrize("recorded", ["minutes", "recommendation"])
def test_a_case_whose_client_the_minutes_of_a_session_under_way_name_is_refused(
    client, hki, recorded
):
    """Every participant reads the minutes and recommendations of every case: on a session
    under way, a case whose client those of another case already name is refused next to
    the session field, without saying what matched; a client they do not name is placed."""
    named = make_request(
        ClientFactory(
            responsible_worker=hki.worker,
            first_names="Matti",
            last_name="Meikäläinen",
            calling_name="",
        ),
        hki.worker,
        preferred_network=hki.network,
    )
    unnamed = make_request(
        ClientFactory(responsible_worker=hki.worker, first_names="Onni", last_name="Orava"),
        hki.worker,
        preferred_network=hki.network,
    )
    text = "Sovittiin yhteistyöstä Matti Meikäläisen asian kanssa."
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        if recorded == "minutes":
            actions.record_minutes(item=hki.item, recorded_by=hki.coordinator, minutes=text)
        else:
            actions.add_recommendation(
                item=hki.item,
                recommended_by=hki.coordinator,
                text=text,
                due_date=timezone.localdate() + datetime.timedelta(days=14),
            )
        login(client, hki.coordinator)

        def place(request):
            url = reverse("consultations:place", kwargs={"request_id": request.pk})
            return client.post(url, {"session": hki.session.pk, "minutes": "15"})

        response = place(named)
        assert response.status_code == 400
        error = field_errors(response.content.decode(), "session")
        assert "käsittele tapaus toisessa istunnossa" in error
        assert "Matti" not in error and "Meikäläi" not in error
        named.refresh_from_db()
        assert named.status == RequestStatus.REQUESTED and not named.agenda_items.exists()
        assert place(unnamed).status_code == 302
    assert hki.session.agenda.count() == 2


def test_cases_whose_texts_name_no_other_client_share_an_agenda(client, hki, waiting):
    other = make_request(
        ClientFactory(responsible_worker=hki.worker, first_names="Onni", last_name="Orava"),
        hki.worker,
        preferred_network=hki.network,
    )
    session = make_session(
        hki.network, hki.coordinator, participants=[hki.expert], starts_at=next_weekday_at(9)
    )
    login(client, hki.coordinator)
    for request in (waiting, other):
        url = reverse("consultations:place", kwargs={"request_id": request.pk})
        assert client.post(url, {"session": session.pk, "minutes": "30"}).status_code == 302
    assert session.agenda.count() == 2


def test_a_case_whose_client_a_participants_expertise_names_is_refused(client, hki, waiting):
    """Every participant reads everyone's expertise on the session page: a guest invited
    before the case was placed, whose expertise names its client, keeps the case off that
    session (refused next to the session field, without saying what matched); it goes to
    another."""
    session, later = (
        make_session(
            hki.network,
            hki.coordinator,
            participants=[hki.expert],
            starts_at=next_weekday_at(9, days),
        )
        for days in (7, 14)
    )
    with mock.patch.object(send_invitations_task, "delay"):
        actions.invite_guest(
            session=session,
            invited_by=hki.coordinator,
            user=hki.nurse,
            expertise="Koiviston fysioterapeutti",
        )
    sequence = session.sequence
    login(client, hki.coordinator)
    url = reverse("consultations:place", kwargs={"request_id": waiting.pk})

    with mock.patch.object(send_invitations_task, "delay") as delay:
        response = client.post(url, {"session": session.pk, "minutes": "30"})

    assert response.status_code == 400
    error = field_errors(response.content.decode(), "session")
    assert "käsittele tapaus toisessa istunnossa" in error
    assert "Koivisto" not in error and "Terhi" not in error
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED and not waiting.agenda_items.exists()
    session.refresh_from_db()
    assert session.sequence == sequence
    delay.assert_not_called()
    with mock.patch.object(send_invitations_task, "delay"):
        assert client.post(url, {"session": later.pk, "minutes": "30"}).status_code == 302


def test_a_slot_outside_the_session_is_refused(client, hki, waiting):
    login(client, hki.coordinator)
    place = reverse("consultations:place", kwargs={"request_id": waiting.pk})
    response = client.post(
        place, {"session": hki.session.pk, "start_time": "20:00", "minutes": "30"}
    )
    assert response.status_code == 400
    # Next to the time the coordinator typed, not above the form.
    page = response.content.decode()
    assert "istunnon aikana" in field_errors(page, "start_time")
    assert 'value="20:00"' in page
    # Following the previous case, a length that runs past the session's end is the length's.
    response = client.post(place, {"session": hki.session.pk, "minutes": "240"})
    assert response.status_code == 400
    assert "istunnon aikana" in field_errors(response.content.decode(), "minutes")
    assert not waiting.agenda_items.exists()


def test_a_coordinator_of_another_organisation_does_not_see_the_networks_requests(
    client, hki, waiting
):
    from accounts.factories import make_user
    from services.factories import UnitFactory

    stranger = make_user("coordinator", UnitFactory())
    login(client, stranger)
    assert waiting.reference not in client.get(reverse("consultations:queue")).content.decode()
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    assert client.get(triage).status_code == 404
    session = reverse("consultations:session", kwargs={"session_id": hki.session.pk})
    assert client.get(session).status_code == 404


def test_a_member_coordinator_runs_another_organisations_network(client, hki):
    """Helsinki's work-ability coordinator runs employment services' case consultation as
    its member; the convening organisation chairs."""
    from consultations.factories import NetworkFactory, add_network_member

    network = NetworkFactory(convening_organisation=hki.employment, created_by=hki.expert)
    add_network_member(network, hki.coordinator)
    add_network_member(network, hki.expert)
    login(client, hki.coordinator)
    url = reverse("consultations:session_create", kwargs={"network_id": network.pk})
    when = next_weekday_at(10, days_ahead=21)
    response = client.post(
        url,
        {
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "place": "Työllisyyspalvelut, Kallio",
            "chair": hki.coordinator.pk,  # not of the convening organisation
            "members": [hki.expert.pk],
        },
    )
    assert response.status_code == 200
    assert "chair" in response.context["form"].errors
    response = client.post(
        url,
        {
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "place": "Työllisyyspalvelut, Kallio",
            "chair": hki.expert.pk,
            "members": [hki.expert.pk],
        },
    )
    assert response.status_code == 302
    session = network.sessions.get()
    assert session.chair == hki.expert and session.coordinator == hki.coordinator
    assert timezone.localtime(session.starts_at).hour == 10


def test_a_name_inside_an_ordinary_word_is_not_the_name(hki):

    onni = ClientFactory(responsible_worker=hki.worker, first_names="Onni", last_name="Orava")
    assert identifying_mentions(onni, "Työkokeilu onnistui, oravanpyörä katkesi.") == []
    assert identifying_mentions(onni, "Onnin kanssa sovittiin.")
    assert identifying_mentions(onni, "Oravalle soitettiin.")


def test_a_double_submitted_request_is_sent_once(worker_client, hki):
    confirmed = {**form_data(hki), "confirm": "1"}
    assert worker_client.post(create_url(hki), confirmed).status_code == 302
    first = ConsultationRequest.objects.latest("pk")

    again = worker_client.post(create_url(hki), confirmed)

    assert again.status_code == 400
    assert (
        f"Sama kysymys tästä asiakkaasta odottaa jo verkoston käsittelyä ({first.reference})."
        in again.content.decode()
    )
    assert ConsultationRequest.objects.filter(client=hki.client).count() == 2  # hki's and first
    assert AccessLogEntry.objects.filter(action="consultations.request.created").count() == 1
    # Another question about the same client is a new request.
    other = {**confirmed, "question": "Mitä kuntoutusta voisi hakea ennen työkokeilua?"}
    assert worker_client.post(create_url(hki), other).status_code == 302


def test_the_same_question_may_be_asked_again_once_the_first_was_discussed(hki):
    texts = {
        "question": "Kysymys",
        "background": "Tausta",
        "tried_so_far": "-",
        "pseudonymous_summary": "Tiivistelmä",
    }
    first = actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)
    with pytest.raises(ValidationError, match=first.reference):
        actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)
    ConsultationRequest.objects.filter(pk=first.pk).update(
        status=RequestStatus.DISCUSSED, network=hki.network
    )
    assert actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_send_one_request(hki):
    texts = {
        "question": "Kysymys",
        "background": "Tausta",
        "tried_so_far": "-",
        "pseudonymous_summary": "Tiivistelmä",
    }
    barrier = threading.Barrier(2)
    sent, refused, errors = [], [], []

    def ask():
        try:
            barrier.wait(timeout=10)
            sent.append(
                actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)
            )
        except ValidationError as error:
            refused.append(error)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (len(sent), len(refused)) == (1, 1)
    assert ConsultationRequest.objects.filter(question="Kysymys").count() == 1


def test_the_texts_have_a_length_limit(worker_client, hki):
    long_question = "Miten työkykyä tuetaan? " * 100  # 2,400 characters
    response = worker_client.post(
        create_url(hki), {**form_data(hki, question=long_question), "confirm": "1"}
    )
    assert response.status_code == 400
    assert "enintään 2000 merkkiä" in field_errors(response.content.decode(), "question")
    assert ConsultationRequest.objects.count() == 1
    form = worker_client.get(create_url(hki)).content.decode()
    assert 'maxlength="2000"' in form and 'maxlength="4000"' in form


def test_a_summary_giving_the_clients_exact_age_is_refused(worker_client, hki):
    """The participants who see the case pseudonymously get an age band, not the age."""
    age = hki.client.age_on(timezone.localdate())
    data = form_data(hki, pseudonymous_summary=f"{age}-vuotias asiakas, pitkä työttömyys.")
    response = worker_client.post(create_url(hki), {**data, "confirm": "1"})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "pseudonymous_summary") == (
        "Tekstissä on tunnistetietoja: tarkka ikä. Kirjoita se niin, ettei asiakasta voi tunnistaa."
    )
    assert ConsultationRequest.objects.count() == 1


def test_the_preview_says_what_a_consent_must_cover_for_the_case_to_be_seen_named(
    worker_client, hki
):
    """A consent naming the organisation for case consultation but not every category a named
    showing discloses leaves the case pseudonymous: the preview names the categories the
    consent must cover, so the worker knows what to record (here the identity is missing)."""
    from consents.models import InformationCategory

    ConsentFactory(
        client=hki.client,
        recorded_by=hki.worker,
        parties=[hki.employment],
        categories=[InformationCategory.PATHWAY, InformationCategory.WORK_CAPACITY],
    )
    needs = (
        "Nimellä tapauksen näkee organisaatio, jonka asiakkaan suostumus tai kirjattu lakiperuste"
        " kattaa tapauskonsultaation ja kaikki nämä tietoryhmät: Henkilöllisyys- ja yhteystiedot,"
        " Työ- ja toimintakyky, Palvelupolku ja suunnitelmat"
    )
    page = worker_client.get(create_url(hki) + f"?preferred_network={hki.network.pk}")
    preview = page.content.decode().split('id="visibility-preview"')[1]
    assert "näkee pseudonyyminä" in preview.split(str(hki.employment))[1][:200]
    assert needs + "." in preview
    # With health data in the background, the consent must cover health data too.
    fragment = worker_client.get(
        create_url(hki),
        {"preferred_network": hki.network.pk, "includes_health_data": "on"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert needs + ", Terveystiedot (erityinen henkilötietoryhmä)." in fragment
    # The confirmation page, where the request is sent from, says the same.
    confirm = worker_client.post(create_url(hki), form_data(hki)).content.decode()
    assert "Tarkista konsultaatiopyyntö" in confirm
    assert needs + "." in confirm
