"""Journey QA: a responsible worker records, changes and revokes a client's consents,
asks for a case consultation; the coordinator triages, schedules and runs it; the
participants see the case named or pseudonymously as the consent says; the worker
gets the recommendations as tasks and reminders, in the inbox and the morning digest.

Everything goes through the real pages with the Django test client, as the users
would click; the access log and the disclosure log are checked on the way.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, DisclosureLogEntry
from clients.factories import ClientFactory, demo_identity_code
from clients.models import TeamRole
from consents.factories import EXE_BYTES, PDF_BYTES, acting
from consents.models import Consent, ConsentScan, StatutoryBasis
from consultations.factories import NetworkFactory, add_network_member, local_time, make_session
from notifications.models import Task
from services.factories import OrganisationFactory, UnitFactory
from tests.conftest import login

BIRTH = datetime.date(1981, 3, 9)
CODE = demo_identity_code(BIRTH, 937)


def _named(first, last):
    return {"first_name": first, "last_name": last}


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.POLKU_PRIVATE_ROOT = tmp_path / "private"
    settings.POLKU_CLAMAV_SOCKET = ""
    settings.POLKU_BASE_URL = "https://polku.example.fi"


@pytest.fixture
def city(db):
    """Helsinki's social services with a responsible worker and a coordinator, employment
    services, Kela and a health centre; a work-ability network with an employment expert
    and a Kela liaison as members; the client Ilona Ilmarinen."""
    sote = OrganisationFactory(slug="hki-sote", name_fi="Helsingin sosiaali- ja terveystoimi")
    employment = OrganisationFactory(
        employment_services=True, slug="hki-tyollisyys", name_fi="Helsingin työllisyyspalvelut"
    )
    kela = OrganisationFactory(kela=True, slug="kela")
    health = OrganisationFactory(health_care=True, slug="terveysasema", name_fi="Terveysasema")
    social_work = UnitFactory(organisation=sote, name_fi="Aikuissosiaalityö")
    coordination = UnitFactory(organisation=sote, name_fi="Työkykykoordinaatio")
    worker = acting(make_user(Role.SOCIAL_WORKER, social_work, **_named("Sanna", "Sosiaali")))
    coordinator = acting(
        make_user(Role.COORDINATOR, coordination, **_named("Kaisa", "Koordinaattori"))
    )
    expert = acting(
        make_user(
            Role.EMPLOYMENT_EXPERT,
            UnitFactory(organisation=employment),
            **_named("Tero", "Työllinen"),
        )
    )
    kela_liaison = acting(
        make_user(
            Role.KELA_LIAISON, UnitFactory(organisation=kela), **_named("Kerttu", "Kelalainen")
        )
    )
    client = ClientFactory(
        responsible_worker=worker,
        first_names="Ilona Irmeli",
        last_name="Ilmarinen",
        calling_name="Ilo",
        birth=BIRTH,
        code=CODE,
    )
    network = NetworkFactory(
        name_fi="Työkyvyn tuen verkosto", convening_organisation=sote, created_by=coordinator
    )
    add_network_member(network, coordinator, expertise="Työkykykoordinaattori")
    add_network_member(network, expert, expertise="Työllisyyspalvelut")
    add_network_member(network, kela_liaison, expertise="Kelan etuudet ja kuntoutus")
    return SimpleNamespace(
        sote=sote,
        employment=employment,
        kela=kela,
        health=health,
        worker=worker,
        coordinator=coordinator,
        expert=expert,
        kela_liaison=kela_liaison,
        client=client,
        network=network,
    )


def consent_url(name, city, **kwargs):
    return reverse(f"consents:{name}", kwargs={"client_id": city.client.uuid, **kwargs})


def logged(action, user, client=None):
    rows = AccessLogEntry.objects.filter(action=action, actor=user)
    if client is not None:
        rows = rows.filter(client_id=client.uuid)
    return rows.count()


def text_of(response) -> str:
    return response.content.decode()


def y100(city, **overrides):
    today = timezone.localdate()
    data = {
        "giver_kind": "client",
        "method": "signature",
        "form": "kela_y100",
        "organisations": [city.kela.pk],
        "organisation_kinds": ["employment_services"],
        "purposes": ["service_planning", "case_consultation", "employment_services"],
        "categories": ["identity", "pathway", "work_capacity"],
        "signed_on": today.isoformat(),
        "valid_from": today.isoformat(),
        "until_further_notice": "on",
        "valid_until": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Consents -------------------------------------------------------------------------


def test_written_y100_with_a_scan_refusing_an_exe_and_an_11_mb_file(client, city):
    login(client, city.worker)
    # The client page links to recording a consent.
    page = client.get(reverse("clients:detail", kwargs={"client_id": city.client.uuid}))
    assert page.status_code == 200
    assert consent_url("create", city) in text_of(page)

    form = client.get(consent_url("create", city))
    assert form.status_code == 200
    assert logged("consents.consent.form_viewed", city.worker, city.client) == 1

    # An executable renamed .pdf: refused next to the scan field, nothing saved.
    response = client.post(
        consent_url("create", city),
        {**y100(city), "scan": SimpleUploadedFile("y100.pdf", EXE_BYTES, "application/pdf")},
    )
    assert response.status_code == 200
    assert "ei ole PDF-, JPEG- tai PNG-tiedosto" in text_of(response)
    assert response.context["form"].errors["scan"]
    assert not Consent.objects.exists() and not ConsentScan.objects.exists()

    # An 11 MB PDF: refused with its size.
    big = PDF_BYTES + b"0" * (11 * 1024 * 1024)
    response = client.post(
        consent_url("create", city),
        {**y100(city), "scan": SimpleUploadedFile("y100.pdf", big, "application/pdf")},
    )
    assert response.status_code == 200
    assert "liian suuri" in text_of(response)
    assert response.context["form"].errors["scan"]
    assert not Consent.objects.exists()

    # A real PDF: recorded, with the scan.
    response = client.post(
        consent_url("create", city),
        {**y100(city), "scan": SimpleUploadedFile("y100.pdf", PDF_BYTES, "application/pdf")},
    )
    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == consent_url("detail", city, consent_id=consent.pk)
    scan = ConsentScan.objects.get()
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = text_of(detail)
    download = consent_url("scan_download", city, consent_id=consent.pk, scan_id=scan.pk)
    assert download in body
    # Virus scanning is off in this set-up: the page says so.
    assert "virus" in body.lower()
    # The date is d.m.yyyy.
    today = timezone.localdate()
    assert f"{today.day}.{today.month}.{today.year}" in body

    got = client.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF_BYTES
    assert logged("consents.scan.downloaded", city.worker, city.client) == 1

    # Someone outside the team gets a 404 and nothing is logged as a download.
    outsider = make_user(Role.SOCIAL_WORKER, UnitFactory())
    client.logout()
    login(client, outsider)
    assert client.get(download).status_code == 404
    assert logged("consents.scan.downloaded", outsider) == 0


def test_representative_health_change_history_and_statutory_basis(client, city):
    login(client, city.worker)
    today = timezone.localdate()

    # A representative's consent without the representative's name: the error is next to
    # the name field and nothing is saved.
    response = client.post(
        consent_url("create", city),
        y100(city, giver_kind="representative", giver_basis="Edunvalvojan määräys"),
    )
    assert response.status_code == 200
    assert "giver_name" in response.context["form"].errors
    assert not Consent.objects.exists()
    response = client.post(
        consent_url("create", city),
        y100(
            city,
            giver_kind="representative",
            giver_name="Eino Edunvalvoja",
            giver_basis="Edunvalvojan määräys 2.1.2024",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    represented = Consent.objects.get()
    assert represented.giver_name == "Eino Edunvalvoja"
    detail = text_of(client.get(response["Location"]))
    assert "Eino Edunvalvoja" in detail

    # Health information ticked in the ordinary list is impossible: it is its own field.
    response = client.post(
        consent_url("create", city),
        y100(
            city,
            organisations=[city.health.pk],
            organisation_kinds=[],
            purposes=["health_care"],
            categories=["identity", "health"],
        ),
    )
    assert response.status_code == 200
    assert "categories" in response.context["form"].errors
    response = client.post(
        consent_url("create", city),
        y100(
            city,
            form="county_form",
            organisations=[city.health.pk],
            organisation_kinds=[],
            purposes=["health_care"],
            categories=["identity"],
            health="on",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    health = Consent.objects.latest("pk")
    assert health.health_confirmed and "health" in health.categories

    # Change the health consent: end date; a new version, the old superseded, history shows both.
    change = consent_url("change", city, consent_id=health.pk)
    form = client.get(change)
    assert form.status_code == 200
    until = today + datetime.timedelta(days=180)
    response = client.post(
        change,
        y100(
            city,
            form="county_form",
            organisations=[city.health.pk],
            organisation_kinds=[],
            purposes=["health_care"],
            categories=["identity"],
            health="on",
            until_further_notice=None,
            valid_until=until.isoformat(),
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    new = Consent.objects.latest("pk")
    health.refresh_from_db()
    assert new.series == health.series and new.version == health.version + 1
    assert health.superseded_at is not None and new.valid_until == until
    history = client.get(response["Location"])
    body = text_of(history)
    assert consent_url("detail", city, consent_id=health.pk) in body
    assert f"{until.day}.{until.month}.{until.year}" in body
    assert "Sanna Sosiaali" in body
    # A change creates a task to tell the health centre.
    assert Task.objects.filter(assignee=city.worker, object_id=str(new.pk)).count() == 1
    # The old version cannot be changed again.
    old_change = client.post(change, {})
    assert old_change.status_code == 302

    # A statutory basis must name the statute.
    response = client.post(
        consent_url("statutory_basis_create", city),
        {
            "organisation": city.kela.pk,
            "statute": "",
            "purposes": ["kela_benefits"],
            "categories": ["income"],
            "valid_from": today.isoformat(),
        },
    )
    assert response.status_code == 200 and "statute" in response.context["form"].errors
    response = client.post(
        consent_url("statutory_basis_create", city),
        {
            "organisation": city.kela.pk,
            "statute": "Laki sosiaalihuollon asiakkaan asemasta 812/2000, 20 §",
            "purposes": ["kela_benefits"],
            "categories": ["income"],
            "valid_from": today.isoformat(),
        },
    )
    assert response.status_code == 302
    assert StatutoryBasis.objects.get().statute.startswith("Laki sosiaalihuollon")
    listing = text_of(client.get(consent_url("list", city)))
    assert "812/2000" in listing

    # A disclosure by phone outside Polku on the statutory basis: one disclosure-log row.
    disclose = consent_url("disclosure_create", city)
    assert client.get(disclose).status_code == 200
    response = client.post(
        disclose,
        {
            "organisation": city.kela.pk,
            "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
            "categories": ["income"],
            "purpose": "kela_benefits",
            "channel": "phone",
            "what": "Toimeentulotuen päätöksen tiedot",
        },
    )
    assert response.status_code == 302
    row = DisclosureLogEntry.objects.get()
    assert row.recipient_organisation == city.kela
    assert "812/2000" in row.statute and row.consent_id is None
    assert row.channel == "phone" and row.actor == city.worker
    # Health information to Kela is not covered: refused, with the reason on the form.
    response = client.post(
        disclose,
        {
            "organisation": city.kela.pk,
            "recipient_description": "Kerttu Kelalainen",
            "categories": ["health"],
            "purpose": "kela_benefits",
            "channel": "phone",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert DisclosureLogEntry.objects.count() == 1


def test_oral_consent_for_todays_session_and_revocation_tasks(client, city):
    """An oral consent is recorded on its session's day (during it or after it): today's
    session is offered, one of three days ago no longer is."""
    from consultations.factories import make_request, put_on_agenda

    today = timezone.localdate()
    recent = make_session(
        city.network,
        city.coordinator,
        participants=[city.expert],
        starts_at=local_time(today, 13),
    )
    put_on_agenda(make_request(city.client, city.worker), recent)
    earlier = make_session(
        city.network,
        city.coordinator,
        participants=[city.expert],
        starts_at=local_time(today - datetime.timedelta(days=3), 13),
    )
    put_on_agenda(make_request(city.client, city.worker), earlier)
    old = make_session(
        city.network,
        city.coordinator,
        participants=[city.expert],
        starts_at=local_time(today - datetime.timedelta(days=20), 9),
    )
    put_on_agenda(make_request(city.client, city.worker), old)
    ahead = make_session(
        city.network,
        city.coordinator,
        participants=[city.expert],
        starts_at=local_time(today + datetime.timedelta(days=5), 9),
    )
    put_on_agenda(make_request(city.client, city.worker), ahead)

    login(client, city.worker)
    form = client.get(consent_url("create", city))
    choices = dict(
        (value, label)
        for group, options in form.context["form"].fields["event_reference"].choices
        if isinstance(options, list)
        for value, label in options
    )
    assert set(choices) == {str(recent.pk)}
    # Shown in Helsinki time, d.m.yyyy.
    start = timezone.localtime(recent.starts_at)
    assert f"{start.day}.{start.month}.{start.year}" in choices[str(recent.pk)]
    assert "13.00" in choices[str(recent.pk)] or "13:00" in choices[str(recent.pk)]

    response = client.post(
        consent_url("create", city),
        {
            "giver_kind": "client",
            "method": "oral",
            "organisations": [city.employment.pk],
            "purposes": ["case_consultation"],
            "categories": ["identity", "work_capacity"],
            "event_kind": "consultation_session",
            "event_reference": str(recent.pk),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    oral = Consent.objects.get()
    assert oral.event_reference == str(recent.pk)
    assert oral.event_date == start.date()

    # A written Y 100 for Kela and employment services, then revoked by phone to the worker.
    response = client.post(consent_url("create", city), y100(city))
    written = Consent.objects.latest("pk")
    revoke = consent_url("revoke", city, consent_id=written.pk)
    assert client.get(revoke).status_code == 200
    future = client.post(
        revoke,
        {
            "revoked_on": (today + datetime.timedelta(days=1)).isoformat(),
            "method": "phone",
            "through": "Asiakas itse",
        },
    )
    assert future.status_code == 200 and "revoked_on" in future.context["form"].errors
    response = client.post(
        revoke,
        {
            "revoked_on": today.isoformat(),
            "method": "phone",
            "through": "Asiakas itse vastuutyöntekijälle",
        },
    )
    assert response.status_code == 302
    tasks = Task.objects.filter(object_id=str(written.pk), assignee=city.worker)
    assert tasks.count() == 2  # Kela by secure e-mail, employment services
    kela_task = tasks.get(title__icontains="suojatulla sähköpostilla")
    detail = client.get(consent_url("detail", city, consent_id=written.pk))
    assert "Lähetä peruutus Kelaan suojatulla sähköpostilla" in text_of(detail)
    done = today - datetime.timedelta(days=0)
    response = client.post(
        consent_url("complete_notification", city, consent_id=written.pk, task_id=kela_task.pk),
        {"done_on": done.isoformat()},
    )
    assert response.status_code == 302
    kela_task.refresh_from_db()
    assert kela_task.done_at is not None
    assert logged("consents.notification.completed", city.worker, city.client) == 1
    detail = text_of(client.get(consent_url("detail", city, consent_id=written.pk)))
    assert f"{done.day}.{done.month}.{done.year}" in detail
    # The client page's coverage panel: the revoked consent covers no one.
    page = text_of(client.get(reverse("clients:detail", kwargs={"client_id": city.client.uuid})))
    assert "Kela" in page


# --- Consultation ---------------------------------------------------------------------

NAMES = ("Ilona", "Irmeli", "Ilmarinen")


def _set_language(client, code):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code


def _request_form(city, **overrides):
    data = {
        "question": "Mitä työkykyä tukevia palveluja voisi yhdistää, kun kivut rajoittavat?",
        "pseudonymous_summary": "Nelikymppinen asiakas, pitkä työttömyys ja selkäkipuja.",
        "background": "Ilona on ollut työttömänä neljä vuotta; selkäkipu pahenee istuessa.",
        "tried_so_far": "Kuntouttava työtoiminta kahdesti viikossa, keskeytyi.",
        "urgency": "normal",
        "preferred_network": city.network.pk,
    }
    data.update(overrides)
    return data


def test_consultation_from_request_to_work_pair(client, city):
    from consultations.models import (
        AgendaItem,
        ConsultationRequest,
        Recommendation,
        Session,
        WorkPairOffer,
    )

    today = timezone.localdate()
    # The client's Y 100 covers employment services for case consultation, not Kela.
    login(client, city.worker)
    response = client.post(
        consent_url("create", city), y100(city, organisations=[], purposes=["case_consultation"])
    )
    assert response.status_code == 302, response.context["form"].errors

    # The worker reaches the request form from the client page.
    create = reverse("consultations:request_create", kwargs={"client_id": city.client.uuid})
    page = text_of(client.get(reverse("clients:detail", kwargs={"client_id": city.client.uuid})))
    assert create in page
    form = client.get(create, {"preferred_network": city.network.pk})
    assert form.status_code == 200
    previews = {
        str(p.organisation): p.named for p in form.context["visibility"][0]["organisations"]
    }
    assert previews == {"Kela": False, "Helsingin työllisyyspalvelut": True, str(city.sote): False}
    body = text_of(form)
    assert "Kerttu Kelalainen" in body

    # A summary naming the client is refused next to the field.
    response = client.post(
        create, _request_form(city, pseudonymous_summary="Ilona, 43 v, selkäkipuja.")
    )
    assert response.status_code == 400
    assert "pseudonymous_summary" in response.context["form"].errors
    # So is her identity code in the question.
    response = client.post(create, _request_form(city, question=f"Asiakas {CODE}: mitä tehdä?"))
    assert "question" in response.context["form"].errors
    assert not ConsultationRequest.objects.exists()

    # A valid request shows the confirmation page first, then is sent.
    confirm = client.post(create, _request_form(city))
    assert confirm.status_code == 200
    assert not ConsultationRequest.objects.exists()
    sent = client.post(create, {**_request_form(city), "confirm": "1"})
    assert sent.status_code == 302
    consultation = ConsultationRequest.objects.get()
    assert consultation.status == "requested"
    assert any(n in consultation.background for n in NAMES)

    # The coordinator: queue (pseudonymous), triage, a new session, the case on its agenda.
    client.logout()
    login(client, city.coordinator)
    queue = client.get(reverse("consultations:queue"))
    assert queue.status_code == 200
    assert consultation.reference in text_of(queue)
    triage = reverse("consultations:triage", kwargs={"request_id": consultation.pk})
    assert triage in text_of(queue)
    assert client.get(triage).status_code == 200
    response = client.post(triage, {"network": city.network.pk, "note": "Käsitellään pian."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "triaged"

    # The first weekday of the month after next: a one-digit day, to see d.m.yyyy.
    day = (today.replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    session_new = reverse("consultations:session_create", kwargs={"network_id": city.network.pk})
    assert client.get(session_new).status_code == 200
    response = client.post(
        session_new,
        {
            "starts_at": f"{day.isoformat()}T13:00",
            "duration_minutes": 120,
            "place": "Neuvotteluhuone 3",
            "chair": city.coordinator.pk,
            "members": [city.expert.pk, city.kela_liaison.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get()
    assert timezone.localtime(session.starts_at).hour == 13  # Europe/Helsinki
    # Double-booking the coordinator: refused with a clear message, nothing saved.
    response = client.post(
        session_new,
        {
            "starts_at": f"{day.isoformat()}T14:00",
            "duration_minutes": 60,
            "place": "Neuvotteluhuone 4",
            "chair": city.coordinator.pk,
            "members": [city.expert.pk],
        },
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for field in response.context["form"].errors.values() for e in field)
    start = f"{day.day}.{day.month}.{day.year}"
    assert "starts_at" in response.context["form"].errors
    assert f"Koordinaattorilla on jo istunto samaan aikaan: Työkyvyn tuen verkosto {start}" in (
        errors
    )
    assert Session.objects.count() == 1

    # The triage page offers the session, its day as d.m.yyyy, and from when its agenda has room.
    offered = client.get(triage).context["place_form"].fields["session"]
    labels = [label for value, label in offered.choices if value]
    assert labels == [f"Työkyvyn tuen verkosto {start} 13.00–15.00, vapaata klo 13.00 alkaen"]
    response = client.post(
        reverse("consultations:place", kwargs={"request_id": consultation.pk}),
        {"session": session.pk, "minutes": 30},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    consultation.refresh_from_db()
    assert consultation.status == "scheduled"

    # The participants open the case.
    case = reverse("consultations:case", kwargs={"session_id": session.pk, "item_id": item.pk})
    client.logout()
    login(client, city.expert)
    session_page = client.get(reverse("consultations:session", kwargs={"session_id": session.pk}))
    assert session_page.status_code == 200 and case in text_of(session_page)
    before = DisclosureLogEntry.objects.count()
    named = client.get(case)
    assert named.status_code == 200
    assert "Ilmarinen" in text_of(named) and CODE not in text_of(named)
    row = DisclosureLogEntry.objects.latest("pk")
    assert DisclosureLogEntry.objects.count() == before + 1
    assert row.recipient_user == city.expert and row.recipient_organisation == city.employment
    assert row.consent_id is not None
    assert AccessLogEntry.objects.filter(actor=city.expert, client_id=city.client.uuid).exists()

    client.logout()
    login(client, city.kela_liaison)
    hidden = client.get(case)
    assert hidden.status_code == 200
    body = text_of(hidden)
    assert not any(n in body for n in NAMES) and CODE not in body
    assert "Nelikymppinen asiakas" in body
    assert DisclosureLogEntry.objects.count() == before + 1
    assert AccessLogEntry.objects.filter(
        actor=city.kela_liaison, client_id=city.client.uuid
    ).exists()
    # A participant cannot record minutes; a Kela liaison not invited sees nothing at all.
    assert client.post(
        reverse("consultations:minutes", kwargs={"session_id": session.pk, "item_id": item.pk}),
        {"minutes": "Ei oikeutta."},
    ).status_code in (403, 404)
    client.logout()
    stranger = acting(make_user(Role.KELA_LIAISON, city.kela_liaison.role_assignments.first().unit))
    login(client, stranger)
    assert client.get(case).status_code == 404
    assert (
        client.get(reverse("consultations:session", kwargs={"session_id": session.pk})).status_code
        == 404
    )
    assert not AccessLogEntry.objects.filter(actor=stranger).exists()
    client.logout()
    login(client, city.kela_liaison)
    for code, text in (
        ("fi", "Vastuu säilyy vastuutyöntekijällä"),
        ("sv", "Ansvaret stannar hos den ansvariga arbetstagaren"),
        ("en", "Responsibility stays with the responsible worker"),
    ):
        _set_language(client, code)
        assert text in text_of(client.get(case)), code
    _set_language(client, "fi")

    # Minutes and a recommendation with a due date; a work-pair offer.
    client.logout()
    login(client, city.coordinator)
    minutes_url = reverse(
        "consultations:minutes", kwargs={"session_id": session.pk, "item_id": item.pk}
    )
    early = client.post(minutes_url, {"minutes": "Liian aikaisin."})
    assert early.status_code == 400
    assert "kun istunto on alkanut" in text_of(early)
    # The session day comes: the session began half an hour ago.
    shift = timezone.now() - datetime.timedelta(minutes=30) - session.starts_at
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + shift, ends_at=session.ends_at + shift
    )
    AgendaItem.objects.filter(pk=item.pk).update(
        starts_at=item.starts_at + shift, ends_at=item.ends_at + shift
    )
    response = client.post(minutes_url, {"minutes": "Käsiteltiin työkyvyn arviota ja kuntoutusta."})
    assert response.status_code == 302
    due = today + datetime.timedelta(days=21)
    add = reverse(
        "consultations:recommendation_add", kwargs={"session_id": session.pk, "item_id": item.pk}
    )
    response = client.post(add, {"text": "", "due_date": due.isoformat()})
    assert response.status_code == 400 and "text" in response.context["recommendation_form"].errors
    response = client.post(
        add, {"text": "Hakeudu Kelan ammatilliseen kuntoutukseen.", "due_date": due.isoformat()}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    task = recommendation.task
    assert task.assignee == city.worker and task.due_date == due
    response = client.post(
        reverse(
            "consultations:offer_work_pair", kwargs={"session_id": session.pk, "item_id": item.pk}
        )
    )
    assert response.status_code == 302
    offer = WorkPairOffer.objects.get()

    # The worker sees the task on the dashboard and on the client page, and accepts the offer.
    client.logout()
    login(client, city.worker)
    dashboard = text_of(client.get(reverse("dashboard")))
    assert "Hakeudu Kelan ammatilliseen kuntoutukseen." in dashboard
    assert f"{due.day}.{due.month}.{due.year}" in dashboard
    client_page = text_of(
        client.get(reverse("clients:detail", kwargs={"client_id": city.client.uuid}))
    )
    assert "Hakeudu Kelan ammatilliseen kuntoutukseen." in client_page
    detail_url = reverse(
        "consultations:request_detail",
        kwargs={"client_id": city.client.uuid, "request_id": consultation.pk},
    )
    detail = text_of(client.get(detail_url))
    accept = reverse(
        "consultations:work_pair_accept",
        kwargs={"client_id": city.client.uuid, "offer_id": offer.pk},
    )
    assert accept in detail
    response = client.post(accept)
    assert response.status_code == 302
    from clients.models import CareTeamMembership

    team = CareTeamMembership.objects.current().filter(client=city.client)
    assert team.filter(user=city.coordinator, role=TeamRole.WORK_PAIR).exists()
    assert team.get(role=TeamRole.RESPONSIBLE_WORKER).user == city.worker


# --- Inbox, reminders and the morning digest --------------------------------------------


def _bell_count(client) -> int:
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200
    found = re.search(r'class="polku-bell__count">(\d+)<', text_of(response))
    return int(found.group(1)) if found else 0


def test_inbox_bell_sweep_reminders_and_a_digest_naming_no_client(client, city):
    from consents.actions import SEND_REVOCATION_TO_KELA
    from consultations import actions as consultation_actions
    from consultations.factories import make_request, put_on_agenda
    from notifications.actions import sweep_reminders
    from notifications.digest import send_digest
    from notifications.models import Reminder

    today = timezone.localdate()
    login(client, city.worker)
    # A consent that ends in exactly 30 days, and one revoked three days ago whose parties
    # have not been told yet.
    response = client.post(
        consent_url("create", city),
        y100(city, until_further_notice=None, valid_until=str(today + datetime.timedelta(days=30))),
    )
    assert response.status_code == 302, response.context["form"].errors
    client.post(consent_url("create", city), y100(city))
    revoked = Consent.objects.latest("pk")
    client.post(
        consent_url("revoke", city, consent_id=revoked.pk),
        {"revoked_on": today.isoformat(), "method": "phone", "through": "Asiakas itse"},
    )
    Task.objects.filter(object_id=str(revoked.pk)).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    # A recommendation due in five days, from a session held an hour ago.
    session = make_session(
        city.network,
        city.coordinator,
        participants=[city.expert],
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    item = put_on_agenda(make_request(city.client, city.worker), session)
    consultation_actions.add_recommendation(
        item=item,
        recommended_by=city.coordinator,
        text="Varaa aika työkykyarvioon.",
        due_date=today + datetime.timedelta(days=5),
    )
    # Tomorrow's session for the coordinator and the employment expert.
    tomorrow = make_session(
        city.network,
        city.coordinator,
        participants=[city.expert],
        starts_at=local_time(today + datetime.timedelta(days=1), 9),
    )

    before = _bell_count(client)
    assert not Reminder.objects.exists()
    result = sweep_reminders(today)
    assert result is not None and not result.failed
    mine = Reminder.objects.filter(recipient=city.worker)
    assert set(mine.values_list("rule", flat=True)) == {
        "consents.consent_expiring",
        "consents.revocation_notifications_open",
        "consultations.recommendation_due",
    }, list(mine.values_list("rule", "title"))
    assert Reminder.objects.filter(
        recipient=city.expert,
        rule="consultations.consultation_tomorrow",
        object_id=str(tomorrow.pk),
    ).exists()
    # A second sweep creates nothing.
    assert sweep_reminders(today).total == 0
    assert _bell_count(client) == before + mine.count()

    inbox = client.get(reverse("notifications:inbox"))
    assert inbox.status_code == 200
    body = text_of(inbox)
    ends = today + datetime.timedelta(days=30)
    assert f"{ends.day}.{ends.month}.{ends.year}" in body
    assert "Varaa aika työkykyarvioon." in body

    # The morning digest: counts and kinds, no client, no titles.
    mail.outbox.clear()
    assert send_digest(user_id=city.worker.pk, today=today)
    assert not send_digest(user_id=city.worker.pk, today=today)  # once a day
    (message,) = mail.outbox
    everything = message.subject + message.body + message.alternatives[0].content
    for secret in (*NAMES, "Ilo", CODE, "Varaa aika", str(city.client.uuid)):
        assert secret not in everything, secret
    assert "https://polku.example.fi/inbox/" in message.body
    assert f"{today.day}.{today.month}.{today.year}" in message.subject

    # In Swedish for the expert who reads Swedish.
    city.expert.preferred_language = "sv"
    city.expert.save(update_fields=["preferred_language"])
    assert send_digest(user_id=city.expert.pk, today=today)
    swedish = mail.outbox[-1]
    assert swedish.extra_headers["Content-Language"] == "sv"
    assert "Polussa odottaa" not in swedish.body and "Saapuneet" not in swedish.body
    for secret in (*NAMES, CODE):
        assert secret not in swedish.subject + swedish.body

    # Mark one read, then all.
    first = mine.order_by("pk").first()
    response = client.post(
        reverse("notifications:mark_reminder_read", kwargs={"reminder_id": first.pk})
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert _bell_count(client) == before + mine.count() - 1
    # Someone else's reminder is a 404.
    theirs = Reminder.objects.filter(recipient=city.expert).first()
    assert (
        client.post(
            reverse("notifications:mark_reminder_read", kwargs={"reminder_id": theirs.pk})
        ).status_code
        == 404
    )
    # "Mark all read" marks those the inbox shows.
    inbox = client.get(reverse("notifications:inbox"))
    shown = inbox.context["mark_shown_form"]["shown"].value()
    assert sorted(shown.split(",")) == sorted(
        str(pk) for pk in mine.unread().values_list("pk", flat=True)
    )
    response = client.post(reverse("notifications:mark_all_read"), {"shown": shown})
    assert response.status_code == 302
    assert not mine.filter(read_at__isnull=True).exists()
    assert _bell_count(client) == before
    # The revocation task is still open: checking it off in the inbox.
    kela_task = Task.objects.get(object_id=str(revoked.pk), kind=SEND_REVOCATION_TO_KELA)
    response = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": kela_task.pk}),
        {"done_on": (today + datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert response.context["task_rows"]
    response = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": kela_task.pk}),
        {"done_on": today.isoformat()},
    )
    assert response.status_code == 302
    kela_task.refresh_from_db()
    assert kela_task.done_on == today
