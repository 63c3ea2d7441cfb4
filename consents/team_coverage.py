"""Joining a client's care team from another organisation is a disclosure: clients asks,
through the hook in clients.team_scope, and the consents enforcement function answers.
When nothing covers such a member any longer, their membership ends."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_noop

from audit.history import history_context
from clients.team_scope import TeamCoverage
from consents.coverage import (
    DisclosureNotCovered,
    covered_organisations,
    covers_outer,
    record_disclosure,
)
from consents.models import ORDINARY_CATEGORIES, InformationCategory, Purpose
from notifications.texts import Text

# The disclosure-log channel of joining a client's care team.
CARE_TEAM_CHANNEL = "care_team"


def team_coverage() -> TeamCoverage:
    """The coverage ConsentsConfig.ready() registers with clients.team_scope: joining a
    client's team discloses what the team sees, every ordinary category (identity, the
    pathway and plans, income and benefits on the steps, work and functional capacity in
    assessments and notes), and health data to a role that reads health-related notes;
    for service planning and coordination, decided and logged by consents.coverage."""

    def categories(health: bool) -> list[str]:
        ordinary = list(ORDINARY_CATEGORIES)
        return [*ordinary, InformationCategory.HEALTH] if health else ordinary

    def covered(client, organisations, *, health: bool) -> set[int]:
        return covered_organisations(
            client=client,
            organisations=organisations,
            category=categories(health),
            purpose=Purpose.SERVICE_PLANNING,
        )

    def disclose(*, actor, client, organisation, recipient, health: bool) -> bool:
        try:
            record_disclosure(
                actor=actor,
                client=client,
                organisation=organisation,
                category=categories(health),
                purpose=Purpose.SERVICE_PLANNING,
                channel=CARE_TEAM_CHANNEL,
                recipient_user=recipient,
                recipient_description=gettext_noop("Omatiimin jäsen"),
                # The membership's row is the access-log row of the work: added
                # ("clients.membership.added") or admitted on its start day.
                access_logged=True,
            )
        except DisclosureNotCovered:
            return False
        return True

    def covering(*, health: bool) -> Q:
        return covers_outer(category=categories(health), purpose=Purpose.SERVICE_PLANNING)

    return TeamCoverage(covered=covered, disclose=disclose, covering=covering)


MEMBER_UNCOVERED_TASK = "consents.member_uncovered"
ENDED_UNCOVERED = "consents.membership.ended_uncovered"
NOT_COVERED = gettext_noop(
    "{name} ei ole enää asiakkaan tiimissä: suostumus ei kata organisaatiota {organisation}. "
    "Kerro hänelle."
)
NO_FITTING_ROLE = gettext_noop(
    "{name} ei ole enää asiakkaan tiimissä: hänellä ei ole voimassa olevaa roolia, jolla "
    "tiimiin kuulutaan. Kerro hänelle."
)


def end_uncovered_memberships(
    *, clients=None, ended_by=None, ended_by_basis: str | None = None, notify: bool = True
) -> int:
    """Ends the care-team memberships (current or starting later) of people whom the team
    would no longer take (clients.team_scope): for someone holding a role in another
    organisation, the client's consent was revoked, changed or ran out, or the statutory
    basis ended; for anyone, they hold no fitting role any more (a coach whose coach role
    ended, even while they hold another role in the client's organisation). Access stops with the membership (clients.access).

    Whether the team still takes a membership is clients.team_scope.check_membership's
    answer: a fitting role in the organisation it is with and, for another organisation
    than the client's, the consent covering that one, as when they joined.
    `clients` limits the check to those clients (a revocation, a change, in its
    transaction); without it every client is checked (daily from Celery beat, after a
    consent's last day). Each membership is ended in a transaction of its own, under a
    row lock; the ending is in its history and on the client's access log (by `ended_by`, on
    `ended_by_basis`, the relation they acted in read before their change, which may have
    ended their own access; or by the system on the statutory basis in the daily run), and
    with `notify` the responsible worker gets a task to tell the member.
    Returns how many ended.
    """
    from accounts.models import RoleAssignment
    from clients.models import CareTeamMembership, Client, TeamRole
    from clients.team_scope import TEAM_ROLE_FITS

    held = RoleAssignment.objects.current().filter(user=OuterRef("user"))
    # Nothing fitting the team role in the organisation the membership is with: a coach
    # whose coach role there has ended, though they still hold another role (or none at all).
    no_fitting_role_there = Q()
    for team_role, roles in TEAM_ROLE_FITS.items():
        fitting = held.filter(unit__organisation=OuterRef("organisation"), role__in=sorted(roles))
        no_fitting_role_there |= Q(role=team_role) & ~Exists(fitting)
    # A cheap first cut: only a membership with another organisation may need a consent,
    # and any membership may have lost the role it is held in.
    # Accepted memberships on the team (current or starting later); a pending work-pair
    # offer is decided when it is accepted, a lapsed one is ended by its own daily task.
    # The responsible worker's membership ends only by a transfer of responsibility.
    candidates = (
        CareTeamMembership.objects.on_team()
        .exclude(accepted_at__isnull=True)
        .exclude(role=TeamRole.RESPONSIBLE_WORKER)
        .filter(
            ~Q(organisation=F("client__responsible_unit__organisation")) | no_fitting_role_there
        )
        .order_by("pk")
    )
    if clients is not None:
        candidates = candidates.filter(client__in=clients)
    ended = 0
    for membership_id, client_id in list(candidates.values_list("pk", "client_id")):
        with transaction.atomic():
            # The team's lock (the client) first, as the team actions take it; the hooks
            # lock the client's sessions after it.
            Client.objects.select_for_update().get(pk=client_id)
            membership = (
                CareTeamMembership.objects.select_for_update(of=("self",))
                .select_related("client__responsible_unit", "user", "organisation")
                .filter(pk=membership_id, ended_on__isnull=True)
                .first()
            )
            if membership is None:
                continue
            reason = _uncovered(membership)
            if reason is None:
                continue
            _end(membership, reason, ended_by=ended_by, basis=ended_by_basis, notify=notify)
            ended += 1
    return ended


def admit_starting_memberships(day=None) -> dict[str, int]:
    """Admits the memberships whose start day has come and which were not admitted when
    added (a member of another organisation added to start on a later day,
    clients.actions.add_team_member): the joining is decided now, as on adding a member who
    starts at once. Returns how many were admitted and how many ended.

    Each in a transaction of its own, under the client's lock, then the membership's row:
    `clients.team_scope.admit_membership` checks again that the team takes the member and,
    for another organisation, that the client's consent covers theirs, under a lock, and
    writes the disclosure-log row, dated now and naming the basis in force now. The worker
    who added the member discloses: it is their decision the day carries out. A membership
    refused is ended before it began (cancelled, `_end`) and the responsible worker is given
    a task to tell the member, as when a consent stops covering.

    Daily from Celery beat (consents.end_uncovered_memberships_task). Access waits for
    admission (CareTeamMembershipQuerySet.current): a late run delays the member's access,
    never the check. Safe to run again: it admits only what is still waiting. A closed
    client's memberships are not admitted (closing cancels them: clients.actions.close_client).

    Each admission is a row on the client's access log (ADMITTED_ON_START), the system's, with
    no actor, on the statutory basis, as the daily task's ends of memberships are
    (`_end`, clients.end_lapsed_memberships); the disclosure-log row names the worker."""
    from audit.actions import log_access
    from audit.models import Basis
    from clients.models import CareTeamMembership, Client
    from clients.team_scope import admit_membership

    day = day or timezone.localdate()
    due = (
        CareTeamMembership.objects.on_team(day)
        .filter(admitted_at__isnull=True, started_on__lte=day)
        .exclude(accepted_at__isnull=True)
        # A closed client's team takes nobody new (clients.actions.check_open_for_new_members):
        # closing cancels those waiting, and none that waits all the same is admitted.
        .filter(client__closed_on__isnull=True)
        .order_by("pk")
    )
    counts = {"admitted": 0, "ended": 0}
    for membership_id, client_id in list(due.values_list("pk", "client_id")):
        with transaction.atomic():
            Client.objects.select_for_update().get(pk=client_id)
            membership = (
                due.filter(pk=membership_id)
                .select_for_update(of=("self",))
                .select_related("client__responsible_unit", "user", "organisation", "created_by")
                .first()
            )
            if membership is None:
                continue
            try:
                with transaction.atomic(), history_context(None, ADMITTED_ON_START):
                    admit_membership(actor=membership.created_by, membership=membership)
                    membership.admitted_at = timezone.now()
                    membership.save(update_fields=["admitted_at"])
                    log_access(
                        actor=None,
                        client_id=membership.client.uuid,
                        action=ADMITTED_ON_START,
                        basis=Basis.STATUTE,
                        obj=membership,
                        detail=membership.role,
                    )
            except ValidationError:
                reason = _uncovered(membership) or (
                    NOT_COVERED,
                    {"organisation": lazy(lambda m=membership: str(m.organisation), str)()},
                )
                _end(membership, reason, ended_by=None, notify=True)
                counts["ended"] += 1
            else:
                counts["admitted"] += 1
    return counts


# The history label of a membership admitted on its start day by the daily task.
ADMITTED_ON_START = "consents.membership.admitted"


def _uncovered(membership) -> tuple[str, dict] | None:
    """None when the member may stay; otherwise what the responsible worker is told (a
    msgid with `{name}` and its other values: the organisation's names in each language)."""
    from clients.team_scope import check_membership

    try:
        other = check_membership(membership)
    except ValidationError:
        return NO_FITTING_ROLE, {}
    if other is None:
        return None  # a fitting role in the client's own organisation
    if team_coverage().covered(membership.client, [other.organisation], health=other.health):
        return None
    return NOT_COVERED, {"organisation": lazy(lambda: str(other.organisation), str)()}


def _end(
    membership, reason: tuple[str, dict], *, ended_by, notify: bool, basis: str | None = None
) -> None:
    from audit.actions import log_access
    from audit.models import Basis
    from clients.access import relation_to
    from clients.actions import TeamChange, set_membership_end, team_changed
    from clients.querysets import responsible_worker_of
    from notifications.actions import create_task

    client, member = membership.client, membership.user
    # The basis the actor processes the client on, read before the change (`basis`) or before
    # the end: a member of the team who recorded the change or revocation may be the one
    # leaving it.
    if ended_by is not None and basis is None:
        basis = relation_to(ended_by, client).basis
    day = timezone.localdate()
    if membership.admitted_at is None:
        # Never admitted, it never gave access: cancelled before its start, even when the
        # start day has come (set_membership_end).
        day = min(day, membership.started_on - datetime.timedelta(days=1))
    with history_context(ended_by, ENDED_UNCOVERED):
        membership.save(update_fields=set_membership_end(membership, day))
        # Inside the context: what the other apps change with it (consultations releases a
        # presenter who left the team) carries its label. The daily run has no actor: those
        # rows are the system's, on the statutory basis (clients.end_lapsed_memberships).
        team_changed(
            TeamChange(
                client=client,
                by=ended_by,
                basis=basis if ended_by is not None else Basis.STATUTE,
                action=ENDED_UNCOVERED,
                ended=(membership,),
            )
        )
    log_access(
        actor=ended_by,
        client_id=client.uuid,
        action=ENDED_UNCOVERED,
        basis=basis if ended_by is not None else Basis.STATUTE,
        obj=membership,
        detail=str(reason[1].get("organisation", "no fitting role")),
    )
    worker = responsible_worker_of(client)
    if notify and worker is not None:
        create_task(
            assignee=worker,
            kind=MEMBER_UNCOVERED_TASK,
            title=Text(reason[0], name=member.get_full_name(), **reason[1]),
            client_id=client.uuid,
            link=f"/clients/{client.uuid}/",
            created_by=ended_by,
            key=f"{MEMBER_UNCOVERED_TASK}:{membership.pk}",
        )
