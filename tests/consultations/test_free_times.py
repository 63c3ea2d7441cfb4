"""Placing a case, the coordinator sees where each session's agenda leaves room: the time a
case placed without a start time takes (after the last case), or that the agenda is full."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from consultations import actions
from consultations.factories import make_request, make_session, next_weekday_at
from consultations.forms import PlaceOnSessionForm
from consultations.tasks import send_invitations_task
from tests.conftest import login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


def session_labels(hki, consultation):
    form = PlaceOnSessionForm(user=hki.coordinator, consultation=consultation)
    return {choice.value: label for choice, label in form.fields["session"].choices if choice}


def test_the_session_choice_tells_when_its_agenda_has_room(client, hki):
    session = make_session(
        hki.network, hki.coordinator, starts_at=next_weekday_at(9, days_ahead=14), minutes=60
    )
    waiting = make_request(hki.client, hki.worker, preferred_network=hki.network)
    assert session_labels(hki, waiting)[session.pk].endswith(", vapaata klo 9.00 alkaen")

    first = make_request(hki.client, hki.worker, preferred_network=hki.network)
    actions.place_on_session(request=first, session=session, placed_by=hki.coordinator, minutes=40)
    assert session_labels(hki, waiting)[session.pk].endswith(", vapaata klo 9.40 alkaen")

    # The page shows it, and a case placed without a start time takes that time.
    login(client, hki.coordinator)
    page = client.get(reverse("consultations:triage", args=[waiting.pk])).content.decode()
    assert "vapaata klo 9.40 alkaen" in page
    item = actions.place_on_session(
        request=waiting, session=session, placed_by=hki.coordinator, minutes=20
    )
    assert item.starts_at == session.starts_at + datetime.timedelta(minutes=40)

    later = make_request(hki.client, hki.worker, preferred_network=hki.network)
    assert session_labels(hki, later)[session.pk].endswith(", asialista täynnä")
