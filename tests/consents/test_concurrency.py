"""A revocation and a disclosure at the same moment: the disclosure never lands after
the revocation on the revoked consent."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import DisclosureLogEntry
from clients.actions import add_team_member
from clients.factories import add_member
from clients.models import CareTeamMembership, Client, TeamRole
from consents import actions
from consents.coverage import DisclosureNotCovered, record_disclosure
from consents.factories import ConsentFactory, StatutoryBasisFactory, acting
from consents.models import ORDINARY_CATEGORIES, Consent, Purpose
from services.factories import UnitFactory
from services.models import OrganisationKind
from tests.transfers import waiting_on_a_lock

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


def _revoke(team, parties):
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[OrganisationKind.EMPLOYMENT_SERVICES],
    )
    return lambda: actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )


def _end_statutory_basis(team, parties):
    basis = StatutoryBasisFactory(
        client=team["client"],
        organisation_kind=OrganisationKind.EMPLOYMENT_SERVICES,
        purposes=[Purpose.SERVICE_PLANNING],
        categories=list(ORDINARY_CATEGORIES),
    )
    return lambda: actions.end_statutory_basis(basis=basis, ended_by=team["worker"])


@pytest.mark.parametrize("ending", [_revoke, _end_statutory_basis])
def test_an_ending_while_a_member_joins_waits_for_the_join_and_ends_the_membership(
    team, parties, ending
):
    """Employment services are covered, by a consent or a statutory basis. Adding a member
    from another organisation locks the client, then the consent or
    statutory basis (the joining is a disclosure); a revocation, or the end of the basis,
    ends the memberships it leaves uncovered, so it locks both too. It takes them in the
    same order: it waits for the join to commit and then ends the new membership, instead of
    the two deadlocking and the revocation being lost."""
    client = team["client"]
    end = ending(team, parties)
    # A member from employment services already on the team: the ending ends theirs.
    expert = acting(
        make_user(Role.EMPLOYMENT_EXPERT, UnitFactory(organisation=parties["employment"]))
    )
    add_member(client, expert, TeamRole.OTHER, organisation=parties["employment"])
    joining = acting(
        make_user(Role.EMPLOYMENT_EXPERT, UnitFactory(organisation=parties["other_employment"]))
    )
    client_locked = threading.Event()
    outcome, errors = [], []

    def join_once_the_ending_waits():
        try:
            with transaction.atomic():
                # As add_team_member does first: the team's lock.
                Client.objects.select_for_update().get(pk=client.pk)
                client_locked.set()
                deadline = time.monotonic() + 10
                while not waiting_on_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.02)
                outcome.append(
                    add_team_member(
                        client=client, user=joining, role=TeamRole.OTHER, added_by=team["worker"]
                    )
                )
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=join_once_the_ending_waits)
    thread.start()
    assert client_locked.wait(5)
    end()
    thread.join(15)
    assert errors == []
    (membership,) = outcome
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate()
    assert not CareTeamMembership.objects.on_team().filter(user__in=[joining, expert]).exists()
