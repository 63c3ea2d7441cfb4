"""A print asked for twice (a double submit, the back button) is made once: the second request,
under the client's lock, finds the same requester's print of the same content still queued or
rendering and asked for within PRINT_REPEAT_WITHIN, and returns it. No second row, no second
access-log row, no second render."""

import datetime

import time_machine
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.actions import request_log_report_print
from audit.models import PRINT_REPEAT_WITHIN, AccessLogEntry, LogReportPrint, PrintStatus
from audit.reports import ReportPeriod
from audit.subjects import describe_clients
from pathways import actions
from pathways.models import PrintedDocument


def summary(client, worker, sections=("dates",), language="fi"):
    return actions.request_pathway_summary(
        client=client, requested_by=worker, language=language, sections=list(sections)
    )


def test_a_summary_asked_for_twice_is_printed_once(
    client_of, worker, django_capture_on_commit_callbacks
):
    patient = client_of()
    with django_capture_on_commit_callbacks() as enqueued:
        first = summary(patient, worker)
        second = summary(patient, worker)
    assert second == first
    assert PrintedDocument.objects.count() == 1
    assert AccessLogEntry.objects.filter(action="pathways.summary.requested").count() == 1
    assert len(enqueued) == 1
    # Another choice of sections or language is another print.
    assert summary(patient, worker, sections=("timeline",)) != first
    assert summary(patient, worker, language="sv") != first
    assert PrintedDocument.objects.count() == 3


def test_the_same_summary_asked_for_again_later_or_once_made_is_a_new_print(client_of, worker):
    patient = client_of()
    first = summary(patient, worker)
    with time_machine.travel(timezone.now() + PRINT_REPEAT_WITHIN + datetime.timedelta(seconds=1)):
        assert summary(patient, worker) != first
    made = summary(patient, worker, sections=("contacts",))
    PrintedDocument.objects.filter(pk=made.pk).update(status=PrintStatus.FAILED)
    assert summary(patient, worker, sections=("contacts",)) != made
    assert PrintedDocument.objects.count() == 4


def test_a_log_report_asked_for_twice_is_printed_once(
    client_of, worker, django_capture_on_commit_callbacks
):
    patient = client_of()
    dpo = make_user(Role.DPO, worker.active_assignment.unit)
    subject = describe_clients([patient.uuid])[patient.uuid]

    def report(language="fi"):
        return request_log_report_print(
            subject=subject, period=ReportPeriod.default(), language=language, requested_by=dpo
        )

    with django_capture_on_commit_callbacks() as enqueued:
        first = report()
        second = report()
    assert second == first
    assert LogReportPrint.objects.count() == 1
    assert len(enqueued) == 1
    assert report(language="sv") != first
    assert LogReportPrint.objects.count() == 2
