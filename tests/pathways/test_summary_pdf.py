"""Pathway summaries printed for clients: real WeasyPrint output read back with pypdf."""

import datetime
import re
import time
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.factories import make_user
from accounts.middleware import SESSION_LAST_ACTIVITY
from accounts.roles import Role
from audit.models import AccessLogEntry, DisclosureLogEntry, PrintStatus
from clients import identity
from clients.actions import end_membership
from clients.factories import add_member, make_plan
from clients.models import CareTeamMembership, TeamRole
from consents.factories import ConsentFactory, StatutoryBasisFactory
from consents.models import InformationCategory, Purpose
from pathways import actions, printing, summary
from pathways.factories import make_step
from pathways.models import PathwayStep, PrintedDocument
from pathways.tasks import remove_old_document_files_task, render_document_pdf_task
from services.factories import OrganisationFactory, UnitFactory
from tests.conftest import login
from tests.pdf import printed_text, printed_words, read_printed, structure_elements


@pytest.fixture
def summary_client(worker, client_of, today):
    client = client_of()
    client.address_non_disclosure = True
    client.street_address = "Salainenkuja 7 B 12"
    client.save()
    make_plan(
        client,
        worker,
        plan_type="client_plan",
        client_view="Haluan oppia leipomaan ja saada hygieniapassin.",
        goals=("Hankin hygieniapassin", "Kokeilen leipomotyötä"),
    )
    make_step(
        client,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=60),
        days_per_week=3,
        hours_per_day=5,
    )
    make_step(
        client,
        "education",
        created_by=worker,
        start_on=today + datetime.timedelta(days=100),
        planned_end_on=today + datetime.timedelta(days=300),
    )
    return client


@pytest.fixture
def queued_summary(summary_client, worker):
    """The worker's Finnish summary of the important dates, queued and not yet rendered."""
    return actions.request_pathway_summary(
        client=summary_client, requested_by=worker, language="fi", sections=["dates"]
    )


def render(client, worker, language, sections=None):
    """The worker's summary of the client, rendered (stored under the test's own tmp_path:
    tests/conftest.py _isolated_settings)."""
    document = actions.request_pathway_summary(
        client=client,
        requested_by=worker,
        language=language,
        sections=sections or ["situation", "timeline", "services", "dates", "contacts"],
    )
    return actions.render_document(document_id=document.pk)


def test_the_summary_holds_goals_and_timeline_and_no_address_or_identity_code(
    summary_client, worker
):
    document = render(summary_client, worker, "fi")
    assert document.status == PrintStatus.READY and len(document.checksum) == 64
    text = printed_text(document)
    assert "Hankin hygieniapassin" in text and "Kokeilen leipomotyötä" in text
    assert "Haluan oppia leipomaan" in text
    assert "Kuntouttava työtoiminta" in text and "Koulutus" in text
    assert "Palvelupolkusi" in text and "Keneen voit ottaa yhteyttä" in text
    assert "Salainenkuja" not in text
    code = identity.decrypt(summary_client.identity_code_encrypted)
    assert code not in text and code[:6] not in text
    reader = read_printed(document)
    assert reader.metadata.title.startswith("Palvelupolkusi")
    assert reader.outline, "the PDF has a document outline"
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "fi"
    # Tagged PDF: a structure tree, and marked content declared.
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"].get("/Marked"))
    assert reader.outline[0].title == "Palvelupolkusi"


def test_an_open_draft_revision_leaves_the_agreed_plan_on_the_summary(
    summary_client, worker, today
):
    """Each plan type prints its version in force: the newest that is agreed or active, while
    a newer draft is written; a plan type whose newest decided version is closed does not."""
    make_plan(
        summary_client,
        worker,
        plan_type="client_plan",
        status="draft",
        client_view="Luonnos omista sanoista.",
        goals=("Luonnoksen tavoite",),
    )
    make_plan(
        summary_client,
        worker,
        plan_type="activation_plan",
        status="agreed",
        client_view="Haluan käydä työtoiminnassa kolmena päivänä.",
        goals=("Käyn työtoiminnassa säännöllisesti",),
        next_review_on=today + datetime.timedelta(days=40),
    )
    make_plan(
        summary_client,
        worker,
        plan_type="work_ability_support_plan",
        client_view="Päättynyt suunnitelma.",
        goals=("Päättyneen suunnitelman tavoite",),
    )
    make_plan(
        summary_client,
        worker,
        plan_type="work_ability_support_plan",
        status="closed",
        client_view="Päättynyt suunnitelma.",
        goals=("Päättyneen suunnitelman tavoite",),
    )
    text = printed_text(render(summary_client, worker, "fi"))
    assert "Suunnitelmaa ei ole vielä tehty." not in text
    assert "Hankin hygieniapassin" in text and "Haluan oppia leipomaan" in text
    assert "Luonnoksen tavoite" not in text and "Luonnos omista sanoista" not in text
    assert "Suunnitelmasi" in text
    assert "Käyn työtoiminnassa säännöllisesti" in text
    assert "Päättyneen suunnitelman tavoite" not in text and "työkyvyn tueksi" not in text
    flat = " ".join(text.split())
    assert "Suunnitelmasi kohti työtä" in flat
    review_on = today + datetime.timedelta(days=40)
    assert f"{review_on:%-d.%-m.%Y}: Suunnitelmasi kohti työtä tarkistetaan" in flat


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_each_plan_is_headed_with_its_name_for_the_client_not_its_official_name(
    client_of, worker, today, language
):
    """ "Aktivointisuunnitelma tai monialainen työllistymissuunnitelma" is the statute's name:
    the client reads "Suunnitelmasi kohti työtä", in each language."""
    from django.utils import translation

    from services.models import PlanType

    client = client_of(plan=False)
    for plan_type in PlanType.values:
        make_plan(client, worker, plan_type=plan_type, goals=(f"Tavoite {plan_type}",))
    document = render(client, worker, language, sections=["situation"])
    flat = printed_words(document)
    names = summary.TEXTS[language]["plan_types"]
    for plan_type in PlanType.values:
        assert names[plan_type] in flat, names[plan_type]
        with translation.override(language):
            official = str(PlanType(plan_type).label)
        assert official not in flat, official
    for official in ("Aktivointisuunnitelma", "Aktiveringsplan", "Activation plan", "Klientplan"):
        assert official not in flat, official
    # The headings are the document's outline too: one per plan, in the order of PlanType.
    reader = read_printed(document)

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    printed = [title for title in titles(reader.outline) if title in names.values()]
    assert printed == [names[plan_type] for plan_type in PlanType.values]


@pytest.mark.parametrize(
    ("language", "january"), [("fi", "tammikuu"), ("sv", "januari"), ("en", "January")]
)
def test_the_printed_timeline_names_its_months_in_words(summary_client, worker, language, january):
    """The axis reads "heinäkuu 2026" ("juli 2026", "July 2026"), never "7/2026"."""
    document = render(summary_client, worker, language, sections=["timeline"])
    flat = printed_words(document)
    context = summary.build_context(
        SimpleNamespace(client=summary_client, language=language, sections=["timeline"])
    )
    labels = [label for _x, label in context["timeline"].ticks]
    assert len(labels) >= 3, labels
    for label in labels:
        assert label in flat, label
    assert any(label.startswith(f"{january} ") for label in labels), labels
    assert not re.search(r"\b\d{1,2}/\d{4}\b", flat), flat


def test_a_draft_alone_is_no_plan_yet(client_of, worker):
    client = client_of(plan=False)
    make_plan(client, worker, status="draft", goals=("Luonnoksen tavoite",))
    text = printed_text(render(client, worker, "fi", sections=["situation"]))
    assert "Suunnitelmaa ei ole vielä tehty." in text and "Luonnoksen tavoite" not in text


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("sv", ["Din servicestig", "Dina mål", "Vem du kan kontakta"]),
        ("en", ["Your pathway", "Your goals", "Who you can contact"]),
    ],
)
def test_swedish_and_english_summaries_have_their_own_fixed_texts(
    summary_client, worker, language, headings
):
    document = render(summary_client, worker, language)
    text = printed_text(document)
    assert all(heading in text for heading in headings)
    reader = read_printed(document)
    assert reader.metadata.title.startswith(headings[0])
    assert reader.trailer["/Root"].get("/Lang") == language
    assert reader.outline[0].title == headings[0]
    assert "Palvelupolkusi" not in text
    assert "Hankin hygieniapassin" in text  # the client's own words stay as written


def test_only_chosen_sections_print(summary_client, worker):
    text = printed_text(render(summary_client, worker, "fi", sections=["contacts"]))
    assert "Keneen voit ottaa yhteyttä" in text and "Hankin hygieniapassin" not in text


@pytest.mark.parametrize(
    ("language", "phone", "address"),
    [
        ("fi", "Puhelin", "Käyntiosoite"),
        ("sv", "Telefon", "Besöksadress"),
        ("en", "Phone", "Visiting address"),
    ],
)
def test_the_contacts_give_the_units_phone_and_visiting_address(
    summary_client, worker, language, phone, address
):
    """The worker in the demo has no phone of their own: the client can still call the unit
    or come by, whether or not they use e-mail."""
    unit = summary_client.responsible_unit
    unit.phone, unit.address = "09 310 12345", "Toinen linja 4 A, Helsinki"
    unit.save()
    flat = printed_words(render(summary_client, worker, language, sections=["contacts"]))
    assert f"{phone}: 09 310 12345" in flat
    assert f"{address}: Toinen linja 4 A, Helsinki" in flat
    # The client's own (non-disclosed) address still never prints.
    assert "Salainenkuja" not in flat


def test_a_unit_without_a_phone_or_visiting_address_prints_no_empty_lines(summary_client, worker):
    text = printed_text(render(summary_client, worker, "fi", sections=["contacts"]))
    assert "Puhelin" not in text and "Käyntiosoite" not in text
    assert f"Sähköposti: {worker.email}" in text


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "fi",
            (
                "Palvelupolkusi aikajanalla",
                "Palvelupolullasi ei ole vielä palveluja.",
                "Keneen voit ottaa yhteyttä",
                "Sinulle ei ole vielä nimetty omaa työntekijää.",
            ),
        ),
        (
            "sv",
            (
                "Din servicestig på en tidslinje",
                "Det finns ännu inga tjänster på din servicestig.",
                "Vem du kan kontakta",
                "Du har ännu ingen egen kontaktperson.",
            ),
        ),
        (
            "en",
            (
                "Your pathway on a timeline",
                "There are no services on your pathway yet.",
                "Who you can contact",
                "You do not have your own worker yet.",
            ),
        ),
    ],
)
def test_a_chosen_section_with_nothing_to_show_keeps_its_heading_and_says_so(
    client_of, worker, today, language, texts
):
    """A client with no steps yet and, for the moment, no responsible worker: the timeline and
    the contacts the worker chose still print, each with a short sentence for the client."""
    from clients.models import CareTeamMembership, TeamRole

    client = client_of(plan=False)
    CareTeamMembership.objects.filter(client=client, role=TeamRole.RESPONSIBLE_WORKER).update(
        ended_on=today
    )
    document = render(client, worker, language, sections=["timeline", "contacts"])
    flat = printed_words(document)
    assert all(text in flat for text in texts), flat


def close_account(worker, today):
    worker.is_active = False
    worker.save(update_fields=["is_active"])


def leave_the_unit(worker, today):
    worker.role_assignments.update(
        valid_from=today - datetime.timedelta(days=400), valid_to=today - datetime.timedelta(days=1)
    )


@pytest.mark.parametrize("gone", [close_account, leave_the_unit])
def test_a_responsible_worker_who_can_no_longer_act_is_not_named_for_the_client(
    client_of, worker, today, gone
):
    """The worker's account closed, or they left the unit, and the caseload is not handed over
    yet: their membership stays, but the client could not reach them. The manager's print
    tells the client whom to contact as the reminders address the worker
    (CareTeamMembershipQuerySet.reachable): no one named, the unit's own contacts instead.
    Not that the client has no worker yet: they had one, who is changing."""
    client = client_of(plan=False)
    unit = client.responsible_unit
    unit.phone, unit.address = "09 310 12345", "Toinen linja 4 A, Helsinki"
    unit.save()
    manager = make_user(Role.MANAGER, unit)
    gone(worker, today)
    flat = printed_words(render(client, manager, "fi", sections=["contacts"]))
    assert worker.get_full_name() not in flat and worker.email not in flat
    assert "Sinulle ei ole vielä nimetty" not in flat
    assert f"Oma työntekijäsi vaihtuu. Ota yhteyttä yksikköön. {unit.name_fi} Puhelin:" in flat
    assert "Puhelin: 09 310 12345" in flat
    assert "Käyntiosoite: Toinen linja 4 A, Helsinki" in flat


@pytest.mark.parametrize(
    ("language", "left", "none_yet"),
    [
        ("fi", "Oma työntekijäsi vaihtuu. Ota yhteyttä yksikköön.", "Sinulle ei ole vielä"),
        ("sv", "Din egen kontaktperson byts ut. Kontakta enheten.", "Du har ännu ingen"),
        ("en", "Your own worker is changing. Contact the unit.", "You do not have your own"),
    ],
)
def test_a_unit_without_contacts_of_its_own_is_named_when_the_worker_left(
    client_of, worker, today, language, left, none_yet
):
    """The client whose worker left is sent to the unit: the unit is named even when it has no
    phone, visiting address or e-mail of its own in Polku."""
    client = client_of(plan=False)
    unit = client.responsible_unit
    unit.phone = unit.address = unit.email = ""
    unit.save()
    manager = make_user(Role.MANAGER, unit)
    close_account(worker, today)
    flat = printed_words(render(client, manager, language, sections=["contacts"]))
    assert f"{left} {unit.name_in(language)}" in flat, flat
    assert none_yet not in flat


def test_a_responsible_worker_who_can_act_is_named_for_the_client(client_of, worker, today):
    """The same print with the worker still in their role names them (the test above fails
    for the right reason)."""
    client = client_of(plan=False)
    manager = make_user(Role.MANAGER, client.responsible_unit)
    flat = printed_words(render(client, manager, "fi", sections=["contacts"]))
    assert f"Oma työntekijäsi: {worker.get_full_name()}" in flat
    assert worker.email in flat
    assert "Sinulle ei ole vielä nimetty" not in flat


@pytest.mark.parametrize(
    ("language", "plain"),
    [
        ("fi", ("Tuki työn löytämiseen ja työssä", "Palkallinen työjakso", "Avotyö")),
        (
            "sv",
            ("Stöd för att hitta ett jobb och på jobbet", "Arbetsperiod med lön", "Öppet arbete"),
        ),
        ("en", ("Support to find a job and at work", "Paid work period", "Work at an ordinary")),
    ],
)
def test_services_are_named_for_the_client_in_plain_language_without_abbreviations(
    client_of, worker, today, language, plain
):
    """The summary names each service with the name written for the client, in every section
    that names services (timeline, services now and next, dates), never the administrative
    name with its abbreviation: no "(IPS)", no "(Jobcenter-malli)", no "(avotyö)"."""
    client = client_of()
    for code in ("supported_employment", "jobcenter_paid_work", "open_work"):
        make_step(
            client,
            code,
            created_by=worker,
            start_on=today - datetime.timedelta(days=20),
            planned_end_on=today + datetime.timedelta(days=40),
        )
    document = render(client, worker, language)
    flat = printed_words(document)
    for name in plain:
        assert flat.count(name) >= 3, name  # the timeline (bar and list), the services, dates
    for administrative in ("(IPS)", "IPS", "Jobcenter", "(avotyö)", "täsmätyö", "Open work"):
        assert administrative not in flat, administrative


def test_the_render_task_is_enqueued_only_after_commit(
    summary_client, worker, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        render_document_pdf_task, "delay", lambda document_id: sent.append(document_id)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = actions.request_pathway_summary(
            client=summary_client, requested_by=worker, language="fi", sections=["dates"]
        )
    assert len(callbacks) == 1 and sent == [document.pk]

    sent.clear()
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        actions.request_pathway_summary(
            client=summary_client, requested_by=worker, language="fi", sections=["dates"]
        )
        raise RuntimeError("rolled back")
    assert sent == []


def test_rendering_twice_is_harmless(summary_client, worker):
    document = render(summary_client, worker, "fi")
    again = actions.render_document(document_id=document.pk)
    assert again.checksum == document.checksum and again.rendered_at == document.rendered_at


def test_every_text_is_in_the_print_styles_sans_serif_font(summary_client, worker):
    """The page numbers too: a page's margin boxes do not inherit the body's font, so
    without their own they fell back to the machine's serif font."""
    document = render(summary_client, worker, "fi")
    reader = read_printed(document)
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(re.match(r"/?(DejaVu|Liberation)-?Sans", font) for font in fonts), fonts


def test_the_url_fetcher_refuses_anything_outside_static_files(settings):
    fetcher = printing.StaticFilesOnly()
    static = f"{settings.BASE_DIR}/static"
    for url in (
        "http://example.org/x.css",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/config/settings.py",
        # Percent-encoded traversal: urllib opens the decoded path, outside static.
        f"file://{static}/..%2Fconfig%2Fsettings.py",
        f"file://{static}/%2E%2E/config/settings.py",
        f"file://{static}/polku/..%2F..%2Fconfig%2Fsettings.py?x=1",
        f"FILE://{static}/..%2fconfig%2fsettings.py",
        # A host other than this machine.
        f"file://example.org{static}/polku/print.css",
    ):
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)
    for url in (
        f"file://{static}/polku/print.css",
        f"file://localhost{static}/polku/print.css",
        f"file://{static}/polku/%70rint.css",  # encoded, and still inside static
    ):
        response = fetcher.fetch(url)
        assert b"@page" in response.read()
        response.close()


def test_download_is_logged_as_a_print_and_a_disclosure_to_the_client(
    client, summary_client, worker
):
    document = render(summary_client, worker, "fi")
    login(client, worker)
    response = client.get(f"/clients/{summary_client.uuid}/documents/{document.uuid}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        AccessLogEntry.objects.filter(
            action="pathways.summary.printed", client_id=summary_client.uuid
        ).count()
        == 1
    )
    disclosure = DisclosureLogEntry.objects.get(client_id=summary_client.uuid)
    assert disclosure.basis == "client_request" and disclosure.channel == "pdf"


def test_a_file_gone_under_a_ready_document_answers_404_and_logs_no_print(
    client, summary_client, worker
):
    """The daily cleanup may remove the file after the view has read the row as ready: the
    download answers 404, not 500, and writes neither log row."""
    document = render(summary_client, worker, "fi")
    printing.stored_path(document.file_name).unlink()
    login(client, worker)
    response = client.get(f"/clients/{summary_client.uuid}/documents/{document.uuid}/download/")
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(action="pathways.summary.printed").exists()
    assert not DisclosureLogEntry.objects.filter(client_id=summary_client.uuid).exists()


def test_the_print_is_not_logged_without_its_disclosure(summary_client, worker, monkeypatch):
    from audit import actions as audit_actions

    document = render(summary_client, worker, "fi")

    def fail(**fields):
        raise RuntimeError("disclosure log unavailable")

    monkeypatch.setattr(audit_actions, "log_disclosure", fail)
    with pytest.raises(RuntimeError):
        actions.record_print_handed_over(document=document, by=worker)
    assert not AccessLogEntry.objects.filter(action="pathways.summary.printed").exists()


def test_the_disclosure_log_is_kept_in_finnish_whatever_the_user_reads(
    client, summary_client, worker, settings
):
    document = render(summary_client, worker, "sv")
    login(client, worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(f"/clients/{summary_client.uuid}/documents/{document.uuid}/download/")
    assert response.status_code == 200
    disclosure = DisclosureLogEntry.objects.get(client_id=summary_client.uuid)
    assert disclosure.recipient_description == "Asiakas itse"
    assert disclosure.what == "Palvelupolun yhteenveto"


def test_the_print_dialog_queues_a_document_and_shows_its_progress(
    client, summary_client, worker, monkeypatch
):
    monkeypatch.setattr(render_document_pdf_task, "delay", lambda document_id: None)
    login(client, worker)
    page = client.get(f"/clients/{summary_client.uuid}/summary/").content.decode()
    assert 'value="fi"' in page
    response = client.post(
        f"/clients/{summary_client.uuid}/summary/",
        {"language": "sv", "sections": ["situation", "dates"]},
    )
    document = PrintedDocument.objects.get()
    assert response["Location"] == f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    assert (document.language, document.sections) == ("sv", ["situation", "dates"])
    status = client.get(
        f"/clients/{summary_client.uuid}/documents/{document.uuid}/status/",
        headers={"HX-Request": "true"},
    )
    assert (
        "Jonossa" in status.content.decode() and 'hx-trigger="every 1s"' in status.content.decode()
    )
    errors = client.post(f"/clients/{summary_client.uuid}/summary/", {"language": "fi"})
    assert "Valitse vähintään yksi osio." in errors.content.decode()


@pytest.fixture
def outside_coach(summary_client, worker):
    """A job coach of another organisation (employment services) coaching the client's
    current step, on the client's care team as a coach."""
    employment = OrganisationFactory(
        employment_services=True, slug="ulko-tyollisyys", name_fi="Ulkolan työllisyyspalvelut"
    )
    coach = make_user(
        Role.JOB_COACH,
        UnitFactory(organisation=employment),
        first_name="Veera",
        last_name="Ulkovalmentaja",
    )
    PathwayStep.objects.filter(client=summary_client, status="active").update(coach=coach)
    add_member(summary_client, coach, TeamRole.COACH)
    return coach


@pytest.mark.parametrize(
    ("purposes", "categories", "named"),
    [
        (None, None, False),  # no consent at all
        # A consent for that organisation, but for another purpose or other data.
        ([Purpose.CASE_CONSULTATION], [InformationCategory.IDENTITY], False),
        ([Purpose.SERVICE_PLANNING], [InformationCategory.PATHWAY], False),
        # What the summary asks for: identity data, for service planning.
        ([Purpose.SERVICE_PLANNING], [InformationCategory.IDENTITY], True),
    ],
)
def test_a_coach_of_another_organisation_is_named_only_with_the_clients_consent(
    summary_client, worker, outside_coach, purposes, categories, named
):
    if purposes:
        ConsentFactory(
            client=summary_client,
            parties=[outside_coach.organisation],
            purposes=purposes,
            categories=categories,
        )
    text = printed_text(render(summary_client, worker, "fi"))
    assert "Keneen voit ottaa yhteyttä" in text
    if named:
        assert "Veera Ulkovalmentaja" in text
    else:
        assert "Ulkolan työllisyyspalvelut" in text
        # The coach's name, not a bare first name: the generated worker may be a Veera too.
        assert "Ulkovalmentaja" not in text


def test_a_statutory_basis_does_not_name_a_coach_of_another_organisation(
    summary_client, worker, outside_coach
):
    StatutoryBasisFactory(
        client=summary_client,
        organisation=outside_coach.organisation,
        organisation_kind="",
        purposes=[Purpose.SERVICE_PLANNING],
        categories=[InformationCategory.IDENTITY],
        recorded_by=worker,
    )
    text = printed_text(render(summary_client, worker, "fi"))
    assert "Ulkolan työllisyyspalvelut" in text and "Ulkovalmentaja" not in text


def test_a_coach_of_the_clients_own_organisation_is_named_without_consent(summary_client, worker):
    coach = make_user(
        Role.WORK_COACH,
        worker.active_assignment.unit,
        first_name="Oona",
        last_name="Omavalmentaja",
    )
    PathwayStep.objects.filter(client=summary_client, status="active").update(coach=coach)
    add_member(summary_client, coach, TeamRole.COACH)
    text = printed_text(render(summary_client, worker, "fi"))
    assert "Oona Omavalmentaja" in text


@pytest.mark.parametrize(
    ("status", "shown", "polls", "link"),
    [
        (PrintStatus.QUEUED, "Jonossa…", True, False),
        (PrintStatus.RENDERING, "PDF:ää tehdään…", True, False),
        (PrintStatus.READY, "PDF on valmis.", False, True),
        (PrintStatus.FAILED, "PDF:n tekeminen epäonnistui.", False, False),
    ],
)
def test_the_status_fragment_in_each_state(
    client, summary_client, worker, queued_summary, status, shown, polls, link
):
    document = queued_summary
    rendered = {"file_name": "x.pdf", "checksum": "0" * 64, "rendered_at": timezone.now()}
    PrintedDocument.objects.filter(pk=document.pk).update(
        status=status, **(rendered if status == PrintStatus.READY else {})
    )
    login(client, worker)
    base = f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    response = client.get(f"{base}status/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="document-status"')  # the fragment, not a page
    assert "<html" not in html
    assert shown in html
    assert ('hx-trigger="every 1s"' in html) is polls
    assert (f'hx-get="{base}status/"' in html) is polls
    assert (f'href="{base}download/"' in html) is link
    if status == PrintStatus.FAILED:
        assert 'role="alert"' in html


def test_the_live_region_stays_and_only_the_polled_element_inside_it_is_swapped(
    client, summary_client, worker, queued_summary
):
    """Screen readers announce a change inside a live region that stays on the page: the
    region is outside the element htmx replaces, and a poll answers 204 (no swap) while the
    status is the one the page shows, so "ready" is the one change heard."""
    document = queued_summary
    login(client, worker)
    base = f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    page = client.get(base).content.decode()
    live = re.search(
        r'<div id="document-status-live" aria-live="polite">\s*<div id="document-status"', page
    )
    assert live, "the polled element sits inside a live region of its own"
    assert page.count("aria-live") == page.count('id="document-status-live"') == 1
    assert f'hx-get="{base}status/" hx-vals=\'{{"shown": "queued"}}\'' in page

    poll = client.get(f"{base}status/?shown=queued", headers={"HX-Request": "true"})
    assert poll.status_code == 204 and poll.content == b""

    PrintedDocument.objects.filter(pk=document.pk).update(status=PrintStatus.RENDERING)
    poll = client.get(f"{base}status/?shown=queued", headers={"HX-Request": "true"})
    html = poll.content.decode()
    assert poll.status_code == 200 and "PDF:ää tehdään…" in html
    assert "aria-live" not in html  # the fragment replaces only the element inside the region
    assert """hx-vals='{"shown": "rendering"}'""" in html
    assert client.get(f"{base}status/?shown=rendering").status_code == 204

    PrintedDocument.objects.filter(pk=document.pk).update(
        status=PrintStatus.READY, file_name="x.pdf", checksum="0" * 64, rendered_at=timezone.now()
    )
    poll = client.get(f"{base}status/?shown=rendering", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "PDF on valmis." in poll.content.decode()
    assert "hx-get" not in poll.content.decode()  # polling stops


@pytest.mark.parametrize("status", [PrintStatus.QUEUED, PrintStatus.RENDERING])
def test_a_print_that_stalled_shows_as_failed_and_the_daily_cleanup_records_it(
    client, summary_client, worker, queued_summary, status
):
    """A worker killed at the hard time limit leaves the row "rendering" (a lost job leaves it
    "queued"): past PRINT_STALLED_AFTER the page shows it failed and stops polling, so the
    user asks again; the daily cleanup then records it as failed."""
    from audit.models import PRINT_STALLED_AFTER

    document = queued_summary
    PrintedDocument.objects.filter(pk=document.pk).update(status=status)
    login(client, worker)
    base = f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    just_in_time = document.requested_at + PRINT_STALLED_AFTER - datetime.timedelta(seconds=1)
    with time_machine.travel(just_in_time, tick=False):
        assert f'hx-get="{base}status/"' in client.get(base).content.decode()
        assert client.get(f"{base}status/?shown={status}").status_code == 204
        assert remove_old_document_files_task.run() == 0
    document.refresh_from_db()
    assert document.status == status

    stalled = document.requested_at + PRINT_STALLED_AFTER + datetime.timedelta(seconds=1)
    with time_machine.travel(stalled, tick=False):
        poll = client.get(f"{base}status/?shown={status}", headers={"HX-Request": "true"})
        html = poll.content.decode()
        assert poll.status_code == 200 and "PDF:n tekeminen epäonnistui." in html
        assert "hx-get" not in html
        assert f'hx-get="{base}status/"' not in client.get(base).content.decode()
        remove_old_document_files_task.run()
    document.refresh_from_db()
    assert document.status == PrintStatus.FAILED and document.error.startswith("Stalled")


def test_a_print_is_given_up_only_well_after_every_pdf_tasks_hard_time_limit():
    from audit.models import PRINT_STALLED_AFTER
    from audit.tasks import render_log_report_pdf_task

    for task in (render_document_pdf_task, render_log_report_pdf_task):
        assert PRINT_STALLED_AFTER.total_seconds() >= 2 * task.time_limit, task.name


def test_polling_the_status_does_not_extend_the_idle_session_but_a_page_does(
    client, summary_client, worker, queued_summary
):
    document = queued_summary
    base = f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    login(client, worker)
    session = client.session
    earlier = time.time() - 120  # within the idle timeout, older than the 30 s write interval
    session[SESSION_LAST_ACTIVITY] = earlier
    session.save()

    assert client.get(f"{base}status/", headers={"HX-Request": "true"}).status_code == 200
    assert client.session[SESSION_LAST_ACTIVITY] == earlier

    assert client.get(base).status_code == 200
    assert client.session[SESSION_LAST_ACTIVITY] > earlier


def printed(day: datetime.date) -> str:
    """A date as the summary prints it (j.n.Y: no leading zeros)."""
    return f"{day.day}.{day.month}.{day.year}"


def figures_alt_texts(document: PrintedDocument) -> list:
    """The alternative text of each Figure in the PDF's tag tree (None for one without)."""
    reader = read_printed(document)
    return [node.get("/Alt") for node in structure_elements(reader) if node.get("/S") == "/Figure"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_timeline_figure_has_its_alternative_text_in_the_tagged_pdf(
    summary_client, worker, language
):
    """A screen reader meets the drawn timeline as a figure: it says what it is, and that the
    list after it says the same, in the print's language (a figure without one fails PDF/UA)."""
    document = render(summary_client, worker, language, sections=["timeline"])
    assert figures_alt_texts(document) == [summary.TEXTS[language]["timeline_desc"]]


@pytest.mark.parametrize(
    ("language", "heading", "other_heading", "names"),
    [
        (
            "fi",
            "Palvelupolkusi aikajanalla",
            "Din servicestig på en tidslinje",
            ("Kuntouttava työtoiminta", "Koulutus ja opinnot"),
        ),
        (
            "sv",
            "Din servicestig på en tidslinje",
            "Palvelupolkusi aikajanalla",
            ("Arbetsverksamhet i rehabiliteringssyfte", "Utbildning och studier"),
        ),
    ],
)
def test_the_timeline_section_alone_prints_each_step_with_its_dates(
    summary_client, worker, language, heading, other_heading, names
):
    """Only the timeline is chosen: the step names and dates can come from nowhere else."""
    document = render(summary_client, worker, language, sections=["timeline"])
    assert document.status == PrintStatus.READY
    text = printed_text(document)
    assert heading in text and other_heading not in text
    steps = PathwayStep.objects.filter(client=summary_client).order_by("start_on")
    assert len(steps) == 2
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for name, step in zip(names, steps, strict=True):
        row = f"{name}: {printed(step.start_on)}–{printed(step.planned_end_on)}"
        assert any(row in line for line in lines), row
    # Nothing of the other sections: not the goals, the client's own words, the services'
    # details, the important dates nor the contacts.
    texts = summary.TEXTS[language]
    for absent in (
        "Hankin hygieniapassin",
        "Kokeilen leipomotyötä",
        "Haluan oppia leipomaan",
        texts["situation"],
        texts["goals"],
        texts["services"],
        texts["days"],
        texts["dates"],
        texts["review"].format(plan=texts["your_plan"]),
        texts["contacts"],
        worker.email,
    ):
        assert absent not in text, absent


def test_the_file_is_removed_after_its_days_and_the_record_stays(
    client, summary_client, worker, settings
):
    settings.POLKU_PRINTED_FILES_KEPT_DAYS = 7
    document = render(summary_client, worker, "fi")
    stored = printing.stored_path(document.file_name)
    rendered = document.rendered_at
    assert remove_old_document_files_task.run() == 0 and stored.exists()
    with time_machine.travel(rendered + datetime.timedelta(days=7, minutes=1)):
        assert remove_old_document_files_task.run() == 1
        assert remove_old_document_files_task.run() == 0  # safe to repeat
    document.refresh_from_db()
    assert document.status == PrintStatus.EXPIRED and not stored.exists()
    assert len(document.checksum) == 64  # the record of what was printed stays
    login(client, worker)
    url = f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    assert client.get(f"{url}download/").status_code == 404
    page = client.get(url).content.decode()
    assert "Tiedosto on poistettu: tulosteita säilytetään 7 päivää." in page


@pytest.mark.parametrize(("language", "checked"), [("en", "en"), ("sv", "sv"), ("other", "fi")])
def test_the_print_dialog_offers_the_clients_language_first(
    client, summary_client, worker, language, checked
):
    summary_client.language = language
    summary_client.other_language = "arabia" if language == "other" else ""
    summary_client.save(update_fields=["language", "other_language"])
    login(client, worker)
    page = client.get(f"/clients/{summary_client.uuid}/summary/").content.decode()
    radios = re.findall(r'<input type="radio" name="language" value="(\w+)"([^>]*)>', page)
    assert [value for value, attributes in radios if "checked" in attributes] == [checked]


@pytest.mark.parametrize(
    ("language", "started", "starts", "ends"),
    [("fi", "Alkoi", "Alkaa", "Päättyy"), ("sv", "Började", "Börjar", "Slutar")],
)
def test_each_service_says_when_it_runs_in_the_tense_of_the_day_of_printing(
    summary_client, worker, today, language, started, starts, ends
):
    def day(offset: int) -> str:
        return printed(today + datetime.timedelta(days=offset))

    text = printed_words(render(summary_client, worker, language))
    assert f"{started} {day(-60)}." in text  # the running work activity
    assert f"{starts} {day(100)}. {ends} {day(300)}." in text  # the coming education
    assert f"{day(100)}–{day(300)}" in text  # the timeline's list


@pytest.mark.parametrize(
    ("language", "paused"),
    [("fi", "Tauolla {} alkaen."), ("sv", "Paus från {}."), ("en", "On a break from {}.")],
)
def test_a_service_on_a_break_says_since_when_but_not_why(
    summary_client, worker, today, language, paused
):
    step = PathwayStep.objects.get(
        client=summary_client, service_type__code="rehabilitative_work_activity"
    )
    since = today - datetime.timedelta(days=5)
    actions.set_step_status(
        step=step,
        status="paused",
        changed_by=worker,
        paused_on=since,
        reason="Sairausloma leikkauksen jälkeen",
    )
    text = printed_words(render(summary_client, worker, language))
    assert paused.format(f"{since.day}.{since.month}.{since.year}") in text
    assert "Sairausloma" not in text


@pytest.mark.parametrize(
    ("language", "started", "end_passed", "ended"),
    [
        (
            "fi",
            "Alkoi",
            "Päättymispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi.",
            "Päättyi",
        ),
        (
            "sv",
            "Började",
            "Slutdatumet ses över. Fråga din egen kontaktperson om det.",
            "Slutade",
        ),
        (
            "en",
            "Started",
            "The end date will be looked at again. Ask your own worker about it.",
            "Ended",
        ),
    ],
)
@pytest.mark.parametrize("status", ["active", "paused"])
def test_a_service_still_open_past_its_planned_end_does_not_say_it_ended(
    client_of, worker, today, language, started, end_passed, ended, status
):
    """The planned end has passed but the step is still running or on a break: the client
    would read that the service ended while it goes on. It says the end date is being
    looked at and whom to ask."""
    client = client_of(plan=False)
    start = today - datetime.timedelta(days=200)
    step = make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=start,
        planned_end_on=today - datetime.timedelta(days=10),
    )
    if status == "paused":
        actions.set_step_status(
            step=step,
            status="paused",
            changed_by=worker,
            paused_on=today - datetime.timedelta(days=5),
            reason="Sairausloma",
        )
    text = printed_words(render(client, worker, language, sections=["services"]))
    assert f"{started} {start.day}.{start.month}.{start.year}. {end_passed}" in text, text
    assert ended not in text


def test_only_an_ended_service_says_it_ended():
    """The services list leaves ended steps out; were one to be worded, it ended."""
    today = datetime.date(2026, 12, 6)
    start, end = datetime.date(2026, 1, 5), datetime.date(2026, 11, 30)
    texts = summary.TEXTS["fi"]
    assert (
        summary._when(texts, start, end, today, status="ended")
        == "Alkoi 5.1.2026. Päättyi 30.11.2026."
    )
    assert summary._when(texts, start, end, today, status="active") == (
        "Alkoi 5.1.2026. Päättymispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi."
    )
    assert summary._when(texts, start, today, today, status="active") == (
        "Alkoi 5.1.2026. Päättyy 6.12.2026."
    )


@pytest.mark.parametrize(
    ("language", "start_passed", "started"),
    [
        ("fi", "Alkamispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi.", "Alkoi"),
        ("sv", "Startdatumet ses över. Fråga din egen kontaktperson om det.", "Började"),
        ("en", "The start date will be looked at again. Ask your own worker about it.", "Started"),
    ],
)
def test_a_service_still_planned_past_its_start_date_does_not_say_it_started(
    client_of, worker, today, language, start_passed, started
):
    """The start date has passed but the step is still planned (it did not begin then): the
    client would read that the service started. It says the start date is being looked at
    and whom to ask, and still when the service is to end."""
    client = client_of(plan=False)
    end = today + datetime.timedelta(days=90)
    make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=today - datetime.timedelta(days=3),
        planned_end_on=end,
        status="planned",
    )
    text = printed_words(render(client, worker, language, sections=["services"]))
    assert f"{start_passed} " in text and printed(end) in text, text
    assert started not in text


def test_a_planned_service_says_which_of_its_dates_have_passed():
    today = datetime.date(2026, 12, 7)
    texts = summary.TEXTS["fi"]
    start, end = datetime.date(2026, 12, 1), datetime.date(2027, 3, 31)
    assert summary._when(texts, start, end, today, status="planned") == (
        "Alkamispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi. Päättyy 31.3.2027."
    )
    assert summary._when(texts, start, None, today, status="planned") == (
        "Alkamispäivä tarkistetaan. Kysy siitä omalta työntekijältäsi. Ei päättymispäivää."
    )
    assert summary._when(texts, start, datetime.date(2026, 12, 6), today, status="planned") == (
        "Alkamis- ja päättymispäivä tarkistetaan. Kysy niistä omalta työntekijältäsi."
    )
    # Starting today, or later, it is still to start.
    assert summary._when(texts, today, end, today, status="planned") == (
        "Alkaa 7.12.2026. Päättyy 31.3.2027."
    )
    # Once begun, it started, whatever its status now.
    for status in ("active", "paused", "ended"):
        assert summary._when(texts, start, end, today, status=status).startswith("Alkoi 1.12.2026.")


@pytest.mark.parametrize(
    ("bar_x", "bar_width", "label_x", "anchor"),
    [
        (40, 400, 44, "start"),  # a long bar holds its label
        (40, 60, 104, "start"),  # a short bar: the label follows it
        (600, 60, 596, "end"),  # a short bar at the right edge: the label comes before it
    ],
)
def test_a_timeline_label_is_drawn_where_it_can_be_read(bar_x, bar_width, label_x, anchor):
    step = SimpleNamespace(start_on=datetime.date(2026, 1, 5), ended_on=None, planned_end_on=None)
    bar = SimpleNamespace(x=bar_x, width=bar_width, step=step)
    row = summary._timeline_row(
        "Kuntouttava työtoiminta", bar, SimpleNamespace(width=720), summary.TEXTS["fi"]
    )
    assert (row.label_x, row.label_anchor) == (label_x, anchor)
    assert row.period == "5.1.2026 alkaen"  # no end date: from when it runs


def test_a_step_cancelled_before_it_started_is_no_part_of_the_clients_summary(
    summary_client, worker, today
):
    volunteering = make_step(
        summary_client,
        "volunteering",
        created_by=worker,
        start_on=today + datetime.timedelta(days=20),
    )
    actions.cancel_step(step=volunteering, cancelled_by=worker, reason="Asiakas ei halunnut.")
    document = SimpleNamespace(client=summary_client, language="fi", sections=["timeline"])
    context = summary.build_context(document)
    assert [line.name for line in context["services"]] == [
        "Kuntouttava työtoiminta",
        "Koulutus ja opinnot",
    ]
    assert volunteering.pk not in [bar.step.pk for bar in context["timeline"].bars]
    assert all("Vapaaehto" not in what for _day, what in context["dates"])


@pytest.mark.parametrize(
    ("language", "first", "last", "wrong"),
    [
        (
            "fi",
            "Koulutus ja opinnot, ensimmäinen päivä",
            "Koulutus ja opinnot, viimeinen päivä",
            "Koulutus ja opinnot alkaa",
        ),
        (
            "sv",
            "Utbildning och studier, första dagen",
            "Utbildning och studier, sista dagen",
            None,
        ),
        (
            "en",
            "Education and studies, first day",
            "Education and studies, last day",
            "Education and studies starts",
        ),
    ],
)
def test_the_important_dates_name_a_services_first_and_last_day_whatever_its_name(
    summary_client, worker, today, language, first, last, wrong
):
    """A verb after the service's name does not agree with every name ("Koulutus ja opinnot
    alkaa", "Education and studies starts"): the list says which day it is instead."""

    def day(offset: int) -> str:
        return printed(today + datetime.timedelta(days=offset))

    text = printed_words(render(summary_client, worker, language, ["dates"]))
    assert f"{day(100)}: {first}" in text
    assert f"{day(300)}: {last}" in text
    if wrong:
        assert wrong not in text


@pytest.mark.parametrize(("language", "reached"), [("fi", "saavutettu"), ("sv", "uppnått")])
def test_a_goal_given_up_is_not_printed_as_the_clients_goal_and_a_reached_one_says_so(
    client_of, worker, language, reached
):
    """The worker marks each goal's state on the plan page. The client's paper lists the goals
    still ahead, marks a reached one as reached and leaves out one changed or given up: it
    is no longer the client's goal."""
    from clients.models import GoalStatus

    client = client_of(plan=False)
    plan = make_plan(
        client,
        worker,
        goals=("Hankin hygieniapassin", "Opiskelen kokiksi", "Kokeilen leipomotyötä"),
    )
    statuses = {
        "Hankin hygieniapassin": GoalStatus.ACHIEVED,
        "Opiskelen kokiksi": GoalStatus.CHANGED,
        "Kokeilen leipomotyötä": GoalStatus.IN_PROGRESS,
    }
    for goal in plan.goals.all():
        goal.status = statuses[goal.text]
        goal.save(update_fields=["status"])
    text = printed_words(render(client, worker, language, ["situation"]))
    assert f"Hankin hygieniapassin ({reached})" in text
    assert "Kokeilen leipomotyötä" in text and "Kokeilen leipomotyötä (" not in text
    assert "Opiskelen kokiksi" not in text


def test_a_plan_whose_every_goal_was_given_up_prints_no_empty_goals_heading(client_of, worker):
    from clients.models import GoalStatus

    client = client_of(plan=False)
    plan = make_plan(client, worker, goals=("Opiskelen kokiksi",))
    plan.goals.update(status=GoalStatus.CHANGED)
    text = printed_text(render(client, worker, "fi", ["situation"]))
    assert "Omin sanoin" in text
    assert summary.TEXTS["fi"]["goals"] not in text and "Opiskelen kokiksi" not in text


@pytest.mark.parametrize(
    ("language", "one_day_one_hour", "two_days_hours"),
    [
        ("fi", "1 päivä viikossa, 1 tunti päivässä.", "2 päivää viikossa, 4,5 tuntia päivässä."),
        ("sv", "1 dag i veckan, 1 timme om dagen.", "2 dagar i veckan, 4,5 timmar om dagen."),
        # Finnish practice in every language: a decimal comma (config/formats).
        ("en", "1 day a week, 1 hour a day.", "2 days a week, 4,5 hours a day."),
    ],
)
def test_the_weekly_schedule_is_worded_for_one_day_and_one_hour_too(
    client_of, worker, today, language, one_day_one_hour, two_days_hours
):
    """Rehabilitative work activity often starts at one day a week: "1 päivää viikossa" and
    "1 days a week" are wrong in any language."""
    client = client_of()
    make_step(
        client,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=10),
        days_per_week=1,
        hours_per_day=1,
    )
    make_step(
        client,
        "work_coaching",
        created_by=worker,
        start_on=today - datetime.timedelta(days=10),
        days_per_week=2,
        hours_per_day="4.5",
    )
    text = printed_words(render(client, worker, language, ["services"]))
    assert one_day_one_hour in text
    assert two_days_hours in text


@pytest.mark.parametrize(
    ("language", "late", "coming"),
    [
        (
            "fi",
            "Suunnitelmasi piti tarkistaa jo. Kysy omalta työntekijältäsi, milloin se "
            "tarkistetaan.",
            "Suunnitelmasi kohti työtä tarkistetaan",
        ),
        (
            "sv",
            "Din plan skulle redan ha setts över. Fråga din egen kontaktperson när den ses över.",
            "Din plan för att komma i arbete ses över",
        ),
        (
            "en",
            "Your plan should have been looked at again by now. Ask your own worker when it will "
            "be.",
            "Your plan for getting into work will be looked at again",
        ),
    ],
)
def test_an_overdue_plan_review_is_among_the_important_dates(
    client_of, worker, today, language, late, coming
):
    """A review whose day has passed with no review yet was left out of the important dates
    as a day gone by: the client reads that the review is late, with the day it was due. A
    client with more than one plan reads each plan's name for the client as the sentence's
    subject ("Suunnitelmasi kohti työtä tarkistetaan"), not an official name in brackets."""
    client = client_of(plan=False)
    due = today - datetime.timedelta(days=3)
    make_plan(client, worker, plan_type="client_plan", next_review_on=due)
    make_plan(
        client,
        worker,
        plan_type="activation_plan",
        next_review_on=today + datetime.timedelta(days=20),
    )
    text = printed_words(render(client, worker, language, ["dates"]))
    assert f"{due.day}.{due.month}.{due.year}: {late}" in text
    later = today + datetime.timedelta(days=20)
    assert f"{later.day}.{later.month}.{later.year}: {coming}" in text
    assert "(" not in text  # no plan's name in brackets after the sentence
    assert summary.TEXTS[language]["no_dates"] not in text


def test_one_overdue_plan_says_so_in_plain_words(client_of, worker, today):
    """Not "Suunnitelmasi tarkistus on myöhässä": a verb, not a noun made of one."""
    client = client_of(plan=False)
    due = today - datetime.timedelta(days=1)
    make_plan(client, worker, plan_type="activation_plan", next_review_on=due)
    document = SimpleNamespace(client=client, language="fi", sections=["dates"])
    assert summary.build_context(document)["dates"] == [
        (
            due,
            "Suunnitelmasi piti tarkistaa jo. Kysy omalta työntekijältäsi, milloin se "
            "tarkistetaan.",
        )
    ]


def test_a_review_due_today_is_not_late_yet(client_of, worker, today):
    """As the reminders count it: a review is late from the day after its day."""
    client = client_of(plan=False)
    make_plan(client, worker, next_review_on=today)
    document = SimpleNamespace(client=client, language="fi", sections=["dates"])
    assert summary.build_context(document)["dates"] == [(today, "Suunnitelmasi tarkistetaan")]


def consent_to_name(coach, client):
    """The client's consent to give the coach's organisation their identity data for service
    planning: what the summary asks before it names a coach of another organisation."""
    ConsentFactory(
        client=client,
        parties=[coach.organisation],
        purposes=[Purpose.SERVICE_PLANNING],
        categories=[InformationCategory.IDENTITY],
    )


def services_summary(client, worker) -> PrintedDocument:
    """The worker's Finnish summary of the client's services, queued and read back from the
    database (as the render task reads it)."""
    document = actions.request_pathway_summary(
        client=client, requested_by=worker, language="fi", sections=["services"]
    )
    return PrintedDocument.objects.get(pk=document.pk)


@pytest.mark.parametrize("coached", [2, 6])
def test_coaches_of_another_organisation_are_looked_up_once_for_their_organisation(
    summary_client, worker, outside_coach, django_assert_num_queries, coached
):
    """Whether the client's consent names another organisation's coaches is read once for that
    organisation, not once for each step its coaches coach (the same count for 2 and 6)."""
    consent_to_name(outside_coach, summary_client)
    start = timezone.localdate() + datetime.timedelta(days=400)
    for n in range(coached - 1):
        make_step(
            summary_client,
            "work_trial",
            created_by=worker,
            start_on=start + datetime.timedelta(days=40 * n),
            planned_end_on=start + datetime.timedelta(days=40 * n + 30),
            coach=outside_coach,
        )
    document = services_summary(summary_client, worker)
    with django_assert_num_queries(7):
        context = summary.build_context(document)
    contacts = [service.contact for service in context["services"]]
    assert contacts.count("Veera Ulkovalmentaja") == coached


def close_coach_account(client, coach, worker):
    coach.is_active = False
    coach.save(update_fields=["is_active"])


def take_coach_off_the_team(client, coach, worker):
    """The responsible worker ends the coach's membership; update_step keeps them on the step."""
    end_membership(
        membership=CareTeamMembership.objects.get(client=client, user=coach, ended_on=None),
        ended_by=worker,
    )


def coach_leaves_the_unit(client, coach, worker):
    coach.role_assignments.update(
        valid_from=timezone.localdate() - datetime.timedelta(days=400),
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
    )


@pytest.mark.parametrize(
    "gone", [None, close_coach_account, take_coach_off_the_team, coach_leaves_the_unit]
)
def test_a_coach_the_client_can_no_longer_reach_is_not_named_as_the_contact(
    summary_client, worker, coach, today, gone
):
    """A coach who left (account closed, taken off the care team while the step keeps them,
    or their coach role ended) is not whom the client can contact: the service names the
    coach's organisation instead, as for a coach whose name may not be printed. With the
    coach still on the team (None), their name prints (the test fails for the right reason)."""
    coach.first_name, coach.last_name = "Lähtenyt", "Valmentaja"
    coach.save(update_fields=["first_name", "last_name"])
    make_step(
        summary_client,
        "work_coaching",
        created_by=worker,
        start_on=today - datetime.timedelta(days=5),
        planned_end_on=today + datetime.timedelta(days=60),
        coach=coach,
    )
    add_member(summary_client, coach, TeamRole.COACH)
    if gone:
        gone(summary_client, coach, worker)
    flat = printed_words(render(summary_client, worker, "fi", ["services"]))
    if gone is None:
        assert "Yhteyshenkilö: Lähtenyt Valmentaja" in flat
    else:
        assert "Lähtenyt" not in flat and "Valmentaja" not in flat
        organisation = coach.organisation.name_in("fi")
        assert f"Yhteyshenkilö: {organisation}" in flat, flat


def test_coaches_who_left_are_read_in_the_steps_query(
    summary_client, worker, outside_coach, django_assert_num_queries
):
    """Whether each step's coach can still be reached is read with the steps, not once a
    step; a coach of another organisation who left is not looked up in the consents (no
    name to print): one query fewer than the count above, where the coach is on the team."""
    CareTeamMembership.objects.filter(client=summary_client, user=outside_coach).update(
        ended_on=timezone.localdate()
    )
    consent_to_name(outside_coach, summary_client)
    document = services_summary(summary_client, worker)
    with django_assert_num_queries(6):
        context = summary.build_context(document)
    assert [str(service.contact) for service in context["services"]] == [
        "Ulkolan työllisyyspalvelut",
        "",
    ]


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (PrintStatus.FAILED, "PDF:n tekeminen epäonnistui. Yritä uudelleen"),
        (PrintStatus.EXPIRED, "Tiedosto on poistettu"),
    ],
)
def test_a_failed_or_removed_summary_leads_back_to_its_print_dialog(
    client, summary_client, worker, queued_summary, status, shown
):
    """ "Yritä uudelleen" with the way to do it: the status links to the summary's print
    dialog, on the page and in the polled fragment alike; a summary still being made has none."""
    document = queued_summary
    login(client, worker)
    base = f"/clients/{summary_client.uuid}/documents/{document.uuid}/"
    dialog = f"/clients/{summary_client.uuid}/summary/"
    retry = f'<a href="{dialog}">Tulosta uudelleen</a>'
    assert retry not in client.get(base).content.decode()
    PrintedDocument.objects.filter(pk=document.pk).update(status=status)
    page = client.get(base).content.decode()
    fragment = client.get(f"{base}status/", headers={"HX-Request": "true"}).content.decode()
    for html in (page, fragment):
        assert shown in html and retry in html, html
    assert 'name="sections"' in client.get(dialog).content.decode()
