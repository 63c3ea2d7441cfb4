"""Who takes part in a session is in the change history: an invitation, a change of how
someone takes part and a removal (also from a cancelled session, where the removal sends
nothing) are each an event naming the one who acted and the action."""

from unittest import mock

import pytest

from consultations import actions
from consultations.factories import make_request, make_session, next_weekday_at
from consultations.models import ParticipantKind, SessionParticipant
from consultations.tasks import send_invitations_task


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


def _events(participant):
    return list(
        SessionParticipant.pgh_event_model.objects.filter(pgh_obj=participant).order_by("pgh_id")
    )


def _context(event) -> tuple:
    return event.pgh_context.metadata["user"], event.pgh_context.metadata["action"]


def test_an_invitation_and_a_removal_from_a_cancelled_session_are_recorded(hki):
    guest = actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=hki.nurse)
    actions.cancel_session(session=hki.session, cancelled_by=hki.coordinator, reason="Sairaus")

    actions.remove_participant(participant=guest, removed_by=hki.coordinator)

    invited, *_moved, removed = _events(guest)
    assert invited.pgh_label == "insert" and invited.kind == ParticipantKind.GUEST
    assert _context(invited) == (hki.coordinator.pk, "consultations.participant.invited")
    assert removed.removed_at is not None
    assert _context(removed) == (hki.coordinator.pk, "consultations.participant.removed")


def test_a_change_of_how_someone_takes_part_is_recorded(hki):
    session = make_session(
        hki.network, hki.coordinator, starts_at=next_weekday_at(9, days_ahead=21)
    )
    actions.place_on_session(
        request=make_request(hki.client, hki.worker), session=session, placed_by=hki.coordinator
    )
    presenter = session.participants.current().get(user=hki.worker)
    assert _context(_events(presenter)[0]) == (
        hki.coordinator.pk,
        "consultations.request.scheduled",
    )

    actions.change_session(
        session=session,
        changed_by=hki.coordinator,
        starts_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        chair=hki.worker,
        place=session.place,
    )

    changed = _events(presenter)[-1]
    assert changed.kind == ParticipantKind.GUEST
    assert _context(changed) == (hki.coordinator.pk, "consultations.session.changed")
