"""Printed documents: the client's pathway summary and the competence certificate, rendered
by WeasyPrint in a Celery task enqueued only after the request commits."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from audit.models import PRINT_LANGUAGES
from clients.access import log_client_access
from clients.models import Client
from pathways.actions.common import lock_client
from pathways.models import CompetenceCertificate, DocumentKind, PrintedDocument

PRINTED_IN = tuple(code for code, _name in PRINT_LANGUAGES)


def print_language_of(client: Client) -> str:
    """The language a print for the client is made in unless another is chosen: the client's
    own where a print can be made in it (Finnish, Swedish, English), otherwise Finnish."""
    return client.language if client.language in PRINTED_IN else "fi"


def _check_language(language: str) -> None:
    if language not in PRINTED_IN:
        raise ValidationError(
            {"language": _("Tuloste tehdään suomeksi, ruotsiksi tai englanniksi.")},
            code="invalid_language",
        )


def request_pathway_summary(
    *, client: Client, requested_by, language: str, sections: list[str]
) -> "PrintedDocument":
    """Queues a pathway summary PDF; the rendering task is enqueued only after the transaction commits.

    The same requester's same summary (language and sections) asked for again within
    PRINT_REPEAT_WITHIN while it is still under way is the same request sent twice: checked
    under the client's row lock, it returns that print and logs and enqueues nothing.

    Raises ValidationError for a language a print is not made in (fi, sv, en; the database
    refuses any other too) and for no known section; PermissionDenied for a section that
    carries the client's plans (summary.PLAN_SECTIONS) when `requested_by` may not read them.
    """
    from pathways.summary import SECTIONS, TEMPLATE_VERSION, sections_for

    _check_language(language)
    sections = [section for section in SECTIONS if section in sections]
    if not sections:
        raise ValidationError({"sections": _("Valitse vähintään yksi osio.")})
    if not set(sections) <= set(sections_for(requested_by, client)):
        raise PermissionDenied
    with transaction.atomic():
        # A repeat (a double submit, the back button) waits here for the first to commit, and
        # then finds its print: the same summary is printed, logged and rendered once.
        lock_client(client)
        repeated = (
            PrintedDocument.objects.repeated_by(requested_by)
            .filter(
                client=client,
                kind=DocumentKind.PATHWAY_SUMMARY,
                language=language,
                sections=sections,
            )
            .first()
        )
        if repeated is not None:
            return repeated
        document = PrintedDocument.objects.create(
            client=client,
            kind=DocumentKind.PATHWAY_SUMMARY,
            language=language,
            sections=sections,
            template_version=TEMPLATE_VERSION,
            requested_by=requested_by,
        )
        log_client_access(
            requested_by,
            client,
            "pathways.summary.requested",
            document,
            detail=f"{language}: {', '.join(sections)}",
        )
        transaction.on_commit(lambda: _enqueue_render(document.pk))
    return document


def request_certificate_pdf(
    *, certificate: CompetenceCertificate, requested_by, language: str
) -> "PrintedDocument":
    """Queues the PDF of a youth workshop's competence certificate; the rendering task is
    enqueued only after the transaction commits. Raises ValidationError for a language a
    print is not made in."""
    from pathways.certificates import TEMPLATE_VERSION

    _check_language(language)

    client = certificate.step.client
    with transaction.atomic():
        document = PrintedDocument.objects.create(
            client=client,
            kind=DocumentKind.COMPETENCE_CERTIFICATE,
            language=language,
            certificate=certificate,
            template_version=TEMPLATE_VERSION,
            requested_by=requested_by,
        )
        log_client_access(requested_by, client, "pathways.certificate_pdf.requested", document)
        transaction.on_commit(lambda: _enqueue_render(document.pk))
    return document


def _enqueue_render(document_id: int) -> None:
    from pathways.tasks import render_document_pdf_task

    render_document_pdf_task.delay(document_id)


def render_document(*, document_id: int) -> "PrintedDocument":
    """Renders a queued document to PDF, stores it privately with its checksum. Safe to run twice."""
    from audit import printing

    return printing.render_queued(
        PrintedDocument,
        document_id,
        html=_document_html,
        file_name=lambda document: f"{document.uuid}.pdf",
    )


def _document_html(document: "PrintedDocument") -> str:
    from pathways.certificates import render_certificate_html
    from pathways.summary import render_summary_html

    if document.kind == DocumentKind.PATHWAY_SUMMARY:
        return render_summary_html(document)
    return render_certificate_html(document)


def record_print_handed_over(*, document: "PrintedDocument", by) -> None:
    """The download of a printed document: logged as a print and as a disclosure to the client,
    both rows in one transaction (neither without the other)."""
    from audit.actions import log_disclosure
    from audit.models import Basis

    # The client reading their log sees which document was printed for them.
    action = (
        "pathways.certificate_pdf.printed"
        if document.kind == DocumentKind.COMPETENCE_CERTIFICATE
        else "pathways.summary.printed"
    )
    with transaction.atomic(), translation.override("fi"):  # the log is kept in Finnish
        log_client_access(by, document.client, action, document, detail=document.kind)
        log_disclosure(
            actor=by,
            client_id=document.client.uuid,
            recipient_organisation=None,
            recipient_description=_("Asiakas itse"),
            what=document.get_kind_display(),
            basis=Basis.CLIENT_REQUEST,
            channel="pdf",
        )
