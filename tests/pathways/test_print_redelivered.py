"""A print whose render killed its worker is not rendered again when its job comes back.

The PDF tasks are acked late and requeued when their worker is lost
(CELERY_TASK_REJECT_ON_WORKER_LOST): a render that runs out of memory or crashes WeasyPrint
would be redelivered and kill the next worker too, for ever, blocking the PDF queue."""

import datetime

import pytest
import time_machine

from audit import printing
from audit.models import PRINT_STALLED_AFTER, PrintStatus
from pathways import actions
from pathways.tasks import remove_old_document_files_task, render_document_pdf_task
from tests.conftest import login


class WorkerKilled(BaseException):
    """What the render looks like from the row when the worker process dies: nothing after
    it runs (a BaseException, so render_queued's failure handling does not record it)."""


@pytest.fixture
def renders(monkeypatch):
    """The PDF renderer, counting its calls; `renders.kill` makes the next one die."""

    class Calls(list):
        def kill(self):
            state["kill"] = True

    calls = Calls()
    state = {"kill": False}

    def render(html):
        calls.append(html)
        if state["kill"]:
            state["kill"] = False
            raise WorkerKilled
        return b"%PDF-1.7\n%test\n"

    monkeypatch.setitem(printing._renderer, "pdf", render)
    return calls


@pytest.fixture
def summary(client_of, worker):
    client = client_of()
    document = actions.request_pathway_summary(
        client=client, requested_by=worker, language="fi", sections=["dates"]
    )
    return client, document


def test_a_job_redelivered_after_its_worker_died_does_not_render_again(
    client, worker, summary, renders
):
    patient, document = summary
    renders.kill()
    with pytest.raises(WorkerKilled):
        render_document_pdf_task.run(document.pk)
    document.refresh_from_db()
    assert document.status == PrintStatus.RENDERING and document.attempts == 1

    assert render_document_pdf_task.run(document.pk) == PrintStatus.FAILED  # the redelivery
    assert render_document_pdf_task.run(document.pk) == PrintStatus.FAILED  # and the next
    assert len(renders) == 1
    document.refresh_from_db()
    assert document.status == PrintStatus.FAILED and document.error == printing.NOT_RENDERED_AGAIN
    assert document.attempts == 1 and not document.file_name

    login(client, worker)
    base = f"/clients/{patient.uuid}/documents/{document.uuid}/"
    poll = client.get(f"{base}status/?shown=rendering", headers={"HX-Request": "true"})
    assert "PDF:n tekeminen epäonnistui." in poll.content.decode()

    again = actions.request_pathway_summary(
        client=patient, requested_by=worker, language="fi", sections=["dates"]
    )
    assert render_document_pdf_task.run(again.pk) == PrintStatus.READY  # asked again, it prints


def test_a_print_recorded_stalled_while_rendering_stays_failed_when_its_job_comes_back(
    worker, summary, renders
):
    _patient, document = summary
    renders.kill()
    with pytest.raises(WorkerKilled):
        render_document_pdf_task.run(document.pk)
    with time_machine.travel(document.requested_at + PRINT_STALLED_AFTER + datetime.timedelta(1)):
        remove_old_document_files_task.run()
    assert render_document_pdf_task.run(document.pk) == PrintStatus.FAILED
    document.refresh_from_db()
    assert document.status == PrintStatus.FAILED and document.error.startswith("Stalled")
    assert len(renders) == 1


def test_a_lost_job_that_turns_up_after_the_print_was_recorded_stalled_still_renders_it(
    worker, summary, renders
):
    """No job had started it, so nothing says rendering it kills a worker."""
    _patient, document = summary
    with time_machine.travel(document.requested_at + PRINT_STALLED_AFTER + datetime.timedelta(1)):
        remove_old_document_files_task.run()
    document.refresh_from_db()
    assert document.status == PrintStatus.FAILED and document.attempts == 0
    assert render_document_pdf_task.run(document.pk) == PrintStatus.READY
    assert len(renders) == 1


def test_a_log_report_is_not_rendered_again_either(dpo_and_report, renders):
    from audit.models import LogReportPrint
    from audit.tasks import render_log_report_pdf_task

    report = dpo_and_report
    renders.kill()
    with pytest.raises(WorkerKilled):
        render_log_report_pdf_task.run(report.pk)
    assert render_log_report_pdf_task.run(report.pk) == PrintStatus.FAILED
    assert len(renders) == 1
    assert LogReportPrint.objects.get(pk=report.pk).status == PrintStatus.FAILED


@pytest.fixture
def dpo_and_report(client_of, worker):
    from accounts.factories import make_user
    from accounts.roles import Role
    from audit.actions import request_log_report_print
    from audit.reports import ReportPeriod
    from audit.subjects import describe_clients

    patient = client_of()
    dpo = make_user(Role.DPO, worker.active_assignment.unit)
    return request_log_report_print(
        subject=describe_clients([patient.uuid])[patient.uuid],
        period=ReportPeriod.default(),
        language="fi",
        requested_by=dpo,
    )
