"""A work-pair offer made at the moment the consultation is closed does not land on the
closed consultation: the offer reads the status under the request's row lock, which
close_request holds until it commits."""

import pytest
from django.core.exceptions import ValidationError

from clients.models import CareTeamMembership
from consultations import actions
from consultations.models import ConsultationRequest, RequestStatus, WorkPairOffer
from notifications.models import Task
from tests.transfers import while_holding


@pytest.mark.django_db(transaction=True)
def test_an_offer_while_the_close_commits_waits_and_is_refused(hki):
    ConsultationRequest.objects.filter(pk=hki.request.pk).update(status=RequestStatus.DISCUSSED)
    # The coordinator's page read the request before the close: discussed, offerable.
    seen = ConsultationRequest.objects.select_related("client").get(pk=hki.request.pk)
    # The offer must wait for the close's lock on the request, not read past it.
    refusal, waited = while_holding(
        lambda: actions.close_request(request=hki.request, closed_by=hki.coordinator),
        lambda: actions.offer_work_pair(request=seen, offered_by=hki.coordinator),
        expected=ValidationError,
    )
    assert waited > 0
    assert isinstance(refusal, ValidationError)
    assert refusal.messages == ["Konsultaatio on päättynyt."]
    assert ConsultationRequest.objects.get(pk=hki.request.pk).status == RequestStatus.CLOSED
    assert not WorkPairOffer.objects.exists()
    assert not CareTeamMembership.objects.filter(user=hki.coordinator).exists()
    assert not Task.objects.filter(kind="consultations.work_pair_offer").exists()
