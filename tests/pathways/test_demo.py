"""The pathways demo data: every service type, the stories' warnings, the rules obeyed, and a
second run of `seed_demo` adds nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from clients.models import CareTeamMembership, Client
from pathways import step_rules
from pathways.models import (
    Attendance,
    CompetenceCertificate,
    EmployerContact,
    InWorkSupport,
    JobcenterContract,
    PathwayStep,
    Placement,
)
from pathways.timeline import step_warnings
from services.calendar import add_months
from services.reference import SERVICE_TYPES

MODELS = (
    PathwayStep,
    Attendance,
    EmployerContact,
    InWorkSupport,
    Placement,
    CompetenceCertificate,
    JobcenterContract,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """`seed_demo` run twice, once for the module (it takes seconds); rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        first = counts()
        call_command("seed_demo", stdout=io.StringIO())
        yield first, counts()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def steps(code: str):
    return PathwayStep.objects.of_type(code).select_related(
        "client__responsible_unit__organisation", "service_type", "rule_set", "coach", "unit"
    )


def test_a_second_run_adds_nothing(demo):
    first, second = demo
    assert second == first
    assert first["PathwayStep"] >= 25
    assert all(first[name] > 0 for name in first), first


def test_every_service_type_has_a_step(demo):
    missing = [code for code in SERVICE_TYPES if not PathwayStep.objects.of_type(code).exists()]
    assert missing == []


def test_open_steps_obey_the_rules_in_force_and_ended_steps_were_ended_properly(demo):
    for step in PathwayStep.objects.select_related(
        "client__responsible_unit__organisation", "service_type", "rule_set", "next_step"
    ):
        if step.status == "ended":
            assert step_rules.check_ending(step) == [], step
            continue
        companions = list(
            PathwayStep.objects.filter(client=step.client_id).select_related("service_type")
        )
        rules = step_rules.rule_set_for(step)
        assert step.rule_set == rules
        assert step_rules.check_step(step, rules, companions=companions) == [], (
            step.client,
            step,
        )
        if step.coach_id:
            assert CareTeamMembership.objects.current().filter(
                client=step.client, user=step.coach
            ), (step, step.coach)
    today = timezone.localdate()
    assert not Attendance.objects.filter(day__gt=today).exists()


def test_silmu_takes_a_jobcenter_period_ending_next_week_without_a_follow_on_yet(demo):
    today = timezone.localdate()
    silmu = Client.objects.get(first_names="Silmu", last_name="Suunnistaja")
    ending = [
        step
        for step in steps("jobcenter_paid_work").filter(
            status="active",
            next_step__isnull=True,
            planned_end_on__range=(today, today + datetime.timedelta(days=7)),
        )
    ]
    assert [step.client for step in ending] == [silmu]
    paid = ending[0]
    assert paid.unit.slug == "hki-kaupungin-tyopaikat"
    assert paid.coach.email == "work_coach@demo.polku.test"
    assert paid.jobcenter_contract.employer_unit.slug == "hki-kaupungin-tyopaikat"
    assert any("ilman jatkopolkua" in warning for warning in step_warnings(paid, today))
    rehab = steps("rehabilitative_work_activity").get(client=silmu)
    assert rehab.unit.slug == "hki-tyotoiminta-itakeskus"
    assert rehab.coach.email == "work_coach@demo.polku.test"
    assert rehab.plan.plan_type == "activation_plan"
    assert rehab.attendance.filter(present=True).count() >= 6
    assert steps("work_coaching").filter(client=silmu, status="active").exists()
    follow_on = PathwayStep.objects.get(client=silmu, status="planned")
    assert follow_on.code in ("youth_workshop", "education")
    assert follow_on.start_on > paid.planned_end_on


def test_a_rehabilitative_work_activity_in_month_21_ends_within_24_months(demo):
    today = timezone.localdate()
    late = [
        step
        for step in steps("rehabilitative_work_activity").filter(status="active")
        if step.start_on <= add_months(today, -20)
    ]
    assert late
    for step in late:
        assert step.planned_end_on <= step_rules.period_end_limit(step.start_on, 24)
        assert any(warning.startswith("Kuukausi 2") for warning in step_warnings(step, today))


def test_supported_employment_clients_with_and_without_a_job(demo):
    today = timezone.localdate()
    ips = list(steps("supported_employment").filter(status="active"))
    employed = [step for step in ips if step.placements.filter(kind="open_market_job").exists()]
    not_employed = [step for step in ips if not step.placements.exists()]
    assert employed and not_employed
    tuisku = next(step for step in employed if step.client.first_names == "Tuisku")
    assert tuisku.coach.email == "job_coach@demo.polku.test"
    assert tuisku.ips_phase_on(today) == "in_work_support"
    # The job coach's record of the phases, in order, ending with the job start.
    assert list(
        tuisku.phase_changes.order_by("entered_on", "pk").values_list("phase", flat=True)
    ) == [
        "profiling",
        "job_search",
        "employer_work",
        "in_work_support",
    ]
    assert tuisku.employer_contacts.count() >= 2
    assert tuisku.in_work_support.exists()
    quiet = [
        step
        for step in not_employed
        if not step.employer_contacts.exists() and (today - step.start_on).days >= 35
    ]
    assert quiet
    step = quiet[0]
    step.contact_count = 0
    assert any("Ei työnantajakontaktia" in warning for warning in step_warnings(step, today))
    # A fixed-term job that ended as agreed: the search goes on after it.
    ended_job = Placement.objects.get(step__in=ips, end_reason="fixed_term")
    assert ended_job.ended_on < today and ended_job.cancelled_at is None
    assert ended_job.step.ips_phase_on(today) == "job_search"


def test_the_other_stories(demo):
    ritva = steps("social_rehabilitation").get(client__first_names="Ritva")
    assert ritva.group_activity and ritva.decision_reference
    assert steps("volunteering").filter(client=ritva.client).exists()

    onni = steps("open_work").get(client__first_names="Onni")
    assert onni.daily_compensation == Decimal("10.00")
    assert onni.effects_discussed_on is not None
    assert onni.attendance.filter(present=True, compensation=Decimal("10.00")).exists()
    assert "picture_support" in onni.client.communication_needs

    certificate = CompetenceCertificate.objects.select_related("step__client").get(
        step__unit__slug="essote-puupaja"
    )
    workshop = certificate.step
    assert workshop.coach.email == "workshop_coach@demo.polku.test"
    assert 17 <= workshop.client.age_on(workshop.start_on) <= 29
    assert workshop.client.responsible_unit.organisation.slug == "essote"
    assert certificate.competences

    paid = steps("jobcenter_paid_work").get(
        client__pathway_steps__service_type__code="disability_work_activity"
    )
    assert paid.income_clarification.strip()
    assert paid.jobcenter_contract

    ended = PathwayStep.objects.filter(status="ended")
    assert ended.filter(next_step__isnull=False).exists()
    assert ended.exclude(exit_outcome="").exists()
    assert ended.filter(service_type__code="rehabilitative_work_activity", review_decision="move")
