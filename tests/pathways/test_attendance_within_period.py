"""Recorded attendance days stay within their step's period: a step cannot end before a day
recorded for it, nor be moved to start after one; the monthly summary counts only the days
within the period."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import Attendance, PathwayStep, StepStatus
from pathways.step_rules import period_end_limit
from tests.conftest import field_errors, login


@pytest.fixture
def open_work(worker, client_of, today):
    return make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=today - datetime.timedelta(days=40),
        daily_compensation=Decimal(10),
        effects_discussed_on=today - datetime.timedelta(days=40),
        days_per_week=5,
    )


def record(step, day, worker, *, present=True):
    return Attendance.objects.create(
        step=step,
        day=day,
        present=present,
        hours=Decimal(5) if present else None,
        absence_reason="" if present else "sick",
        compensation=Decimal(10) if present else None,
        recorded_by=worker,
    )


def day_text(day: datetime.date) -> str:
    return f"{day:%-d.%-m.%Y}"


def end(step, worker, ended_on):
    return actions.end_step(
        step=step,
        ended_by=worker,
        ended_on=ended_on,
        end_reason="completed",
        exit_outcome="capacity_maintained",
    )


def test_a_step_does_not_end_before_a_day_recorded_for_it(worker, open_work, today):
    last_present = today - datetime.timedelta(days=3)
    record(open_work, today - datetime.timedelta(days=10), worker)
    record(open_work, last_present, worker)
    with pytest.raises(ValidationError) as error:
        end(open_work, worker, today - datetime.timedelta(days=5))
    message = " ".join(error.value.message_dict["ended_on"])
    assert day_text(last_present) in message
    assert "aikaisintaan" in message
    assert PathwayStep.objects.get(pk=open_work.pk).status == StepStatus.ACTIVE
    # Ending on the last recorded day is fine.
    assert end(open_work, worker, last_present).status == StepStatus.ENDED


def test_a_recorded_absence_counts_too(worker, open_work, today):
    absent_on = today - datetime.timedelta(days=2)
    record(open_work, absent_on, worker, present=False)
    with pytest.raises(ValidationError) as error:
        end(open_work, worker, today - datetime.timedelta(days=4))
    assert day_text(absent_on) in " ".join(error.value.message_dict["ended_on"])


def test_a_step_is_not_moved_to_start_after_a_day_recorded_for_it(worker, open_work, today):
    first = today - datetime.timedelta(days=30)
    record(open_work, first, worker)
    record(open_work, today - datetime.timedelta(days=20), worker)
    with pytest.raises(ValidationError) as error:
        actions.update_step(
            step=open_work, changed_by=worker, start_on=today - datetime.timedelta(days=25)
        )
    message = " ".join(error.value.message_dict["start_on"])
    assert day_text(first) in message and "viimeistään" in message
    assert PathwayStep.objects.get(pk=open_work.pk).start_on == open_work.start_on
    # Starting on the first recorded day is fine.
    assert actions.update_step(step=open_work, changed_by=worker, start_on=first).start_on == first


def test_a_planned_end_is_not_moved_before_a_day_recorded(worker, open_work, today):
    PathwayStep.objects.filter(pk=open_work.pk).update(planned_end_on=today)
    open_work.refresh_from_db()
    last = today - datetime.timedelta(days=2)
    record(open_work, last, worker)
    with pytest.raises(ValidationError) as error:
        actions.update_step(
            step=open_work, changed_by=worker, planned_end_on=today - datetime.timedelta(days=3)
        )
    assert day_text(last) in " ".join(error.value.message_dict["planned_end_on"])
    assert actions.update_step(step=open_work, changed_by=worker, planned_end_on=last)


def test_the_end_page_names_the_day(client, worker, open_work, today):
    last_present = today - datetime.timedelta(days=3)
    record(open_work, last_present, worker)
    login(client, worker)
    response = client.post(
        f"/clients/{open_work.client.uuid}/steps/{open_work.pk}/end/",
        {
            "ended_on": (today - datetime.timedelta(days=5)).isoformat(),
            "end_reason": "completed",
            "exit_outcome": "capacity_maintained",
        },
    )
    assert response.status_code == 200
    assert day_text(last_present) in field_errors(response.content.decode(), "ended_on")
    assert PathwayStep.objects.get(pk=open_work.pk).status == StepStatus.ACTIVE


def test_the_monthly_summary_counts_only_days_within_the_period(worker, open_work, today):
    inside = [today - datetime.timedelta(days=d) for d in (10, 9)]
    before = open_work.start_on - datetime.timedelta(days=1)
    for day in [*inside, before]:
        record(open_work, day, worker)
    # A day recorded before the step's start was moved (written straight to the database:
    # the actions refuse it now).
    summary = list(Attendance.objects.filter(step=open_work).monthly_summary())
    assert sum(row["days_present"] for row in summary) == 2
    assert sum(row["compensation"] for row in summary) == Decimal(20)
    # After the end, too.
    PathwayStep.objects.filter(pk=open_work.pk).update(
        status=StepStatus.ENDED,
        ended_on=inside[0],
        end_reason="completed",
        exit_outcome="capacity_maintained",
    )
    summary = list(Attendance.objects.filter(step=open_work).monthly_summary())
    assert sum(row["days_present"] for row in summary) == 1


def test_a_copy_loaded_before_the_end_records_no_day_after_it(worker, open_work, today):
    stale = PathwayStep.objects.get(pk=open_work.pk)  # the week page loaded before the end
    ended_on = today - datetime.timedelta(days=10)
    end(open_work, worker, ended_on)
    after = today - datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(
            step=stale,
            recorded_by=worker,
            days={after: {"present": True, "hours": Decimal(5)}},
        )
    assert error.value.message_dict == {
        f"{after.isoformat()}-status": ["Päivä ei ole jakson aikana."]
    }
    assert not Attendance.objects.filter(step=open_work).exists()


def test_a_day_without_an_amount_is_paid_the_compensation_agreed_now(worker, open_work, today):
    stale = PathwayStep.objects.get(pk=open_work.pk)
    PathwayStep.objects.filter(pk=open_work.pk).update(daily_compensation=Decimal(8))
    day = today - datetime.timedelta(days=3)
    actions.record_week_attendance(
        step=stale, recorded_by=worker, days={day: {"present": True, "hours": Decimal(5)}}
    )
    assert Attendance.objects.get(step=open_work, day=day).compensation == Decimal(8)


def test_the_grid_shows_days_outside_the_period_and_ahead_closed(client, worker, client_of, today):
    """A day before the start, after the end or still ahead takes no attendance: its fields
    are disabled with the reason beside them, and a value sent for it anyway is left out,
    so the rest of the week is saved (the action still refuses such a day)."""
    import re

    monday = today - datetime.timedelta(days=today.weekday() + 7)  # last week
    wednesday = monday + datetime.timedelta(days=2)
    step = make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=wednesday,
        daily_compensation=Decimal(10),
        effects_discussed_on=wednesday,
        days_per_week=5,
    )
    login(client, worker)
    iso = monday.isocalendar()
    url = f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/?week={iso.year}-W{iso.week:02d}"
    page = client.get(url).content.decode()
    tuesday, wednesday = (monday + datetime.timedelta(days=n) for n in (1, 2))
    for name in ("status", "hours", "reason"):
        tag = re.search(rf'<[^>]*name="{tuesday.isoformat()}-{name}"[^>]*>', page).group(0)
        assert "disabled" in tag, tag
        tag = re.search(rf'<[^>]*name="{wednesday.isoformat()}-{name}"[^>]*>', page).group(0)
        assert "disabled" not in tag, tag
    assert "Päivä ei ole jakson aikana." in page

    data = {
        f"{tuesday.isoformat()}-status": "present",
        f"{tuesday.isoformat()}-hours": "5",
        f"{wednesday.isoformat()}-status": "present",
        f"{wednesday.isoformat()}-hours": "5",
    }
    assert client.post(url, data).status_code == 302
    assert list(Attendance.objects.filter(step=step).values_list("day", flat=True)) == [wednesday]


def _open_work_past_its_planned_end(worker, client, today, planned_end):
    """Open work begun 120 days ago, not ended, its planned end `planned_end` passed."""
    return make_step(
        client,
        "open_work",
        created_by=worker,
        start_on=today - datetime.timedelta(days=120),
        planned_end_on=planned_end,
        daily_compensation=Decimal(10),
        effects_discussed_on=today - datetime.timedelta(days=120),
        days_per_week=5,
    )


def test_a_step_running_past_its_planned_end_takes_its_days_up_to_today(
    client, worker, client_of, today
):
    """A step not ended runs on past its planned end until the coach ends it: last week's
    days are recorded, and the grid opens on this week, not on the planned end's."""
    planned_end = today - datetime.timedelta(days=30)
    step = _open_work_past_its_planned_end(worker, client_of(), today, planned_end)
    assert step.status == StepStatus.ACTIVE
    day = today - datetime.timedelta(days=7)
    actions.record_week_attendance(
        step=step, recorded_by=worker, days={day: {"present": True, "hours": Decimal(5)}}
    )
    assert list(Attendance.objects.filter(step=step).values_list("day", flat=True)) == [day]
    # A day the step took is an allowance and payment day too.
    summary = list(Attendance.objects.filter(step=step).monthly_summary())
    assert sum(row["days_present"] for row in summary) == 1
    assert sum(row["compensation"] for row in summary) == Decimal(10)
    assert actions.day_taking_no_attendance(step, today) == ""
    assert actions.day_taking_no_attendance(step, today + datetime.timedelta(days=1)) == (
        "Läsnäoloa ei voi kirjata tulevalle päivälle."
    )

    login(client, worker)
    response = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/")
    iso = today.isocalendar()
    assert response.context["week_label"] == f"{iso.year}-W{iso.week:02d}"
    assert "Päivä ei ole jakson aikana." not in response.content.decode()


def test_a_step_running_past_its_planned_end_stops_at_the_rule_sets_limit(
    client, worker, client_of, today
):
    """Not beyond the last day the rule set lets the period last (24 months of
    rehabilitative work activity): it could not be ended later than that either."""
    from services.calendar import add_months

    start = add_months(today, -24) - datetime.timedelta(days=20)
    limit = period_end_limit(start, 24)
    assert limit < today - datetime.timedelta(days=7)
    step = make_step(
        client_of(),
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=start,
        planned_end_on=limit - datetime.timedelta(days=14),
        days_per_week=3,
        hours_per_day=Decimal(5),
    )
    assert step.rule_set.max_duration_months == 24
    assert actions.last_attendance_day(step) == limit
    within = limit - datetime.timedelta(days=2)
    after = limit + datetime.timedelta(days=1)
    actions.record_week_attendance(
        step=step, recorded_by=worker, days={within: {"present": True, "hours": Decimal(5)}}
    )
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(
            step=step, recorded_by=worker, days={after: {"present": True, "hours": Decimal(5)}}
        )
    assert error.value.message_dict == {
        f"{after.isoformat()}-status": ["Päivä ei ole jakson aikana."]
    }
    assert list(Attendance.objects.filter(step=step).values_list("day", flat=True)) == [within]

    # The grid stops at the limit's week.
    login(client, worker)
    response = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/")
    iso = limit.isocalendar()
    assert response.context["week_label"] == f"{iso.year}-W{iso.week:02d}"
    assert response.context["next_week"] is None


def test_a_step_without_rules_in_force_running_past_its_planned_end_keeps_that_end(
    client, worker, client_of, today
):
    """A step with no rule set of its own and none in force for its start (one recorded
    before the rules Polku holds) is held to its planned end: the grid shows the days after
    it closed, not an error."""
    from pathways.models import PathwayStep
    from services.models import ServiceRuleSet

    planned_end = today - datetime.timedelta(days=30)
    step = _open_work_past_its_planned_end(worker, client_of(), today, planned_end)
    # Recorded before Polku held rules (as imported): none in force on its start.
    first_rules = ServiceRuleSet.objects.order_by("valid_from").values_list(
        "valid_from", flat=True
    )[0]
    PathwayStep.objects.filter(pk=step.pk).update(
        rule_set=None, start_on=first_rules - datetime.timedelta(days=10)
    )
    step.refresh_from_db()
    assert actions.last_attendance_day(step) == planned_end
    assert actions.day_taking_no_attendance(step, today - datetime.timedelta(days=7)) == (
        "Päivä ei ole jakson aikana."
    )
    login(client, worker)
    response = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/")
    assert response.status_code == 200


def test_an_ended_step_takes_no_day_after_its_end_even_before_today(worker, open_work, today):
    ended_on = today - datetime.timedelta(days=10)
    end(open_work, worker, ended_on)
    open_work.refresh_from_db()
    assert actions.last_attendance_day(open_work) == ended_on
    assert actions.day_taking_no_attendance(open_work, ended_on + datetime.timedelta(days=1)) == (
        "Päivä ei ole jakson aikana."
    )
