"""A request triaged for a network goes on that network's sessions. A coordinator who runs
two networks takes it to the other by triaging it again, not by placing it there, so that
the triage decision and the agenda never disagree."""

import re
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations import actions
from consultations.factories import NetworkFactory, make_request, make_session, next_weekday_at
from consultations.models import RequestStatus
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def two_networks(hki):
    """The coordinator runs a second network of the same organisation, with a session."""
    other = NetworkFactory(
        name_fi="Nuorten verkosto", convening_organisation=hki.sote, created_by=hki.coordinator
    )
    elsewhere = make_session(other, hki.coordinator, starts_at=next_weekday_at(9, days_ahead=21))
    waiting = make_request(hki.client, hki.worker, preferred_network=hki.network)
    actions.triage_request(request=waiting, triaged_by=hki.coordinator, network=hki.network)
    return other, elsewhere, waiting


def test_the_action_refuses_another_networks_session(hki, two_networks):
    _other, elsewhere, waiting = two_networks
    with pytest.raises(ValidationError) as refused:
        actions.place_on_session(request=waiting, session=elsewhere, placed_by=hki.coordinator)
    assert "Työkyvyn tuen verkosto" in refused.value.message_dict["session"][0]
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.TRIAGED
    assert waiting.network == hki.network
    assert not elsewhere.agenda.exists()


def test_the_triage_page_offers_only_the_networks_sessions(client, hki, two_networks):
    _other, elsewhere, waiting = two_networks
    login(client, hki.coordinator)
    page = client.get(reverse("consultations:triage", args=[waiting.pk])).content.decode()
    # The session select's options only: the network select has options of its own.
    sessions = re.search(r'<select name="session".*?</select>', page, re.S).group(0)
    assert f'value="{hki.session.pk}"' in sessions
    assert f'value="{elsewhere.pk}"' not in sessions

    posted = client.post(
        reverse("consultations:place", args=[waiting.pk]),
        {"session": elsewhere.pk, "minutes": 30},
    )
    assert posted.status_code == 400
    assert "Valitse" in field_errors(posted.content.decode(), "session")


def test_triaged_again_it_goes_on_the_other_networks_session(hki, two_networks):
    other, elsewhere, waiting = two_networks
    actions.triage_request(request=waiting, triaged_by=hki.coordinator, network=other)
    item = actions.place_on_session(request=waiting, session=elsewhere, placed_by=hki.coordinator)
    assert item.session == elsewhere
    waiting.refresh_from_db()
    assert (waiting.status, waiting.network) == (RequestStatus.SCHEDULED, other)


def test_an_untriaged_request_may_go_on_any_network_the_coordinator_runs(hki, two_networks):
    _other, elsewhere, _waiting = two_networks
    fresh = make_request(hki.client, hki.coach)
    item = actions.place_on_session(request=fresh, session=elsewhere, placed_by=hki.coordinator)
    assert item.session == elsewhere
