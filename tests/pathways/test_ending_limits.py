"""A step ends within the law: a period with a maximum length ends on its last allowed day
at the latest, however late it is closed, and never runs into the client's next period
of the same service. Either refusal stands next to the end date of the end form."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.actions import step_endings
from pathways.models import PathwayStep, StepStatus
from pathways.step_rules import period_end_limit
from tests.conftest import field_errors, login
from tests.pathways.test_step_rules import rehab_fields, service

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture(autouse=True)
def on_5_december_2026(time_machine):
    """Every test of the module runs on 5.12.2026 at noon in Helsinki, frozen before any other
    fixture makes a user, a client or a membership dated today (whatever the clock says: at
    night in UTC Helsinki is already a day ahead)."""
    time_machine.move_to(datetime.datetime(2026, 12, 5, 12, tzinfo=HELSINKI), tick=False)
    return datetime.date(2026, 12, 5)


@pytest.fixture
def two_years_of_work_activity(worker, client_of, on_5_december_2026):
    """Rehabilitative work activity 26.9.2024–25.9.2026 (24 months), not yet closed."""
    start = datetime.date(2024, 9, 26)
    return actions.plan_step(
        client=client_of(),
        planned_by=worker,
        **rehab_fields(start, planned_end_on=datetime.date(2026, 9, 25)),
    )


def end(step, worker, ended_on, **fields):
    return actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=ended_on,
        end_reason=fields.pop("end_reason", "completed"),
        **{"exit_outcome": "other_service", "review_decision": "move", **fields},
    )


def test_a_24_month_period_closed_late_ends_on_its_last_allowed_day_at_the_latest(
    worker, two_years_of_work_activity, on_5_december_2026
):
    step = two_years_of_work_activity
    with pytest.raises(ValidationError) as refused:
        end(step, worker, on_5_december_2026)
    assert refused.value.message_dict["ended_on"] == [
        "Jakso voi kestää enintään 24 kuukautta: viimeinen mahdollinen päättymispäivä on "
        "25.9.2026 (Laki kuntouttavasta työtoiminnasta 189/2001)."
    ]
    step.refresh_from_db()
    assert (step.status, step.ended_on) == (StepStatus.ACTIVE, None)
    with pytest.raises(ValidationError):
        end(step, worker, datetime.date(2026, 9, 26))

    ended = end(step, worker, datetime.date(2026, 9, 25))

    assert (ended.status, ended.ended_on) == (StepStatus.ENDED, datetime.date(2026, 9, 25))
    coaching = PathwayStep.objects.get(client=step.client, service_type__code="work_coaching")
    assert (coaching.status, coaching.ended_on) == (StepStatus.ENDED, datetime.date(2026, 9, 25))


def test_the_end_form_suggests_the_last_allowed_day_and_refuses_a_later_one_next_to_it(
    client, worker, two_years_of_work_activity
):
    step = two_years_of_work_activity
    login(client, worker)
    url = f"/clients/{step.client.uuid}/steps/{step.pk}/end/"
    form = client.get(url).content.decode()
    assert 'name="ended_on" value="2026-09-25"' in form
    assert "Viimeinen mahdollinen päättymispäivä: 25.9.2026." in form

    response = client.post(
        url,
        {
            "ended_on": "2026-12-05",
            "end_reason": "completed",
            "exit_outcome": "other_service",
            "review_decision": "move",
        },
    )

    assert response.status_code == 200
    assert "viimeinen mahdollinen päättymispäivä on 25.9.2026" in field_errors(
        response.content.decode(), "ended_on"
    )
    step.refresh_from_db()
    assert step.status == StepStatus.ACTIVE


def test_a_period_ends_earlier_or_later_than_planned_within_its_limit(worker, client_of, today):
    """The planned end is a plan: the period may run past it, up to the law's limit."""
    start = today - datetime.timedelta(days=200)
    planned_end = today - datetime.timedelta(days=20)
    later = actions.plan_step(
        client=client_of(), planned_by=worker, **rehab_fields(start, planned_end_on=planned_end)
    )
    earlier = actions.plan_step(
        client=client_of(), planned_by=worker, **rehab_fields(start, planned_end_on=planned_end)
    )
    assert end(later, worker, today).ended_on == today
    assert end(earlier, worker, planned_end - datetime.timedelta(days=30)).status == "ended"


def test_an_essote_workshop_period_ends_within_8_months(
    worker, client_of, today, essote, workshop_unit
):
    start = today - datetime.timedelta(days=300)
    limit = period_end_limit(start, 8)
    step = actions.plan_step(
        client=client_of(organisation=essote),
        planned_by=worker,
        service_type=service("youth_workshop"),
        start_on=start,
        planned_end_on=limit,
        unit=workshop_unit,
        days_per_week=4,
        hours_per_day=Decimal(6),
    )
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            exit_outcome="studies",
        )
    (message,) = refused.value.message_dict["ended_on"]
    assert f"enintään 8 kuukautta: viimeinen mahdollinen päättymispäivä on {limit:%-d.%-m.%Y}" in (
        message
    )
    assert "Essoten käytäntö" in message
    ended = actions.end_step(
        step=step, ended_by=worker, ended_on=limit, end_reason="completed", exit_outcome="studies"
    )
    assert ended.ended_on == limit


@pytest.fixture
def followed_by_a_new_period(worker, client_of, today):
    """Studies that were to end ten days ago, and the next period of studies from the day after."""
    customer = client_of()
    first = actions.plan_step(
        client=customer,
        planned_by=worker,
        service_type=service("education"),
        start_on=today - datetime.timedelta(days=100),
        planned_end_on=today - datetime.timedelta(days=10),
    )
    second = actions.plan_step(
        client=customer,
        planned_by=worker,
        service_type=service("education"),
        start_on=today - datetime.timedelta(days=9),
        follows=first,
    )
    return first, second


def test_a_period_closed_late_does_not_run_into_the_next_period_of_the_same_service(
    worker, followed_by_a_new_period, today
):
    first, second = followed_by_a_new_period
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=first, ended_by=worker, ended_on=today, end_reason="completed", next_step=second
        )
    last = today - datetime.timedelta(days=10)
    assert refused.value.message_dict["ended_on"] == [
        f"Asiakkaan seuraava jakso palvelussa koulutus ja opinnot alkaa {second.start_on:%-d.%-m.%Y}, "
        f"joten jakson on päätyttävä viimeistään {last:%-d.%-m.%Y}."
    ]
    first.refresh_from_db()
    assert first.status == StepStatus.ACTIVE and first.ended_on is None
    ended = actions.end_step(
        step=first, ended_by=worker, ended_on=last, end_reason="completed", next_step=second
    )
    assert ended.ended_on == last


def test_the_overlap_the_database_refuses_is_shown_next_to_the_end_date_not_a_crash(
    client, worker, followed_by_a_new_period, today, monkeypatch
):
    """Should the check before saving miss it, the exclusion constraint's refusal is still
    a message next to the end date."""
    first, second = followed_by_a_new_period
    monkeypatch.setattr(step_endings, "_check_no_later_period_overlapped", lambda steps: None)
    login(client, worker)
    response = client.post(
        f"/clients/{first.client.uuid}/steps/{first.pk}/end/",
        {"ended_on": today.isoformat(), "end_reason": "completed", "next_step": second.pk},
    )
    assert response.status_code == 200
    # The message names the step in the way: its service and its period (open, no end yet).
    assert field_errors(response.content.decode(), "ended_on") == (
        f"Asiakkaalla on jo samaan aikaan jakso palvelussa {second.service_type.name}: "
        f"{second.start_on:%-d.%-m.%Y}–. Jaksot eivät voi olla päällekkäin."
    )
    first.refresh_from_db()
    assert first.status == StepStatus.ACTIVE


def test_a_next_period_cancelled_before_it_started_does_not_hold_the_end_back(
    worker, client_of, time_machine, on_5_december_2026
):
    """A cancelled period took no days (its dates are free for another, as the database's
    exclusion constraint says): a period closed late may run over the days it was planned for."""
    today = on_5_december_2026
    customer = client_of()
    first = actions.plan_step(
        client=customer,
        planned_by=worker,
        service_type=service("education"),
        start_on=today - datetime.timedelta(days=100),
        planned_end_on=today + datetime.timedelta(days=5),
    )
    second = actions.plan_step(
        client=customer,
        planned_by=worker,
        service_type=service("education"),
        start_on=today + datetime.timedelta(days=6),
    )
    actions.cancel_step(step=second, cancelled_by=worker, reason="Asiakas jatkaa nykyisiä opintoja")
    time_machine.move_to(datetime.datetime(2026, 12, 25, 12, tzinfo=HELSINKI), tick=False)

    ended = actions.end_step(
        step=first,
        ended_by=worker,
        ended_on=datetime.date(2026, 12, 20),
        end_reason="completed",
        exit_outcome="studies",
    )

    ended.refresh_from_db()
    assert (ended.status, ended.ended_on) == (StepStatus.ENDED, datetime.date(2026, 12, 20))
