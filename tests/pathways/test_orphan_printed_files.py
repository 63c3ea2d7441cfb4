"""A printed file no ready print names is removed: a PDF is written under a temporary name and
named only with its row marked ready, and the daily cleanup removes what a killed worker or a
cut-off cleanup left under POLKU_PRIVATE_ROOT/documents/ (a client's document no row leads
to, otherwise kept for ever)."""

import datetime
import os

import pytest
import time_machine
from django.utils import timezone

from audit import printing
from audit.models import PRINT_STALLED_AFTER, LogReportPrint, PrintStatus
from pathways import actions
from pathways.models import PrintedDocument
from pathways.tasks import remove_old_document_files_task, render_document_pdf_task

PDF = b"%PDF-1.7\n%test\n"


class WorkerKilled(BaseException):
    """The worker process dying: nothing after it runs."""


@pytest.fixture(autouse=True)
def renderer(monkeypatch):
    monkeypatch.setitem(printing._renderer, "pdf", lambda html: PDF)


@pytest.fixture
def document(client_of, worker):
    return actions.request_pathway_summary(
        client=client_of(), requested_by=worker, language="fi", sections=["dates"]
    )


def files():
    return sorted(path.name for path in printing.documents_folder().iterdir())


def age(path, when):
    os.utime(path, (when.timestamp(), when.timestamp()))


def test_a_worker_killed_before_the_print_was_marked_ready_leaves_no_named_file(
    document, monkeypatch
):
    def killed(part, name):
        raise WorkerKilled

    monkeypatch.setattr(printing, "publish", killed)
    with pytest.raises(WorkerKilled):
        render_document_pdf_task.run(document.pk)
    document.refresh_from_db()
    assert document.status == PrintStatus.RENDERING and not document.file_name
    (part,) = printing.documents_folder().iterdir()
    assert part.name.startswith(f"{document.uuid}.pdf.") and part.name.endswith(".part")

    age(part, timezone.now() - PRINT_STALLED_AFTER + datetime.timedelta(minutes=1))
    remove_old_document_files_task.run()
    assert part.exists()  # a write may still be under way
    age(part, timezone.now() - PRINT_STALLED_AFTER - datetime.timedelta(minutes=1))
    remove_old_document_files_task.run()
    assert files() == []


def test_a_failure_while_naming_the_file_leaves_neither_file_nor_a_ready_row(document, monkeypatch):
    def full(part, name):
        raise OSError("No space left on device")

    monkeypatch.setattr(printing, "publish", full)
    with pytest.raises(OSError):
        render_document_pdf_task.run(document.pk)
    document.refresh_from_db()
    assert document.status == PrintStatus.FAILED and "No space" in document.error
    assert files() == []


def test_a_print_names_its_file_when_ready(document):
    assert render_document_pdf_task.run(document.pk) == PrintStatus.READY
    document.refresh_from_db()
    assert files() == [document.file_name]
    assert printing.stored_path(document.file_name).read_bytes() == PDF


def test_the_daily_cleanup_removes_old_files_no_ready_print_names(
    document, client_of, worker, settings
):
    """Of files older than the kept days: those of failed and expired prints and those no
    print names go; those a ready print names stay (of every printed kind: the log report's
    too, though the pathways' task runs the sweep)."""
    settings.POLKU_PRINTED_FILES_KEPT_DAYS = 7
    render_document_pdf_task.run(document.pk)
    document.refresh_from_db()
    kept = printing.stored_path(document.file_name)
    failed = actions.request_pathway_summary(
        client=client_of(), requested_by=worker, language="fi", sections=["dates"]
    )
    PrintedDocument.objects.filter(pk=failed.pk).update(status=PrintStatus.FAILED)
    printing.store(PDF, f"{failed.uuid}.pdf")  # its worker killed before the commit
    printing.store(PDF, "unknown.pdf")
    report = LogReportPrint.objects.create(
        client_id=document.client.uuid,
        organisation=worker.active_assignment.unit.organisation,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
        language="fi",
        template_version="1",
        requested_by=worker,
    )
    name, checksum = printing.store(PDF, f"log-report-{report.uuid}.pdf")
    LogReportPrint.objects.filter(pk=report.pk).update(
        status=PrintStatus.READY, file_name=name, checksum=checksum, rendered_at=timezone.now()
    )
    old = timezone.now() - datetime.timedelta(days=7, minutes=1)
    for path in printing.documents_folder().iterdir():
        age(path, old)
    fresh = printing.store(PDF, "fresh-unknown.pdf")[0]

    assert printing.remove_orphan_files() == 2
    assert files() == sorted([kept.name, name, fresh])
    assert printing.remove_orphan_files() == 0  # safe to repeat

    with time_machine.travel(document.rendered_at + datetime.timedelta(days=7, minutes=1)):
        remove_old_document_files_task.run()
    document.refresh_from_db()
    assert document.status == PrintStatus.EXPIRED
    assert files() == [name]  # the fresh one is old by then too
