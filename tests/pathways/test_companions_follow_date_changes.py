"""Moving a step's dates does not leave another step without the companion it needs
(DOMAIN.md: rehabilitative work activity always includes work coaching; a Jobcenter
period runs during work activity with coaching). The companion planned with a step keeps
within its new period; a step that needs it but is not its companion must change first."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessLogEntry
from pathways import actions
from pathways.models import PathwayStep
from pathways.step_rules import period_end_limit
from tests.conftest import login
from tests.pathways.test_step_rules import rehab_fields, service


def coaching_of(client):
    return PathwayStep.objects.get(client=client, service_type__code="work_coaching")


def test_shortening_work_activity_shortens_its_work_coaching(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    shorter = period_end_limit(today, 4)

    changed = actions.update_step(step=rehab, changed_by=worker, planned_end_on=shorter)

    coaching = coaching_of(client)
    assert coaching.planned_end_on == shorter and coaching.start_on == today
    assert [step.pk for step in changed.changed_with] == [coaching.pk]
    row = AccessLogEntry.objects.get(action="pathways.step.changed", object_id=str(coaching.pk))
    assert row.detail == "with rehabilitative_work_activity"


def test_a_later_start_moves_the_start_of_its_work_coaching(worker, client_of, today):
    client = client_of()
    start = today + datetime.timedelta(days=14)
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(start))
    later = start + datetime.timedelta(days=7)

    actions.update_step(step=rehab, changed_by=worker, start_on=later)

    coaching = coaching_of(client)
    assert (coaching.start_on, coaching.planned_end_on) == (later, period_end_limit(start, 6))


def test_a_longer_period_lengthens_the_coaching_planned_with_it(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    longer = period_end_limit(today, 9)

    changed = actions.update_step(step=rehab, changed_by=worker, planned_end_on=longer)

    assert [step.service_type.code for step in changed.changed_with] == ["work_coaching"]
    assert coaching_of(client).planned_end_on == longer


def test_a_coaching_of_its_own_dates_keeps_them_when_the_period_grows(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    actions.update_step(step=rehab, changed_by=worker, planned_end_on=period_end_limit(today, 9))
    own_end = period_end_limit(today, 12)
    coaching = coaching_of(client)
    # Coaching planned to run longer than the work activity is refused by the rules;
    # here the work activity grows to 12 months and its coaching with it, then the
    # work activity is moved to end earlier again: the coaching follows within it.
    actions.update_step(step=rehab, changed_by=worker, planned_end_on=own_end)
    assert coaching_of(client).planned_end_on == own_end
    actions.update_step(step=rehab, changed_by=worker, planned_end_on=period_end_limit(today, 5))
    coaching.refresh_from_db()
    assert coaching.planned_end_on == period_end_limit(today, 5)


def test_changing_other_facts_moves_no_companion(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    changed = actions.update_step(step=rehab, changed_by=worker, days_per_week=2)
    assert changed.changed_with == []
    assert not AccessLogEntry.objects.filter(
        action="pathways.step.changed", object_id=str(coaching_of(client).pk)
    ).exists()


def test_work_activity_cannot_be_shortened_under_a_jobcenter_period(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    period = actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=today + datetime.timedelta(days=100),
        planned_end_on=today + datetime.timedelta(days=150),
    )
    with pytest.raises(ValidationError) as error:
        actions.update_step(
            step=rehab, changed_by=worker, planned_end_on=period_end_limit(today, 4)
        )
    text = " ".join(error.value.messages)
    assert "Työtoiminnan täsmätyö (Jobcenter-malli)" in text and "Päätä tai muuta" in text
    # Nothing was half-saved: the work activity, its coaching and the period are as they were.
    for step in (rehab, coaching_of(client), period):
        before = step.planned_end_on
        step.refresh_from_db()
        assert step.planned_end_on == before, step
    assert coaching_of(client).planned_end_on == period_end_limit(today, 6)


def test_a_jobcenter_period_within_the_new_dates_allows_the_change(worker, client_of, today):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=today + datetime.timedelta(days=10),
        planned_end_on=today + datetime.timedelta(days=40),
    )
    actions.update_step(step=rehab, changed_by=worker, planned_end_on=period_end_limit(today, 4))
    assert coaching_of(client).planned_end_on == period_end_limit(today, 4)


def test_work_coaching_cannot_be_shortened_under_its_work_activity(worker, client_of, today):
    client = client_of()
    actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
    coaching = coaching_of(client)
    with pytest.raises(ValidationError) as error:
        actions.update_step(
            step=coaching, changed_by=worker, planned_end_on=period_end_limit(today, 4)
        )
    assert "Kuntouttava työtoiminta" in " ".join(error.value.messages)
    assert coaching_of(client).planned_end_on == period_end_limit(today, 6)


def test_the_step_page_says_which_companion_changed_with_it(client, worker, client_of, today):
    customer = client_of()
    rehab = actions.plan_step(client=customer, planned_by=worker, **rehab_fields(today))
    shorter = period_end_limit(today, 4)
    login(client, worker)
    url = f"/clients/{customer.uuid}/steps/{rehab.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200
    data = {
        field: value
        for field, value in {
            "start_on": rehab.start_on.isoformat(),
            "planned_end_on": shorter.isoformat(),
            "days_per_week": "3",
            "hours_per_day": "5",
            "goal": rehab.goal,
            "support_given": rehab.support_given,
            "status": rehab.status,
        }.items()
        if f'name="{field}"' in form.content.decode()
    }
    page = client.post(url, data, follow=True).content.decode()
    assert "Palvelujakso päivitetty." in page, page
    assert f"Samalla muuttuivat jakson päivät: Työvalmennus ({today:%-d.%-m.%Y}–" in page
    assert f"{shorter:%-d.%-m.%Y})." in page
