"""Pausing and resuming a step does not leave another running without the companion it
needs (DOMAIN.md: rehabilitative work activity always includes work coaching; a Jobcenter
period runs during *active* work activity with coaching). The companion planned with a
step pauses and resumes with it; a step that needs it but is not its companion must be
paused or ended first."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from pathways import actions
from pathways.models import PathwayStep, StepStatus
from tests.conftest import login
from tests.pathways.test_step_rules import rehab_fields, service

PAUSE = "Sairausloma"


def coaching_of(client):
    return PathwayStep.objects.get(client=client, service_type__code="work_coaching")


def statuses(*steps):
    return [PathwayStep.objects.get(pk=step.pk).status for step in steps]


def jobcenter_period(client, worker, today):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=30),
    )


def test_pausing_work_activity_pauses_its_work_coaching_and_resuming_resumes_it(
    worker, client_of, today
):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    coaching = coaching_of(client)

    paused = actions.set_step_status(
        step=rehab, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE
    )

    assert paused.changed_with == [coaching]
    assert statuses(rehab, coaching) == [StepStatus.PAUSED, StepStatus.PAUSED]
    assert AccessLogEntry.objects.filter(
        action="pathways.step.status_changed", object_id=str(coaching.pk)
    ).exists()

    resumed = actions.set_step_status(step=rehab, status=StepStatus.ACTIVE, changed_by=worker)

    assert resumed.changed_with == [coaching]
    assert statuses(rehab, coaching) == [StepStatus.ACTIVE, StepStatus.ACTIVE]


def test_work_coaching_cannot_pause_while_its_work_activity_runs(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    coaching = coaching_of(client)

    with pytest.raises(ValidationError) as error:
        actions.set_step_status(
            step=coaching, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE
        )

    text = " ".join(error.value.messages)
    assert "Kuntouttava työtoiminta" in text and "käynnissä työvalmennus" in text, text
    assert "Keskeytä tai päätä se ensin" in text
    assert statuses(rehab, coaching) == [StepStatus.ACTIVE, StepStatus.ACTIVE]


def test_work_activity_cannot_pause_under_a_running_jobcenter_period(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    period = jobcenter_period(client, worker, today)

    with pytest.raises(ValidationError) as error:
        actions.set_step_status(
            step=rehab, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE
        )

    assert "Työtoiminnan täsmätyö (Jobcenter-malli)" in " ".join(error.value.messages)
    # Nothing was half-saved: the coaching that would have paused with it runs too.
    assert statuses(rehab, coaching_of(client), period) == [StepStatus.ACTIVE] * 3
    assert not AccessLogEntry.objects.filter(action="pathways.step.status_changed").exists()


def test_a_paused_jobcenter_period_lets_its_work_activity_pause(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    period = jobcenter_period(client, worker, today)
    actions.set_step_status(step=period, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE)

    actions.set_step_status(step=rehab, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE)
    assert statuses(rehab, coaching_of(client), period) == [StepStatus.PAUSED] * 3

    # The Jobcenter period cannot resume before the work activity it runs during.
    with pytest.raises(ValidationError) as error:
        actions.set_step_status(step=period, status=StepStatus.ACTIVE, changed_by=worker)
    assert "Aloita tai jatka" in " ".join(error.value.messages)
    assert statuses(period) == [StepStatus.PAUSED]

    actions.set_step_status(step=rehab, status=StepStatus.ACTIVE, changed_by=worker)
    actions.set_step_status(step=period, status=StepStatus.ACTIVE, changed_by=worker)
    assert statuses(rehab, coaching_of(client), period) == [StepStatus.ACTIVE] * 3


def test_the_step_page_says_which_companion_paused_with_it(client, worker, client_of, today):
    customer = client_of()
    rehab = actions.plan_step(client=customer, planned_by=worker, **rehab_fields(today))
    login(client, worker)

    page = client.post(
        f"/clients/{customer.uuid}/steps/{rehab.pk}/pause/",
        {"paused_on": today, "reason": PAUSE},
        follow=True,
    ).content.decode()

    assert "Jakson tila: Tauolla." in page
    assert "Samalla keskeytyi tauolle: Työvalmennus." in page


def test_a_refused_pause_is_explained_on_the_step_page(client, worker, client_of, today):
    customer = client_of()
    actions.plan_step(client=customer, planned_by=worker, **rehab_fields(today))
    coaching = coaching_of(customer)
    login(client, worker)

    page = client.post(
        f"/clients/{customer.uuid}/steps/{coaching.pk}/pause/",
        {"paused_on": today, "reason": PAUSE},
    ).content.decode()

    # Shown on the pause form it was asked on, with the reason kept.
    assert "rinnalla on oltava käynnissä työvalmennus" in page and PAUSE in page
    assert statuses(coaching) == [StepStatus.ACTIVE]


def test_a_jobcenter_period_cannot_start_while_its_work_activity_is_paused(
    worker, client_of, today
):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    actions.set_step_status(step=rehab, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE)

    with pytest.raises(ValidationError) as error:
        jobcenter_period(client, worker, today)

    assert "tauolla tai alkamatta" in " ".join(error.value.messages)
    assert not PathwayStep.objects.filter(
        client=client, service_type__code="jobcenter_paid_work"
    ).exists()


def test_starting_a_planned_work_activity_starts_its_work_coaching(
    worker, client_of, today, time_machine
):
    client = client_of()
    later = today + datetime.timedelta(days=14)
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(later))
    coaching = coaching_of(client)
    assert statuses(rehab, coaching) == [StepStatus.PLANNED, StepStatus.PLANNED]
    time_machine.move_to(later)

    started = actions.set_step_status(step=rehab, status=StepStatus.ACTIVE, changed_by=worker)

    assert started.changed_with == [coaching]
    assert statuses(rehab, coaching) == [StepStatus.ACTIVE, StepStatus.ACTIVE]


def test_a_step_neither_returns_to_planned_nor_pauses_before_it_starts(worker, client_of, today):
    client = client_of()
    running = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    with pytest.raises(ValidationError):
        actions.set_step_status(step=running, status=StepStatus.PLANNED, changed_by=worker)
    assert statuses(running) == [StepStatus.ACTIVE]

    other = client_of()
    later = actions.plan_step(
        client=other, planned_by=worker, **rehab_fields(today + datetime.timedelta(days=7))
    )
    with pytest.raises(ValidationError):
        actions.set_step_status(
            step=later, status=StepStatus.PAUSED, changed_by=worker, reason=PAUSE
        )
    assert statuses(later) == [StepStatus.PLANNED]
