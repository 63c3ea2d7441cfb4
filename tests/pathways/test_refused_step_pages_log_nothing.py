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


@pytest.mark.parametrize("page", ["end/", "pause/", "employer-contacts/new/"])
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
