"""A step's page that does not exist for the step as it is now (ending an ended step, cancelling
a running one, the attendance of a service without it, the end of a job not begun) answers 404
and shows nothing of the client: it writes no access-log row. The page shown logs its read
once, as before."""

import datetime
from decimal import Decimal

import pytest

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from tests.conftest import login
from tests.log_rows import last_log_id, log_rows_since

DAY = datetime.timedelta(days=1)
STEP_VIEWED = "pathways.step.viewed"
ATTENDANCE_VIEWED = "pathways.attendance.viewed"


def _step_url(step, page):
    return f"/clients/{step.client.uuid}/steps/{step.pk}/{page}"


@pytest.fixture
def running(client_of, worker, today):
    """Education begun 60 days ago, ending in ten days."""
    return make_step(
        client_of(),
        "education",
        created_by=worker,
        start_on=today - 60 * DAY,
        planned_end_on=today + 10 * DAY,
    )


@pytest.fixture
def ended(running, today):
    PathwayStep.objects.filter(pk=running.pk).update(
        status=StepStatus.ENDED,
        ended_on=today - DAY,
        end_reason="completed",
        exit_outcome="studies",
    )
    return running


@pytest.fixture
def open_work(worker, client_of, today):
    return make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=today - 40 * DAY,
        daily_compensation=Decimal(10),
        effects_discussed_on=today - 40 * DAY,
        days_per_week=5,
    )


def _job(step, recorded_by, started_on):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=recorded_by,
        kind="open_market_job",
        organisation_name="Kahvila Kulma",
        weekly_hours=Decimal(20),
        started_on=started_on,
    )


@pytest.mark.parametrize("page", ["end/", "pause/", "resume/", "cancel/"])
def test_a_page_of_an_ended_step_logs_nothing(client, worker, ended, page):
    login(client, worker)
    mark = last_log_id()
    assert client.get(_step_url(ended, page)).status_code == 404
    assert log_rows_since(ended.client, mark) == []


@pytest.mark.parametrize("page", ["resume/", "cancel/", "ips-phase/", "attendance/"])
def test_a_page_the_running_step_has_not_logs_nothing(client, worker, running, page):
    """Not paused, not planned, not an IPS step, a service without attendance."""
    login(client, worker)
    mark = last_log_id()
    assert client.get(_step_url(running, page)).status_code == 404
    assert log_rows_since(running.client, mark) == []


@pytest.mark.parametrize("page", ["end/", "pause/", "placements/new/"])
def test_a_page_of_the_running_step_shown_is_logged_once(client, worker, running, page):
    login(client, worker)
    mark = last_log_id()
    response = client.get(_step_url(running, page))
    assert response.status_code == 200
    assert response.context["step"] == running
    assert log_rows_since(running.client, mark) == [(STEP_VIEWED, worker.pk)]


def test_the_attendance_page_shown_is_logged_once(client, worker, open_work):
    login(client, worker)
    mark = last_log_id()
    response = client.get(_step_url(open_work, "attendance/"))
    assert response.status_code == 200
    assert response.context["step"] == open_work
    assert log_rows_since(open_work.client, mark) == [(ATTENDANCE_VIEWED, worker.pk)]


def test_the_end_and_cancel_pages_a_job_has_not_log_nothing(client, ips_step, job_coach, today):
    """A job begun has no cancel page and one not begun no end page; each page it has is
    logged once."""
    client_, step = ips_step(ips_phase="job_search")
    begun = _job(step, job_coach, today)
    later = _job(step, job_coach, today + DAY)
    login(client, job_coach)
    placements = f"/clients/{client_.uuid}/steps/{step.pk}/placements/"
    mark = last_log_id()
    assert client.get(f"{placements}{begun.pk}/cancel/").status_code == 404
    assert client.get(f"{placements}{later.pk}/end/").status_code == 404
    assert log_rows_since(client_, mark) == []
    assert client.get(f"{placements}{begun.pk}/end/").status_code == 200
    assert client.get(f"{placements}{later.pk}/cancel/").status_code == 200
    assert log_rows_since(client_, mark) == [
        (STEP_VIEWED, job_coach.pk),
        (STEP_VIEWED, job_coach.pk),
    ]


RECORDS_OF_ANOTHER_SERVICE = {
    "employer-contacts/new/": {
        "contacted_on": "{today}",
        "employer_name": "Kahvila Kulma",
        "kind": "call",
    },
    "in-work-support/new/": {"supported_on": "{today}", "note": "Työpaikkakäynti"},
    "certificates/new/": {"issued_on": "{today}", "competences": "Puutyöt"},
}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", RECORDS_OF_ANOTHER_SERVICE)
def test_a_record_of_another_service_has_no_page(client, worker, running, today, page, method):
    """An IPS employer contact or in-work support, a workshop's certificate, on a step of
    another service (education): the form is not shown and nothing is saved or logged,
    whether opened or sent."""
    login(client, worker)
    mark = last_log_id()
    data = {
        name: value.format(today=today.isoformat())
        for name, value in RECORDS_OF_ANOTHER_SERVICE[page].items()
    }
    response = getattr(client, method)(_step_url(running, page), data if method == "post" else None)
    assert response.status_code == 404
    assert log_rows_since(running.client, mark) == []
    assert not (
        running.employer_contacts.exists()
        or running.in_work_support.exists()
        or running.certificates.exists()
    )


@pytest.mark.parametrize("page", ["employer-contacts/new/", "in-work-support/new/"])
def test_an_ended_ips_step_has_no_contact_or_support_page(client, worker, ips_step, today, page):
    """Offered on the step's page only while the step is open, as its IPS phase is."""
    _, step = ips_step(ips_phase="job_search")
    login(client, worker)
    assert client.get(_step_url(step, page)).status_code == 200
    PathwayStep.objects.filter(pk=step.pk).update(
        status=StepStatus.ENDED, ended_on=today, end_reason="completed", exit_outcome="studies"
    )
    mark = last_log_id()
    assert client.get(_step_url(step, page)).status_code == 404
    assert log_rows_since(step.client, mark) == []


def test_a_workshop_certificate_page_is_there_after_the_end_but_not_once_cancelled(
    client, worker, client_of, workshop_unit, today
):
    step = make_step(
        client_of(age=20),
        "youth_workshop",
        created_by=worker,
        unit=workshop_unit,
        start_on=today - 60 * DAY,
        planned_end_on=today + 30 * DAY,
    )
    login(client, worker)
    PathwayStep.objects.filter(pk=step.pk).update(
        status=StepStatus.ENDED, ended_on=today, end_reason="completed", exit_outcome="studies"
    )
    assert client.get(_step_url(step, "certificates/new/")).status_code == 200
    PathwayStep.objects.filter(pk=step.pk).update(
        ended_on=step.start_on,
        end_reason="cancelled",
        exit_outcome="",
        cancellation_reason="Asiakas aloitti opinnot",
    )
    mark = last_log_id()
    assert client.get(_step_url(step, "certificates/new/")).status_code == 404
    assert log_rows_since(step.client, mark) == []
