"""Migration 0002 stops before its exclusion constraint when participations already double
book someone, and names the users and sessions; removed participations and cancelled
sessions do not count."""

import importlib

import pytest
from django.db import connection
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from consultations.factories import make_session
from consultations.models import PARTICIPANT_NOT_DOUBLE_BOOKED, Session

migration = importlib.import_module(
    "consultations.migrations.0002_participations_not_double_booked"
)


def _refuse():
    with connection.schema_editor(atomic=False) as schema_editor:
        migration.refuse_double_bookings(None, schema_editor)


def test_existing_double_bookings_stop_the_migration_with_the_users_and_sessions(hki):
    _refuse()  # nobody is double booked
    with connection.cursor() as cursor:  # as before the migration (rolled back with the test)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE consultations_sessionparticipant "
            f"DROP CONSTRAINT {PARTICIPANT_NOT_DOUBLE_BOOKED}"
        )
    other = make_user(Role.COORDINATOR, hki.social_work, first_name="Olavi", last_name="Toinen")
    overlapping = make_session(
        hki.network,
        other,
        participants=[hki.expert],
        starts_at=hki.session.starts_at + (hki.session.ends_at - hki.session.starts_at) / 2,
    )
    with pytest.raises(RuntimeError) as error:
        _refuse()
    message = str(error.value)
    assert f"user {hki.expert.pk} in sessions {hki.session.pk} and {overlapping.pk}" in message
    assert f"user {other.pk}" not in message and f"user {hki.kela_liaison.pk}" not in message

    # Removed from one of the two, the expert is booked once; so with a cancelled session.
    participant = overlapping.participants.get(user=hki.expert)
    participant.removed_at = timezone.now()
    participant.save(update_fields=["removed_at"])
    _refuse()
    participant.removed_at = None
    participant.save(update_fields=["removed_at"])
    with pytest.raises(RuntimeError):
        _refuse()
    Session.objects.filter(pk=overlapping.pk).update(
        cancelled_at=timezone.now(), cancellation_reason="Peruttu"
    )
    _refuse()
