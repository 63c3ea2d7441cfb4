"""After a session has been held, one who took part in it as a member of the network sees
its cases named only while they are still a member: a former member (their membership
ended, months later) sees the old cases pseudonymously and no disclosure is logged. The
chair and the coordinator who ran it keep seeing it as before."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import DisclosureLogEntry
from consents.factories import ConsentFactory
from consultations import actions
from consultations.models import NetworkMember, ParticipantKind
from tests.conftest import login

NAME = "Kaarina Aurora Koivisto"
DAY = datetime.timedelta(days=1)


def _show(client, user, hki) -> str:
    client.logout()
    login(client, user)
    url = reverse(
        "consultations:case", kwargs={"session_id": hki.session.pk, "item_id": hki.item.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _end_membership(hki, user, on):
    member = NetworkMember.objects.get(network=hki.network, user=user)
    actions.end_member(member=member, ended_by=hki.coordinator, on=on)


def test_a_former_member_sees_a_held_sessions_case_pseudonymously(client, hki):
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.employment])
    assert hki.session.participants.get(user=hki.expert).kind == ParticipantKind.MEMBER
    later = hki.session.ends_at + 200 * DAY
    with time_machine.travel(later, tick=False):
        # Still a member: the held session's case shows named, as it did.
        assert NAME in _show(client, hki.expert, hki)
        assert DisclosureLogEntry.objects.filter(recipient_user=hki.expert).count() == 1
        _end_membership(hki, hki.expert, timezone.localdate())
    with time_machine.travel(later + DAY, tick=False):
        html = _show(client, hki.expert, hki)
    assert NAME not in html and "Koivisto" not in html
    assert "Näet tapauksen pseudonyyminä, koska et ole enää verkoston jäsen" in html
    assert DisclosureLogEntry.objects.filter(recipient_user=hki.expert).count() == 1


def test_the_coordinator_who_ran_it_keeps_seeing_it_named_after_leaving(client, hki):
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.sote])
    later = hki.session.ends_at + 200 * DAY
    with time_machine.travel(later, tick=False):
        _end_membership(hki, hki.coordinator, timezone.localdate())
    with time_machine.travel(later + DAY, tick=False):
        assert NAME in _show(client, hki.coordinator, hki)
