"""The work coach of a Jobcenter period is reminded that it is ending without a follow-on,
but may not plan steps (PERMISSIONS.md), and the period cannot be ended without one: on the
step page and the end page the coach asks the client's responsible worker to plan it. The
request is a task of the responsible worker, once per step, logged; the pages then show it
asked."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.models import CareTeamMembership, TeamRole
from notifications.models import Task
from pathways import actions
from pathways.actions.follow_ons import FOLLOW_ON_REQUESTED_TASK
from pathways.reminders import jobcenter_ending_without_next
from services.models import ServiceType
from tests.conftest import login
from tests.pathways.conftest import save_contract
from tests.pathways.test_history import assert_by, last_event

ASK = "Pyydä vastuutyöntekijää suunnittelemaan jatkopolku"
ASKED = "Vastuutyöntekijää on pyydetty suunnittelemaan jatkopolku"


@pytest.fixture
def period(jobcenter_period, today):
    """Work activity with work coaching by `coach`; a Jobcenter period ending in five days, as
    the work activity does (its follow-on, studies, may not run alongside the work activity),
    its contract recorded until today."""
    period = jobcenter_period(
        today - datetime.timedelta(days=30),
        today + datetime.timedelta(days=5),
        work_activity=(-90, 5),
    )
    save_contract(period, period.created_by, period.start_on, today)
    return period


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


def asked(period, coach):
    actions.ask_for_follow_on(step=period, asked_by=coach)
    task = Task.objects.get()
    assert task.done_at is None
    return task


def assert_settled(task, by, action):
    task.refresh_from_db()
    assert (task.done_on, task.done_by) == (timezone.localdate(), by)
    assert not Task.objects.for_assignee(task.assignee).open().exists()
    assert_by(last_event(Task, task), by, action)


def test_the_request_is_settled_when_the_follow_on_is_planned(period, coach, worker):
    task = asked(period, coach)
    actions.plan_step(
        client=period.client,
        planned_by=worker,
        follows=period,
        service_type=ServiceType.objects.get(code="education"),
        start_on=period.planned_end_on + datetime.timedelta(days=1),
    )
    assert_settled(task, worker, "pathways.step.planned")


def test_the_request_is_settled_when_the_period_ends_with_a_follow_on(period, coach, worker, today):
    task = asked(period, coach)
    follow_on = actions.plan_step(
        client=period.client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="education"),
        start_on=period.planned_end_on + datetime.timedelta(days=1),
    )
    task.refresh_from_db()
    assert task.done_at is None
    actions.end_step(
        step=period, ended_by=worker, ended_on=today, end_reason="completed", next_step=follow_on
    )
    assert_settled(task, worker, "pathways.step.ended")


def test_the_request_is_settled_when_the_period_ends_without_one(period, coach, worker, today):
    task = asked(period, coach)
    actions.end_step(
        step=period,
        ended_by=coach,
        ended_on=today,
        end_reason="moved_away",
        exit_outcome="moved_away",
    )
    assert_settled(task, coach, "pathways.step.ended")


def test_the_request_button_stands_apart_from_the_end_forms_first_field(client, period, coach):
    """The form around the button has no margin below it: a field's spacing keeps it off the
    first field's label."""
    login(client, coach)
    page = client.get(url(period, "end/")).content.decode()
    button = page.index(ASK)
    wrapper = page.rindex('<div class="polku-field">', 0, button)
    assert "<form" in page[wrapper:button] and "</div>" not in page[wrapper:button]


def test_the_request_is_open_again_when_its_planned_follow_on_is_cancelled(
    client, period, coach, worker
):
    task = asked(period, coach)
    follow_on = actions.plan_step(
        client=period.client,
        planned_by=worker,
        follows=period,
        service_type=ServiceType.objects.get(code="education"),
        start_on=period.planned_end_on + datetime.timedelta(days=1),
    )
    assert_settled(task, worker, "pathways.step.planned")
    actions.cancel_step(step=follow_on, cancelled_by=worker, reason="Ei toteudu.")
    task.refresh_from_db()
    assert (task.done_at, task.done_by) == (None, None)
    assert_by(last_event(Task, task), worker, "pathways.step.cancelled")
    login(client, coach)
    assert ASKED in client.get(url(period)).content.decode()


def test_a_coach_ending_their_last_step_is_logged_on_the_care_team(
    worker, job_coach, client_of, today
):
    """The coach leaves the care team as their last step of the client ends; the log row of the
    end names the team they acted in (read before they leave), not a break-the-glass access no
    one opened."""
    from audit.models import Basis
    from tests.conftest import acting

    acting(job_coach)
    step = actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=ServiceType.objects.get(code="supported_employment"),
        start_on=today - datetime.timedelta(days=10),
        coach=job_coach,
    )
    actions.end_step(
        step=step,
        ended_by=job_coach,
        ended_on=today,
        end_reason="moved_away",
        exit_outcome="moved_away",
    )
    assert not (
        CareTeamMembership.objects.current()
        .filter(client=step.client, user=job_coach, role=TeamRole.COACH)
        .exists()
    )
    ended = AccessLogEntry.objects.get(action="pathways.step.ended", actor=job_coach)
    assert ended.basis == Basis.CARE_TEAM
