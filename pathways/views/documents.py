"""The pathway summary and certificate prints: the print dialog, the document's page, its
status while it renders, and the download."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.printing import status_unchanged
from clients.access import get_client_for_user, log_shown_again, read_log
from config.downloads import file_name
from config.polling import background_request
from pathways import actions, printing
from pathways.access import get_certificate_for_user, get_document_for_user
from pathways.forms import PrintSummaryForm
from pathways.summary import sections_for

# The summary's print dialog (language and sections), told apart from the client's page.
SUMMARY_DIALOG_VIEWED = "pathways.summary_dialog.viewed"


@require_http_methods(["GET", "POST"])
def print_summary(request, client_id):
    """The print dialog: language (the client's by default) and sections; queues the PDF."""
    client = get_client_for_user(
        request.user,
        client_id,
        permission="pathways.print_summary",
        log_action=read_log(request, SUMMARY_DIALOG_VIEWED),
    )
    sections = sections_for(request.user, client)
    form = PrintSummaryForm(
        request.POST or None,
        sections=sections,
        initial={"language": actions.print_language_of(client), "sections": list(sections)},
    )
    if request.method == "POST" and form.is_valid():
        document = actions.request_pathway_summary(
            client=client,
            requested_by=request.user,
            language=form.cleaned_data["language"],
            sections=form.cleaned_data["sections"],
        )
        return redirect("pathways:document", client_id=client.uuid, document_id=document.uuid)
    log_shown_again(request, client, SUMMARY_DIALOG_VIEWED)
    return render(request, "pathways/print_summary.html", {"client": client, "form": form})


@require_POST
def print_certificate(request, client_id, step_id, certificate_id):
    """Queues the certificate's PDF in the chosen language, the client's by default."""
    client, _step, certificate = get_certificate_for_user(
        request.user, client_id, step_id, certificate_id
    )
    language = request.POST.get("language") or actions.print_language_of(client)
    try:
        document = actions.request_certificate_pdf(
            certificate=certificate, requested_by=request.user, language=language
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pathways:step", client_id=client.uuid, step_id=certificate.step_id)
    return redirect("pathways:document", client_id=client.uuid, document_id=document.uuid)


def _document_context(client, document) -> dict:
    return {
        "client": client,
        "document": document,
        "printed_files_kept_days": settings.POLKU_PRINTED_FILES_KEPT_DAYS,
        "retry_url": _print_dialog_url(client, document),
    }


def _print_dialog_url(client, document) -> str:
    """Where the document is printed again (its status offers it when the PDF failed or its
    file is gone): the summary's print dialog, or a certificate's language choice on its
    step's page."""
    if document.certificate_id:
        step_url = reverse("pathways:step", args=[client.uuid, document.certificate.step_id])
        return f"{step_url}#certificate-language-{document.certificate_id}"
    return reverse("pathways:print_summary", args=[client.uuid])


@require_GET
def document(request, client_id, document_id):
    """The progress page of a printed document, then its download link."""
    client, document = get_document_for_user(request.user, client_id, document_id, log_view=True)
    return render(request, "pathways/document.html", _document_context(client, document))


@background_request
@require_GET
def document_status(request, client_id, document_id):
    """Polled by htmx while the PDF is made; background polling does not extend the session.
    Answers 204 (nothing to swap) while the status is the one the page shows (`shown`)."""
    client, document = get_document_for_user(request.user, client_id, document_id, log_view=False)
    if status_unchanged(request.GET.get("shown"), document):
        return HttpResponse(status=204)
    return render(
        request,
        "pathways/document.html#status",
        {**_document_context(client, document), "status_only": True},
    )


@require_GET
def document_download(request, client_id, document_id):
    _client, document = get_document_for_user(request.user, client_id, document_id, log_view=False)
    if document.status != "ready":
        raise Http404
    # Opened before the print is logged: the daily cleanup may have removed the file.
    pdf = printing.open_stored(document.file_name)
    if pdf is None:
        raise Http404
    actions.record_print_handed_over(document=document, by=request.user)
    requested_on = timezone.localtime(document.requested_at).date()
    # Named in the document's language, as its title is.
    with translation.override(document.language):
        filename = file_name(document.get_kind_display(), requested_on, extension="pdf")
    return FileResponse(pdf, as_attachment=True, filename=filename, content_type="application/pdf")
