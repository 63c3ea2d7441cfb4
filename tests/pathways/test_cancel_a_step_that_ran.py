"""A planned step that in fact ran is ended, not cancelled: besides attendance, a record of
what happened in it (a Jobcenter contract begun, an employer contact, an IPS phase, in-work
support, a job started, a competence certificate) dated by today shows it started, and a
cancelled step would hide it as a step that never took place. A record dated ahead (a job
or contract that begins later) does not."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from tests.pathways.conftest import save_contract

DAY = datetime.timedelta(days=1)
REASON = "Ei toteutunut"


def refusal(records: str) -> str:
    return (
        f"Jaksolle on kirjattu, mitä siinä tapahtui ({records}), joten se on alkanut: "
        "aloita jakso ja päätä se perumisen sijaan."
    )


def assert_refused(step, worker, records: str) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.cancel_step(step=step, cancelled_by=worker, reason=REASON)
    assert refused.value.messages == [refusal(records)]
    assert PathwayStep.objects.get(pk=step.pk).status == StepStatus.PLANNED


@pytest.fixture
def planned_ips(worker, client_of, job_coach, today):
    """An IPS step still marked planned although its start was 20 days ago."""
    return make_step(
        client_of(),
        "supported_employment",
        created_by=worker,
        start_on=today - 20 * DAY,
        status=StepStatus.PLANNED,
        coach=job_coach,
    )


def test_an_employer_contact_shows_the_step_ran(planned_ips, worker, job_coach, today):
    actions.add_employer_contact(
        step=planned_ips,
        recorded_by=job_coach,
        contacted_on=today - 5 * DAY,
        employer_name="Kahvila Oy",
        kind="visit",
        note="",
    )
    assert_refused(planned_ips, worker, "työnantajakontaktit")


def test_a_job_started_shows_the_step_ran(planned_ips, worker, job_coach, today):
    actions.record_placement(
        client=planned_ips.client,
        step=planned_ips,
        recorded_by=job_coach,
        kind="open_market_job",
        organisation_name="Kahvila Oy",
        weekly_hours=Decimal(20),
        started_on=today - 2 * DAY,
    )
    # The job moves the step into the in-work support phase.
    assert_refused(planned_ips, worker, "IPS-vaiheen muutokset, sijoittumiset")
    actions.add_in_work_support(
        step=planned_ips, recorded_by=job_coach, supported_on=today, note="Perehdytys"
    )
    assert_refused(planned_ips, worker, "IPS-vaiheen muutokset, tuki työssä, sijoittumiset")


def test_an_ips_phase_shows_the_step_ran(planned_ips, worker, job_coach, today):
    actions.record_ips_phase(
        step=planned_ips, phase="profiling", entered_on=today - DAY, recorded_by=job_coach
    )
    assert_refused(planned_ips, worker, "IPS-vaiheen muutokset")


def test_a_certificate_shows_the_workshop_ran(worker, client_of, workshop_unit, today):
    step = make_step(
        client_of(age=20),
        "youth_workshop",
        created_by=worker,
        start_on=today - 10 * DAY,
        status=StepStatus.PLANNED,
        unit=workshop_unit,
    )
    actions.issue_certificate(step=step, issued_by=worker, competences=["Puutyöt"], issued_on=today)
    assert_refused(step, worker, "osaamistodistukset")


def test_a_jobcenter_contract_counts_once_it_has_begun(jobcenter_period, worker, coach, today):
    period = jobcenter_period(today + 5 * DAY, today + 40 * DAY)
    save_contract(period, coach, period.start_on, period.planned_end_on)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=50), tick=False):
        assert_refused(period, worker, "Jobcenter-työsopimus")
    # Before the contract begins, the period may still be cancelled.
    cancelled = actions.cancel_step(step=period, cancelled_by=worker, reason=REASON)
    assert cancelled.is_cancelled
