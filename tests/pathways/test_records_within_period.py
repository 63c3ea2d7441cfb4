"""A step's dates do not move past what was recorded in it, as they do not move past its
attendance: an employer contact or in-work support keeps the start no later than its day and
the end no earlier; a job started and a certificate keep the start (a certificate may be
given after the end, and a step may end with a job agreed that begins after it, see
test_ips_phase); a Jobcenter contract keeps the period around it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from tests.pathways.conftest import save_contract

DAY = datetime.timedelta(days=1)


def day_text(day: datetime.date) -> str:
    return f"{day:%-d.%-m.%Y}"


def start_refusal(record: str, day: datetime.date) -> str:
    return (
        f"Jaksolle on kirjattu {record} {day_text(day)}, joten se voi alkaa viimeistään "
        "silloin. Jos jakso alkoi myöhemmin, korjaa ensin se kirjaus."
    )


def end_refusal(record: str, day: datetime.date) -> str:
    return (
        f"Jaksolle on kirjattu {record} {day_text(day)}, joten se voi päättyä aikaisintaan "
        "silloin. Jos jakso päättyi aiemmin, korjaa ensin se kirjaus."
    )


def end(step, worker, ended_on):
    return actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=ended_on,
        end_reason="goal_reached",
        exit_outcome="open_market_job",
    )


@pytest.fixture
def ips(ips_step):
    """An IPS step begun 40 days ago."""
    return ips_step()[1]


def contact(step, job_coach, day):
    return actions.add_employer_contact(
        step=step,
        recorded_by=job_coach,
        contacted_on=day,
        employer_name="Kahvila Oy",
        kind="visit",
        note="",
    )


def job(step, job_coach, day):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=job_coach,
        kind="open_market_job",
        organisation_name="Kahvila Oy",
        weekly_hours=Decimal(20),
        started_on=day,
    )


def test_the_start_does_not_move_past_an_employer_contact(ips, worker, job_coach, today):
    contact(ips, job_coach, today - 35 * DAY)
    with pytest.raises(ValidationError) as refused:
        actions.update_step(step=ips, changed_by=worker, start_on=today - 20 * DAY)
    assert refused.value.message_dict == {
        "start_on": [start_refusal("työnantajakontakti", today - 35 * DAY)]
    }
    assert PathwayStep.objects.get(pk=ips.pk).start_on == today - 40 * DAY
    moved = actions.update_step(step=ips, changed_by=worker, start_on=today - 35 * DAY)
    assert moved.start_on == today - 35 * DAY


def test_the_start_does_not_move_past_studies_started(worker, client_of, workshop_unit, today):
    step = make_step(
        client_of(age=20),
        "youth_workshop",
        created_by=worker,
        start_on=today - 30 * DAY,
        unit=workshop_unit,
    )
    actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=worker,
        kind="studies",
        organisation_name="Ammattiopisto",
        started_on=today - 25 * DAY,
    )
    with pytest.raises(ValidationError) as refused:
        actions.update_step(step=step, changed_by=worker, start_on=today - 20 * DAY)
    assert refused.value.message_dict == {
        "start_on": [start_refusal("sijoittuminen", today - 25 * DAY)]
    }
    assert PathwayStep.objects.get(pk=step.pk).start_on == today - 30 * DAY


def test_the_end_does_not_come_before_in_work_support_or_a_contact(ips, worker, job_coach, today):
    job(ips, job_coach, today - 15 * DAY)
    actions.add_in_work_support(
        step=ips, recorded_by=job_coach, supported_on=today - 3 * DAY, note="Perehdytys"
    )
    contact(ips, job_coach, today - 5 * DAY)
    with pytest.raises(ValidationError) as refused:
        end(ips, worker, today - 10 * DAY)
    # The latest record is named: the support three days ago.
    assert refused.value.message_dict == {"ended_on": [end_refusal("tuki työssä", today - 3 * DAY)]}
    assert PathwayStep.objects.get(pk=ips.pk).status == StepStatus.ACTIVE
    assert end(ips, worker, today - 3 * DAY).ended_on == today - 3 * DAY


def test_a_certificate_keeps_the_start_but_may_come_after_the_end(
    worker, client_of, workshop_unit, today
):
    step = make_step(
        client_of(age=20),
        "youth_workshop",
        created_by=worker,
        start_on=today - 30 * DAY,
        unit=workshop_unit,
    )
    actions.issue_certificate(
        step=step, issued_by=worker, competences=["Puutyöt"], issued_on=today - 25 * DAY
    )
    with pytest.raises(ValidationError) as refused:
        actions.update_step(step=step, changed_by=worker, start_on=today - 20 * DAY)
    assert refused.value.message_dict == {
        "start_on": [start_refusal("osaamistodistus", today - 25 * DAY)]
    }
    actions.issue_certificate(step=step, issued_by=worker, competences=["Maalaus"], issued_on=today)
    ended = actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=today - DAY,
        end_reason="completed",
        exit_outcome="studies",
    )
    assert ended.ended_on == today - DAY


def test_a_jobcenter_period_keeps_its_contract_within(jobcenter_period, worker, coach, today):
    period = jobcenter_period(today - 20 * DAY, today + 40 * DAY)
    save_contract(period, coach, today - 20 * DAY, today + 40 * DAY)
    for change in ({"start_on": today - 10 * DAY}, {"planned_end_on": today + 20 * DAY}):
        with pytest.raises(ValidationError) as refused:
            actions.update_step(step=period, changed_by=worker, **change)
        assert refused.value.message_dict.keys() == change.keys()
