"""A member of another organisation added to the care team to start on a later day is
disclosed nothing until that day: adding checks the consent, the daily task makes the
disclosure on the start day (under a lock, on the basis in force then) or ends the
membership when nothing covers it any longer."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from clients.actions import add_team_member, end_membership
from clients.models import CareTeamMembership, Client, TeamRole
from consents.actions import revoke_consent
from consents.factories import ConsentFactory, acting
from consents.models import EVENT_TIME_ZONE, RevocationMethod
from consents.tasks import end_uncovered_memberships_task
from notifications.models import Task
from services.factories import UnitFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY + datetime.timedelta(days=7)


@pytest.fixture(autouse=True)
def _at_noon():
    """Noon of the collection day: the start day stays a week ahead across midnight."""
    with time_machine.travel(noon(TODAY), tick=False):
        yield


def noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=EVENT_TIME_ZONE)


@pytest.fixture
def expert(parties):
    return acting(
        make_user(Role.EMPLOYMENT_EXPERT, UnitFactory(organisation=parties["employment"]))
    )


def add(team, user, started_on=START):
    return add_team_member(
        client=team["client"],
        user=user,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        started_on=started_on,
    )


def reaches(user, client) -> bool:
    return Client.objects.for_user(user).filter(pk=client.pk).exists()


def test_adding_a_member_who_starts_later_discloses_nothing_yet(team, parties, expert):
    ConsentFactory(client=team["client"], parties=[parties["employment"]])
    membership = add(team, expert)
    assert membership.organisation == parties["employment"]
    assert membership.admitted_at is None
    assert not DisclosureLogEntry.objects.exists()


def test_a_member_who_starts_later_is_refused_when_nothing_covers_now(team, parties, expert):
    ConsentFactory(client=team["client"], parties=[parties["health"]])
    with pytest.raises(ValidationError, match="ei kata henkilön organisaatiota"):
        add(team, expert)
    assert not CareTeamMembership.objects.filter(user=expert).exists()


def test_a_membership_cancelled_before_its_start_never_discloses(team, parties, expert):
    ConsentFactory(client=team["client"], parties=[parties["employment"]])
    membership = add(team, expert)
    end_membership(membership=membership, ended_by=team["worker"])
    with time_machine.travel(noon(START), tick=False):
        assert end_uncovered_memberships_task.apply().get() == 0
    membership.refresh_from_db()
    assert membership.cancelled and membership.admitted_at is None
    assert not DisclosureLogEntry.objects.exists()


def test_the_start_day_discloses_on_the_consent_version_in_force_then(team, parties, expert):
    client = team["client"]
    ending = ConsentFactory(
        client=client, parties=[parties["employment"]], valid_until=START - datetime.timedelta(1)
    )
    renewal = ConsentFactory(
        client=client, parties=[parties["employment"]], signed_on=TODAY, valid_from=START
    )
    membership = add(team, expert)
    assert membership.organisation == parties["employment"]
    with time_machine.travel(noon(START), tick=False):
        # Access waits for the admission: the daily task has not run yet.
        assert not reaches(expert, client)
        assert end_uncovered_memberships_task.apply().get() == 0
        assert reaches(expert, client)
        assert end_uncovered_memberships_task.apply().get() == 0  # admitted once
    membership.refresh_from_db()
    assert membership.admitted_at is not None and membership.ended_on is None
    entry = DisclosureLogEntry.objects.get()
    assert entry.consent_id == renewal.pk != ending.pk
    assert (entry.recipient_user, entry.recipient_organisation) == (
        expert,
        parties["employment"],
    )
    assert (entry.channel, entry.actor) == ("care_team", team["worker"])
    assert timezone.localtime(entry.at).date() == START


def test_a_revocation_before_the_start_ends_the_membership_and_tells_the_worker(
    team, parties, expert
):
    consent = ConsentFactory(client=team["client"], parties=[parties["employment"]])
    membership = add(team, expert)
    revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=TODAY,
        method=RevocationMethod.PHONE,
        through="Asiakas itse",
    )
    with time_machine.travel(noon(START), tick=False):
        end_uncovered_memberships_task.apply().get()
        assert not reaches(expert, team["client"])
    membership.refresh_from_db()
    assert membership.cancelled and membership.admitted_at is None
    task = Task.objects.get(kind="consents.member_uncovered")
    assert task.assignee == team["worker"]
    assert not DisclosureLogEntry.objects.exists()


def test_a_consent_ended_before_the_start_day_ends_the_membership_on_that_day(
    team, parties, expert
):
    ConsentFactory(
        client=team["client"],
        parties=[parties["employment"]],
        valid_until=START - datetime.timedelta(days=1),
    )
    membership = add(team, expert)
    with time_machine.travel(noon(START), tick=False):
        assert end_uncovered_memberships_task.apply().get() == 1
        assert not reaches(expert, team["client"])
    membership.refresh_from_db()
    # It never began: cancelled, ended before its start day.
    assert membership.cancelled and membership.ended_on < membership.started_on
    task = Task.objects.get(kind="consents.member_uncovered")
    assert task.assignee == team["worker"]
    assert not DisclosureLogEntry.objects.exists()


def test_a_refusal_on_the_start_day_itself_ends_the_membership(team, parties, expert):
    """Whatever the first cut of the daily run missed, the admission decides under the lock."""
    from consents.team_coverage import admit_starting_memberships

    ConsentFactory(
        client=team["client"],
        parties=[parties["employment"]],
        valid_until=START - datetime.timedelta(days=1),
    )
    membership = add(team, expert)
    with time_machine.travel(noon(START), tick=False):
        assert admit_starting_memberships() == {"admitted": 0, "ended": 1}
    membership.refresh_from_db()
    assert membership.cancelled and membership.admitted_at is None
    assert Task.objects.filter(kind="consents.member_uncovered", assignee=team["worker"]).exists()
    assert not DisclosureLogEntry.objects.exists()


def test_a_member_starting_today_is_admitted_at_once(team, parties, expert):
    consent = ConsentFactory(client=team["client"], parties=[parties["employment"]])
    membership = add(team, expert, started_on=TODAY)
    assert membership.admitted_at is not None
    assert reaches(expert, team["client"])
    entry = DisclosureLogEntry.objects.get()
    assert (entry.consent_id, entry.recipient_user) == (consent.pk, expert)
    assert end_uncovered_memberships_task.apply().get() == 0
    assert DisclosureLogEntry.objects.count() == 1


def test_a_member_of_the_clients_own_organisation_starting_later_is_admitted_on_adding(team):
    colleague = acting(make_user(Role.SOCIAL_COUNSELLOR, team["unit"]))
    membership = add(team, colleague)
    assert membership.admitted_at is not None
    with time_machine.travel(noon(START), tick=False):
        assert reaches(colleague, team["client"])
    assert not DisclosureLogEntry.objects.exists()


def test_the_admission_on_the_start_day_is_on_the_clients_access_log(team, parties, expert):
    """Written by the system, as the daily task's other team changes are: no actor, on the
    statutory basis; the membership and its role named."""
    ConsentFactory(client=team["client"], parties=[parties["employment"]])
    membership = add(team, expert)
    assert not AccessLogEntry.objects.filter(action="consents.membership.admitted").exists()
    with time_machine.travel(noon(START), tick=False):
        end_uncovered_memberships_task.apply().get()
        end_uncovered_memberships_task.apply().get()  # admitted, and logged, once
    entry = AccessLogEntry.objects.get(action="consents.membership.admitted")
    assert (entry.client_id, entry.actor, entry.basis) == (
        team["client"].uuid,
        None,
        Basis.STATUTE,
    )
    assert (entry.object_id, entry.detail) == (str(membership.pk), TeamRole.OTHER)
    assert timezone.localtime(entry.at).date() == START


def test_a_membership_refused_on_the_start_day_logs_no_admission(team, parties, expert):
    ConsentFactory(
        client=team["client"],
        parties=[parties["employment"]],
        valid_until=START - datetime.timedelta(days=1),
    )
    add(team, expert)
    with time_machine.travel(noon(START), tick=False):
        end_uncovered_memberships_task.apply().get()
    assert not AccessLogEntry.objects.filter(action="consents.membership.admitted").exists()
    assert AccessLogEntry.objects.filter(action="consents.membership.ended_uncovered").exists()


def test_the_start_day_admits_nobody_to_a_closed_client_s_team(team, parties, expert):
    """Closing cancels those starting later; a membership that waits on a closed client all
    the same (closed by another way than the action) is not admitted on its start day."""
    from consents.team_coverage import admit_starting_memberships

    ConsentFactory(client=team["client"], parties=[parties["employment"]])
    membership = add(team, expert)
    Client.objects.filter(pk=team["client"].pk).update(closed_on=TODAY, closure_reason="Muutti")
    with time_machine.travel(noon(START), tick=False):
        assert admit_starting_memberships() == {"admitted": 0, "ended": 0}
        membership.refresh_from_db()
        assert membership.admitted_at is None
        assert not reaches(expert, team["client"])
    assert not DisclosureLogEntry.objects.exists()
