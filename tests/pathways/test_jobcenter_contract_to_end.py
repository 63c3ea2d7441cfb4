"""A Jobcenter paid-work period that ran is not ended without its employment contract
(DOMAIN.md: the period has its employer, job, weekly hours, wage and contract dates). The
refusal stands next to the end reason and the end page links to the contract's form; the
step page and the client's timeline warn of a running period without one. A period that
never ran needs none: one planned is cancelled, one started whose work never began ends on
its start date for a reason other than its work done. An ended period, whose contract can
no longer be recorded, is not held to it again when its follow-on is replaced."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from pathways.timeline import step_warnings
from tests.conftest import field_errors, login
from tests.pathways.conftest import save_contract
from tests.pathways.test_step_rules import service

DAY = datetime.timedelta(days=1)
WARNING = "Työsopimusta ei ole kirjattu: kirjaa se, ennen kuin palkkajakso päätetään."
REFUSAL = "Jobcenter-jaksolle ei ole kirjattu työsopimusta, joten jaksoa ei voi päättää."


@pytest.fixture
def period(jobcenter_period, today):
    """A Jobcenter period running since 10 days ago, in work activity with work coaching; both
    end before its follow-on's studies, which may not run alongside them, begin."""
    return jobcenter_period(today - 10 * DAY, today + 9 * DAY, work_activity=(-100, 9))


@pytest.fixture
def follow_on(period, worker, today):
    return actions.plan_step(
        client=period.client,
        planned_by=worker,
        follows=period,
        service_type=service("education"),
        start_on=today + 10 * DAY,
    )


def end(period, worker, ended_on, reason="completed", **fields):
    return actions.end_step(
        step=period, ended_by=worker, ended_on=ended_on, end_reason=reason, **fields
    )


def url(period, page=""):
    return f"/clients/{period.client.uuid}/steps/{period.pk}/{page}"


def test_a_period_that_ran_is_not_ended_without_its_contract(period, follow_on, worker, today):
    with pytest.raises(ValidationError) as refused:
        end(period, worker, today, next_step=follow_on)
    [message] = refused.value.message_dict["end_reason"]
    assert message.startswith(REFUSAL)
    assert "kohdasta ”Työsopimus”" in message
    assert f"alkamispäivänä {period.start_on:%-d.%-m.%Y} syyllä ”Keskeytyi”" in message
    period.refresh_from_db()
    assert (period.status, period.ended_on, period.next_step_id) == (
        StepStatus.ACTIVE,
        None,
        follow_on.pk,
    )


def test_with_its_contract_recorded_it_ends(period, follow_on, worker, today):
    save_contract(period, worker, period.start_on, today)
    end(period, worker, today, next_step=follow_on)
    period.refresh_from_db()
    assert (period.status, period.ended_on) == (StepStatus.ENDED, today)


@pytest.mark.parametrize("reason", ["moved_away", "interrupted"])
def test_any_reason_needs_it_once_the_work_went_on_past_its_first_day(
    period, worker, today, reason
):
    """Also the client's services ending: the paid job the period ran had its contract."""
    with pytest.raises(ValidationError) as refused:
        end(period, worker, today, reason=reason, exit_outcome="moved_away")
    assert refused.value.message_dict["end_reason"][0].startswith(REFUSAL)
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ACTIVE


def test_a_period_whose_work_never_began_ends_on_its_start_day(period, follow_on, worker):
    end(period, worker, period.start_on, reason="interrupted", next_step=follow_on)
    period.refresh_from_db()
    assert (period.status, period.ended_on, period.end_reason) == (
        StepStatus.ENDED,
        period.start_on,
        "interrupted",
    )


def test_a_job_of_one_day_done_has_its_contract(period, follow_on, worker):
    with pytest.raises(ValidationError) as refused:
        end(period, worker, period.start_on, reason="completed", next_step=follow_on)
    assert refused.value.message_dict["end_reason"][0].startswith(REFUSAL)


def test_a_planned_period_is_cancelled_without_one(jobcenter_period, worker, today):
    planned = jobcenter_period(today + 20 * DAY, today + 50 * DAY)
    cancelled = actions.cancel_step(step=planned, cancelled_by=worker, reason="Työ ei toteudu.")
    assert cancelled.is_cancelled


def test_an_ended_period_without_one_still_gets_its_follow_on_replaced(
    jobcenter_period, worker, today
):
    """Ended before the rule, with no contract (which an ended period no longer takes): its
    follow-on is still cancelled, with another later step in its place."""
    running = jobcenter_period(today - 40 * DAY, today + 50 * DAY)
    client_ = running.client
    first = make_step(client_, "education", created_by=worker, start_on=today + 10 * DAY)
    later = make_step(client_, "volunteering", created_by=worker, start_on=today + 20 * DAY)
    PathwayStep.objects.filter(pk=running.pk).update(
        status=StepStatus.ENDED, ended_on=today - 5 * DAY, end_reason="completed", next_step=first
    )
    actions.cancel_step(step=first, cancelled_by=worker, reason="Ei toteudu.", next_step=later)
    running.refresh_from_db()
    assert (running.next_step_id, running.status) == (later.pk, StepStatus.ENDED)


def test_the_end_page_points_to_the_contract_and_refuses_next_to_the_reason(
    client, period, follow_on, coach, today
):
    login(client, coach)
    contract_form = f'href="{url(period, "contract/")}"'
    page = client.get(url(period, "end/")).content.decode()
    assert "Jaksolle ei ole kirjattu työsopimusta." in page
    assert contract_form in page
    data = {
        "ended_on": today.isoformat(),
        "end_reason": "completed",
        "next_step": follow_on.pk,
    }
    response = client.post(url(period, "end/"), data)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "end_reason").startswith(REFUSAL)
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ACTIVE

    save_contract(period, coach, period.start_on, today)
    assert contract_form not in client.get(url(period, "end/")).content.decode()
    assert client.post(url(period, "end/"), data).status_code == 302
    assert PathwayStep.objects.get(pk=period.pk).status == StepStatus.ENDED


def test_the_step_page_and_the_timeline_warn_of_a_running_period_without_one(
    client, period, worker, today
):
    login(client, worker)
    assert WARNING in client.get(url(period)).content.decode()
    timeline = client.get(f"/clients/{period.client.uuid}/").content.decode()
    assert WARNING in timeline

    save_contract(period, worker, period.start_on, today)
    assert WARNING not in client.get(url(period)).content.decode()
    assert WARNING not in client.get(f"/clients/{period.client.uuid}/").content.decode()


def test_no_warning_before_the_period_starts(jobcenter_period, today):
    planned = jobcenter_period(today + 20 * DAY, today + 50 * DAY)
    assert WARNING not in step_warnings(PathwayStep.objects.get(pk=planned.pk), today)
