"""Change history of pathway records by pghistory triggers, with the acting user as context."""

import datetime
from decimal import Decimal

from accounts.factories import make_user
from accounts.roles import Role
from pathways import actions
from pathways.factories import make_step
from pathways.models import (
    Attendance,
    CompetenceCertificate,
    EmployerContact,
    InWorkSupport,
    IpsPhaseChange,
    JobcenterContract,
    PathwayStep,
    Placement,
)
from services.models import ServiceType


def last_event(model, obj):
    return model.pgh_event_model.objects.filter(pgh_obj=obj).order_by("pgh_id").last()


def assert_by(event, user, action):
    assert event is not None
    assert event.pgh_context.metadata["user"] == user.pk
    assert event.pgh_context.metadata["action"] == action


def test_a_status_change_names_the_acting_user(worker, client_of, today):
    step = make_step(client_of(), "education", created_by=worker, start_on=today)
    coach = make_user(Role.WORK_COACH, worker.active_assignment.unit)
    actions.set_step_status(step=step, status="paused", changed_by=coach, reason="Sairausloma")
    event = last_event(PathwayStep, step)
    assert (event.status, event.paused_on, event.pause_reason) == ("paused", today, "Sairausloma")
    assert_by(event, coach, "pathways.step.status_changed")


def test_a_placement_and_the_phase_change_name_the_acting_user(worker, client_of, today):
    job_coach = make_user(Role.JOB_COACH, worker.active_assignment.unit)
    step = make_step(
        client_of(), "supported_employment", created_by=worker, start_on=today, coach=job_coach
    )
    placement = actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=job_coach,
        kind="open_market_job",
        organisation_name="Kahvila Kulma",
        weekly_hours=Decimal(20),
        started_on=today,
    )
    assert_by(last_event(Placement, placement), job_coach, "pathways.placement.recorded")
    change_event = last_event(IpsPhaseChange, step.phase_changes.get())
    assert change_event.phase == "in_work_support"
    assert_by(change_event, job_coach, "pathways.placement.recorded")


def test_employer_contacts_and_in_work_support_name_the_acting_user(worker, client_of, today):
    job_coach = make_user(Role.JOB_COACH, worker.active_assignment.unit)
    step = make_step(client_of(), "supported_employment", created_by=worker, start_on=today)
    contact = actions.add_employer_contact(
        step=step,
        recorded_by=job_coach,
        contacted_on=today,
        employer_name="Kahvila Kulma",
        kind="visit",
    )
    assert_by(last_event(EmployerContact, contact), job_coach, "pathways.employer_contact.added")
    actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=job_coach,
        kind="open_market_job",
        organisation_name="Kahvila Kulma",
        weekly_hours=Decimal(20),
        started_on=today,
    )
    support = actions.add_in_work_support(
        step=step, recorded_by=job_coach, supported_on=today, note="Käynti työpaikalla."
    )
    assert_by(last_event(InWorkSupport, support), job_coach, "pathways.in_work_support.added")


def test_a_jobcenter_contract_and_its_change_name_the_acting_user(worker, client_of, today):
    coach = make_user(Role.WORK_COACH, worker.active_assignment.unit)
    step = make_step(
        client_of(),
        "jobcenter_paid_work",
        created_by=worker,
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=60),
    )
    fields = {
        "employer_name": "Kaupunkiympäristö",
        "job_title": "Puistotyöntekijä",
        "weekly_hours": Decimal(30),
        "hourly_wage": Decimal("12.50"),
        "contract_start": today,
        "contract_end": today + datetime.timedelta(days=60),
    }
    contract = actions.save_jobcenter_contract(step=step, saved_by=worker, **fields)
    assert_by(last_event(JobcenterContract, contract), worker, "pathways.jobcenter_contract.saved")
    actions.save_jobcenter_contract(step=step, saved_by=coach, **{**fields, "weekly_hours": 25})
    event = last_event(JobcenterContract, contract)
    assert event.weekly_hours == Decimal(25)
    assert_by(event, coach, "pathways.jobcenter_contract.saved")
    assert JobcenterContract.pgh_event_model.objects.filter(pgh_obj=contract).count() == 2


def test_a_certificate_names_the_issuer(worker, client_of, today, unit):
    coach = make_user(Role.WORK_COACH, worker.active_assignment.unit)
    step = make_step(
        client_of(age=20), "youth_workshop", created_by=worker, start_on=today, unit=unit
    )
    assert ServiceType.objects.get(code="youth_workshop") == step.service_type
    certificate = actions.issue_certificate(
        step=step, issued_by=coach, competences=["Puutyöt"], issued_on=today
    )
    assert_by(last_event(CompetenceCertificate, certificate), coach, "pathways.certificate.issued")


def test_a_day_cleared_from_the_attendance_grid_stays_in_the_history(worker, client_of, today):
    """A day recorded is a day paid or counted toward an allowance: its removal is history too,
    with who removed it."""
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    step = make_step(
        client_of(),
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        days_per_week=4,
        hours_per_day=Decimal(4),
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )
    coach = make_user(Role.WORK_COACH, worker.active_assignment.unit)
    actions.record_week_attendance(
        step=step, recorded_by=worker, days={monday: {"present": True, "hours": Decimal(5)}}
    )
    actions.record_week_attendance(step=step, recorded_by=coach, days={monday: None})
    assert not Attendance.objects.filter(step=step).exists()
    events = Attendance.pgh_event_model.objects.filter(step=step).order_by("pgh_id")
    assert [(e.pgh_label, e.day, e.hours) for e in events] == [
        ("insert", monday, Decimal(5)),
        ("delete", monday, Decimal(5)),
    ]
    assert_by(events.last(), coach, "pathways.attendance.recorded")
