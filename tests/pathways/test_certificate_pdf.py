"""The youth workshop's competence certificate, printed through the same PDF machinery as
the pathway summary: real WeasyPrint output read back with pypdf."""

import datetime
import io

import pytest
from django.utils.formats import date_format
from pypdf import PdfReader

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, PrintStatus
from clients import identity
from clients.factories import add_member
from clients.models import TeamRole
from pathways import actions
from pathways.factories import make_step
from pathways.models import DocumentKind, PrintedDocument
from pathways.tasks import render_document_pdf_task
from services.factories import UnitFactory
from tests.conftest import login
from tests.pdf import printed_words, read_printed, text_of

COMPETENCES = ["Asiakaspalvelu kahvilassa", "Hygieniaosaaminen ja siivous"]

FIXED_TEXTS = {
    "fi": [
        "Osaamistodistus",
        "on osoittanut työpajalla seuraavan osaamisen",
        "Myöntäjä: Paula Pajaohjaaja, Työpajaohjaaja",
        "Tutkinto tai tutkinnon osa:",
    ],
    "sv": [
        "Kompetensintyg",
        "har i verkstaden visat följande kompetens",
        "Utfärdare: Paula Pajaohjaaja, Verkstadshandledare",
        "Examen eller examensdel:",
    ],
    "en": [
        # The name the download and the interface give it ("skills-certificate-….pdf").
        "Skills certificate",
        "has shown the following skills",
        "Issued by: Paula Pajaohjaaja, Workshop instructor",
        # Not "unit": a client could not tell a part of a qualification from a workshop unit.
        "Qualification or part of a qualification:",
    ],
}
WORKSHOP = {"fi": "Nuorten työpaja Verstas", "sv": "Ungdomsverkstaden Verstas", "en": "Verstas"}


@pytest.fixture
def workshop_coach(worker):
    return make_user(
        Role.WORKSHOP_COACH,
        worker.active_assignment.unit,
        first_name="Paula",
        last_name="Pajaohjaaja",
    )


@pytest.fixture
def certificate(worker, workshop_coach, client_of, today):
    client = client_of(age=20)
    add_member(client, workshop_coach, TeamRole.COACH)
    unit = UnitFactory(
        organisation=worker.active_assignment.unit.organisation,
        name_fi=WORKSHOP["fi"],
        name_sv=WORKSHOP["sv"],
        name_en=WORKSHOP["en"],
    )
    step = make_step(
        client,
        "youth_workshop",
        created_by=worker,
        start_on=today - datetime.timedelta(days=90),
        planned_end_on=today + datetime.timedelta(days=30),
        coach=workshop_coach,
        unit=unit,
    )
    return actions.issue_certificate(
        step=step,
        issued_by=workshop_coach,
        competences=COMPETENCES,
        issued_on=today,
        qualification="Ravintola- ja catering-alan perustutkinto",
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_certificate_prints_the_competences_in_the_chosen_language(
    certificate, workshop_coach, language
):
    document = actions.request_certificate_pdf(
        certificate=certificate, requested_by=workshop_coach, language=language
    )
    assert document.kind == DocumentKind.COMPETENCE_CERTIFICATE
    document = actions.render_document(document_id=document.pk)
    assert document.status == PrintStatus.READY and len(document.checksum) == 64
    reader = read_printed(document)
    text = text_of(reader)
    words = " ".join(text.split())
    assert all(competence in text for competence in COMPETENCES)
    assert "Ravintola- ja catering-alan perustutkinto" in text
    assert all(fixed in words for fixed in FIXED_TEXTS[language])
    for other, texts in FIXED_TEXTS.items():
        if other != language:
            assert texts[0] not in text
    assert WORKSHOP[language] in text
    # The organisation that gives the certificate, in the same language.
    organisation = certificate.step.unit.organisation
    assert getattr(organisation, f"name_{language}") in " ".join(text.split())
    assert "Paula Pajaohjaaja" in text
    client = certificate.step.client
    assert client.last_name in text
    code = identity.decrypt(client.identity_code_encrypted)
    assert code not in text and code[:6] not in text
    assert reader.metadata.title.startswith(FIXED_TEXTS[language][0])
    assert reader.trailer["/Root"].get("/Lang") == language


RUNNING = {"fi": "{} alkaen, jatkuu", "sv": "från {}, pågår", "en": "from {}, ongoing"}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_period_still_running_prints_as_running_and_an_ended_one_with_its_end(
    certificate, workshop_coach, worker, language, today
):
    """The planned end of a period still running is not a fact the certificate can state."""
    step = certificate.step
    start = f"{step.start_on:%-d.%-m.%Y}"
    planned = f"{step.planned_end_on:%-d.%-m.%Y}"

    def printed():
        document = actions.request_certificate_pdf(
            certificate=certificate, requested_by=workshop_coach, language=language
        )
        return printed_words(actions.render_document(document_id=document.pk))

    running = printed()
    assert RUNNING[language].format(start) in running
    assert planned not in running

    ended_on = today - datetime.timedelta(days=1)
    actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=ended_on,
        end_reason="completed",
        exit_outcome="studies",
    )
    ended = printed()
    assert f"{start}–{ended_on:%-d.%-m.%Y}" in ended
    assert RUNNING[language].format(start) not in ended


def test_the_workshop_coach_prints_and_downloads_a_swedish_certificate(
    client,
    certificate,
    workshop_coach,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    queued = []
    monkeypatch.setattr(
        render_document_pdf_task, "delay", lambda document_id: queued.append(document_id)
    )
    step = certificate.step
    login(client, workshop_coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/clients/{step.client.uuid}/steps/{step.pk}/certificates/{certificate.pk}/print/",
            {"language": "sv"},
        )
    document = PrintedDocument.objects.get(certificate=certificate)
    assert response["Location"] == f"/clients/{step.client.uuid}/documents/{document.uuid}/"
    assert document.language == "sv" and queued == [document.pk]
    actions.render_document(document_id=document.pk)
    response = client.get(f"/clients/{step.client.uuid}/documents/{document.uuid}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert "Kompetensintyg" in text_of(PdfReader(io.BytesIO(pdf)))
    assert AccessLogEntry.objects.filter(
        action="pathways.certificate_pdf.printed", client_id=step.client.uuid, actor=workshop_coach
    ).exists()


def test_the_certificate_page_leads_back_to_its_workshop_period(
    client, certificate, workshop_coach, monkeypatch
):
    """The coach who printed a certificate from the workshop period returns to that period,
    not to the client's page where the period is one row among many."""
    monkeypatch.setattr(render_document_pdf_task, "delay", lambda document_id: None)
    step = certificate.step
    document = actions.request_certificate_pdf(
        certificate=certificate, requested_by=workshop_coach, language="fi"
    )
    login(client, workshop_coach)
    page = client.get(f"/clients/{step.client.uuid}/documents/{document.uuid}/").content.decode()
    back = f'<a href="/clients/{step.client.uuid}/steps/{step.pk}/">Takaisin jaksoon: Nuorten työpaja</a>'
    assert back in page


def test_a_failed_certificate_leads_back_to_its_language_choice_on_the_period(
    client, certificate, workshop_coach, monkeypatch
):
    """ "Yritä uudelleen" with the way to do it: a certificate is printed from its workshop
    period's page, so the failed status links there, to the certificate's language choice."""
    monkeypatch.setattr(render_document_pdf_task, "delay", lambda document_id: None)
    step = certificate.step
    document = actions.request_certificate_pdf(
        certificate=certificate, requested_by=workshop_coach, language="fi"
    )
    PrintedDocument.objects.filter(pk=document.pk).update(status=PrintStatus.FAILED)
    login(client, workshop_coach)
    base = f"/clients/{step.client.uuid}/documents/{document.uuid}/"
    fragment = client.get(f"{base}status/", headers={"HX-Request": "true"}).content.decode()
    target = f"/clients/{step.client.uuid}/steps/{step.pk}/"
    anchor = f"certificate-language-{certificate.pk}"
    assert "PDF:n tekeminen epäonnistui." in fragment
    assert f'<a href="{target}#{anchor}">Tulosta uudelleen</a>' in fragment
    assert f'id="{anchor}"' in client.get(target).content.decode()


ISSUER = {"fi": "Myöntäjä", "sv": "Utfärdare", "en": "Issued by"}
SOCIAL_WORKER = {"fi": "Sosiaalityöntekijä", "sv": "Socialarbetare", "en": "Social worker"}
WORKSHOP_COACH = {"fi": "Työpajaohjaaja", "sv": "Verkstadshandledare", "en": "Workshop instructor"}


def issued_html(certificate, language):
    from pathways.certificates import render_certificate_html

    return render_certificate_html(
        PrintedDocument(
            client=certificate.step.client,
            kind=DocumentKind.COMPETENCE_CERTIFICATE,
            language=language,
            certificate=certificate,
        )
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_certificate_names_its_issuer_in_the_role_they_held(certificate, worker, language, today):
    """Not every issuer is the workshop coach: the responsible social worker may give the
    certificate too. It names whoever issued it under a neutral heading, with the role they
    held that day as the role vocabulary names it in the certificate's language."""
    name = worker.get_full_name()
    by_worker = actions.issue_certificate(
        step=certificate.step, issued_by=worker, competences=["Puutyöt"], issued_on=today
    )
    html = issued_html(by_worker, language)
    assert f"{ISSUER[language]}: {name}, {SOCIAL_WORKER[language]}" in html
    assert WORKSHOP_COACH[language] not in html
    # The step's own workshop coach, in their coach role.
    html = issued_html(certificate, language)
    assert f"{ISSUER[language]}: Paula Pajaohjaaja, {WORKSHOP_COACH[language]}" in html


def test_an_issuer_of_several_roles_that_day_is_named_without_one(certificate, worker, today):
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(
        user=worker,
        role=Role.SOCIAL_COUNSELLOR,
        unit=worker.active_assignment.unit,
        valid_from=today - datetime.timedelta(days=10),
    )
    issued = actions.issue_certificate(
        step=certificate.step, issued_by=worker, competences=["Puutyöt"], issued_on=today
    )
    html = issued_html(issued, "fi")
    assert f"<p>Myöntäjä: {worker.get_full_name()}</p>" in html
    assert "Työpajaohjaaja" not in html


def test_each_certificates_language_and_print_button_name_their_certificate(
    client, certificate, workshop_coach, today
):
    """Several certificates on one step: each row's field and button say which (the date,
    the qualification) to a screen reader, not the same "Kieli" and "Tulosta" over again."""
    step = certificate.step
    earlier = today - datetime.timedelta(days=7)
    second = actions.issue_certificate(
        step=step, issued_by=workshop_coach, competences=COMPETENCES[:1], issued_on=earlier
    )
    login(client, workshop_coach)
    page = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/").content.decode()
    day = date_format(today, "SHORT_DATE_FORMAT")
    named = f'<span class="polku-visually-hidden"> ({day}, {certificate.qualification})</span>'
    assert f'for="certificate-language-{certificate.pk}">Kieli{named}</label>' in page
    assert f"Tulosta osaamistodistus{named}</span>" in page
    unnamed = (
        f'<span class="polku-visually-hidden"> ({date_format(earlier, "SHORT_DATE_FORMAT")})</span>'
    )
    assert f'for="certificate-language-{second.pk}">Kieli{unnamed}</label>' in page
    assert f"Tulosta osaamistodistus{unnamed}</span>" in page


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_period_without_a_workshop_unit_prints_no_empty_workshop_heading(
    certificate, workshop_coach, language
):
    """The heading names the workshop below it: with no unit on the period there is none."""
    from pathways.certificates import TEXTS

    step = certificate.step
    step.unit = None
    step.save(update_fields=["unit"])
    document = actions.request_certificate_pdf(
        certificate=certificate, requested_by=workshop_coach, language=language
    )
    lines = [
        line.strip()
        for line in text_of(
            read_printed(actions.render_document(document_id=document.pk))
        ).splitlines()
    ]
    assert TEXTS[language]["workshop"] not in lines
    assert all(competence in lines for competence in COMPETENCES)
    assert any(line.startswith(TEXTS[language]["period"]) for line in lines)
