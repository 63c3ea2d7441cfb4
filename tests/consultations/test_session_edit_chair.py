"""Another coordinator of the network may change a session: the chair's choices are the
session's own coordinator's, and always include its present chair, so that keeping the chair
is no error."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from consents.factories import acting
from consultations.factories import add_network_member, make_session, next_weekday_at
from consultations.forms import DATETIME_LOCAL
from consultations.ics import HELSINKI
from consultations.models import NetworkMember
from consultations.tasks import send_invitations_task
from tests.conftest import login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def chaired_by_another(hki):
    """A session scheduled and chaired by another coordinator of the convening organisation,
    not a member of the network."""
    other = acting(
        make_user(
            Role.COORDINATOR,
            hki.coordinator.active_assignment.unit,
            first_name="Olga",
            last_name="Toinen",
        )
    )
    return make_session(hki.network, other, starts_at=next_weekday_at(9, days_ahead=10))


def test_another_coordinator_changes_the_place_keeping_the_chair(client, hki, chaired_by_another):
    session = chaired_by_another
    login(client, hki.coordinator)
    url = reverse("consultations:session_edit", kwargs={"session_id": session.pk})
    choices = client.get(url).context["form"].fields["chair"].queryset
    assert session.chair in choices
    response = client.post(
        url,
        {
            "starts_at": session.starts_at.astimezone(HELSINKI).strftime(DATETIME_LOCAL),
            "duration_minutes": session.duration_minutes,
            "place": "Neuvotteluhuone 5",
            "video_link": "",
            "chair": session.chair_id,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Neuvotteluhuone 5"
    assert session.chair.last_name == "Toinen"


def test_a_chair_whose_membership_has_ended_stays_a_choice(client, hki):
    chair = acting(make_user(Role.SOCIAL_WORKER, hki.social_work, first_name="Pia", last_name="Pj"))
    membership = add_network_member(hki.network, chair)
    session = make_session(
        hki.network, hki.coordinator, chair=chair, starts_at=next_weekday_at(9, days_ahead=10)
    )
    today = timezone.localdate()
    NetworkMember.objects.filter(pk=membership.pk).update(
        active_from=today - datetime.timedelta(days=10),
        active_until=today - datetime.timedelta(days=1),
    )
    login(client, hki.coordinator)
    url = reverse("consultations:session_edit", kwargs={"session_id": session.pk})
    choices = client.get(url).context["form"].fields["chair"].queryset
    assert chair in choices
