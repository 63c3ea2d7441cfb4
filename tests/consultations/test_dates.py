"""Dates in consultations: a session is scheduled or moved to a time ahead and within the
dates Polku accepts; a recommendation's follow-up date too. Refused next to the field,
nothing saved."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import actions
from consultations.forms import SessionForm
from consultations.ics import HELSINKI
from consultations.models import Recommendation, Session
from consultations.tasks import send_invitations_task
from notifications.models import Task
from tests.conftest import RANGE_ERROR, field_errors, login

PAST = "Alkamisaika on jo mennyt. Valitse tuleva aika."


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


def schedule(client, hki, starts_at: str):
    login(client, hki.coordinator)
    return client.post(
        reverse("consultations:session_create", args=[hki.network.pk]),
        {
            "starts_at": starts_at,
            "duration_minutes": "90",
            "place": "Huone 4",
            "chair": hki.coordinator.pk,
            "members": [hki.expert.pk],
        },
    )


def local(moment: datetime.datetime) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:00", "0001-01-01T00:00", "2101-01-01T09:00"])
def test_a_session_out_of_range_is_refused_next_to_the_start(client, hki, starts_at):
    response = schedule(client, hki, starts_at)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "starts_at") == RANGE_ERROR
    assert Session.objects.count() == 1  # the fixture's own
    assert client.get(reverse("consultations:calendar")).status_code == 200


def test_a_session_whose_start_has_passed_is_refused_next_to_the_start(client, hki, time_machine):
    # At noon, so that an hour ago is today, when the network's members are members (just
    # after midnight it would be yesterday, before the fixture's memberships begin).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    time_machine.move_to(noon, tick=False)
    response = schedule(client, hki, local(timezone.now() - datetime.timedelta(hours=1)))
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "starts_at") == PAST
    assert Session.objects.count() == 1


def test_a_session_ahead_is_scheduled(client, hki):
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=3)
    assert schedule(client, hki, local(start)).status_code == 302
    assert Session.objects.filter(starts_at=start).exists()


def test_a_session_is_not_moved_to_a_time_past(client, hki):
    session = hki.session
    login(client, hki.coordinator)
    response = client.post(
        reverse("consultations:session_edit", args=[session.pk]),
        {
            "starts_at": local(timezone.now() - datetime.timedelta(days=1)),
            "duration_minutes": "90",
            "place": "Huone 5",
            "chair": hki.coordinator.pk,
        },
    )
    assert field_errors(response.content.decode(), "starts_at") == PAST
    before = session.starts_at
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (before, 0)


def test_a_session_under_way_keeps_its_start_and_changes_its_place(hki):
    session = hki.session
    with time_machine.travel(session.starts_at + datetime.timedelta(minutes=10)):
        changed = actions.change_session(
            session=session,
            changed_by=hki.coordinator,
            starts_at=session.starts_at,
            duration_minutes=session.duration_minutes,
            chair=hki.coordinator,
            place="Huone 6",
        )
        assert (changed.place, changed.sequence) == ("Huone 6", 1)
        with pytest.raises(ValidationError) as refused:
            actions.change_session(
                session=session,
                changed_by=hki.coordinator,
                starts_at=session.starts_at - datetime.timedelta(minutes=30),
                duration_minutes=session.duration_minutes,
                chair=hki.coordinator,
                place="Huone 6",
            )
    assert refused.value.message_dict == {"starts_at": [PAST]}


@pytest.mark.parametrize("due_date", ["9999-12-31", "0001-01-01"])
def test_a_follow_up_date_out_of_range_is_refused_next_to_the_field(client, hki, due_date):
    login(client, hki.coordinator)
    url = reverse(
        "consultations:recommendation_add",
        kwargs={"session_id": hki.session.pk, "item_id": hki.item.pk},
    )
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=10), tick=False):
        response = client.post(url, {"text": "Ohjataan työkykyselvitykseen.", "due_date": due_date})
    assert field_errors(response.content.decode(), "due_date") == RANGE_ERROR
    assert not Recommendation.objects.exists() and not Task.objects.exists()


def test_the_week_view_names_its_week_number_as_the_attendance_week_does(client, hki):
    login(client, hki.coordinator)
    page = client.get(
        reverse("consultations:calendar"), {"view": "week", "day": "2026-12-09"}
    ).content.decode()
    assert "Viikko 50, 7.12.–13.12.2026" in page


GAP = (
    "Tätä kellonaikaa ei ole, koska kelloja siirretään silloin tunnilla eteenpäin kesäaikaan. "
    "Valitse toinen aika."
)


def session_form(hki, starts_at: str) -> SessionForm:
    return SessionForm(
        data={
            "starts_at": starts_at,
            "duration_minutes": 60,
            "place": "Huone 4",
            "chair": hki.coordinator.pk,
        },
        network=hki.network,
        coordinator=hki.coordinator,
    )


@pytest.mark.parametrize("starts_at", ["2027-03-28T03:00", "2027-03-28T03:30"])
def test_a_time_the_spring_change_skips_is_refused_next_to_the_start(client, hki, starts_at):
    """On the night summer time begins the clocks go from 03.00 to 04.00: 03.30 is no time
    in Helsinki, and is not moved silently to 04.30."""
    response = schedule(client, hki, starts_at)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "starts_at") == GAP
    assert Session.objects.count() == 1  # the fixture's own


def test_the_hours_around_the_spring_change_are_taken_as_written(hki):
    for starts_at, utc in (("2027-03-28T02:59", "00:59"), ("2027-03-28T04:00", "01:00")):
        form = session_form(hki, starts_at)
        assert form.is_valid(), form.errors
        assert f"{form.cleaned_data['starts_at'].astimezone(datetime.UTC):%H:%M}" == utc


def test_the_autumn_hour_that_occurs_twice_is_its_first_occurrence(hki):
    """On the night summer time ends 03.00-03.59 occurs twice: the first, in summer time."""
    form = session_form(hki, "2027-10-31T03:30")
    assert form.is_valid(), form.errors
    starts_at = form.cleaned_data["starts_at"]
    assert starts_at.astimezone(datetime.UTC) == datetime.datetime(
        2027, 10, 31, 0, 30, tzinfo=datetime.UTC
    )
