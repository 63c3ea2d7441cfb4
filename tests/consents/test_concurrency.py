"""A revocation and a disclosure at the same moment: the disclosure never lands after
the revocation on the revoked consent."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.models import DisclosureLogEntry
from consents import actions
from consents.coverage import DisclosureNotCovered, record_disclosure
from consents.factories import ConsentFactory
from consents.models import Consent

pytestmark = pytest.mark.django_db(transaction=True)


def disclose(team, parties):
    return record_disclosure(
        actor=team["worker"],
        client=team["client"],
        organisation=parties["kela"],
        category="identity",
        purpose="service_planning",
        channel="phone",
    )


def test_a_disclosure_waiting_for_a_revocation_in_flight_is_refused(team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    locked = threading.Event()
    errors = []

    def revoke_slowly():
        try:
            with transaction.atomic():
                Consent.objects.select_for_update().get(pk=consent.pk)
                locked.set()
                time.sleep(0.5)  # the disclosure below starts and waits meanwhile
                actions.revoke_consent(
                    consent=consent,
                    revoked_by=team["worker"],
                    revoked_on=timezone.localdate(),
                    method="phone",
                    through="Asiakas itse",
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=revoke_slowly)
    thread.start()
    assert locked.wait(5)
    with pytest.raises(DisclosureNotCovered):
        disclose(team, parties)
    thread.join(10)
    assert errors == []
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert DisclosureLogEntry.objects.count() == 0


def test_a_revocation_waits_for_a_disclosure_in_flight(team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    disclosed = threading.Event()
    errors = []

    def disclose_slowly():
        try:
            with transaction.atomic():
                disclose(team, parties)
                disclosed.set()
                time.sleep(0.5)  # the revocation below waits for this commit
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=disclose_slowly)
    thread.start()
    assert disclosed.wait(5)
    revoked = actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    thread.join(10)
    assert errors == []
    entry = DisclosureLogEntry.objects.get()
    assert entry.consent_id == consent.pk
    assert entry.at < revoked.revoked_at
