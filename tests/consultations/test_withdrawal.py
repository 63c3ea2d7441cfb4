"""The one who asked (or the client's responsible worker) withdraws a request the network has
not discussed yet, with a short reason: it leaves the coordinator's queue, or the agenda
with its presenter, and is logged; once discussed, or once its session has started, it
stays."""

import datetime
from unittest import mock

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.models import CareTeamMembership
from consultations import actions
from consultations.factories import make_request, make_session
from consultations.models import ConsultationRequest, ParticipantKind, RequestStatus
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login

REASON = "Lähetetty vahingossa väärälle verkostolle."


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """now(action): runs the action, commits, and runs the invitation tasks it enqueued."""

    def run(action):
        with (
            mock.patch.object(
                send_invitations_task, "delay", side_effect=send_invitations_task.run
            ),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return action()

    return run


@pytest.fixture
def waiting(hki):
    return make_request(hki.client, hki.worker, preferred_network=hki.network)


def withdraw_url(request) -> str:
    return reverse(
        "consultations:request_withdraw",
        kwargs={"client_id": request.client.uuid, "request_id": request.pk},
    )


def detail_url(request) -> str:
    return reverse(
        "consultations:request_detail",
        kwargs={"client_id": request.client.uuid, "request_id": request.pk},
    )


def withdraw(hki, request, user=None, reason=REASON):
    return actions.withdraw_request(request=request, withdrawn_by=user or hki.worker, reason=reason)


def calendar_of(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return icalendar.Calendar.from_ical(attachment[1])


# Who, and what follows


def test_the_asker_withdraws_a_waiting_request_and_it_leaves_the_queue(client, hki, waiting):
    login(client, hki.worker)
    page = client.get(detail_url(waiting)).content.decode()
    assert withdraw_url(waiting) in page

    response = client.post(withdraw_url(waiting), {"reason": REASON})

    assert response.status_code == 302 and response.url == detail_url(waiting)
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.WITHDRAWN
    assert (waiting.withdraw_reason, waiting.withdrawn_by) == (REASON, hki.worker)
    assert waiting.withdrawn_at is not None
    entry = AccessLogEntry.objects.get(action="consultations.request.withdrawn")
    assert (entry.actor_id, entry.client_id, entry.basis, entry.detail) == (
        hki.worker.pk,
        hki.client.uuid,
        "care_team",
        waiting.reference,
    )
    page = client.get(detail_url(waiting)).content.decode()
    assert "Pyyntö peruttu" in page and REASON in page
    assert withdraw_url(waiting) not in page  # nothing left to withdraw

    client.logout()
    login(client, hki.coordinator)
    queue = client.get(reverse("consultations:queue")).content.decode()
    assert waiting.reference not in queue
    assert not ConsultationRequest.objects.in_queue_of(hki.coordinator).open().exists()
    triage = client.get(reverse("consultations:triage", kwargs={"request_id": waiting.pk}))
    html = triage.content.decode()
    assert "Pyyntö peruttu" in html and "Sanna Sosiaali perui pyynnön" in html
    assert reverse("consultations:place", kwargs={"request_id": waiting.pk}) not in html


def test_the_responsible_worker_withdraws_what_a_team_member_asked_on_their_behalf(client, hki):
    request = make_request(hki.client, hki.coach)
    login(client, hki.worker)
    assert client.post(withdraw_url(request), {"reason": REASON}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN and request.withdrawn_by == hki.worker


def test_the_team_member_who_asked_withdraws_it_too(client, hki):
    request = make_request(hki.client, hki.coach)
    login(client, hki.coach)
    assert client.post(withdraw_url(request), {"reason": REASON}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_another_team_member_may_not_withdraw(client, hki, waiting):
    """The coach sees the request (403, not 404) but did not ask it."""
    login(client, hki.coach)
    page = client.get(detail_url(waiting)).content.decode()
    assert withdraw_url(waiting) not in page
    assert client.post(withdraw_url(waiting), {"reason": REASON}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED


def test_an_asker_who_has_left_the_team_may_not_withdraw(client, hki):
    request = make_request(hki.client, hki.coach)
    CareTeamMembership.objects.filter(client=hki.client, user=hki.coach).update(
        ended_on=timezone.localdate()
    )
    login(client, hki.coach)
    assert client.post(withdraw_url(request), {"reason": REASON}).status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED


# The reason


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Tämä kenttä vaaditaan."),
        ("   ", "Tämä kenttä vaaditaan."),
        (
            "Kaarina Koivisto ei halua",
            "Tekstissä on tunnistetietoja: asiakkaan nimi (Kaarina, Koivisto). "
            "Kirjoita se niin, ettei asiakasta voi tunnistaa.",
        ),
        ("x" * 301, "Tämän arvon tulee olla enintään 300 merkkiä pitkä (tällä hetkellä 301)."),
    ],
)
def test_a_missing_or_identifying_reason_is_refused_next_to_it(client, hki, waiting, reason, error):
    login(client, hki.worker)
    response = client.post(withdraw_url(waiting), {"reason": reason})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "reason") == error
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.REQUESTED and waiting.withdraw_reason == ""
    assert not AccessLogEntry.objects.filter(action="consultations.request.withdrawn").exists()
    # The page shown again with the client's data writes its read row, as its GET does.
    assert list(AccessLogEntry.objects.values_list("action", "client_id", "actor_id")) == [
        ("consultations.request.viewed", hki.client.uuid, hki.worker.pk)
    ]


def test_the_action_requires_a_reason(hki, waiting):
    with pytest.raises(ValidationError) as error:
        withdraw(hki, waiting, reason="  ")
    assert error.value.message_dict == {"reason": ["Kirjaa lyhyesti, miksi perut pyynnön."]}


def test_the_database_requires_the_reason_and_who_withdrew(hki, waiting):
    incomplete = [
        {"withdrawn_at": timezone.now(), "withdrawn_by": hki.worker},
        {"withdraw_reason": REASON, "withdrawn_by": hki.worker},
        {"withdraw_reason": REASON, "withdrawn_at": timezone.now()},
    ]
    for fields in incomplete:
        with (
            pytest.raises(IntegrityError, match="request_withdrawn_has_reason"),
            transaction.atomic(),
        ):
            ConsultationRequest.objects.filter(pk=waiting.pk).update(status="withdrawn", **fields)
    ConsultationRequest.objects.filter(pk=waiting.pk).update(
        status="withdrawn",
        withdraw_reason=REASON,
        withdrawn_at=timezone.now(),
        withdrawn_by=hki.worker,
    )


# When


def test_a_triaged_request_may_be_withdrawn(hki, waiting):
    actions.triage_request(request=waiting, triaged_by=hki.coordinator, network=hki.network)
    assert withdraw(hki, waiting).status == RequestStatus.WITHDRAWN


def test_a_scheduled_request_leaves_the_agenda_and_its_presenter_the_session(hki, waiting, now):
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert, hki.kela_liaison],
        starts_at=hki.session.starts_at + datetime.timedelta(days=14),
    )
    now(
        lambda: actions.place_on_session(
            request=waiting, session=session, placed_by=hki.coordinator
        )
    )
    assert session.participants.current().filter(user=hki.worker).exists()
    session.refresh_from_db()
    placed_at = session.sequence
    mail.outbox.clear()

    now(lambda: withdraw(hki, waiting))

    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.WITHDRAWN and not waiting.agenda_items.exists()
    assert not session.participants.current().filter(user=hki.worker).exists()
    session.refresh_from_db()
    assert session.sequence == placed_at + 1
    methods = {m.to[0]: calendar_of(m)["METHOD"] for m in mail.outbox}
    assert methods == {
        hki.worker.email: "CANCEL",
        hki.coordinator.email: "REQUEST",
        hki.expert.email: "REQUEST",
        hki.kela_liaison.email: "REQUEST",
    }
    assert all(waiting.reference not in m.body for m in mail.outbox)
    assert AccessLogEntry.objects.filter(action="consultations.request.withdrawn").count() == 1


def test_a_discussed_request_is_not_withdrawn(client, hki):
    """hki.request is on the session; once its minutes are recorded it has been discussed."""
    item = hki.item
    item.session = hki.session
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=10)):
        actions.record_minutes(item=item, recorded_by=hki.coordinator, minutes="Käytiin läpi.")
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.DISCUSSED
    login(client, hki.worker)
    assert withdraw_url(hki.request) not in client.get(detail_url(hki.request)).content.decode()
    response = client.post(withdraw_url(hki.request), {"reason": REASON})
    assert response.status_code == 400
    assert "Käsiteltyä, päättynyttä tai hylättyä pyyntöä ei voi perua." in (
        response.content.decode()
    )
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.DISCUSSED and hki.request.agenda_items.exists()
    with pytest.raises(ValidationError, match="ei voi perua"):
        withdraw(hki, hki.request)


@pytest.mark.parametrize("status", ["closed", "declined"])
def test_a_closed_or_declined_request_is_not_withdrawn(hki, status):
    extra = {"declined_at": timezone.now(), "decline_reason": "Muu verkosto."}
    request = make_request(hki.client, hki.worker, network=hki.network, status=status, **extra)
    with pytest.raises(ValidationError) as error:
        withdraw(hki, request)
    assert error.value.messages == ["Käsiteltyä, päättynyttä tai hylättyä pyyntöä ei voi perua."]


def test_a_case_whose_session_has_started_is_not_withdrawn(hki):
    with (
        time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=1)),
        pytest.raises(ValidationError) as error,
    ):
        withdraw(hki, hki.request)
    assert error.value.messages == [
        "Istunto on jo alkanut, joten pyyntöä ei voi enää perua. Pyydä koordinaattoria "
        "poistamaan tapaus esityslistalta."
    ]
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.SCHEDULED and hki.request.agenda_items.exists()


def test_withdrawing_twice_is_refused_and_the_first_reason_stays(hki, waiting):
    withdraw(hki, waiting)
    with pytest.raises(ValidationError) as error:
        withdraw(hki, waiting, reason="Toinen syy.")
    assert error.value.messages == ["Pyyntö on jo peruttu."]
    waiting.refresh_from_db()
    assert waiting.withdraw_reason == REASON


# What the coordinator can do with it afterwards


def test_the_coordinator_can_no_longer_triage_place_or_decline_it(hki, waiting):
    withdraw(hki, waiting)
    message = "Pyytäjä on perunut pyynnön."
    with pytest.raises(ValidationError, match=message):
        actions.triage_request(request=waiting, triaged_by=hki.coordinator, network=hki.network)
    with pytest.raises(ValidationError, match=message):
        actions.decline_request(request=waiting, declined_by=hki.coordinator, reason="Ei.")
    with pytest.raises(ValidationError) as error:
        actions.place_on_session(request=waiting, session=hki.session, placed_by=hki.coordinator)
    assert error.value.message_dict == {"session": [message]}
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.WITHDRAWN


def test_the_same_question_may_be_asked_again_after_withdrawing(hki):
    texts = {
        "question": "Mitä tukea asumisen muutokseen on tarjolla?",
        "background": "Vuokra-asunto vaihtuu keväällä.",
        "tried_so_far": "Asumisneuvonta.",
        "pseudonymous_summary": "Asiakkaan asunto vaihtuu.",
    }
    first = actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)
    with pytest.raises(ValidationError, match="odottaa jo verkoston käsittelyä"):
        actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)
    withdraw(hki, first)
    again = actions.ask_for_consultation(client=hki.client, asked_by=hki.worker, **texts)
    assert again.status == RequestStatus.REQUESTED and again.pk != first.pk


def test_the_workers_list_counts_a_withdrawn_request_as_no_longer_open(client, hki, waiting):
    login(client, hki.worker)
    before = client.get(reverse("consultations:index")).context["my_open_requests"]
    withdraw(hki, waiting)
    after = client.get(reverse("consultations:index")).context["my_open_requests"]
    assert after == before - 1
    page = client.get(reverse("consultations:my_requests")).content.decode()
    assert waiting.reference in page and "Pyyntö peruttu" in page


def test_a_presenter_with_another_case_on_the_session_stays_after_a_withdrawal(hki, waiting, now):
    """The presenter kind is the only one a withdrawal takes off."""
    now(
        lambda: actions.place_on_session(
            request=waiting, session=hki.session, placed_by=hki.coordinator
        )
    )
    kinds = dict(hki.session.participants.current().values_list("user_id", "kind"))
    assert kinds[hki.worker.pk] == ParticipantKind.PRESENTER
    # hki.request (also the worker's) stays on the agenda: the worker still presents it.
    now(lambda: withdraw(hki, waiting))
    assert hki.session.participants.current().filter(user=hki.worker).exists()
