"""A step does not leave another running without the companion it needs (DOMAIN.md:
rehabilitative work activity always includes work coaching; a Jobcenter period runs during
work activity with coaching). The companion planned with a step ends with it; a step that
needs this one but is not its companion must be ended first."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from clients.factories import make_plan
from clients.models import CareTeamMembership, TeamRole
from pathways import actions
from pathways.models import PathwayStep, StepStatus
from tests.pathways.test_step_rules import rehab_fields, service


def end(step, worker, today, **fields):
    return actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=today,
        end_reason=fields.pop("end_reason", "completed"),
        **fields,
    )


def coaching_of(client):
    return PathwayStep.objects.get(client=client, service_type__code="work_coaching")


def test_ending_work_activity_ends_its_work_coaching_the_same_day(worker, coach, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, coach=coach, **rehab_fields(today))
    coaching = coaching_of(client)
    assert coaching.status == StepStatus.ACTIVE

    end(
        rehab,
        worker,
        today,
        end_reason="health",
        exit_outcome="capacity_maintained",
        review_decision="exit",
    )

    coaching.refresh_from_db()
    assert coaching.status == StepStatus.ENDED
    assert (coaching.ended_on, coaching.end_reason, coaching.exit_outcome) == (
        today,
        "health",
        "capacity_maintained",
    )
    assert AccessLogEntry.objects.filter(
        action="pathways.step.ended", object_id=str(coaching.pk)
    ).exists()
    # The coach has no open step of the client left: their coaching membership ends too.
    assert (
        not CareTeamMembership.objects.current()
        .filter(client=client, user=coach, role=TeamRole.COACH)
        .exists()
    )


def test_work_coaching_cannot_end_while_the_work_activity_runs(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    coaching = coaching_of(client)
    with pytest.raises(ValidationError) as error:
        end(coaching, worker, today, exit_outcome="other_service")
    text = " ".join(error.value.messages)
    assert "Kuntouttava työtoiminta" in text and "työvalmennus" in text
    assert "Laki kuntouttavasta työtoiminnasta 189/2001" in text
    coaching.refresh_from_db()
    rehab.refresh_from_db()
    assert coaching.status == StepStatus.ACTIVE and coaching.ended_on is None
    assert rehab.status == StepStatus.ACTIVE


def test_work_activity_cannot_end_under_a_running_jobcenter_period(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    period = actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as error:
        end(rehab, worker, today, exit_outcome="other_service", review_decision="move")
    assert "Työtoiminnan täsmätyö (Jobcenter-malli)" in " ".join(error.value.messages)
    # Nothing was half-saved: neither the work activity nor its coaching ended.
    for step in (rehab, coaching_of(client), period):
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE and step.ended_on is None, step


def test_a_new_work_activity_period_keeps_its_own_coaching(worker, client_of, today):
    client = client_of()
    start = today - datetime.timedelta(days=120)
    old = actions.plan_step(
        client=client,
        planned_by=worker,
        **rehab_fields(start, planned_end_on=today),
    )
    make_plan(client, worker, plan_type="activation_plan")  # renewed at the review
    new = actions.plan_step(
        client=client,
        planned_by=worker,
        follows=old,
        **rehab_fields(today + datetime.timedelta(days=1)),
    )
    end(old, worker, today, review_decision="continue", next_step=new)
    coachings = PathwayStep.objects.filter(client=client, service_type__code="work_coaching")
    assert {(c.start_on, c.status) for c in coachings} == {
        (start, StepStatus.ENDED),
        (today + datetime.timedelta(days=1), StepStatus.PLANNED),
    }


def continued(worker, client, today):
    """A work activity period running since 120 days ago, ending today, and the new period
    that continues it from tomorrow on a renewed plan, each with its work coaching; returns
    (old period, new period)."""
    old = actions.plan_step(
        client=client,
        planned_by=worker,
        **rehab_fields(today - datetime.timedelta(days=120), planned_end_on=today),
    )
    make_plan(client, worker, plan_type="activation_plan")  # renewed at the review
    new = actions.plan_step(
        client=client,
        planned_by=worker,
        follows=old,
        **rehab_fields(today + datetime.timedelta(days=1)),
    )
    return old, new


def coachings(client):
    return list(
        PathwayStep.objects.filter(client=client, service_type__code="work_coaching").order_by(
            "start_on"
        )
    )


def test_the_coaching_of_a_continued_period_goes_on_to_the_new_periods_coaching(
    worker, client_of, today
):
    """The work activity continues in a new period with its own coaching: the coaching
    ending with the old period goes on to that one, not "moved to another service" (what
    the transitions indicator would count)."""
    client = client_of()
    old, new = continued(worker, client, today)
    end(old, worker, today, review_decision="continue", next_step=new)
    ended, following = coachings(client)
    assert (ended.status, ended.ended_on, ended.end_reason) == (
        StepStatus.ENDED,
        today,
        "completed",
    )
    assert (ended.next_step, ended.exit_outcome) == (following, "")
    assert following.status == StepStatus.PLANNED


def test_the_coaching_of_a_period_moving_on_ends_as_the_period_does(worker, client_of, today):
    """A period moving to another service, with no coaching of its own after it: the coaching
    ends with the period's outcome, or, the period going on to a step, as moved on to it."""
    client = client_of()
    old = actions.plan_step(
        client=client,
        planned_by=worker,
        **rehab_fields(today - datetime.timedelta(days=120), planned_end_on=today),
    )
    education = actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=service("education"),
        start_on=today + datetime.timedelta(days=10),
    )
    end(old, worker, today, review_decision="move", next_step=education)
    (ended,) = coachings(client)
    assert (ended.next_step, ended.exit_outcome) == (None, "other_service")

    other = client_of()
    old = actions.plan_step(
        client=other,
        planned_by=worker,
        **rehab_fields(today - datetime.timedelta(days=120), planned_end_on=today),
    )
    end(old, worker, today, review_decision="exit", exit_outcome="studies")
    (ended,) = coachings(other)
    assert (ended.next_step, ended.exit_outcome) == (None, "studies")


def test_cancelling_the_new_period_gives_its_coaching_the_replacements_coaching(
    worker, client_of, today
):
    """The new period is cancelled and a later one follows the old period instead: the old
    coaching, which went on to the cancelled coaching, goes on to the later one's."""
    client = client_of()
    old, new = continued(worker, client, today)
    end(old, worker, today, review_decision="continue", next_step=new)
    new.refresh_from_db()
    later = actions.plan_step(
        client=client,
        planned_by=worker,
        **rehab_fields(new.planned_end_on + datetime.timedelta(days=1)),
    )
    actions.cancel_step(
        step=new, cancelled_by=worker, reason="Jakso alkaa myöhemmin.", next_step=later
    )
    ended, cancelled, following = coachings(client)
    assert cancelled.end_reason == "cancelled"
    assert following.start_on == later.start_on
    old.refresh_from_db()
    assert old.next_step == later
    assert (ended.next_step, ended.exit_outcome) == (following, "")


def test_a_coach_whose_membership_ran_out_leaves_on_its_last_day(
    worker, coach, client_of, today, time_machine
):
    """A coach's membership past its "valid until" day and not yet ended by the daily task
    ends on that day when their last step ends later, not on the later day: access had
    stopped then."""
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, coach=coach, **rehab_fields(today))
    CareTeamMembership.objects.filter(client=client, user=coach, role=TeamRole.COACH).update(
        valid_until=today
    )
    later = today + datetime.timedelta(days=3)
    time_machine.move_to(datetime.datetime.combine(later, datetime.time(12)), tick=False)

    end(
        rehab,
        worker,
        later,
        end_reason="health",
        exit_outcome="capacity_maintained",
        review_decision="exit",
    )

    membership = CareTeamMembership.objects.get(client=client, user=coach, role=TeamRole.COACH)
    assert (membership.ended_on, membership.cancelled) == (today, False)
