"""An action run in another connection while this one holds locks (a transfer of a client's
responsibility written and not yet committed, say): whether it waits for the lock, and what it
then reads. Tests that use it run with `django_db(transaction=True)`."""

import threading
import time

from django.db import connection, connections, transaction

from clients.actions import transfer_responsibility
from clients.querysets import responsible_worker_of
from tests.conftest import acting


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


def while_holding(hold, action, *, then=None, expected=()):
    """Runs `action` in another connection while this one, in a transaction, has run `hold()`
    (taking its locks) and not yet committed; returns (what `action` returned, or the error of
    `expected` it raised, and whether it waited for a lock). Once it waits, or after 10
    seconds, `then()` (when given) runs in the same transaction, which then commits."""
    outcome, errors = [], []

    def run():
        try:
            outcome.append(action())
        except expected as error:
            outcome.append(error)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        hold()
        thread.start()
        waited = 0
        deadline = time.monotonic() + 10
        while not waited and thread.is_alive() and time.monotonic() < deadline:
            waited = waiting_on_a_lock()
            time.sleep(0.02)
        if then is not None:
            then()
    thread.join(timeout=10)
    assert errors == []
    (result,) = outcome
    return result, waited


def while_responsibility_moves(client, to_user, action):
    """Runs `action` in another connection while a transfer of `client`'s responsibility to
    `to_user` is written and not yet committed (`while_holding`); returns (what it returned,
    whether it waited for a lock). The client's responsible worker hands it over (no one
    takes a client over by their own hand from outside its team)."""
    by = acting(responsible_worker_of(client))
    return while_holding(
        lambda: transfer_responsibility(
            client=client,
            to_user=to_user,
            to_unit=client.responsible_unit,
            transferred_by=by,
            handover_note="Siirtyy uudelle työntekijälle.",
        ),
        action,
    )
