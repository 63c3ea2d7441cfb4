"""Invitations by e-mail with an iCalendar attachment, sent by Celery after commit, and the
private calendar feed: METHOD, a stable UID, a growing SEQUENCE, Helsinki time, and
never a client's name or identity code."""

import datetime
import importlib
import logging
import smtplib
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.factories import ClientFactory
from consultations import actions
from consultations.factories import make_request, put_on_agenda
from consultations.ics import HELSINKI
from consultations.invitations import send_invitations, sent_key
from consultations.models import CalendarFeedToken, Network, Session
from consultations.tasks import send_invitations_task
from tests.conftest import login
from tests.consultations.conftest import BIRTH, IDENTITY_CODE


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """now(action): runs the action, commits, and runs the tasks it enqueued on commit, as a
    Celery worker would right after."""

    def run(action):
        with (
            mock.patch.object(
                send_invitations_task, "delay", side_effect=send_invitations_task.run
            ),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return action()

    return run


def calendar_of(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    assert attachment[2].startswith("text/calendar")
    return icalendar.Calendar.from_ical(attachment[1])


def event_of(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def attendees_of(event) -> list[str]:
    value = event.get("ATTENDEE", [])
    return sorted(
        str(a).removeprefix("mailto:") for a in (value if isinstance(value, list) else [value])
    )


def ics_lines(message, name: str) -> list[str]:
    """The attachment's unfolded content lines that start with the property name."""
    (content,) = [a[1] for a in message.attachments if a[0].endswith(".ics")]
    unfolded = content.replace("\r\n ", "").replace("\n ", "")
    return [line for line in unfolded.splitlines() if line.split(":")[0].split(";")[0] == name]


def everything_in(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _type in message.alternatives]
    parts += [str(content) for _name, content, _type in message.attachments]
    return "\n".join(parts)


def schedule(hki, **overrides):
    fields = {
        "network": hki.network,
        "scheduled_by": hki.coordinator,
        "starts_at": hki.session.starts_at + datetime.timedelta(days=14),
        "duration_minutes": 90,
        "chair": hki.coordinator,
        "place": "Terveys- ja hyvinvointikeskus, neuvotteluhuone 3",
        "video_link": "https://video.example.fi/tyokyky",
    }
    return actions.schedule_session(**{**fields, **overrides})


def test_the_task_has_an_explicit_name():
    assert send_invitations_task.name == "consultations.send_invitations_task"


def test_scheduling_enqueues_the_invitations_only_after_commit(
    hki, django_capture_on_commit_callbacks
):
    with mock.patch.object(send_invitations_task, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            session = schedule(hki)
            delay.assert_not_called()
        assert len(callbacks) == 1
        callbacks[0]()
    expected = sorted([hki.coordinator.pk, hki.expert.pk, hki.kela_liaison.pk])
    delay.assert_called_once_with(session.pk, expected, "REQUEST")
    assert mail.outbox == []


def test_a_rolled_back_scheduling_sends_nothing(hki, django_capture_on_commit_callbacks):
    with (
        mock.patch.object(send_invitations_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        schedule(hki)
        raise RuntimeError("rolled back")
    assert callbacks == []
    delay.assert_not_called()


def test_each_participant_gets_an_invitation_that_parses(hki, now):
    session = now(lambda: schedule(hki))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison)
    )
    message = mail.outbox[0]
    assert message.subject.startswith("Kutsu: tapauskonsultaatio – Työkyvyn tuen verkosto")
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert timezone_component["TZID"] == "Europe/Helsinki"
    event = event_of(calendar)
    assert str(event["UID"]) == f"{session.uid}@polku"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert event["DTSTART"].dt == session.starts_at
    assert event["DTEND"].dt == session.ends_at
    assert "DTSTART;TZID=Europe/Helsinki:" in message.attachments[0][1]
    assert "neuvotteluhuone 3" in str(event["LOCATION"])
    assert str(event["URL"]) == f"https://polku.example.fi/consultations/sessions/{session.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_change_increments_the_sequence_and_keeps_the_uid(hki, now):
    session = now(lambda: schedule(hki))
    mail.outbox.clear()
    now(
        lambda: actions.change_session(
            session=session,
            changed_by=hki.coordinator,
            starts_at=session.starts_at + datetime.timedelta(hours=1),
            duration_minutes=90,
            chair=hki.coordinator,
            place="Toinen huone",
        )
    )
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.subject.startswith("Päivitetty kutsu")
    event = event_of(calendar_of(message))
    assert str(event["UID"]) == f"{session.uid}@polku"
    assert event["SEQUENCE"] == 1
    assert str(event["LOCATION"]) == "Toinen huone"
    mail.outbox.clear()
    now(
        lambda: actions.place_on_session(
            request=make_request(hki.client, hki.worker), session=session, placed_by=hki.coordinator
        )
    )
    assert event_of(calendar_of(mail.outbox[0]))["SEQUENCE"] == 2


def test_an_unchanged_save_sends_nothing(hki, now):
    session = now(lambda: schedule(hki))
    mail.outbox.clear()
    now(
        lambda: actions.change_session(
            session=session,
            changed_by=hki.coordinator,
            starts_at=session.starts_at,
            duration_minutes=90,
            chair=hki.coordinator,
            place=session.place,
            video_link=session.video_link,
        )
    )
    assert mail.outbox == []
    session.refresh_from_db()
    assert session.sequence == 0


def test_cancelling_sends_cancel(hki, now):
    session = now(lambda: schedule(hki))
    mail.outbox.clear()
    now(
        lambda: actions.cancel_session(
            session=session, cancelled_by=hki.coordinator, reason="Sairastuminen"
        )
    )
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.subject.startswith("Peruttu")
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert str(event["UID"]) == f"{session.uid}@polku"
    assert event["SEQUENCE"] == 1 and str(event["STATUS"]) == "CANCELLED"
    # The entry says the session is cancelled, not that its agenda is coming.
    description = str(event["DESCRIPTION"])
    assert "Istunto on peruttu." in description
    for agenda in ("Esityslista", "Käsiteltävät tapaukset", "poistettu"):
        assert agenda not in description


def test_cancelling_returns_the_cases_to_the_queue(hki, now):
    now(
        lambda: actions.cancel_session(
            session=hki.session, cancelled_by=hki.coordinator, reason="Lakko"
        )
    )
    hki.request.refresh_from_db()
    assert hki.request.status == "triaged" and not hki.request.agenda_items.exists()
    assert event_of(calendar_of(mail.outbox[0]))["SEQUENCE"] == 1


def test_cancelling_logs_each_case_taken_off_the_agenda(hki):
    """As taking one case off the agenda does: one row per case, with the client."""
    other = ClientFactory(responsible_worker=hki.worker, first_names="Onni", last_name="Orava")
    second = make_request(other, hki.worker)
    put_on_agenda(second, hki.session)
    actions.cancel_session(session=hki.session, cancelled_by=hki.coordinator, reason="Lakko")
    rows = AccessLogEntry.objects.filter(action="consultations.request.unscheduled")
    assert sorted((r.client_id, r.actor_id, r.basis, r.detail) for r in rows) == sorted(
        [
            (hki.client.uuid, hki.coordinator.pk, "consultation", hki.request.reference),
            (second.client.uuid, hki.coordinator.pk, "consultation", second.reference),
        ]
    )


def test_a_first_invitation_to_a_session_changed_before_is_not_called_updated(hki, now):
    """Those invited before get the change as an updated invitation; a presenter who joins
    with their case, or a guest invited later, gets their first invitation as one."""
    session = now(lambda: schedule(hki))
    now(
        lambda: actions.change_session(
            session=session,
            changed_by=hki.coordinator,
            starts_at=session.starts_at + datetime.timedelta(hours=1),
            duration_minutes=90,
            chair=hki.coordinator,
            place="Toinen huone",
        )
    )
    mail.outbox.clear()

    now(
        lambda: actions.place_on_session(
            request=make_request(hki.client, hki.worker), session=session, placed_by=hki.coordinator
        )
    )
    now(lambda: actions.invite_guest(session=session, invited_by=hki.coordinator, user=hki.nurse))

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert sorted(subjects) == sorted(
        u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison, hki.worker, hki.nurse)
    )
    for first in (hki.worker, hki.nurse):
        assert subjects[first.email].startswith("Kutsu: tapauskonsultaatio")
    for before in (hki.coordinator, hki.expert, hki.kela_liaison):
        assert subjects[before.email].startswith("Päivitetty kutsu: tapauskonsultaatio")
    # The next change is an update to the presenter too.
    mail.outbox.clear()
    participant = session.participants.current().get(user=hki.nurse)
    now(lambda: actions.remove_participant(participant=participant, removed_by=hki.coordinator))
    (to_presenter,) = [m for m in mail.outbox if m.to == [hki.worker.email]]
    assert to_presenter.subject.startswith("Päivitetty kutsu")


def test_a_guest_alone_gets_the_invitation(hki, now):
    session = now(lambda: schedule(hki))
    mail.outbox.clear()
    now(lambda: actions.invite_guest(session=session, invited_by=hki.coordinator, user=hki.nurse))
    assert [m.to for m in mail.outbox] == [[hki.nurse.email]]
    assert calendar_of(mail.outbox[0])["METHOD"] == "REQUEST"


def test_a_removed_participant_gets_a_cancel_naming_them_with_a_higher_sequence(hki, now):
    """RFC 5546 3.2.5, uninviting an attendee: CANCEL with a SEQUENCE above their last
    REQUEST, they the only ATTENDEE, no STATUS (the session goes on). The others get the
    updated REQUEST with that SEQUENCE and without the removed person."""
    session = now(lambda: schedule(hki, guests=[hki.nurse]))
    (invitation,) = [m for m in mail.outbox if m.to == [hki.nurse.email]]
    invited_at = event_of(calendar_of(invitation))["SEQUENCE"]
    participant = session.participants.current().get(user=hki.nurse)
    mail.outbox.clear()
    now(lambda: actions.remove_participant(participant=participant, removed_by=hki.coordinator))
    session.refresh_from_db()
    assert session.sequence == invited_at + 1
    by_recipient = {m.to[0]: m for m in mail.outbox}
    remaining = sorted(u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison))
    assert len(mail.outbox) == 4 and sorted(by_recipient) == sorted([*remaining, hki.nurse.email])

    cancel = by_recipient[hki.nurse.email]
    assert ics_lines(cancel, "METHOD") == ["METHOD:CANCEL"]
    assert ics_lines(cancel, "SEQUENCE") == [f"SEQUENCE:{invited_at + 1}"]
    assert [line.rsplit(":", 1)[1] for line in ics_lines(cancel, "ATTENDEE")] == [hki.nurse.email]
    assert ics_lines(cancel, "STATUS") == []
    event = event_of(calendar_of(cancel))
    assert str(event["UID"]) == f"{session.uid}@polku"
    assert attendees_of(event) == [hki.nurse.email]
    assert cancel.subject.startswith("Kutsu peruttu: tapauskonsultaatio")
    assert "Sinut on poistettu istunnon osallistujista" in cancel.body
    assert "Istunto on peruttu" not in cancel.body
    description = str(event["DESCRIPTION"])
    assert "Sinut on poistettu istunnon osallistujista" in description
    for agenda in ("Esityslista", "Käsiteltävät tapaukset", "Istunto on peruttu"):
        assert agenda not in description

    for address in remaining:
        update = by_recipient[address]
        assert ics_lines(update, "METHOD") == ["METHOD:REQUEST"]
        assert ics_lines(update, "SEQUENCE") == [f"SEQUENCE:{invited_at + 1}"]
        assert attendees_of(event_of(calendar_of(update))) == remaining
        assert ics_lines(update, "STATUS") == ["STATUS:CONFIRMED"]
        assert update.subject.startswith("Päivitetty kutsu")


def test_someone_invited_again_before_their_cancel_goes_out_gets_only_the_invitation(
    hki, django_capture_on_commit_callbacks
):
    """The tasks run late: the CANCEL of the removal finds them taking part again, and
    their new REQUEST (at the raised SEQUENCE) is what their calendar should keep."""
    participant = actions.invite_guest(
        session=hki.session, invited_by=hki.coordinator, user=hki.nurse
    )
    with mock.patch.object(send_invitations_task, "delay", side_effect=send_invitations_task.run):
        with django_capture_on_commit_callbacks() as removal:
            actions.remove_participant(participant=participant, removed_by=hki.coordinator)
        with django_capture_on_commit_callbacks() as invitation:
            actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=hki.nurse)
        for callback in [*removal, *invitation]:
            callback()
    hki.session.refresh_from_db()
    (to_nurse,) = [m for m in mail.outbox if m.to == [hki.nurse.email]]
    assert ics_lines(to_nurse, "METHOD") == ["METHOD:REQUEST"]
    assert ics_lines(to_nurse, "SEQUENCE") == [f"SEQUENCE:{hki.session.sequence}"]
    assert hki.nurse.email in attendees_of(event_of(calendar_of(to_nurse)))


def test_someone_invited_again_gets_a_sequence_above_their_cancel(hki, now):
    """Their calendar holds the CANCEL at the SEQUENCE of the removal; a REQUEST at the same
    SEQUENCE would be ignored (RFC 5546 2.1.5), so inviting them again raises it, and, as
    on a removal, everyone taking part gets the REQUEST at it."""
    session = now(lambda: schedule(hki, guests=[hki.nurse]))
    participant = session.participants.current().get(user=hki.nurse)
    mail.outbox.clear()
    now(lambda: actions.remove_participant(participant=participant, removed_by=hki.coordinator))
    (cancel,) = [m for m in mail.outbox if m.to == [hki.nurse.email]]
    assert ics_lines(cancel, "METHOD") == ["METHOD:CANCEL"]
    cancelled_at = event_of(calendar_of(cancel))["SEQUENCE"]
    mail.outbox.clear()
    now(lambda: actions.invite_guest(session=session, invited_by=hki.coordinator, user=hki.nurse))
    session.refresh_from_db()
    assert session.sequence == cancelled_at + 1
    by_recipient = {m.to[0]: m for m in mail.outbox}
    everyone = sorted(u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison, hki.nurse))
    assert sorted(by_recipient) == everyone and len(mail.outbox) == 4
    for message in mail.outbox:
        assert ics_lines(message, "METHOD") == ["METHOD:REQUEST"]
        assert ics_lines(message, "SEQUENCE") == [f"SEQUENCE:{cancelled_at + 1}"]
        assert attendees_of(event_of(calendar_of(message))) == everyone


def test_a_first_invitation_leaves_the_sequence_as_it_is(hki, now):
    session = now(lambda: schedule(hki))
    now(lambda: actions.invite_guest(session=session, invited_by=hki.coordinator, user=hki.nurse))
    session.refresh_from_db()
    assert session.sequence == 0


def test_removing_someone_from_a_cancelled_session_sends_nothing(hki, now):
    now(
        lambda: actions.cancel_session(
            session=hki.session, cancelled_by=hki.coordinator, reason="Lakko"
        )
    )
    hki.session.refresh_from_db()
    sequence = hki.session.sequence
    mail.outbox.clear()
    participant = hki.session.participants.current().get(user=hki.expert)
    now(lambda: actions.remove_participant(participant=participant, removed_by=hki.coordinator))
    participant.refresh_from_db()
    hki.session.refresh_from_db()
    assert participant.removed_at is not None
    assert hki.session.sequence == sequence
    assert mail.outbox == []


# Each e-mail at most once, across retries and redelivery


class FailsAtTheThirdMessage(locmem.EmailBackend):
    """The test outbox, except that the third message ever handed to it is refused once,
    as by a mail server that drops the connection in the middle of a batch. `attempts`
    (shared through OPTIONS) records every recipient tried, in order."""

    def __init__(self, *, attempts: list, **kwargs):
        super().__init__(**kwargs)
        self.attempts = attempts

    def send_messages(self, messages):
        for message in messages:
            self.attempts.append(message.to[0])
            if len(self.attempts) == 3:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def mail_fails_once(settings):
    attempts: list[str] = []
    settings.MAILERS = {
        "default": {
            "BACKEND": f"{__name__}.FailsAtTheThirdMessage",
            "OPTIONS": {"attempts": attempts},
        }
    }
    return attempts


def test_a_send_that_fails_midway_and_is_retried_sends_one_email_per_recipient(
    hki, django_capture_on_commit_callbacks, mail_fails_once
):
    with (
        mock.patch.object(send_invitations_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        schedule(hki, guests=[hki.nurse, hki.outsider])
    (call,) = delay.call_args_list
    recipients = sorted(
        u.email for u in (hki.coordinator, hki.expert, hki.kela_liaison, hki.nurse, hki.outsider)
    )
    # The task as a worker runs it: the SMTP error makes it retry (run here at once).
    result = send_invitations_task.apply(args=call.args)
    assert result.successful()
    assert sorted(m.to[0] for m in mail.outbox) == recipients
    # The others were not held back by the failure; the retry tried only the one missed.
    assert sorted(mail_fails_once[:5]) == recipients
    assert mail_fails_once[5:] == [mail_fails_once[2]]
    assert result.get() == 1
    # Redelivered (a worker died before acknowledging): nothing goes out again.
    assert send_invitations_task.apply(args=call.args).get() == 0
    assert len(mail.outbox) == len(recipients)


def test_a_failed_send_is_not_marked_sent(hki, mail_fails_once):
    """The one refused is sent by the next call; those sent are not sent again."""
    people = sorted((hki.coordinator, hki.expert, hki.kela_liaison), key=lambda u: u.pk)
    ids = [u.pk for u in people]
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_invitations(session_id=hki.session.pk, user_ids=ids, method="REQUEST")
    missed = people[2]
    assert [m.to for m in mail.outbox] == [[people[0].email], [people[1].email]]
    assert cache.get(sent_key(hki.session, "REQUEST", missed.pk)) is None
    assert cache.get(sent_key(hki.session, "REQUEST", people[0].pk)) is not None
    assert send_invitations(session_id=hki.session.pk, user_ids=ids, method="REQUEST") == 1
    assert [m.to for m in mail.outbox] == [[u.email] for u in people]


def test_an_email_being_sent_by_another_worker_is_skipped_and_sent_again_if_that_worker_died(
    hki,
):
    people = sorted((hki.coordinator, hki.expert, hki.kela_liaison), key=lambda u: u.pk)
    ids = [u.pk for u in people]
    lease = f"{sent_key(hki.session, 'REQUEST', people[1].pk)}:lease"
    cache.add(lease, "another-worker", timeout=60)
    assert send_invitations(session_id=hki.session.pk, user_ids=ids, method="REQUEST") == 2
    assert [m.to for m in mail.outbox] == [[people[0].email], [people[2].email]]
    cache.delete(lease)  # that worker died while sending; its lease ran out
    assert send_invitations(session_id=hki.session.pk, user_ids=ids, method="REQUEST") == 1
    assert send_invitations(session_id=hki.session.pk, user_ids=ids, method="REQUEST") == 0
    assert [m.to for m in mail.outbox] == [[people[0].email], [people[2].email], [people[1].email]]


def client_identifiers(hki) -> list[str]:
    client = hki.client
    return [
        *client.first_names.split(),
        client.last_name,
        client.calling_name,
        IDENTITY_CODE,
        IDENTITY_CODE[:7],  # the masked form's visible part
        BIRTH.strftime("%d%m%y"),
        f"{BIRTH.day}.{BIRTH.month}.{BIRTH.year}",
        BIRTH.strftime("%d.%m.%Y"),
    ]


def test_no_invitation_names_the_client_or_carries_the_identity_code(hki, now):
    session = now(lambda: schedule(hki))
    for request in (make_request(hki.client, hki.worker), make_request(hki.client, hki.worker)):
        now(
            lambda request=request: actions.place_on_session(
                request=request, session=session, placed_by=hki.coordinator
            )
        )
    now(
        lambda: actions.change_session(
            session=session,
            changed_by=hki.coordinator,
            starts_at=session.starts_at + datetime.timedelta(hours=1),
            duration_minutes=120,
            chair=hki.coordinator,
            place="Toinen huone",
        )
    )
    now(
        lambda: actions.cancel_session(
            session=session, cancelled_by=hki.coordinator, reason="Peruttu"
        )
    )
    assert len(mail.outbox) >= 12
    for message in mail.outbox:
        text = everything_in(message)
        for identifier in client_identifiers(hki):
            assert identifier.lower() not in text.lower(), (identifier, message.subject)
    # The case references are there instead.
    invitation = next(m for m in mail.outbox if "K-" in m.body)
    assert "Tapaus K-" in invitation.body and "vaatii kirjautumisen" in invitation.body


def test_a_place_or_reason_that_names_a_client_on_the_agenda_is_refused(hki, now):
    """The coordinator's own texts go out in the e-mail too: a client's name, code or birth
    date typed there is refused next to the field, without saying which client matched."""
    session = now(lambda: schedule(hki))
    now(
        lambda: actions.place_on_session(
            request=make_request(hki.client, hki.worker), session=session, placed_by=hki.coordinator
        )
    )
    session.refresh_from_db()
    sequence = session.sequence
    mail.outbox.clear()
    for place in ("Kotikäynti Koivistolla", f"Huone 3, asiakas {IDENTITY_CODE}"):
        with pytest.raises(ValidationError) as refused:
            actions.change_session(
                session=session,
                changed_by=hki.coordinator,
                starts_at=session.starts_at,
                duration_minutes=90,
                chair=hki.coordinator,
                place=place,
            )
        assert list(refused.value.error_dict) == ["place"]
        assert "Koivisto" not in " ".join(refused.value.messages)
    for reason in ("Kaarina sairastui", "Asiakas 14.5.1974 ei pääse"):
        with pytest.raises(ValidationError) as refused:
            actions.cancel_session(session=session, cancelled_by=hki.coordinator, reason=reason)
        assert list(refused.value.error_dict) == ["reason"]
    session.refresh_from_db()
    assert session.sequence == sequence
    assert not session.is_cancelled and "Koivisto" not in session.place
    assert mail.outbox == []
    # A text that names no client on the agenda goes through.
    now(
        lambda: actions.cancel_session(
            session=session, cancelled_by=hki.coordinator, reason="Puheenjohtaja sairastui"
        )
    )
    session.refresh_from_db()
    assert session.is_cancelled


def test_the_invitation_is_in_the_recipients_language(hki, now):
    hki.kela_liaison.preferred_language = "en"
    hki.kela_liaison.save()
    now(lambda: schedule(hki))
    english = next(m for m in mail.outbox if m.to == [hki.kela_liaison.email])
    assert english.extra_headers["Content-Language"] == "en"
    assert [a[0] for a in english.attachments] == ["invitation.ics"]
    finnish = next(m for m in mail.outbox if m.to != [hki.kela_liaison.email])
    assert [a[0] for a in finnish.attachments] == ["kutsu.ics"]


@pytest.mark.parametrize(
    ("language", "names", "shown", "in_html"),
    [
        # Named in the recipient's language.
        ("sv", ("Nätverket för stöd", ""), "Nätverket för stöd", "<dd>Nätverket för stöd</dd>"),
        (
            "en",
            ("", "Work-ability network"),
            "Work-ability network",
            "<dd>Work-ability network</dd>",
        ),
        # No name in it: the Finnish one, marked as Finnish in the HTML part.
        (
            "sv",
            ("", "Work-ability network"),
            "Työkyvyn tuen verkosto",
            '<dd><span lang="fi">Työkyvyn tuen verkosto</span></dd>',
        ),
    ],
)
def test_the_invitation_names_the_network_in_the_recipients_language(
    hki, now, language, names, shown, in_html
):
    Network.objects.filter(pk=hki.network.pk).update(name_sv=names[0], name_en=names[1])
    hki.kela_liaison.preferred_language = language
    hki.kela_liaison.save(update_fields=["preferred_language"])
    now(lambda: schedule(hki))
    theirs = next(m for m in mail.outbox if m.to == [hki.kela_liaison.email])
    assert f" – {shown} " in theirs.subject
    assert f": {shown}\n" in theirs.body and "<span" not in theirs.body
    (html, _type) = theirs.alternatives[0]
    assert in_html in html
    assert str(event_of(calendar_of(theirs))["SUMMARY"]).endswith(f": {shown}")
    unused = {name for name in names if name and name != shown}
    assert not any(name in theirs.subject + theirs.body + html for name in unused)
    finnish = next(m for m in mail.outbox if m.to != [hki.kela_liaison.email])
    assert " – Työkyvyn tuen verkosto " in finnish.subject
    assert not any(name and name in finnish.body for name in names)


# The private feed


def feed_url(token):
    return reverse("consultations:feed", kwargs={"token": token})


def make_feed(client, user) -> str:
    login(client, user)
    response = client.post(reverse("consultations:feed_settings"), {"action": "create"})
    assert response.status_code == 200
    url = response.context["url"]
    client.logout()
    return url.split("/feed/")[1].removesuffix(".ics")


def test_the_feed_works_with_its_token_without_signing_in(client, hki):
    token = make_feed(client, hki.kela_liaison)
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{hki.session.uid}@polku"
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert hki.request.reference in str(event["DESCRIPTION"])
    text = response.content.decode()
    for identifier in client_identifiers(hki):
        assert identifier.lower() not in text.lower(), identifier
    assert CalendarFeedToken.objects.get().last_used_at is not None


def test_a_cancelled_session_in_the_feed_says_it_is_cancelled_without_its_agenda(client, hki):
    token = make_feed(client, hki.kela_liaison)
    actions.cancel_session(
        session=hki.session, cancelled_by=hki.coordinator, reason="Sairastuminen"
    )
    calendar = icalendar.Calendar.from_ical(client.get(feed_url(token)).content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    description = str(event["DESCRIPTION"])
    assert "Istunto on peruttu." in description
    for agenda in ("Esityslista", "Käsiteltävät tapaukset", hki.request.reference):
        assert agenda not in description
    text = client.get(feed_url(token)).content.decode()
    for identifier in client_identifiers(hki):
        assert identifier.lower() not in text.lower(), identifier


def test_the_feed_is_in_its_owners_language(client, hki):
    """A calendar app asks without a session or a language cookie: the owner's language."""
    hki.kela_liaison.preferred_language = "sv"
    hki.kela_liaison.save(update_fields=["preferred_language"])
    token = make_feed(client, hki.kela_liaison)
    response = client.get(feed_url(token))
    # The file name in the owner's language too, its ö encoded for the header.
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''polku-konsultationsm%C3%B6ten.ics"
    )
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert not str(event["SUMMARY"]).startswith("Tapauskonsultaatio")
    assert str(calendar["X-WR-CALNAME"]) != "Polku: konsultaatioistunnot"


def test_the_feed_holds_only_the_owners_sessions(client, hki):
    other = Session.objects.create(
        network=hki.network,
        starts_at=hki.session.ends_at,
        ends_at=hki.session.ends_at + datetime.timedelta(hours=1),
        place="Huone",
        chair=hki.coordinator,
        coordinator=hki.coordinator,
        created_by=hki.coordinator,
    )
    token = make_feed(client, hki.kela_liaison)
    text = client.get(feed_url(token)).content.decode()
    assert str(hki.session.uid) in text and str(other.uid) not in text


def test_making_and_revoking_the_address_go_to_the_security_log(
    client, hki, caplog, django_capture_on_commit_callbacks
):
    """The address reads the owner's sessions without signing in: who made or revoked one,
    and when, is for the security log, as with passwords and second factors."""
    caplog.set_level(logging.INFO, logger="polku.security")
    with django_capture_on_commit_callbacks(execute=True):
        make_feed(client, hki.expert)
        make_feed(client, hki.expert)  # the second replaces the first
        login(client, hki.expert)
        client.post(reverse("consultations:feed_settings"), {"action": "revoke"})
        client.post(reverse("consultations:feed_settings"), {"action": "revoke"})  # none left
    events = [
        (r.event, r.user_id)
        for r in caplog.records
        if r.name == "polku.security" and r.event.startswith("consultations.")
    ]
    assert events == [
        ("consultations.feed_address_made", hki.expert.pk),
        ("consultations.feed_address_revoked", hki.expert.pk),
        ("consultations.feed_address_made", hki.expert.pk),
        ("consultations.feed_address_revoked", hki.expert.pk),
    ]


def test_a_bad_or_revoked_token_answers_404(client, hki):
    assert client.get(feed_url("x" * 43)).status_code == 404
    token = make_feed(client, hki.expert)
    login(client, hki.expert)
    client.post(reverse("consultations:feed_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url(token)).status_code == 404
    # A new address replaces the old one.
    first = make_feed(client, hki.expert)
    second = make_feed(client, hki.expert)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200


@pytest.mark.parametrize("left", ["ended", "admin"])
def test_the_feed_closes_when_the_owner_no_longer_works_with_clients(client, hki, left):
    """As the session page does: a Kela liaison whose roles have all ended (or who holds only
    an admin role now) no longer gets the sessions' times, places, video links and cases."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    token = make_feed(client, hki.kela_liaison)
    assert client.get(feed_url(token)).status_code == 200
    today = timezone.localdate()
    hki.kela_liaison.role_assignments.update(
        valid_from=today - datetime.timedelta(days=30), valid_to=today - datetime.timedelta(days=1)
    )
    if left == "admin":
        RoleAssignment.objects.create(
            user=hki.kela_liaison,
            role=Role.ADMIN,
            unit=hki.kela_liaison.role_assignments.first().unit,
            valid_from=today,
        )
    assert client.get(feed_url(token)).status_code == 404


def test_only_the_tokens_hash_is_stored(client, hki):
    token = make_feed(client, hki.expert)
    stored = CalendarFeedToken.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_times_are_written_as_everywhere_in_polku_without_a_leading_zero(hki, now, client):
    """9.00, not 09.00: the e-mail, the session page and its title use TIME_FORMAT."""
    day = hki.session.starts_at.date() + datetime.timedelta(days=14)
    morning = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=HELSINKI)
    session = now(lambda: schedule(hki, starts_at=morning))
    assert " 9.00–10.30" in mail.outbox[0].body
    assert "09.00" not in everything_in(mail.outbox[0])
    login(client, hki.coordinator)
    page = client.get(reverse("consultations:session", args=[session.pk])).content.decode()
    assert " 9.00–10.30</h1>" in page


def test_participations_from_before_the_record_get_the_next_change_as_an_update(hki, now):
    """Migration 0013: those taking part already were invited at the session's SEQUENCE as
    it stands; the next change reaches them as an updated invitation."""
    from django.apps import apps as current_apps

    migration = importlib.import_module("consultations.migrations.0013_participants_invited_before")
    hki.session.participants.update(request_sent_sequence=None)
    Session.objects.filter(pk=hki.session.pk).update(sequence=2)

    migration.record_current_sequence(current_apps, None)

    assert set(hki.session.participants.values_list("request_sent_sequence", flat=True)) == {2}
    participant = hki.session.participants.current().get(user=hki.kela_liaison)
    now(lambda: actions.remove_participant(participant=participant, removed_by=hki.coordinator))
    (to_expert,) = [m for m in mail.outbox if m.to == [hki.expert.email]]
    assert to_expert.subject.startswith("Päivitetty kutsu")
