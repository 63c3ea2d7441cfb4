"""An action run in another connection while a transfer of a client's responsibility is written
and not yet committed: whether it waits for the client's row lock, and whom it then reads as
the responsible worker. Tests that use it run with `django_db(transaction=True)`."""

import threading
import time

from django.db import connection, connections, transaction

from clients.actions import transfer_responsibility


def waiting_on_a_lock() -> int:
    """How many other connections to the test database wait for a lock now."""
    with connection.cursor() as cursor:
        # The activity view is read once per transaction unless its snapshot is cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def while_responsibility_moves(client, to_user, action):
    """Runs `action` in another connection while a transfer of `client`'s responsibility to
    `to_user` is written and not yet committed; returns (what it returned, whether it waited
    for a lock). The transfer commits once the action waits, or after 10 seconds."""
    outcome, errors = [], []

    def run():
        try:
            outcome.append(action())
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        transfer_responsibility(
            client=client,
            to_user=to_user,
            to_unit=client.responsible_unit,
            transferred_by=to_user,
            handover_note="Siirtyy uudelle työntekijälle.",
        )
        thread.start()
        waited = 0
        deadline = time.monotonic() + 10
        while not waited and thread.is_alive() and time.monotonic() < deadline:
            waited = waiting_on_a_lock()
            time.sleep(0.02)
    thread.join(timeout=10)
    assert errors == []
    (result,) = outcome
    return result, waited
