"""The database refuses UPDATE and DELETE on both logs (pgtrigger Protect triggers).

The trigger raises a PL/pgSQL exception, which Django surfaces as ProgrammingError.
"""

import datetime

import pytest
from django.db import transaction
from django.db.utils import ProgrammingError

from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from tests.audit.conftest import access, disclosure

pytestmark = pytest.mark.django_db

REFUSED = "pgtrigger: Cannot update or delete rows"


@pytest.fixture
def entry(now, worker, subject_client):
    return access(worker, subject_client, at=now - datetime.timedelta(days=1))


def test_an_access_log_update_is_refused(entry):
    with pytest.raises(ProgrammingError, match=REFUSED), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
    entry.refresh_from_db()
    assert entry.detail == ""


def test_an_access_log_save_of_an_existing_row_is_refused(entry):
    entry.action = "clients.client.changed"
    with pytest.raises(ProgrammingError, match=REFUSED), transaction.atomic():
        entry.save()


def test_an_access_log_delete_is_refused(entry):
    with pytest.raises(ProgrammingError, match=REFUSED), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ProgrammingError, match=REFUSED), transaction.atomic():
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
    with pytest.raises(ProgrammingError, match=REFUSED), transaction.atomic():
        DisclosureLogEntry.objects.filter(pk=row.pk).update(what="muu")
    with pytest.raises(ProgrammingError, match=REFUSED), transaction.atomic():
        DisclosureLogEntry.objects.filter(pk=row.pk).delete()
    assert DisclosureLogEntry.objects.get(pk=row.pk).what == "Suunnitelma"
