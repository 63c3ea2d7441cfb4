"""A work-pair offer made at the moment the consultation is closed does not land on the
closed consultation: the offer reads the status under the request's row lock, which
close_request holds until it commits."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from clients.models import CareTeamMembership
from consultations import actions
from consultations.models import ConsultationRequest, RequestStatus, WorkPairOffer
from notifications.models import Task
from tests.transfers import waiting_on_a_lock


@pytest.mark.django_db(transaction=True)
def test_an_offer_while_the_close_commits_waits_and_is_refused(hki):
    ConsultationRequest.objects.filter(pk=hki.request.pk).update(status=RequestStatus.DISCUSSED)
    # The coordinator's page read the request before the close: discussed, offerable.
    seen = ConsultationRequest.objects.select_related("client").get(pk=hki.request.pk)
    outcome, errors = [], []

    def offer():
        try:
            outcome.append(actions.offer_work_pair(request=seen, offered_by=hki.coordinator))
        except ValidationError as error:
            outcome.append(error)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=offer)
    with transaction.atomic():
        actions.close_request(request=hki.request, closed_by=hki.coordinator)
        thread.start()
        # The offer must wait for the close's lock on the request, not read past it.
        waited = 0
        deadline = time.monotonic() + 10
        while not waited and thread.is_alive() and time.monotonic() < deadline:
            waited = waiting_on_a_lock()
            time.sleep(0.02)
    thread.join(timeout=10)

    assert errors == []
    assert waited > 0
    (refusal,) = outcome
    assert isinstance(refusal, ValidationError)
    assert refusal.messages == ["Konsultaatio on päättynyt."]
    assert ConsultationRequest.objects.get(pk=hki.request.pk).status == RequestStatus.CLOSED
    assert not WorkPairOffer.objects.exists()
    assert not CareTeamMembership.objects.filter(user=hki.coordinator).exists()
    assert not Task.objects.filter(kind="consultations.work_pair_offer").exists()
