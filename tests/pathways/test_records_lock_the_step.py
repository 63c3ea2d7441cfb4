"""A record of what happened in a step (a job start, an employer contact, in-work support, a
competence certificate) is checked against the step as it is when it is saved, not as the
page loaded it: a step ended or cancelled meanwhile takes none after its end, or none at all
when it never ran. The records lock the step as attendance, the Jobcenter contract and the
IPS phases do."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways import actions
from pathways.factories import make_step
from pathways.models import (
    CompetenceCertificate,
    EmployerContact,
    InWorkSupport,
    PathwayStep,
    Placement,
    StepStatus,
)

DAY = datetime.timedelta(days=1)
IPS_NOT_OPEN = "IPS-jaksoon kirjataan vain, kun jakso on suunniteltu tai käynnissä."
CANCELLED = "Jakso on peruttu ennen alkuaan, joten sille ei kirjata tapahtumia eikä tuloksia."


def after_end(ended_on: datetime.date) -> str:
    return f"Päivä ei voi olla jakson päättymisen ({ended_on:%-d.%-m.%Y}) jälkeen."


@pytest.fixture
def ended_ips(ips_step, worker, today):
    """(stale, ended_on): an IPS step running for 40 days as a page loaded it, then ended
    five days ago."""
    _client, step = ips_step()
    stale = PathwayStep.objects.get(pk=step.pk)
    ended_on = today - 5 * DAY
    actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=ended_on,
        end_reason="completed",
        exit_outcome="studies",
    )
    return stale, ended_on


def cancelled_stale(worker, client_, code, **fields) -> PathwayStep:
    """A step planned to start three days ago, as a page loaded it, then cancelled (it never
    started)."""
    step = make_step(
        client_,
        code,
        created_by=worker,
        start_on=timezone.localdate() - 3 * DAY,
        status=StepStatus.PLANNED,
        **fields,
    )
    stale = PathwayStep.objects.get(pk=step.pk)
    actions.cancel_step(step=step, cancelled_by=worker, reason="Asiakas aloitti opinnot")
    return stale


def record_job(step, worker, started_on):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=worker,
        kind="open_market_job",
        organisation_name="Kahvila Kulma",
        weekly_hours=Decimal(20),
        started_on=started_on,
    )


def add_contact(step, worker, contacted_on):
    return actions.add_employer_contact(
        step=step,
        recorded_by=worker,
        contacted_on=contacted_on,
        employer_name="Kahvila Kulma",
        kind="visit",
    )


class TestAStepEndedMeanwhile:
    def test_takes_no_job_start_after_its_end(self, worker, ended_ips, today):
        stale, ended_on = ended_ips
        with pytest.raises(ValidationError) as error:
            record_job(stale, worker, today - 2 * DAY)
        assert error.value.message_dict == {"started_on": [after_end(ended_on)]}
        assert not Placement.objects.exists()
        assert not stale.phase_changes.filter(phase="in_work_support").exists()

    def test_takes_no_employer_contact_after_its_end(self, worker, ended_ips, today):
        stale, ended_on = ended_ips
        with pytest.raises(ValidationError) as error:
            add_contact(stale, worker, today - 2 * DAY)
        assert error.value.message_dict == {"contacted_on": [after_end(ended_on)]}
        assert not EmployerContact.objects.exists()

    def test_takes_no_in_work_support_after_its_end(self, ips_step, worker, today):
        _client, step = ips_step()
        record_job(step, worker, today - 20 * DAY)
        stale = PathwayStep.objects.get(pk=step.pk)
        ended_on = today - 5 * DAY
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=ended_on,
            end_reason="completed",
            exit_outcome="open_market_job",
        )
        with pytest.raises(ValidationError) as error:
            actions.add_in_work_support(
                step=stale, recorded_by=worker, supported_on=today - 2 * DAY, note="Käynti"
            )
        assert error.value.message_dict == {"supported_on": [after_end(ended_on)]}
        assert not InWorkSupport.objects.exists()

    def test_still_takes_a_record_dated_before_its_end(self, worker, ended_ips, today):
        stale, ended_on = ended_ips
        assert add_contact(stale, worker, ended_on).pk

    def test_an_ips_step_takes_no_job_start_even_before_its_end(self, worker, ended_ips):
        """As it takes no phase (`record_ips_phase`): the job's in-work support would rewrite
        the phase history of the step as it ended."""
        stale, ended_on = ended_ips
        with pytest.raises(ValidationError) as error:
            record_job(stale, worker, ended_on - DAY)
        assert error.value.messages == [IPS_NOT_OPEN]
        assert not Placement.objects.exists()
        assert not stale.phase_changes.filter(phase="in_work_support").exists()

    def test_another_service_still_takes_an_outcome_dated_before_its_end(
        self, worker, client_of, today
    ):
        step = make_step(client_of(), "rehabilitative_work_activity", created_by=worker)
        stale = PathwayStep.objects.get(pk=step.pk)
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today - 5 * DAY,
            end_reason="completed",
            exit_outcome="studies",
            review_decision="exit",
        )
        placement = actions.record_placement(
            client=stale.client,
            step=stale,
            recorded_by=worker,
            kind="studies",
            organisation_name="Stadin AO",
            started_on=today - 6 * DAY,
        )
        assert Placement.objects.get().pk == placement.pk


class TestAnIpsStepNotOpen:
    """A job start moves an IPS step's phase (in-work support), so the step takes one only
    while planned or active, as it takes a phase: not paused, not ended."""

    def test_a_paused_step_takes_no_job_start(self, ips_step, job_coach, today):
        _client, step = ips_step(ips_phase="job_search")
        actions.set_step_status(step=step, status=StepStatus.ACTIVE, changed_by=job_coach)
        stale = PathwayStep.objects.get(pk=step.pk)
        actions.set_step_status(
            step=step,
            status=StepStatus.PAUSED,
            changed_by=job_coach,
            paused_on=today - 5 * DAY,
            reason="Sairausloma",
        )
        with pytest.raises(ValidationError) as error:
            record_job(stale, job_coach, today - 2 * DAY)
        assert error.value.messages == [IPS_NOT_OPEN]
        assert not Placement.objects.exists()
        assert not stale.phase_changes.exists()

    def test_an_ended_step_keeps_its_phase_history(self, ips_step, job_coach, worker, today):
        _client, step = ips_step(ips_phase="job_search")
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today - DAY,
            end_reason="interrupted",
            exit_outcome="dropped_out",
        )
        step.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            record_job(step, job_coach, today - 3 * DAY)
        assert error.value.messages == [IPS_NOT_OPEN]
        assert not Placement.objects.exists()
        assert step.ips_phase_on(step.ended_on) == "job_search"
        assert not step.phase_changes.exists()

    def test_a_resumed_step_takes_it_again(self, ips_step, job_coach, today):
        _client, step = ips_step(ips_phase="job_search")
        actions.set_step_status(step=step, status=StepStatus.ACTIVE, changed_by=job_coach)
        actions.set_step_status(
            step=step, status=StepStatus.PAUSED, changed_by=job_coach, reason="Sairausloma"
        )
        actions.set_step_status(step=step, status=StepStatus.ACTIVE, changed_by=job_coach)
        step.refresh_from_db()
        assert record_job(step, job_coach, today).pk
        assert step.ips_phase_on(today) == "in_work_support"


class TestAStepCancelledMeanwhile:
    def test_takes_no_job_start_or_employer_contact(self, worker, client_of):
        stale = cancelled_stale(worker, client_of(), "supported_employment")
        with pytest.raises(ValidationError) as error:
            record_job(stale, worker, stale.start_on)
        assert error.value.messages == [CANCELLED]
        with pytest.raises(ValidationError) as error:
            add_contact(stale, worker, stale.start_on)
        assert error.value.messages == [CANCELLED]
        assert not Placement.objects.exists() and not EmployerContact.objects.exists()
        assert not stale.phase_changes.filter(phase="in_work_support").exists()

    def test_takes_no_competence_certificate(self, worker, client_of, workshop_unit):
        stale = cancelled_stale(worker, client_of(age=20), "youth_workshop", unit=workshop_unit)
        with pytest.raises(ValidationError) as error:
            actions.issue_certificate(
                step=stale, issued_by=worker, competences=["Puutyöt"], issued_on=stale.start_on
            )
        assert error.value.messages == [CANCELLED]
        assert not CompetenceCertificate.objects.exists()
