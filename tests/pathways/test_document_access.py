"""Printed documents and competence certificates reach a view only through pathways.access,
and a print is made only in a language it can be made in (fi, sv, en): the action refuses any
other, and so does the database."""

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from accounts.roles import Role
from audit.models import AccessLogEntry, LogReportPrint
from clients.factories import add_member
from clients.models import TeamRole
from pathways import actions
from pathways.access import get_certificate_for_user, get_document_for_user
from pathways.factories import make_step
from pathways.models import DocumentKind, PrintedDocument
from pathways.tasks import render_document_pdf_task
from tests.conftest import acting, login


@pytest.fixture
def workshop(worker, coach, client_of, today):
    """A youth workshop step coached by `coach` (on the team) with one certificate."""
    client = client_of(age=20)
    add_member(client, coach, TeamRole.COACH)
    step = make_step(
        client,
        "youth_workshop",
        created_by=worker,
        start_on=today - datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=30),
        coach=coach,
    )
    certificate = actions.issue_certificate(
        step=step, issued_by=coach, competences=["Puutyöt"], issued_on=today
    )
    return client, step, certificate


def test_a_summary_is_reached_by_who_may_print_it_and_the_reading_is_logged(
    worker, coach, workshop, client_of
):
    client, _step, _certificate = workshop
    document = actions.request_pathway_summary(
        client=client, requested_by=worker, language="fi", sections=["dates"]
    )
    found_client, found = get_document_for_user(worker, client.uuid, document.uuid, log_view=True)
    assert (found_client, found, found.client) == (client, document, client)
    row = AccessLogEntry.objects.get(action="pathways.summary.viewed")
    assert (row.actor_id, row.client_id, row.basis) == (worker.pk, client.uuid, "care_team")
    # The coach on the team sees the client but does not print its summary.
    with pytest.raises(PermissionDenied):
        get_document_for_user(acting(coach), client.uuid, document.uuid, log_view=False)
    # Another client's document under this client's URL, or no document at all: 404.
    other = client_of()
    with pytest.raises(Http404):
        get_document_for_user(worker, other.uuid, document.uuid, log_view=False)
    with pytest.raises(Http404):
        get_document_for_user(worker, client.uuid, uuid.uuid4(), log_view=False)
    assert AccessLogEntry.objects.filter(action="pathways.summary.viewed").count() == 1


@pytest.mark.parametrize(("language", "name"), [("sv", "svenska"), ("en", "English")])
def test_the_document_page_marks_the_name_of_its_language_with_that_language(
    client, worker, workshop, language, name
):
    """The name of the language is a word of that language (WCAG 3.1.2, language of parts)."""
    subject, _step, _certificate = workshop
    document = actions.request_pathway_summary(
        client=subject, requested_by=worker, language=language, sections=["dates"]
    )
    login(client, worker)
    page = client.get(
        reverse("pathways:document", args=[subject.uuid, document.uuid])
    ).content.decode()
    assert f'Kieli: <span lang="{language}">{name}</span>' in page


def test_opening_a_certificate_page_is_logged_as_the_certificate(coach, workshop):
    """The client's log says which print's page was opened, not just "a print"."""
    client, _step, certificate = workshop
    document = actions.request_certificate_pdf(
        certificate=certificate, requested_by=acting(coach), language="fi"
    )
    get_document_for_user(acting(coach), client.uuid, document.uuid, log_view=True)
    assert list(
        AccessLogEntry.objects.filter(
            object_type=document._meta.label_lower, object_id=str(document.pk)
        )
        .exclude(action="pathways.certificate_pdf.requested")
        .values_list("action", flat=True)
    ) == ["pathways.certificate_pdf.viewed"]


def test_a_certificate_is_reached_only_through_its_own_step(worker, coach, workshop, client_of):
    client, step, certificate = workshop
    found_client, found_step, found = get_certificate_for_user(
        acting(coach), client.uuid, step.pk, certificate.pk
    )
    assert (found_client, found_step, found) == (client, step, certificate)
    other_step = make_step(
        client,
        "education",
        created_by=worker,
        start_on=step.start_on,
        planned_end_on=step.planned_end_on,
    )
    with pytest.raises(Http404):
        get_certificate_for_user(worker, client.uuid, other_step.pk, certificate.pk)
    with pytest.raises(Http404):
        get_certificate_for_user(worker, client_of().uuid, step.pk, certificate.pk)
    # A coach of the unit off the client's team: the client is out of reach.
    from accounts.factories import make_user

    stranger = acting(make_user(Role.WORKSHOP_COACH, worker.active_assignment.unit))
    with pytest.raises(Http404):
        get_certificate_for_user(stranger, client.uuid, step.pk, certificate.pk)


def test_the_actions_refuse_a_language_a_print_is_not_made_in(worker, coach, workshop):
    client, _step, certificate = workshop
    with pytest.raises(ValidationError) as summary_error:
        actions.request_pathway_summary(
            client=client, requested_by=worker, language="de", sections=["dates"]
        )
    assert "language" in summary_error.value.message_dict
    with pytest.raises(ValidationError):
        actions.request_certificate_pdf(certificate=certificate, requested_by=coach, language="")
    assert not PrintedDocument.objects.exists()
    assert not AccessLogEntry.objects.filter(action__endswith=".requested").exists()


def test_the_database_refuses_a_print_in_another_language(worker, workshop):
    client, _step, _certificate = workshop
    with pytest.raises(IntegrityError), transaction.atomic():
        PrintedDocument.objects.create(
            client=client,
            kind=DocumentKind.PATHWAY_SUMMARY,
            language="de",
            sections=["dates"],
            template_version="x",
            requested_by=worker,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LogReportPrint.objects.create(
            client_id=client.uuid,
            organisation=worker.organisation,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 1, 31),
            language="ru",
            requested_by=worker,
        )


@pytest.mark.parametrize(("language", "printed_in"), [("sv", "sv"), ("en", "en"), ("other", "fi")])
def test_a_certificate_prints_in_the_clients_language_unless_another_is_chosen(
    client, coach, workshop, monkeypatch, language, printed_in
):
    monkeypatch.setattr(render_document_pdf_task, "delay", lambda document_id: None)
    customer, step, certificate = workshop
    customer.language = language
    customer.save(update_fields=["language"])
    login(client, coach)
    page = client.get(f"/clients/{customer.uuid}/steps/{step.pk}/").content.decode()
    assert f'<option value="{printed_in}" lang="{printed_in}" selected>' in page
    url = f"/clients/{customer.uuid}/steps/{step.pk}/certificates/{certificate.pk}/print/"

    client.post(url)
    assert PrintedDocument.objects.get().language == printed_in

    client.post(url, {"language": "fi"})
    assert PrintedDocument.objects.latest("pk").language == "fi"
    response = client.post(url, {"language": "de"}, follow=True)
    assert PrintedDocument.objects.count() == 2
    assert "Tuloste tehdään suomeksi, ruotsiksi tai englanniksi." in response.content.decode()


def test_the_print_dialog_is_logged_as_the_summary_dialog_not_as_the_client_page(
    client, worker, workshop
):
    """The DPO's log tells the print dialog apart from opening the client: one row of its
    own on GET, and the same row when a refused form is shown again."""
    patient, _step, _certificate = workshop
    login(client, worker)
    url = reverse("pathways:print_summary", kwargs={"client_id": patient.uuid})
    before = AccessLogEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    assert client.get(url).status_code == 200
    assert client.post(url, {"language": "xx"}).status_code == 200
    rows = AccessLogEntry.objects.filter(pk__gt=before, client_id=patient.uuid).order_by("pk")
    actions_logged = list(rows.values_list("action", flat=True))
    assert actions_logged == ["pathways.summary_dialog.viewed"] * 2
