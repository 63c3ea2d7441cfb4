"""The worker who brings a case takes part in its session: placing the request invites the
one who asked and the client's responsible worker as presenters (e-mail with .ics, no
client names; the session's page; the reminder), taking it off the agenda takes them off
with their last case, and a presenter busy in another session at the time is refused
next to the session field, not with a server error."""

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

from clients.factories import add_member
from clients.models import CareTeamMembership, TeamRole
from consultations import actions, reminders
from consultations.actions import sessions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    add_presenter,
    make_request,
    make_session,
)
from consultations.models import (
    PARTICIPANT_NOT_DOUBLE_BOOKED,
    AgendaItem,
    ParticipantKind,
    SessionParticipant,
)
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login
from tests.consultations.conftest import BIRTH, IDENTITY_CODE

DAY = datetime.timedelta(days=1)


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
def session(hki):
    """A session of the network a fortnight later, with nothing on its agenda."""
    return make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert, hki.kela_liaison],
        starts_at=hki.session.starts_at + 14 * DAY,
        video_link="https://video.example.fi/tyokyky",
    )


def place(hki, session, request):
    return actions.place_on_session(request=request, session=session, placed_by=hki.coordinator)


def taking_part(session) -> dict:
    return {
        p.user_id: (p.kind, p.organisation_id)
        for p in session.participants.current().order_by("pk")
    }


def calendar_of(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return icalendar.Calendar.from_ical(attachment[1])


def everything_in(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _type in message.alternatives]
    parts += [str(content) for _name, content, _type in message.attachments]
    return "\n".join(parts).lower()


def client_identifiers(hki) -> list[str]:
    client = hki.client
    return [
        *client.first_names.split(),
        client.last_name,
        client.calling_name,
        IDENTITY_CODE,
        BIRTH.strftime("%d.%m.%Y"),
        f"{BIRTH.day}.{BIRTH.month}.{BIRTH.year}",
    ]


# Placing invites


def test_placing_a_request_invites_its_asker_as_presenter(hki, session, now):
    request = make_request(hki.client, hki.worker)
    now(lambda: place(hki, session, request))

    assert taking_part(session)[hki.worker.pk] == (ParticipantKind.PRESENTER, hki.sote.pk)
    participant = session.participants.current().get(user=hki.worker)
    assert participant.invited_by == hki.coordinator
    assert participant.get_kind_display() == "Tapauksen esittelijä"
    (invitation,) = [m for m in mail.outbox if m.to == [hki.worker.email]]
    calendar = calendar_of(invitation)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    attendees = [str(a).removeprefix("mailto:") for a in event["ATTENDEE"]]
    assert hki.worker.email in attendees
    assert request.reference in invitation.body
    text = everything_in(invitation)
    for identifier in client_identifiers(hki):
        assert identifier.lower() not in text, identifier
    # Everyone else gets the updated invitation naming the presenter among the attendees.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison, hki.worker)
    )


def test_a_team_member_asking_on_behalf_brings_the_responsible_worker_too(hki, session, now):
    request = make_request(hki.client, hki.coach)
    now(lambda: place(hki, session, request))
    presenters = {
        user_id: organisation
        for user_id, (kind, organisation) in taking_part(session).items()
        if kind == ParticipantKind.PRESENTER
    }
    assert presenters == {hki.coach.pk: hki.sote.pk, hki.worker.pk: hki.sote.pk}
    assert {m.to[0] for m in mail.outbox} >= {hki.coach.email, hki.worker.email}


def test_someone_taking_part_already_is_not_invited_twice(hki, session, now):
    """The coordinator asks about a client of their own team (as work pair): they take part
    as a member already, and stay one."""
    add_member(hki.client, hki.coordinator, TeamRole.WORK_PAIR)
    add_presenter(session, hki.worker)
    request = make_request(hki.client, hki.coordinator)
    now(lambda: place(hki, session, request))
    assert session.participants.filter(user=hki.coordinator).count() == 1
    assert taking_part(session)[hki.coordinator.pk][0] == ParticipantKind.MEMBER
    assert session.participants.filter(user=hki.worker).count() == 1


def test_an_asker_no_longer_on_the_team_is_not_invited(hki, session, now):
    request = make_request(hki.client, hki.coach)
    CareTeamMembership.objects.filter(client=hki.client, user=hki.coach).update(
        ended_on=timezone.localdate()
    )
    now(lambda: place(hki, session, request))
    people = taking_part(session)
    assert hki.coach.pk not in people
    assert people[hki.worker.pk][0] == ParticipantKind.PRESENTER


def test_a_member_of_the_network_presents_for_their_nominating_organisation(hki, session, now):
    """As invite_guest has a member take part: for the organisation that nominated them."""
    add_network_member(hki.network, hki.worker, organisation=hki.employment, expertise="Sote")
    now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    participant = session.participants.current().get(user=hki.worker)
    assert (participant.kind, participant.organisation, participant.expertise) == (
        ParticipantKind.PRESENTER,
        hki.employment,
        "Sote",
    )


# What the presenter sees


def test_the_presenter_opens_the_session_and_the_request_page_shows_where(
    client, hki, session, now
):
    request = make_request(hki.client, hki.worker)
    login(client, hki.worker)
    session_url = reverse("consultations:session", kwargs={"session_id": session.pk})
    request_url = reverse(
        "consultations:request_detail",
        kwargs={"client_id": hki.client.uuid, "request_id": request.pk},
    )
    assert client.get(session_url).status_code == 404

    item = now(lambda: place(hki, session, request))

    page = client.get(session_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert request.reference in html and "Tapauksen esittelijä" in html
    case_url = reverse("consultations:case", kwargs={"session_id": session.pk, "item_id": item.pk})
    assert client.get(case_url).status_code == 200
    html = client.get(request_url).content.decode()
    assert session.place in html and session.video_link in html
    assert f'href="{session_url}"' in html
    # A team member who does not take part sees where, but gets no link to the session.
    client.logout()
    login(client, hki.coach)
    html = client.get(request_url).content.decode()
    assert session.place in html and f'href="{session_url}"' not in html
    assert client.get(session_url).status_code == 404


def test_the_presenter_is_reminded_the_day_before(hki, session, now):
    now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    day_before = timezone.localdate(session.starts_at) - DAY
    specs = [
        s for s in reminders.consultation_tomorrow(day_before, 10) if s.object_id == session.pk
    ]
    assert hki.worker.pk in {s.recipient_id for s in specs}


# Taking the case off the agenda


def test_removing_the_case_from_the_agenda_uninvites_the_presenter(hki, session, now):
    request = make_request(hki.client, hki.worker)
    item = now(lambda: place(hki, session, request))
    item.session = session
    session.refresh_from_db()
    placed_at = session.sequence
    mail.outbox.clear()

    now(lambda: actions.remove_from_agenda(item=item, removed_by=hki.coordinator))

    participant = session.participants.get(user=hki.worker)
    assert participant.removed_at is not None
    session.refresh_from_db()
    assert session.sequence == placed_at + 1
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted(
        u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison, hki.worker)
    )
    cancel = by_recipient[hki.worker.email]
    assert calendar_of(cancel)["METHOD"] == "CANCEL"
    assert cancel.subject.startswith("Kutsu peruttu: tapauskonsultaatio")
    (event,) = calendar_of(cancel).walk("VEVENT")
    assert event["SEQUENCE"] == placed_at + 1
    for address in (hki.coordinator.email, hki.expert.email):
        assert calendar_of(by_recipient[address])["METHOD"] == "REQUEST"


def test_a_presenter_with_another_case_on_the_session_stays(hki, session, now):
    first = now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    first.session = session
    mail.outbox.clear()
    now(lambda: actions.remove_from_agenda(item=first, removed_by=hki.coordinator))
    assert taking_part(session)[hki.worker.pk][0] == ParticipantKind.PRESENTER
    assert all(calendar_of(m)["METHOD"] == "REQUEST" for m in mail.outbox)


def test_only_presenters_leave_with_their_case(hki, session, now):
    """A member who asked stays a member; so does the coordinator."""
    add_member(hki.client, hki.expert, TeamRole.OTHER)
    item = now(lambda: place(hki, session, make_request(hki.client, hki.expert)))
    item.session = session
    now(lambda: actions.remove_from_agenda(item=item, removed_by=hki.coordinator))
    people = taking_part(session)
    assert people[hki.expert.pk][0] == ParticipantKind.MEMBER
    assert hki.worker.pk not in people  # the responsible worker presented, and left


def test_after_the_session_the_presenter_stays_on_record(hki, session, now):
    """Who took part in a held session stays as it was (remove_participant refuses it)."""
    item = now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    item.session = session
    session.refresh_from_db()
    placed_at = session.sequence
    mail.outbox.clear()
    with time_machine.travel(session.ends_at + datetime.timedelta(hours=1), tick=False):
        request = now(lambda: actions.remove_from_agenda(item=item, removed_by=hki.coordinator))
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert request.status == "triaged"  # to be placed on another session
    assert taking_part(session)[hki.worker.pk][0] == ParticipantKind.PRESENTER
    # No one is sent an updated invitation to a session that is over.
    session.refresh_from_db()
    assert session.sequence == placed_at
    assert mail.outbox == []


def test_a_case_taken_off_a_session_under_way_sends_no_invitations(hki, session, now):
    item = now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    item.session = session
    session.refresh_from_db()
    placed_at = session.sequence
    mail.outbox.clear()
    with time_machine.travel(session.starts_at + datetime.timedelta(minutes=5), tick=False):
        now(lambda: actions.remove_from_agenda(item=item, removed_by=hki.coordinator))
    session.refresh_from_db()
    assert session.sequence == placed_at
    assert mail.outbox == []
    assert taking_part(session)[hki.worker.pk][0] == ParticipantKind.PRESENTER


def test_cancelling_the_session_reaches_the_presenter(hki, session, now):
    now(lambda: place(hki, session, make_request(hki.client, hki.worker)))
    mail.outbox.clear()
    now(
        lambda: actions.cancel_session(
            session=session, cancelled_by=hki.coordinator, reason="Puheenjohtaja sairastui"
        )
    )
    (cancel,) = [m for m in mail.outbox if m.to == [hki.worker.email]]
    assert calendar_of(cancel)["METHOD"] == "CANCEL"
    assert cancel.subject.startswith("Peruttu: tapauskonsultaatio")


# Double booking


@pytest.fixture
def busy_worker(hki, session):
    """The responsible worker takes part in another network's session overlapping `session`."""
    other = NetworkFactory(
        name_fi="Asumisen tuen verkosto", convening_organisation=hki.sote, created_by=hki.nurse
    )
    return make_session(
        other,
        hki.nurse,
        participants=[hki.worker],
        starts_at=session.starts_at + datetime.timedelta(minutes=30),
        minutes=60,
    )


def test_placing_a_case_whose_presenter_is_busy_is_refused_next_to_the_session(
    client, hki, session, busy_worker, django_capture_on_commit_callbacks
):
    request = make_request(hki.client, hki.worker)
    login(client, hki.coordinator)
    url = reverse("consultations:place", kwargs={"request_id": request.pk})
    with (
        mock.patch.object(send_invitations_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, {"session": session.pk, "minutes": "30"})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "session") == (
        "Tapauksen esittelijä on samaan aikaan toisessa istunnossa: Sanna Sosiaali. "
        "Valitse toinen istunto."
    )
    delay.assert_not_called()
    request.refresh_from_db()
    session.refresh_from_db()
    assert request.status == "requested" and not request.agenda_items.exists()
    assert session.sequence == 0
    assert not session.participants.filter(user=hki.worker).exists()


def test_a_presenters_double_booking_past_the_check_is_refused_by_the_database(
    hki, session, busy_worker
):
    """Were the check to miss it, the database refuses the participation and the action
    still answers with a ValidationError, not a server error."""
    request = make_request(hki.client, hki.worker)
    with (
        mock.patch.object(sessions, "_busy_people", return_value=[]),
        pytest.raises(ValidationError) as error,
    ):
        place(hki, session, request)
    assert error.value.messages == [
        "Joku kutsutuista on samaan aikaan toisessa istunnossa. Tarkista ajat ja yritä uudelleen."
    ]
    assert not request.agenda_items.exists()


def test_the_database_refuses_a_presenter_in_two_sessions_at_once(hki, session, busy_worker):
    with (
        pytest.raises(IntegrityError, match=PARTICIPANT_NOT_DOUBLE_BOOKED),
        transaction.atomic(),
    ):
        SessionParticipant.objects.create(
            session=session,
            user=hki.worker,
            organisation=hki.sote,
            kind=ParticipantKind.PRESENTER,
            invited_by=hki.coordinator,
        )
