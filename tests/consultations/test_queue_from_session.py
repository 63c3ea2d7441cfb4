"""Adding cases to a session from the queue: the coordinator starts on the session's page,
picks a request in the queue, and its triage page has that session chosen already."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.factories import NetworkFactory, make_request, make_session, next_weekday_at
from consultations.models import RequestStatus
from consultations.tasks import send_invitations_task
from tests.conftest import login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def setup(client, hki):
    """The coordinator on two upcoming sessions of the network; the later one is the one
    they add cases to (the place form's list would otherwise start with the earlier)."""
    later = make_session(hki.network, hki.coordinator, starts_at=next_weekday_at(13, days_ahead=14))
    waiting = make_request(hki.client, hki.worker, preferred_network=hki.network)
    login(client, hki.coordinator)
    return later, waiting


def _selected_session(page: str) -> str | None:
    select = re.search(r'<select name="session".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="(\d+)"[^>]*\bselected\b', select)
    return chosen.group(1) if chosen else None


def test_the_session_page_sends_the_coordinator_to_the_queue_for_that_session(client, hki, setup):
    later, _ = setup
    page = client.get(reverse("consultations:session", kwargs={"session_id": later.pk}))
    assert f'href="{reverse("consultations:queue")}?session={later.pk}"' in page.content.decode()


def test_the_queue_and_triage_keep_the_session_and_preselect_it(client, hki, setup):
    later, waiting = setup
    queue = client.get(reverse("consultations:queue"), {"session": later.pk}).content.decode()
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    assert f'href="{triage}?session={later.pk}"' in queue
    assert "Lisäät tapauksia istuntoon" in queue

    page = client.get(triage, {"session": later.pk}).content.decode()
    assert _selected_session(page) == str(later.pk)
    place = reverse("consultations:place", kwargs={"request_id": waiting.pk})
    assert f'action="{place}?session={later.pk}"' in page
    assert f'href="{reverse("consultations:queue")}?session={later.pk}"' in page

    # Placed with the preselected choice, it lands on that session.
    response = client.post(f"{place}?session={later.pk}", {"session": later.pk, "minutes": "30"})
    assert response.status_code == 302
    assert response.url == reverse("consultations:session", kwargs={"session_id": later.pk})
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.SCHEDULED
    assert waiting.agenda_items.get().session == later


def test_without_a_session_nothing_is_preselected(client, hki, setup):
    _, waiting = setup
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    page = client.get(triage).content.decode()
    assert _selected_session(page) is None
    assert f'href="{reverse("consultations:queue")}"' in page


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "١"])
def test_a_hand_edited_session_is_ignored(client, hki, setup, value):
    _, waiting = setup
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    response = client.get(triage, {"session": value})
    assert response.status_code == 200
    assert _selected_session(response.content.decode()) is None


def test_a_session_of_a_network_the_coordinator_does_not_run_is_not_named(client, hki, setup):
    """Another organisation's session: its network and time are not the coordinator's to
    read, so the queue names nothing, as it does for a session that is gone."""
    _, waiting = setup
    foreign = NetworkFactory(name_fi="Vieras verkosto")
    theirs = make_session(foreign, foreign.created_by, place="Vieras huone")
    queue = client.get(reverse("consultations:queue"), {"session": theirs.pk}).content.decode()
    assert "Vieras verkosto" not in queue and "Lisäät tapauksia istuntoon" not in queue
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    assert f'href="{triage}"' in queue


def test_a_held_or_cancelled_session_is_not_preselected(client, hki, setup):
    later, waiting = setup
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    later.cancelled_at = timezone.now()
    later.cancellation_reason = "Puheenjohtaja sairastui."
    later.save(update_fields=["cancelled_at", "cancellation_reason"])
    assert _selected_session(client.get(triage, {"session": later.pk}).content.decode()) is None
    held = make_session(
        hki.network, hki.coordinator, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    page = client.get(triage, {"session": held.pk}).content.decode()
    assert _selected_session(page) is None


def test_triage_and_decline_return_to_the_queue_for_the_session(client, hki, setup):
    later, waiting = setup
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    response = client.post(f"{triage}?session={later.pk}", {"network": hki.network.pk})
    assert response.url == f"{triage}?session={later.pk}"
    decline = reverse("consultations:decline", kwargs={"request_id": waiting.pk})
    response = client.post(f"{decline}?session={later.pk}", {"reason": "Kuuluu muualle."})
    assert response.url == f"{reverse('consultations:queue')}?session={later.pk}"
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.DECLINED


def test_a_held_session_offers_no_adding_of_cases(client, hki):
    login(client, hki.coordinator)
    held = make_session(
        hki.network, hki.coordinator, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    page = client.get(reverse("consultations:session", kwargs={"session_id": held.pk}))
    assert "Lisää tapauksia pyyntöjonosta" not in page.content.decode()
