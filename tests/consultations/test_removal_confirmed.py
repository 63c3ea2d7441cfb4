"""Taking a participant or a case off a session e-mails people (a cancellation, an updated
invitation): the session page's button brings a page that asks first, and only the
confirmation removes."""

from unittest import mock

import pytest
from django.urls import reverse

from consultations.models import AgendaItem
from consultations.tasks import send_invitations_task
from tests.conftest import login


@pytest.fixture
def sent():
    with mock.patch.object(send_invitations_task, "delay") as delay:
        yield delay


def test_removing_a_participant_asks_first(client, hki, sent, django_capture_on_commit_callbacks):
    participant = hki.session.participants.get(user=hki.expert)
    url = reverse("consultations:participant_remove", args=[hki.session.pk, participant.pk])
    login(client, hki.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Poistetaanko osallistuja?" in page
    assert hki.expert.get_full_name() in page
    assert 'name="confirmed" value="1"' in page
    assert reverse("consultations:session", args=[hki.session.pk]) in page  # "Peruuta"
    participant.refresh_from_db()
    assert participant.removed_at is None
    assert not sent.called

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(url, {"confirmed": "1"})
    assert removed.status_code == 302
    participant.refresh_from_db()
    assert participant.removed_at is not None
    assert sent.called


def test_removing_a_case_from_the_agenda_asks_first(client, hki, sent):
    url = reverse("consultations:agenda_remove", args=[hki.session.pk, hki.item.pk])
    login(client, hki.coordinator)
    asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Poistetaanko tapaus esityslistalta?" in page
    assert hki.item.request.reference in page
    assert hki.client.last_name not in page  # a case reference, never the client
    assert AgendaItem.objects.filter(pk=hki.item.pk).exists()

    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not AgendaItem.objects.filter(pk=hki.item.pk).exists()
