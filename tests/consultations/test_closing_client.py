"""A client relationship closes only when none of the client's consultation requests waits for
the network (clients.actions.close_client asks consultations through its on_closing
registry): the worker withdraws them first. And a closed client's request is not placed on
an agenda."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.actions import close_client
from clients.models import Client
from consultations import actions
from consultations.factories import make_request
from consultations.models import AgendaItem, ConsultationRequest, RequestStatus
from notifications.actions import complete_task
from tests.conftest import login


def close(hki):
    return close_client(
        client=hki.client, closed_by=hki.worker, closed_on=timezone.localdate(), reason="Muutti."
    )


def test_a_client_with_requests_waiting_for_the_network_is_not_closed(hki):
    asked = make_request(hki.client, hki.worker, question="Mikä tukisi opintoihin paluuta?")
    with pytest.raises(ValidationError) as error:
        close(hki)
    (message,) = error.value.messages
    assert hki.request.reference in message
    assert asked.reference in message
    assert "Peru ne ensin" in message
    assert Client.objects.get(pk=hki.client.pk).closed_on is None

    # Withdrawn, the requests hold the closing back no more.
    for request in (hki.request, asked):
        actions.withdraw_request(request=request, withdrawn_by=hki.worker, reason="Muutti pois.")
    close(hki)
    assert Client.objects.get(pk=hki.client.pk).closed_on == timezone.localdate()


def test_a_triaged_request_holds_the_closing_back_and_a_discussed_one_does_not(hki):
    ConsultationRequest.objects.filter(pk=hki.request.pk).update(status=RequestStatus.DISCUSSED)
    triaged = make_request(hki.client, hki.worker, question="Mikä tukisi opintoihin paluuta?")
    actions.triage_request(request=triaged, triaged_by=hki.coordinator, network=hki.network)
    with pytest.raises(ValidationError) as error:
        close(hki)
    (message,) = error.value.messages
    assert triaged.reference in message
    assert hki.request.reference not in message
    assert "Peru se ensin" in message

    actions.withdraw_request(request=triaged, withdrawn_by=hki.worker, reason="Muutti pois.")
    close(hki)
    assert Client.objects.get(pk=hki.client.pk).closed_on is not None


def test_the_close_page_tells_the_worker_to_withdraw_the_request_first(client, hki):
    login(client, hki.worker)
    response = client.post(
        reverse("clients:close", kwargs={"client_id": hki.client.uuid}),
        {"closed_on": timezone.localdate().isoformat(), "reason": "Muutti pois."},
    )
    assert response.status_code == 200
    assert hki.request.reference in response.content.decode()
    assert Client.objects.get(pk=hki.client.pk).closed_on is None


def test_a_closed_clients_request_is_not_placed_on_a_session(hki):
    """A request left waiting by a closing made before the check existed."""
    waiting = make_request(hki.client, hki.worker, question="Mikä tukisi opintoihin paluuta?")
    Client.objects.filter(pk=hki.client.pk).update(
        closed_on=timezone.localdate(), closure_reason="Muutti pois."
    )
    with pytest.raises(ValidationError) as error:
        actions.place_on_session(request=waiting, session=hki.session, placed_by=hki.coordinator)
    assert "Asiakkuus on päättynyt." in error.value.message_dict["session"]
    assert not AgendaItem.objects.filter(request=waiting).exists()
    assert ConsultationRequest.objects.get(pk=waiting.pk).status == RequestStatus.REQUESTED


def test_closing_the_client_settles_the_open_recommendation_tasks_for_good(hki):
    """A closed client's recommendations remind no one (consultations.reminders): their open
    tasks are checked off as settled by the closing, or they would wait overdue in the
    responsible worker's inbox for good. Reopened, the client's old recommendations stay
    settled: they are on the consultation's page, and a returning client's need is new."""
    from clients.actions import reopen_client
    from notifications.models import Task

    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=10), tick=False):
        recommendation = actions.add_recommendation(
            item=hki.item,
            recommended_by=hki.coordinator,
            text="Ohjataan työkykyselvitykseen.",
            due_date=hki.session.starts_at.date() + datetime.timedelta(days=7),
        )
        done = actions.add_recommendation(
            item=hki.item,
            recommended_by=hki.coordinator,
            text="Selvitetään Kelan kuntoutus.",
            due_date=hki.session.starts_at.date() + datetime.timedelta(days=7),
        )
        complete_task(task=done.task, by=hki.worker)
        done_at = Task.objects.get(pk=done.task_id).done_at
        other = Task.objects.create(
            assignee=hki.worker, kind="consultations.recommendation", title="Toisen asiakkaan"
        )
        ConsultationRequest.objects.filter(client=hki.client).update(status=RequestStatus.DISCUSSED)

        close(hki)

        task = Task.objects.get(pk=recommendation.task_id)
        assert not task.is_open and task.done_by == hki.worker
        assert Task.objects.get(pk=done.task_id).done_at == done_at
        other.refresh_from_db()
        assert other.is_open
        reopen_client(client=hki.client, reopened_by=hki.worker)
        assert not Task.objects.get(pk=recommendation.task_id).is_open
