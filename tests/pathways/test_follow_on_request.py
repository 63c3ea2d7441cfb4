"""The work coach of a Jobcenter period is reminded that it is ending without a follow-on,
but may not plan steps (PERMISSIONS.md), and the period cannot be ended without one: on the
step page and the end page the coach asks the client's responsible worker to plan it. The
request is a task of the responsible worker, once per step, logged; the pages then show it
asked."""

import datetime
from decimal import Decimal

import pytest

from audit.models import AccessLogEntry
from clients.models import CareTeamMembership, TeamRole
from notifications.models import Task
from pathways import actions
from pathways.actions.follow_ons import FOLLOW_ON_REQUESTED_TASK
from pathways.reminders import jobcenter_ending_without_next
from services.models import ServiceType
from tests.conftest import login

ASK = "Pyydä vastuutyöntekijää suunnittelemaan jatkopolku"
ASKED = "Vastuutyöntekijää on pyydetty suunnittelemaan jatkopolku"


@pytest.fixture
def period(worker, client_of, today, coach):
    """Work activity with work coaching by `coach`; a Jobcenter period ending in five days."""
    client_ = client_of()
    actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="rehabilitative_work_activity"),
        start_on=today - datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=200),
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Työelämään",
        support_given="Työvalmennus",
        coach=coach,
    )
    return actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="jobcenter_paid_work"),
        start_on=today - datetime.timedelta(days=30),
        planned_end_on=today + datetime.timedelta(days=5),
    )


def url(period, page=""):
    return f"/clients/{period.client.uuid}/steps/{period.pk}/{page}"


def test_the_work_coach_asks_the_responsible_worker_to_plan_the_follow_on(
    client, period, coach, worker, today
):
    reminded = [spec.recipient_id for spec in jobcenter_ending_without_next(today, 100)]
    assert coach.pk in reminded
    login(client, coach)
    end_page = client.get(url(period, "end/")).content.decode()
    assert ASK in end_page and url(period, "ask-follow-on/") in end_page
    assert "/steps/new/" not in end_page  # planning is not theirs (403)
    assert ASK in client.get(url(period)).content.decode()

    response = client.post(url(period, "ask-follow-on/"), {"back": "end"}, follow=True)

    assert response.redirect_chain[-1][0] == url(period, "end/")
    page = response.content.decode()
    assert "Vastuutyöntekijää pyydettiin suunnittelemaan jatkopolku." in page
    assert ASKED in page and ASK not in page
    assert ASKED in client.get(url(period)).content.decode()
    task = Task.objects.get()
    responsible = CareTeamMembership.objects.current().get(
        client=period.client, role=TeamRole.RESPONSIBLE_WORKER
    )
    assert (task.assignee, task.kind, task.client_id, task.concerning, task.due_date) == (
        responsible.user,
        FOLLOW_ON_REQUESTED_TASK,
        period.client.uuid,
        period,
        period.planned_end_on,
    )
    assert task.title == (
        "Suunnittele jatkopolku jaksolle Työtoiminnan täsmätyö (Jobcenter-malli): "
        f"{period.client.display_name}"
    )
    assert coach.get_full_name() in task.description
    assert task.link == url(period)
    assert task.created_by == coach
    assert AccessLogEntry.objects.filter(
        action="pathways.follow_on.requested", object_id=str(period.pk), actor=coach
    ).exists()

    # Asked once: asking again makes no second task.
    client.post(url(period, "ask-follow-on/"))
    assert Task.objects.count() == 1


def test_who_may_plan_plans_and_is_not_offered_to_ask(client, period, worker):
    login(client, worker)
    assert ASK not in client.get(url(period)).content.decode()
    end_page = client.get(url(period, "end/")).content.decode()
    assert ASK not in end_page and "/steps/new/" in end_page
    assert client.post(url(period, "ask-follow-on/")).status_code == 403
    assert not Task.objects.exists()


def test_a_step_with_a_follow_on_needs_no_asking(client, period, coach, worker, today):
    actions.plan_step(
        client=period.client,
        planned_by=worker,
        follows=period,
        service_type=ServiceType.objects.get(code="education"),
        start_on=period.planned_end_on + datetime.timedelta(days=1),
    )
    login(client, coach)
    assert ASK not in client.get(url(period)).content.decode()
    response = client.post(url(period, "ask-follow-on/"), follow=True)
    assert "Jaksolla on jo jatkopolku." in response.content.decode()
    assert not Task.objects.exists()
