"""A work-pair offer is a pending care-team membership: when that membership is ended on
the team (clients' end_membership, by the responsible worker, or by the coordinator taking
their offer back), the offer ends with it, not accepted, and its task is checked off, so it
no longer waits for an answer that can no longer be given."""

import datetime

import pytest
import time_machine

from clients.actions import end_membership
from consultations import actions
from notifications.models import Task


@pytest.fixture
def during(hki):
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=10), tick=False):
        yield


@pytest.mark.parametrize("ender", ["worker", "coordinator"])
def test_ending_the_pending_membership_ends_the_offer_and_its_task(hki, during, ender):
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    by = getattr(hki, ender)

    end_membership(membership=pending.membership, ended_by=by)

    pending.refresh_from_db()
    assert pending.accepted is False
    assert pending.decided_by == by and pending.decided_at is not None
    task = Task.objects.get(pk=pending.task_id)
    assert task.done_at is not None and task.done_by == by
    # Nothing waits any more: the coordinator may offer again.
    again = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    assert again.pk != pending.pk and again.is_pending


def test_an_accepted_offers_membership_ended_later_keeps_the_offer_accepted(hki, during):
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    accepted = actions.accept_work_pair(offer=pending, accepted_by=hki.worker)

    end_membership(membership=accepted.membership, ended_by=hki.worker)

    accepted.refresh_from_db()
    assert accepted.accepted is True and accepted.decided_by == hki.worker


def test_closing_the_client_ends_a_pending_offer_and_its_task(hki, during):
    from django.utils import timezone

    from clients.actions import close_client
    from clients.models import Client
    from consultations.models import ConsultationRequest, RequestStatus

    # Discussed: nothing waits for the network, so the relationship may close.
    ConsultationRequest.objects.filter(pk=hki.request.pk).update(status=RequestStatus.DISCUSSED)
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    Client.objects.filter(pk=hki.client.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )

    close_client(
        client=Client.objects.get(pk=hki.client.pk),
        closed_by=hki.worker,
        closed_on=timezone.localdate(),
        reason="Asiakas muutti pois",
    )

    pending.refresh_from_db()
    pending.membership.refresh_from_db()
    assert pending.membership.ended_on is not None
    assert pending.accepted is False and pending.decided_by == hki.worker
    task = Task.objects.get(pk=pending.task_id)
    assert task.done_at is not None and task.done_by == hki.worker
