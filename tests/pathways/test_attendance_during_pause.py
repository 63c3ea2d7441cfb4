"""A step on a pause (a break recorded with the pause action: sick leave, another
rehabilitation period) takes no present day on the days of the pause, its earlier pauses
included: no hours worked, no avotyö compensation, no Kela expense-allowance day. An absence
on such a day is recorded (it pays nothing and tells why the client was away)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import Attendance, StepStatus
from tests.conftest import field_errors, login

DAY = datetime.timedelta(days=1)


@pytest.fixture
def open_work(worker, client_of, monday):
    return make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        daily_compensation=Decimal(10),
        effects_discussed_on=monday - datetime.timedelta(days=30),
    )


@pytest.fixture
def paused(worker, open_work, monday):
    """On a pause since Monday of last week."""
    return actions.set_step_status(
        step=open_work,
        status=StepStatus.PAUSED,
        changed_by=worker,
        paused_on=monday,
        reason="Sairausloma",
    )


def present(hours="5"):
    return {"present": True, "hours": Decimal(hours)}


def pause_message(since: datetime.date) -> str:
    return (
        f"Jakso oli tauolla tänä päivänä (tauko alkoi {since:%-d.%-m.%Y}), joten läsnäoloa ei "
        "kirjata. Kirjaa päivä poissaoloksi tai jätä se kirjaamatta."
    )


def test_a_present_day_of_the_pause_is_refused_next_to_it(worker, paused, monday):
    tuesday = monday + DAY
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(
            step=paused,
            recorded_by=worker,
            days={monday - DAY: present(), tuesday: present()},
        )
    assert error.value.message_dict == {f"{tuesday.isoformat()}-status": [pause_message(monday)]}
    # Nothing of the week is saved, the day before the pause neither.
    assert not Attendance.objects.filter(step=paused).exists()


def test_an_absence_on_a_day_of_the_pause_is_recorded(worker, paused, monday):
    saved = actions.record_week_attendance(
        step=paused,
        recorded_by=worker,
        days={
            monday - DAY: present(),
            monday + DAY: {"present": False, "absence_reason": "sick"},
        },
    )
    assert saved == 2
    rows = {row.day: row for row in Attendance.objects.filter(step=paused)}
    assert (rows[monday - DAY].present, rows[monday - DAY].compensation) == (True, Decimal(10))
    absent = rows[monday + DAY]
    assert (absent.present, absent.absence_reason, absent.compensation) == (False, "sick", None)


def test_a_resumed_pause_keeps_its_days_and_the_day_of_resuming_is_a_working_day(
    worker, paused, monday, today
):
    resumed = actions.set_step_status(step=paused, status=StepStatus.ACTIVE, changed_by=worker)
    assert (resumed.paused_on, resumed.resumed_on) == (monday, today)
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(
            step=resumed, recorded_by=worker, days={today - DAY: present()}
        )
    assert error.value.message_dict == {
        f"{(today - DAY).isoformat()}-status": [pause_message(monday)]
    }

    actions.record_week_attendance(step=resumed, recorded_by=worker, days={today: present()})
    assert Attendance.objects.get(step=resumed, day=today).present


def test_an_earlier_pause_holds_after_the_step_paused_again(worker, paused, monday, today):
    """The step keeps only its latest pause; the earlier ones are read from its history."""
    actions.set_step_status(step=paused, status=StepStatus.ACTIVE, changed_by=worker)
    again = actions.set_step_status(
        step=paused, status=StepStatus.PAUSED, changed_by=worker, reason="Kuntoutusjakso"
    )
    assert again.paused_on == today
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(
            step=again, recorded_by=worker, days={monday + DAY: present()}
        )
    assert error.value.message_dict == {
        f"{(monday + DAY).isoformat()}-status": [pause_message(monday)]
    }
    assert not Attendance.objects.filter(step=again).exists()


def test_a_copy_loaded_before_the_pause_records_no_present_day_in_it(worker, open_work, monday):
    stale = open_work  # the week page loaded before the pause was recorded
    actions.set_step_status(
        step=open_work,
        status=StepStatus.PAUSED,
        changed_by=worker,
        paused_on=monday,
        reason="Sairausloma",
    )
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(step=stale, recorded_by=worker, days={monday: present()})
    assert f"{monday.isoformat()}-status" in error.value.message_dict
    assert not Attendance.objects.filter(step=open_work).exists()


def test_the_grid_says_it_next_to_the_day(client, worker, paused, monday):
    login(client, worker)
    iso = monday.isocalendar()
    url = (
        f"/clients/{paused.client.uuid}/steps/{paused.pk}/attendance/"
        f"?week={iso.year}-W{iso.week:02d}"
    )
    key = (monday + DAY).isoformat()
    response = client.post(
        url, {f"{key}-status": "present", f"{key}-hours": "5", f"{key}-compensation": "10"}
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), f"{key}-status") == pause_message(monday)
    assert not Attendance.objects.filter(step=paused).exists()


def test_a_pause_dated_back_over_a_present_day_is_refused_naming_it(worker, open_work, monday):
    """The other way round: a pause recorded afterwards cannot swallow a day already recorded
    as worked (and paid, and counted as an allowance day)."""
    actions.record_week_attendance(
        step=open_work, recorded_by=worker, days={monday + DAY: present()}
    )
    with pytest.raises(ValidationError) as refused:
        actions.set_step_status(
            step=open_work,
            status=StepStatus.PAUSED,
            changed_by=worker,
            paused_on=monday,
            reason="Sairausloma",
        )
    assert refused.value.message_dict["paused_on"] == [
        f"Jaksolle on kirjattu läsnäolopäivä {monday + DAY:%-d.%-m.%Y}, joten tauko voi alkaa "
        "aikaisintaan sen jälkeen. Jos asiakas ei ollut paikalla, korjaa ensin sen päivän "
        "läsnäolokirjaus."
    ]
    open_work.refresh_from_db()
    assert (open_work.status, open_work.paused_on) == (StepStatus.ACTIVE, None)
    # From the day after it, and over an absence, the pause is recorded.
    actions.record_week_attendance(
        step=open_work,
        recorded_by=worker,
        days={monday + 2 * DAY: {"present": False, "absence_reason": "sick"}},
    )
    paused = actions.set_step_status(
        step=open_work,
        status=StepStatus.PAUSED,
        changed_by=worker,
        paused_on=monday + 2 * DAY,
        reason="Sairausloma",
    )
    assert paused.paused_on == monday + 2 * DAY


def test_the_step_page_says_when_a_pause_began_and_the_step_resumed(client, worker, paused, today):
    """The day of resuming is a working day: the page says the step resumed then, not that
    the pause ran until that day."""
    actions.set_step_status(step=paused, status=StepStatus.ACTIVE, changed_by=worker)
    login(client, worker)
    page = client.get(f"/clients/{paused.client.uuid}/steps/{paused.pk}/").content.decode()
    start = paused.paused_on
    assert f"{start:%-d.%-m.%Y} alkaen, jatkui {today:%-d.%-m.%Y}: Sairausloma" in page
