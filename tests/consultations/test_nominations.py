"""Whom a network member's organisation nominated itself: add_member stores it
(`NetworkMember.nominated_by_own_organisation`) when the adder acts in that organisation,
and only such a nomination makes the organisation take part in the network for "the
coordinator chooses" requests (ConsultationRequest.objects.in_queue_of). The fact stays
when the adder's role ends; a coordinator adding another organisation's worker to their
own network nominates nobody for it."""

import datetime
import importlib

from django.db import connection
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from consents.factories import acting
from consultations import actions
from consultations.factories import NetworkFactory, add_network_member, make_request
from consultations.models import ConsultationRequest, NetworkMember
from services.factories import UnitFactory


def _employment_network(hki):
    """Employment services' network, run by their own coordinator; social services (the
    client's organisation) takes no part in it yet."""
    coordinator = acting(
        make_user(
            Role.COORDINATOR,
            UnitFactory(organisation=hki.employment),
            first_name="Toini",
            last_name="Toinen",
        )
    )
    network = NetworkFactory(
        name_fi="Työllisyyspalvelujen konsultaatio",
        convening_organisation=hki.employment,
        created_by=coordinator,
    )
    add_network_member(network, coordinator)
    return network, coordinator


def _in_queue(coordinator, request) -> bool:
    return ConsultationRequest.objects.in_queue_of(coordinator).filter(pk=request.pk).exists()


def test_a_member_nominated_by_their_organisation_counts_after_the_adders_role_ends(hki):
    network, coordinator = _employment_network(hki)
    waiting = make_request(hki.client, hki.worker)
    assert not _in_queue(coordinator, waiting)

    # Social services' own coordinator nominates the work coach.
    member = actions.add_member(
        network=network,
        added_by=hki.coordinator,
        user=hki.coach,
        organisation=hki.sote,
        expertise="Työvalmennus",
    )
    assert member.nominated_by_own_organisation
    assert _in_queue(coordinator, waiting)

    # The nominating coordinator's role ends; the nomination stands.
    today = timezone.localdate()
    RoleAssignment.objects.filter(user=hki.coordinator).update(
        valid_from=today - datetime.timedelta(days=30), valid_to=today - datetime.timedelta(days=1)
    )
    assert not RoleAssignment.objects.current().filter(user=hki.coordinator).exists()
    assert _in_queue(coordinator, waiting)

    # Once the membership itself ends, social services no longer takes part.
    NetworkMember.objects.filter(pk=member.pk).update(
        active_from=today - datetime.timedelta(days=10)
    )
    actions.end_member(member=member, ended_by=coordinator, on=today - datetime.timedelta(days=1))
    assert not _in_queue(coordinator, waiting)


def test_another_organisations_coordinator_adding_a_worker_nominates_nobody(hki):
    network, coordinator = _employment_network(hki)
    waiting = make_request(hki.client, hki.worker)
    member = actions.add_member(
        network=network,
        added_by=coordinator,  # acting in employment services
        user=hki.coach,
        organisation=hki.sote,
        expertise="Työvalmennus",
    )
    assert not member.nominated_by_own_organisation
    assert not _in_queue(coordinator, waiting)

    # Acting in another role counts for the organisation of that role only, even when
    # the adder also holds a role in the member's organisation.
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, unit=hki.social_work)
    assert coordinator.active_assignment.unit.organisation == hki.employment
    member.delete()
    member = actions.add_member(
        network=network,
        added_by=coordinator,
        user=hki.coach,
        organisation=hki.sote,
        expertise="Työvalmennus",
    )
    assert not member.nominated_by_own_organisation
    assert not _in_queue(coordinator, waiting)


def test_the_backfill_takes_the_adders_role_on_the_day_the_member_was_added(hki):
    """Members added before the fact was stored: their organisation nominated them when
    the adder held a role there on the day of the member's first history event."""
    migration = importlib.import_module(
        "consultations.migrations.0004_backfill_own_organisation_nominations"
    )
    network, coordinator = _employment_network(hki)
    by_own = add_network_member(network, hki.coach, organisation=hki.sote, added_by=hki.worker)
    by_other = add_network_member(network, hki.nurse, organisation=hki.health, added_by=coordinator)
    NetworkMember.objects.update(nominated_by_own_organisation=False)
    # The social worker's role has ended since; on the day the coach was added it held.
    today = timezone.localdate()
    RoleAssignment.objects.filter(user=hki.worker).update(
        valid_from=today - datetime.timedelta(days=30), valid_to=today
    )
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    by_own.refresh_from_db()
    by_other.refresh_from_db()
    assert by_own.nominated_by_own_organisation
    assert not by_other.nominated_by_own_organisation
    assert NetworkMember.objects.get(user=coordinator).nominated_by_own_organisation
