"""A presenter made the session's chair takes part as the chair, no longer as a presenter:
their participation becomes a member's or a guest's, as scheduling would have invited the
chair. They keep the session when their case leaves the agenda, and see its other cases
as any participant does (named where the consent covers their organisation)."""

from unittest import mock

import pytest
from django.urls import reverse

from clients.factories import ClientFactory
from consents.factories import ConsentFactory
from consultations import actions
from consultations.factories import (
    add_network_member,
    make_request,
    make_session,
    next_weekday_at,
)
from consultations.models import ParticipantKind
from consultations.tasks import send_invitations_task
from tests.conftest import login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def presented(hki):
    """A later session with two cases: the worker's own (they present it) and another."""
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert],
        starts_at=next_weekday_at(9, days_ahead=21),
    )
    own = make_request(hki.client, hki.worker)
    own_item = actions.place_on_session(request=own, session=session, placed_by=hki.coordinator)
    other_client = ClientFactory(
        responsible_worker=hki.coach,
        first_names="Ilmari",
        last_name="Muukalainen",
        calling_name="",
    )
    other = make_request(other_client, hki.coach)
    other_item = actions.place_on_session(request=other, session=session, placed_by=hki.coordinator)
    ConsentFactory(client=other_client, recorded_by=hki.coach, parties=[hki.sote])
    assert session.participants.current().get(user=hki.worker).kind == ParticipantKind.PRESENTER
    return session, own_item, other_item


def _make_chair(hki, session, chair):
    return actions.change_session(
        session=session,
        changed_by=hki.coordinator,
        starts_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        chair=chair,
        place=session.place,
        video_link=session.video_link,
    )


def test_a_presenter_made_chair_takes_part_as_a_guest_and_keeps_the_session(client, hki, presented):
    session, own_item, other_item = presented

    _make_chair(hki, session, hki.worker)

    participant = session.participants.current().get(user=hki.worker)
    assert participant.kind == ParticipantKind.GUEST
    assert participant.organisation == hki.sote
    login(client, hki.worker)
    other_url = reverse(
        "consultations:case", kwargs={"session_id": session.pk, "item_id": other_item.pk}
    )
    assert "Muukalainen" in client.get(other_url).content.decode()

    actions.remove_from_agenda(item=own_item, removed_by=hki.coordinator)

    assert session.participants.current().filter(user=hki.worker).exists()
    page = client.get(reverse("consultations:session", args=[session.pk]))
    assert page.status_code == 200


def test_a_presenter_who_is_a_member_made_chair_takes_part_as_a_member(hki, presented):
    session, _own, _other = presented
    add_network_member(hki.network, hki.worker, expertise="Aikuissosiaalityö")

    _make_chair(hki, session, hki.worker)

    participant = session.participants.current().get(user=hki.worker)
    assert participant.kind == ParticipantKind.MEMBER
    assert participant.expertise == "Aikuissosiaalityö"
