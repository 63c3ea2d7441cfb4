"""The weekly grid saved after someone else recorded the same week meanwhile (the coach, or the
worker in another tab): a day changed since the grid was opened is refused, not overwritten
nor deleted, and a day left unrecorded is never deleted. Those days are Kela
expense-allowance and avotyö payment days."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import Attendance
from tests.conftest import field_errors, login


@pytest.fixture
def step(worker, client_of, monday):
    return make_step(
        client_of(),
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        days_per_week=4,
        hours_per_day=Decimal(4),
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )


def week_url(step, monday) -> str:
    iso = monday.isocalendar()
    return (
        f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/?week={iso.year}-W{iso.week:02d}"
    )


def form_data(page: str) -> dict[str, str]:
    """What the browser sends for the grid as shown, without JavaScript: the hidden fields,
    the selected option of each select and the value of each input."""
    form = re.search(r'<form method="post" action="\?week=.*?</form>', page, re.S).group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        if name and "csrf" not in name.group(1):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = selected.group(1) if selected else ""
    return {
        name: value.replace("&#x27;", "'").replace("&quot;", '"') for name, value in data.items()
    }


def test_a_day_recorded_meanwhile_is_refused_not_deleted(client, worker, coach, step, monday):
    """The worker opens the empty week; Monday is recorded present meanwhile; the worker saves
    Tuesday: the week is refused naming Monday, and Monday is kept."""
    url = week_url(step, monday)
    login(client, worker)
    data = form_data(client.get(url).content.decode())
    actions.record_week_attendance(
        step=step, recorded_by=coach, days={monday: {"present": True, "hours": Decimal(5)}}
    )
    tuesday = monday + datetime.timedelta(days=1)
    data.update({f"{tuesday.isoformat()}-status": "present", f"{tuesday.isoformat()}-hours": "5"})

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    message = field_errors(page, f"{monday.isoformat()}-status")
    assert f"Päivän {monday:%-d.%-m.%Y} kirjaus muuttui sen jälkeen, kun viikko avattiin" in message
    assert "Viikosta ei tallennettu mitään." in message
    assert not Attendance.objects.filter(step=step, day=tuesday).exists()
    kept = Attendance.objects.get(step=step, day=monday)
    assert (kept.present, kept.hours, kept.recorded_by) == (True, Decimal(5), coach)

    # The grid now shows Monday as recorded and keeps the Tuesday typed: saved again, both stay.
    again = form_data(page)
    assert again[f"{monday.isoformat()}-status"] == "present"
    assert again[f"{tuesday.isoformat()}-hours"] == "5"
    assert client.post(url, again).status_code == 302
    saved = {row.day: row.hours for row in Attendance.objects.filter(step=step)}
    assert saved == {monday: Decimal(5), tuesday: Decimal(5)}


def test_a_day_changed_or_cleared_meanwhile_is_refused(client, worker, coach, step, monday):
    tuesday = monday + datetime.timedelta(days=1)
    actions.record_week_attendance(
        step=step,
        recorded_by=worker,
        days={
            monday: {"present": True, "hours": Decimal(5)},
            tuesday: {"present": True, "hours": Decimal(4)},
        },
    )
    url = week_url(step, monday)
    login(client, worker)
    data = form_data(client.get(url).content.decode())
    actions.record_week_attendance(
        step=step,
        recorded_by=coach,
        days={monday: {"present": False, "absence_reason": "sick"}, tuesday: None},
    )
    data[f"{monday.isoformat()}-hours"] = "6"

    page = client.post(url, data).content.decode()

    assert "kirjaus muuttui" in field_errors(page, f"{monday.isoformat()}-status")
    assert "kirjaus muuttui" in field_errors(page, f"{tuesday.isoformat()}-status")
    rows = list(Attendance.objects.filter(step=step).values_list("day", "present"))
    assert rows == [(monday, False)]


def test_a_normal_save_and_clear_still_work(client, worker, step, monday):
    """Saving the grid as shown: a day filled in is saved, a day shown recorded and cleared by
    the user is deleted, and the days left unrecorded stay so."""
    tuesday = monday + datetime.timedelta(days=1)
    wednesday = monday + datetime.timedelta(days=2)
    actions.record_week_attendance(
        step=step, recorded_by=worker, days={monday: {"present": True, "hours": Decimal(5)}}
    )
    url = week_url(step, monday)
    login(client, worker)
    data = form_data(client.get(url).content.decode())
    data.update({f"{tuesday.isoformat()}-status": "present", f"{tuesday.isoformat()}-hours": "4"})

    assert client.post(url, data).status_code == 302
    assert {row.day for row in Attendance.objects.filter(step=step)} == {monday, tuesday}

    data = form_data(client.get(url).content.decode())
    data.update({f"{monday.isoformat()}-status": "", f"{monday.isoformat()}-hours": ""})
    data.update(
        {f"{wednesday.isoformat()}-status": "absent", f"{wednesday.isoformat()}-reason": "sick"}
    )

    assert client.post(url, data).status_code == 302
    rows = list(Attendance.objects.filter(step=step).values_list("day", "present"))
    assert rows == [(tuesday, True), (wednesday, False)]


def test_the_action_leaves_a_day_not_shown_recorded_alone(worker, coach, step, monday):
    """A day None that was not recorded when the grid was shown is not a clearing: when it is
    recorded now, the save is refused rather than deleting it."""
    actions.record_week_attendance(
        step=step, recorded_by=coach, days={monday: {"present": True, "hours": Decimal(5)}}
    )
    with pytest.raises(ValidationError) as error:
        actions.record_week_attendance(
            step=step, recorded_by=worker, days={monday: None}, shown={monday: ""}
        )
    assert f"{monday.isoformat()}-status" in error.value.message_dict
    assert Attendance.objects.filter(step=step, day=monday).exists()
