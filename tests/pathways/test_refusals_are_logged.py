"""A refused POST that shows the client's data again writes the read to the access log, as
the page's GET does: the attendance grid refused. A step's status change refused redirects to
the step page, whose GET logs the one read."""

import datetime
from decimal import Decimal

import pytest

from audit.models import AccessLogEntry
from pathways.factories import make_step
from tests.conftest import login


@pytest.fixture
def open_work(worker, client_of, today):
    return make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=today - datetime.timedelta(days=40),
        daily_compensation=Decimal(10),
        effects_discussed_on=today - datetime.timedelta(days=40),
        days_per_week=5,
    )


def rows(step, action):
    return AccessLogEntry.objects.filter(client_id=step.client.uuid, action=action).count()


def attendance_url(step, monday):
    iso = monday.isocalendar()
    return (
        f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/?week={iso.year}-W{iso.week:02d}"
    )


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    "hours",
    [
        "",  # refused by the action: a day present needs its hours
        "kolme",  # refused by the form
    ],
)
def test_a_refused_attendance_week_is_logged_as_read(client, worker, open_work, today, hours, htmx):
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    login(client, worker)
    key = monday.isoformat()
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(
        attendance_url(open_work, monday),
        {f"{key}-status": "present", f"{key}-hours": hours},
        **extra,
    )
    assert response.status_code == 200
    assert "Tarkista merkityt päivät." in response.content.decode()
    assert rows(open_work, "pathways.attendance.viewed") == 1
    assert rows(open_work, "pathways.attendance.recorded") == 0


def test_a_saved_attendance_week_is_logged_once_as_recorded(client, worker, open_work, today):
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    login(client, worker)
    key = monday.isoformat()
    response = client.post(
        attendance_url(open_work, monday), {f"{key}-status": "present", f"{key}-hours": "5"}
    )
    assert response.status_code == 302
    assert rows(open_work, "pathways.attendance.recorded") == 1
    assert rows(open_work, "pathways.attendance.viewed") == 0


def test_a_refused_status_change_is_logged_once_by_the_page_showing_it(
    client, worker, open_work, today
):
    login(client, worker)
    url = f"/clients/{open_work.client.uuid}/steps/{open_work.pk}/status/"
    # A step is started, paused or resumed; ending has its page.
    response = client.post(url, {"status": "ended"})
    assert response.status_code == 302
    # The refusal is shown on the step page it redirects to, which logs the read.
    assert rows(open_work, "pathways.step.viewed") == 0
    page = client.get(response.url)
    assert page.status_code == 200
    assert rows(open_work, "pathways.step.viewed") == 1
    assert rows(open_work, "pathways.step.status_changed") == 0
    # A status change done is the action's own row.
    client.post(url.replace("/status/", "/pause/"), {"paused_on": today, "reason": "Sairausloma"})
    assert rows(open_work, "pathways.step.status_changed") == 1
    assert rows(open_work, "pathways.step.viewed") == 1
