"""A client relationship closes only when none of the client's consultation requests waits for
the network (clients.actions.close_client asks consultations through its on_closing
registry): the worker withdraws them first. And a closed client's request is not placed on
an agenda."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.actions import close_client
from clients.models import Client
from consultations import actions
from consultations.factories import make_request
from consultations.models import AgendaItem, ConsultationRequest, RequestStatus
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
