"""Each printed document records the version of its own template, as the issue asks of the
stored document: template version, language, sections, checksum, requested by."""

import datetime

import pytest

from audit.models import LogReportPrint
from pathways import actions, certificates, summary
from pathways.factories import make_step
from pathways.models import PrintedDocument


@pytest.fixture
def no_render(monkeypatch):
    from pathways.tasks import render_document_pdf_task

    monkeypatch.setattr(render_document_pdf_task, "delay", lambda document_id: None)


def test_a_summary_records_the_summarys_template_version(worker, client_of, no_render):
    client = client_of()
    document = actions.request_pathway_summary(
        client=client, requested_by=worker, language="sv", sections=["dates", "situation"]
    )
    document.refresh_from_db()
    assert (
        document.template_version,
        document.language,
        document.sections,
        document.requested_by,
    ) == (summary.TEMPLATE_VERSION, "sv", ["situation", "dates"], worker)


def test_a_certificate_records_the_certificates_template_version(
    worker, client_of, today, no_render
):
    client = client_of(age=20)
    step = make_step(
        client,
        "youth_workshop",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        planned_end_on=today + datetime.timedelta(days=60),
    )
    certificate = actions.issue_certificate(
        step=step, issued_by=worker, competences=["Asiakaspalvelu"], issued_on=today
    )
    document = actions.request_certificate_pdf(
        certificate=certificate, requested_by=worker, language="en"
    )
    document.refresh_from_db()
    assert document.template_version == certificates.TEMPLATE_VERSION
    assert (document.language, document.requested_by) == ("en", worker)


def test_every_printed_file_has_the_same_template_version_field():
    """One field on the shared PrintedFile: a summary, a certificate and a log report alike."""
    for model in (PrintedDocument, LogReportPrint):
        field = model._meta.get_field("template_version")
        assert (field.max_length, field.blank, field.null, field.has_default()) == (
            20,
            False,
            False,
            False,
        ), model
