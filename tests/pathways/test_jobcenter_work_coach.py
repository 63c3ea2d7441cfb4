"""The work coach supports the Jobcenter paid-work period (DOMAIN.md): the coach of the
client's work coaching running alongside it acts as the period's coach, named on it or not,
and records its income clarification (tuloselvitys)."""

import datetime

import pytest
import rules

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import add_member
from clients.models import TeamRole
from pathways.models import PathwayStep
from tests.conftest import acting, field_errors, login


@pytest.fixture
def period(jobcenter_period, today):
    """Work activity with work coaching by `coach`; a Jobcenter period planned with no coach."""
    return jobcenter_period(today, today + datetime.timedelta(days=60))


def url(period, page=""):
    return f"/clients/{period.client.uuid}/steps/{period.pk}/{page}"


def test_the_work_coach_alongside_acts_as_the_periods_coach(client, period, coach):
    assert period.coach_id is None
    assert rules.has_perm("pathways.log_step", acting(coach), period)
    login(client, coach)
    page = client.get(url(period)).content.decode()
    assert url(period, "income-clarification/") in page
    assert url(period, "contract/") in page
    assert client.get(url(period, "contract/")).status_code == 200
    assert client.get(url(period, "end/")).status_code == 200


def test_the_work_coach_records_the_income_clarification(client, period, coach):
    login(client, coach)
    text = "Palkka vaikuttaa asumistukeen; käyty läpi asiakkaan kanssa."
    response = client.post(url(period, "income-clarification/"), {"income_clarification": text})
    assert response.status_code == 302
    assert PathwayStep.objects.get(pk=period.pk).income_clarification == text
    assert AccessLogEntry.objects.filter(
        actor=coach, action="pathways.income_clarification.recorded"
    ).exists()
    page = client.get(url(period)).content.decode()
    assert text in page


def test_an_empty_income_clarification_is_refused_next_to_the_field(client, period, coach):
    login(client, coach)
    response = client.post(url(period, "income-clarification/"), {"income_clarification": " "})
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "income_clarification")
    assert PathwayStep.objects.get(pk=period.pk).income_clarification == ""


def test_another_coach_on_the_team_may_not(client, period, worker):
    other = make_user(Role.WORK_COACH, worker.active_assignment.unit)
    add_member(period.client, other, TeamRole.COACH)
    assert not rules.has_perm("pathways.log_step", acting(other), period)
    login(client, other)
    assert client.get(url(period, "income-clarification/")).status_code == 403
    assert client.get(url(period, "contract/")).status_code == 403


def test_the_coach_acting_in_another_role_may_not(period, coach):
    """Every rule reads the active role: as a social worker the coach is not the coach."""
    from services.factories import UnitFactory

    assignment = coach.role_assignments.create(
        role=Role.SOCIAL_WORKER, unit=UnitFactory(organisation=coach.organisation)
    )
    assert not rules.has_perm("pathways.log_step", acting(coach, assignment), period)


def test_work_coaching_of_another_time_does_not_cover_the_period(worker, client_of, today, coach):
    """The coach of work coaching that ended before the period is not its coach."""
    from pathways.factories import make_step

    client_ = client_of()
    make_step(
        client_,
        "work_coaching",
        created_by=worker,
        coach=coach,
        start_on=today - datetime.timedelta(days=200),
        planned_end_on=today - datetime.timedelta(days=100),
    )
    period = make_step(
        client_,
        "jobcenter_paid_work",
        created_by=worker,
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=30),
    )
    assert not rules.has_perm("pathways.log_step", acting(coach), period)
