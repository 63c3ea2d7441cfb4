"""A step resumes on the day the client came back, which the worker may record later: the
resume takes a day (`resumed_on`, today when not given), not in the future and not before
the pause began, and the companion resuming with it gets the same day (not before its own
pause began). The days from that day on are working days again: a present day may be
recorded on them. A refusal stands next to the date."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.test_step_rules import rehab_fields

DAY = datetime.timedelta(days=1)
PAUSE = "Sairausloma"
FUTURE = "Jatkuminen kirjataan jakson jatkuttua: päivä ei voi olla tulevaisuudessa."


def before_pause(paused_on: datetime.date) -> str:
    return f"Tauko alkoi {paused_on:%-d.%-m.%Y}, joten jakso voi jatkua aikaisintaan silloin."


@pytest.fixture
def paused(worker, client_of, monday):
    """Open work on a pause since Monday of last week."""
    step = make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=monday - 30 * DAY,
        daily_compensation=Decimal(10),
        effects_discussed_on=monday - 30 * DAY,
    )
    return actions.set_step_status(
        step=step, status=StepStatus.PAUSED, changed_by=worker, paused_on=monday, reason=PAUSE
    )


def resume(step, worker, day):
    return actions.set_step_status(
        step=step, status=StepStatus.ACTIVE, changed_by=worker, resumed_on=day
    )


def test_a_resume_dated_back_opens_the_days_from_it_to_attendance(worker, paused, monday):
    thursday = monday + 3 * DAY
    resumed = resume(paused, worker, thursday)
    paused.refresh_from_db()
    assert (paused.status, paused.paused_on, paused.resumed_on) == (
        StepStatus.ACTIVE,
        monday,
        thursday,
    )
    assert resumed.resumed_on == thursday
    # The day the step resumed and the days after it take a present day again.
    saved = actions.record_week_attendance(
        step=paused,
        recorded_by=worker,
        days={day: {"present": True, "hours": Decimal(5)} for day in (thursday, thursday + DAY)},
    )
    assert saved == 2
    # The day before it is still a day of the pause.
    with pytest.raises(ValidationError) as refused:
        actions.record_week_attendance(
            step=paused,
            recorded_by=worker,
            days={thursday - DAY: {"present": True, "hours": Decimal(5)}},
        )
    assert list(refused.value.message_dict) == [f"{(thursday - DAY).isoformat()}-status"]


def test_a_resume_may_be_dated_on_the_day_the_pause_began(worker, paused, monday):
    resume(paused, worker, monday)
    paused.refresh_from_db()
    assert (paused.status, paused.resumed_on) == (StepStatus.ACTIVE, monday)


@pytest.mark.parametrize("when", ["future", "before_pause"])
def test_a_resume_in_the_future_or_before_the_pause_is_refused_on_its_day(
    worker, paused, monday, today, when
):
    day, message = (
        (today + DAY, FUTURE) if when == "future" else (monday - DAY, before_pause(monday))
    )
    with pytest.raises(ValidationError) as refused:
        resume(paused, worker, day)
    assert refused.value.message_dict == {"resumed_on": [message]}
    paused.refresh_from_db()
    assert (paused.status, paused.resumed_on) == (StepStatus.PAUSED, None)


def test_the_companion_resumes_on_the_same_day_not_before_its_own_pause(worker, client_of, monday):
    client = client_of()
    rehab = actions.plan_step(client=client, planned_by=worker, **rehab_fields(monday - 14 * DAY))
    actions.set_step_status(
        step=rehab, status=StepStatus.PAUSED, changed_by=worker, paused_on=monday, reason=PAUSE
    )
    coaching = PathwayStep.objects.get(client=client, service_type__code="work_coaching")
    assert coaching.paused_on == monday
    resumed = resume(rehab, worker, monday + 2 * DAY)
    assert resumed.changed_with == [coaching]
    assert PathwayStep.objects.get(pk=coaching.pk).resumed_on == monday + 2 * DAY

    # A companion whose own pause began after the day the step resumes resumes on that day.
    actions.set_step_status(
        step=rehab,
        status=StepStatus.PAUSED,
        changed_by=worker,
        paused_on=monday + 3 * DAY,
        reason=PAUSE,
    )
    PathwayStep.objects.filter(pk=coaching.pk).update(paused_on=monday + 5 * DAY)
    resume(rehab, worker, monday + 4 * DAY)
    rehab.refresh_from_db()
    coaching.refresh_from_db()
    assert (rehab.resumed_on, coaching.resumed_on) == (monday + 4 * DAY, monday + 5 * DAY)
    assert (rehab.status, coaching.status) == (StepStatus.ACTIVE, StepStatus.ACTIVE)


def step_url(step, page=""):
    return f"/clients/{step.client.uuid}/steps/{step.pk}/{page}"


def test_the_step_page_asks_the_day_the_paused_step_resumed(client, worker, paused, monday, today):
    login(client, worker)
    page = client.get(step_url(paused)).content.decode()
    assert f'action="{step_url(paused, "resume/")}"' in page
    assert "Jatkui tauon jälkeen" in page
    assert f'type="date" name="resumed_on" value="{today.isoformat()}"' in page
    assert (
        f"Tauko alkoi {monday:%-d.%-m.%Y}: jatkumispäivä voi olla aikaisintaan silloin ja "
        "viimeistään tänään."
    ) in page


def test_the_resume_form_records_the_day_given(client, worker, paused, monday):
    login(client, worker)
    response = client.post(step_url(paused, "resume/"), {"resumed_on": (monday + DAY).isoformat()})
    assert response.status_code == 302
    assert response.url == step_url(paused)
    paused.refresh_from_db()
    assert (paused.status, paused.resumed_on) == (StepStatus.ACTIVE, monday + DAY)
    page = client.get(step_url(paused)).content.decode()
    assert f"{monday:%-d.%-m.%Y} alkaen, jatkui {monday + DAY:%-d.%-m.%Y}: {PAUSE}" in page


@pytest.mark.parametrize("when", ["future", "before_pause"])
def test_the_resume_form_shows_a_refusal_next_to_the_day(
    client, worker, paused, monday, today, when
):
    day, message = (
        (today + DAY, FUTURE) if when == "future" else (monday - DAY, before_pause(monday))
    )
    login(client, worker)
    response = client.post(step_url(paused, "resume/"), {"resumed_on": day.isoformat()})
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "resumed_on") == message
    paused.refresh_from_db()
    assert (paused.status, paused.resumed_on) == (StepStatus.PAUSED, None)


def test_only_a_paused_step_is_resumed(client, worker, paused):
    resume(paused, worker, None)
    login(client, worker)
    assert client.get(step_url(paused, "resume/")).status_code == 404
    assert client.post(step_url(paused, "resume/"), {"resumed_on": ""}).status_code == 404
