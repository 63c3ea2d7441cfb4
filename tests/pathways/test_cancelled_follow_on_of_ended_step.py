"""A step that an ended step ends into cannot just be cancelled: a cancelled step never took
place, so the ended step would be left with neither a next step nor an exit outcome. The
cancellation names the ended step and asks what replaces it there: another of the client's
later steps, or an outcome where the ended step's rules allow one (never for a Jobcenter
paid-work period). The database refuses a cancelled step as an ended step's next step."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AccessLogEntry
from pathways import actions
from pathways.factories import make_step
from pathways.models import EndReason, PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.conftest import save_contract
from tests.pathways.test_history import assert_by, last_event
from tests.pathways.test_step_rules import service

REASON = "Asiakas aloittaa opinnot, eikä jaksoa tarvita."


@pytest.fixture
def jobcenter(jobcenter_period, today):
    """A Jobcenter period running alongside work activity with work coaching, its contract
    recorded; the work activity ends before the follow-ons start (they may not run alongside
    it)."""
    period = jobcenter_period(today - datetime.timedelta(days=30), today, work_activity=(-90, 5))
    save_contract(period, period.created_by, period.start_on, today)
    return period


def plan_follow_on(worker, step, code, start, follows=True):
    return actions.plan_step(
        client=step.client,
        planned_by=worker,
        follows=step if follows else None,
        service_type=service(code),
        start_on=start,
    )


def end_into(worker, step, follow_on, today, **fields):
    return actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=today,
        end_reason="completed",
        next_step=follow_on,
        **fields,
    )


def test_the_jobcenter_follow_on_is_cancelled_only_with_another_next_step(
    client, worker, jobcenter, today
):
    """The reviewer's path: plan the follow-on, end the period with it, cancel it."""
    follow_on = plan_follow_on(worker, jobcenter, "education", today + datetime.timedelta(days=10))
    end_into(worker, jobcenter, follow_on, today)
    login(client, worker)
    url = f"/clients/{jobcenter.client.uuid}/steps/{follow_on.pk}/cancel/"

    page = client.get(url).content.decode()
    assert "Jakso on päättyneen jakson" in page and "jatkopolku" in page
    assert f"/steps/{jobcenter.pk}/" in page
    assert 'name="next_step"' in page
    # A Jobcenter period ends only with a follow-on: an outcome is offered only for when
    # the client's services end altogether (test_services_end_cancels_follow_on).
    assert "Päättyneen jakson tulos, kun asiakkaan palvelut päättyvät" in page
    assert "jos uutta jatkopolkua ei ole" not in page
    assert "Asiakkaalla ei ole jaksoa, joka voisi olla" in page
    assert f"/clients/{jobcenter.client.uuid}/steps/new/" in page

    response = client.post(url, {"reason": REASON, "exit_outcome": "studies"})

    assert response.status_code == 200
    error = field_errors(response.content.decode(), "next_step")
    assert "eikä se voi päättyä ilman jatkopolkua" in error
    follow_on.refresh_from_db()
    jobcenter.refresh_from_db()
    assert follow_on.status == StepStatus.PLANNED and not follow_on.end_reason
    assert jobcenter.next_step == follow_on

    instead = plan_follow_on(
        worker,
        jobcenter,
        "kela_vocational_rehabilitation",
        today + datetime.timedelta(days=20),
        follows=False,
    )
    page = client.get(url).content.decode()
    assert f'<option value="{instead.pk}">' in page
    assert "Asiakkaalla ei ole jaksoa, joka voisi olla" not in page

    response = client.post(url, {"reason": REASON, "next_step": instead.pk}, follow=True)

    page = response.content.decode()
    assert "Palvelujakso peruttu." in page
    assert "jatkopolku on nyt Kelan ammatillinen kuntoutus" in page
    follow_on.refresh_from_db()
    jobcenter.refresh_from_db()
    assert follow_on.end_reason == EndReason.CANCELLED
    assert (jobcenter.status, jobcenter.next_step, jobcenter.exit_outcome) == (
        StepStatus.ENDED,
        instead,
        "",
    )
    assert AccessLogEntry.objects.filter(
        action="pathways.step.follow_on_replaced", object_id=str(jobcenter.pk), actor=worker
    ).exists()
    assert_by(last_event(PathwayStep, jobcenter), worker, "pathways.step.cancelled")


def test_an_outcome_does_not_replace_a_jobcenter_follow_on(worker, jobcenter, today):
    follow_on = plan_follow_on(worker, jobcenter, "education", today + datetime.timedelta(days=10))
    end_into(worker, jobcenter, follow_on, today)
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(
            step=follow_on, cancelled_by=worker, reason=REASON, exit_outcome="studies"
        )
    assert "Jobcenter-jaksoa ei voi päättää ilman jatkopolkua" in " ".join(
        refused.value.message_dict["next_step"]
    )
    follow_on.refresh_from_db()
    jobcenter.refresh_from_db()
    assert follow_on.status == StepStatus.PLANNED
    assert (jobcenter.next_step, jobcenter.exit_outcome) == (follow_on, "")


@pytest.fixture
def ended(worker, client_of, today):
    """Studies that ended today into Kela rehabilitation planned to start in ten days."""
    step = make_step(
        client_of(), "education", created_by=worker, start_on=today - datetime.timedelta(days=60)
    )
    follow_on = plan_follow_on(
        worker, step, "kela_vocational_rehabilitation", today + datetime.timedelta(days=10)
    )
    end_into(worker, step, follow_on, today)
    step.refresh_from_db()
    return step


def test_another_service_may_end_with_an_outcome_instead(client, worker, ended):
    follow_on = ended.next_step
    login(client, worker)
    url = f"/clients/{ended.client.uuid}/steps/{follow_on.pk}/cancel/"
    page = client.get(url).content.decode()
    assert 'name="next_step"' in page and 'name="exit_outcome"' in page

    response = client.post(url, {"reason": REASON})

    assert "Valitse päättyneelle jaksolle uusi jatkopolku tai tulos" in field_errors(
        response.content.decode(), "next_step"
    )
    follow_on.refresh_from_db()
    assert follow_on.status == StepStatus.PLANNED

    response = client.post(url, {"reason": REASON, "exit_outcome": "studies"}, follow=True)

    assert "tulos on nyt: Aloitti opinnot." in response.content.decode()
    ended.refresh_from_db()
    follow_on.refresh_from_db()
    assert (ended.next_step, ended.exit_outcome) == (None, "studies")
    assert follow_on.end_reason == EndReason.CANCELLED


def test_the_new_next_step_comes_after_and_is_not_cancelled(worker, ended, today):
    follow_on = ended.next_step
    earlier = make_step(
        ended.client,
        "kela_vocational_rehabilitation",
        created_by=worker,
        start_on=ended.start_on - datetime.timedelta(days=30),
        planned_end_on=ended.start_on - datetime.timedelta(days=1),
    )
    cancelled = make_step(
        ended.client,
        "supported_employment",
        created_by=worker,
        start_on=today + datetime.timedelta(days=30),
    )
    actions.cancel_step(step=cancelled, cancelled_by=worker, reason=REASON)
    for wrong in (earlier, cancelled, ended, follow_on):
        with pytest.raises(ValidationError) as refused:
            actions.cancel_step(step=follow_on, cancelled_by=worker, reason=REASON, next_step=wrong)
        assert "next_step" in refused.value.message_dict
    follow_on.refresh_from_db()
    ended.refresh_from_db()
    assert follow_on.status == StepStatus.PLANNED and ended.next_step == follow_on


def test_a_continued_work_activity_needs_a_new_period_not_an_outcome(
    client, worker, client_of, today
):
    """The review decided to continue with a new period: an outcome does not do instead."""
    from clients.factories import make_plan

    client_ = client_of()
    first = actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=service("rehabilitative_work_activity"),
        start_on=today - datetime.timedelta(days=120),
        planned_end_on=today,
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )
    make_plan(client_, worker, plan_type="activation_plan")
    PathwayStep.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(days=120)
    )
    second = actions.plan_step(
        client=client_,
        planned_by=worker,
        follows=first,
        service_type=service("rehabilitative_work_activity"),
        start_on=today + datetime.timedelta(days=1),
        planned_end_on=today + datetime.timedelta(days=120),
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )
    first.refresh_from_db()
    end_into(worker, first, second, today, review_decision="continue")
    login(client, worker)
    page = client.get(f"/clients/{client_.uuid}/steps/{second.pk}/cancel/").content.decode()
    # An outcome is offered only for when the client's services end altogether.
    assert "Päättyneen jakson tulos, kun asiakkaan palvelut päättyvät" in page
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(step=second, cancelled_by=worker, reason=REASON, exit_outcome="studies")
    assert "Jatkaminen tarkoittaa uutta jaksoa" in " ".join(refused.value.messages)
    second.refresh_from_db()
    assert second.status == StepStatus.PLANNED


def test_a_step_no_ended_step_ends_into_is_cancelled_as_before(client, worker, client_of, today):
    step = make_step(
        client_of(),
        "kela_vocational_rehabilitation",
        created_by=worker,
        start_on=today + datetime.timedelta(days=5),
    )
    login(client, worker)
    url = f"/clients/{step.client.uuid}/steps/{step.pk}/cancel/"
    page = client.get(url).content.decode()
    assert 'name="next_step"' not in page and "päättyneen jakson" not in page
    assert client.post(url, {"reason": REASON}).status_code == 302
    step.refresh_from_db()
    assert step.end_reason == EndReason.CANCELLED


class TestDatabase:
    def refused(self, call):
        with (
            pytest.raises(IntegrityError, match="step_follow_on_not_cancelled"),
            transaction.atomic(),
        ):
            call()

    def test_a_follow_on_of_an_ended_step_is_not_cancelled_by_an_orm_write(self, ended):
        follow_on = ended.next_step
        self.refused(
            lambda: PathwayStep.objects.filter(pk=follow_on.pk).update(
                status=StepStatus.ENDED,
                ended_on=follow_on.start_on,
                end_reason=EndReason.CANCELLED,
                cancellation_reason=REASON,
            )
        )

    def test_an_ended_step_is_not_given_a_cancelled_next_step(self, worker, ended, today):
        cancelled = make_step(
            ended.client, "work_trial", created_by=worker, start_on=today + datetime.timedelta(5)
        )
        actions.cancel_step(step=cancelled, cancelled_by=worker, reason=REASON)
        self.refused(lambda: PathwayStep.objects.filter(pk=ended.pk).update(next_step=cancelled.pk))
        # Nor is a step ended into one.
        other = make_step(
            ended.client,
            "wage_subsidy",
            created_by=worker,
            start_on=today - datetime.timedelta(days=10),
        )
        self.refused(
            lambda: PathwayStep.objects.filter(pk=other.pk).update(
                status=StepStatus.ENDED,
                ended_on=today,
                end_reason="completed",
                next_step=cancelled.pk,
            )
        )
