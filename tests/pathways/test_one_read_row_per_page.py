"""Planning a step whose earlier step can no longer be followed on sends the user to that
step's page, which logs the one read: the planning page writes no access-log row of its own.
The service choice and the step form, shown, log their read once; a step or service not found
(404) shows nothing of the client and logs nothing."""

import datetime

import pytest

from pathways import actions
from pathways.factories import make_step
from tests.conftest import login
from tests.log_rows import followed, last_log_id, log_rows_since

CLIENT_VIEWED = "clients.client.viewed"
STEP_VIEWED = "pathways.step.viewed"


@pytest.fixture
def running(client_of, worker, today):
    """Education ending in ten days, with no follow-on yet."""
    return make_step(
        client_of(),
        "education",
        created_by=worker,
        start_on=today - datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=10),
    )


def _followed_on(running, worker):
    actions.plan_step(
        client=running.client,
        planned_by=worker,
        follows=running,
        service_type=running.service_type,
        start_on=running.planned_end_on + datetime.timedelta(days=1),
        planned_end_on=running.planned_end_on + datetime.timedelta(days=60),
    )


@pytest.mark.parametrize("query", ["", "type=supported_employment&"])
def test_planning_the_follow_on_of_a_followed_step_logs_only_the_step_page(
    client, worker, running, query
):
    _followed_on(running, worker)
    login(client, worker)
    base = f"/clients/{running.client.uuid}/steps/"
    mark = last_log_id()
    page = followed(client, f"{base}new/?{query}follows={running.pk}", [f"{base}{running.pk}/"])
    assert "Jaksolla on jo jatkopolku." in page.content.decode()
    assert log_rows_since(running.client, mark) == [(STEP_VIEWED, worker.pk)]


@pytest.mark.parametrize("query", ["", "type=supported_employment&"])
def test_the_planning_page_shown_is_logged_once(client, worker, running, query):
    login(client, worker)
    mark = last_log_id()
    page = followed(
        client, f"/clients/{running.client.uuid}/steps/new/?{query}follows={running.pk}", []
    )
    assert page.context["follows"] == running
    assert log_rows_since(running.client, mark) == [(CLIENT_VIEWED, worker.pk)]


@pytest.mark.parametrize("missing", ["step", "service"])
def test_a_planning_page_not_found_logs_nothing(client, worker, client_of, running, missing):
    other = make_step(client_of(), "education", created_by=worker)
    login(client, worker)
    query = f"follows={other.pk}" if missing == "step" else "type=no_such_service"
    mark = last_log_id()
    response = client.get(f"/clients/{running.client.uuid}/steps/new/?{query}")
    assert response.status_code == 404
    assert log_rows_since(running.client, mark) == []
