"""The database refuses UPDATE, DELETE and TRUNCATE on both logs (audit migration 0004).

The trigger raises integrity_constraint_violation, which Django surfaces as IntegrityError.
No setting switches it off: pgtrigger's `pgtrigger.ignore` is not read. A row past the
retention floor (12 years) may be deleted by the archive process, never changed.
"""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.actions import log_disclosure
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from tests.audit.conftest import access, disclosure

pytestmark = pytest.mark.django_db

REFUSED = "is append-only"


@pytest.fixture
def entry(now, worker, subject_client):
    return access(worker, subject_client, at=now - datetime.timedelta(days=1))


def test_an_access_log_update_is_refused(entry):
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
    entry.refresh_from_db()
    assert entry.detail == ""


def test_an_access_log_save_of_an_existing_row_is_refused(entry):
    entry.action = "clients.client.changed"
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        entry.save()


def test_an_access_log_delete_is_refused(entry):
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        entry.delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_a_disclosure_log_update_and_delete_are_refused(now, worker, subject_client):
    row = disclosure(
        worker,
        subject_client,
        at=now,
        recipient_organisation=None,
        what="Suunnitelma",
        basis=Basis.STATUTE,
        statute="812/2000 17 §",
        channel="print",
    )
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        DisclosureLogEntry.objects.filter(pk=row.pk).update(what="muu")
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        DisclosureLogEntry.objects.filter(pk=row.pk).delete()
    assert DisclosureLogEntry.objects.get(pk=row.pk).what == "Suunnitelma"


def test_the_old_pgtrigger_ignore_setting_does_not_switch_the_triggers_off(entry):
    """pgtrigger's triggers skipped themselves for the names in `pgtrigger.ignore`, which
    any role may set; these read no setting."""
    for name in ("pgtrigger_accesslog_append_only_48027", "accesslog_append_only"):
        for statement in (
            "UPDATE audit_accesslogentry SET action = 'tampered' WHERE id = %s",
            "DELETE FROM audit_accesslogentry WHERE id = %s",
        ):
            with (
                pytest.raises(IntegrityError, match=REFUSED),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("SET LOCAL pgtrigger.ignore = %s", ["{" + name + "}"])
                cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.action != "tampered"


def _check_deferred_constraints():
    """The test's transaction holds deferred foreign-key checks, which PostgreSQL would
    name as the reason a TRUNCATE fails; they are checked first."""
    connection.check_constraints()


@pytest.mark.parametrize("table", ["audit_accesslogentry", "audit_disclosurelogentry"])
def test_truncate_is_refused(entry, table):
    _check_deferred_constraints()
    with (
        pytest.raises(IntegrityError, match=f"{table} is append-only: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table}")
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_a_truncate_cascading_from_the_users_table_is_refused(entry):
    _check_deferred_constraints()
    with (
        pytest.raises(IntegrityError, match="append-only: TRUNCATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE accounts_user CASCADE")
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_rows_past_the_retention_floor_are_removed_and_younger_ones_kept(worker, subject_client):
    """The archive process's DELETE of expired rows works; a row short of the floor is
    refused, and an old row still cannot be changed. (PostgreSQL's now(), not a frozen
    clock, decides the age.)"""
    real_now = timezone.now()
    expired_at = real_now - datetime.timedelta(days=12 * 365 + 10)
    expired = access(worker, subject_client, at=expired_at)
    kept = access(worker, subject_client, at=real_now - datetime.timedelta(days=12 * 365 - 10))
    old_disclosure = disclosure(
        worker,
        subject_client,
        at=expired_at,
        recipient_organisation=None,
        what="Suunnitelma",
        basis=Basis.STATUTE,
        statute="812/2000 17 §",
        channel="print",
    )
    with pytest.raises(IntegrityError, match=REFUSED), transaction.atomic():
        AccessLogEntry.objects.filter(pk=expired.pk).update(detail="changed")

    AccessLogEntry.objects.filter(at__lte=expired_at).delete()
    DisclosureLogEntry.objects.filter(at__lte=expired_at).delete()

    assert not AccessLogEntry.objects.filter(pk=expired.pk).exists()
    assert not DisclosureLogEntry.objects.filter(pk=old_disclosure.pk).exists()
    with pytest.raises(IntegrityError, match="append-only: DELETE"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=kept.pk).delete()
    assert AccessLogEntry.objects.filter(pk=kept.pk).exists()


def test_a_disclosure_is_never_logged_ahead_of_when_it_was_made(now, worker, subject_client):
    """A disclosure logged afterwards keeps both times; the database refuses a row written
    before the disclosure it records."""
    fields = {
        "actor": worker,
        "client_id": subject_client.uuid,
        "recipient_organisation": None,
        "what": "Suunnitelma",
        "basis": Basis.STATUTE,
        "statute": "812/2000 17 §",
        "channel": "phone",
    }
    earlier = now - datetime.timedelta(minutes=20)
    with time_machine.travel(now, tick=False):
        row = log_disclosure(**fields, at=earlier)
    assert (row.at, row.recorded_at) == (earlier, now)
    with pytest.raises(IntegrityError, match="disclosure_logged_after_made"), transaction.atomic():
        DisclosureLogEntry.objects.create(**fields, at=now, recorded_at=earlier)
