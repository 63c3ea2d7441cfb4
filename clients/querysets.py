"""Reads of client data. `Client.objects.for_user(user)` is the only way to list clients."""

from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.lookups import Exact
from django.utils import timezone

from accounts.roles import HEALTH_NOTE_READERS, NO_CLIENT_DATA_ROLES, Role
from config.ordering import Alphabetical


class ClientQuerySet(models.QuerySet):
    def for_user(self, user):
        """Clients the user may find in lists and search in their active role.

        Team members find the clients of their current care teams, through the
        memberships that fit the active role (CareTeamMembershipQuerySet.acting); a
        manager also finds every client of the unit they manage. Administrators and
        data protection officers find none (the DPO reaches a client's log by
        identity code, in audit). Break-the-glass opens one page, never lists.
        """
        role = getattr(user, "active_role", None)
        if not user.is_authenticated or role is None or role in NO_CLIENT_DATA_ROLES:
            return self.none()
        from clients.models import CareTeamMembership

        if role == Role.MANAGER:
            # A manager's own team clients are few; reading them first keeps the unit's
            # list a plain index scan instead of an OR with a correlated subquery.
            team = list(CareTeamMembership.objects.acting(user).values_list("client_id", flat=True))
            return self.filter(Q(pk__in=team) | Q(responsible_unit=user.active_assignment.unit_id))
        on_team = CareTeamMembership.objects.acting(user).filter(client=OuterRef("pk"))
        return self.filter(Exists(on_team))

    def active(self):
        return self.filter(closed_on__isnull=True)

    def closed(self):
        return self.filter(closed_on__isnull=False)

    def past_retention(self, today=None):
        """Closed clients whose records' retention has run out (clients.retention): the
        relationship closed POLKU_CLIENT_RECORDS_KEPT_YEARS or more years ago."""
        from clients.retention import retention_cutoff

        return self.closed().filter(closed_on__lte=retention_cutoff(today))

    def kept_permanently(self):
        """Clients whose records the archive keeps permanently (born on a sample day)."""
        from clients.retention import kept_permanently_condition

        return self.filter(kept_permanently_condition())

    def search(self, text: str):
        """Each word of `text` begins a word of the client's names, in any order (accents
        folded, case-insensitive; clients.names)."""
        from clients.names import query_words

        words = query_words(text)
        if not words:
            return self
        return self.filter(search_prefixes__contains=words)

    def with_responsible_worker(self):
        from clients.models import CareTeamMembership, TeamRole

        responsible = CareTeamMembership.objects.current().filter(role=TeamRole.RESPONSIBLE_WORKER)
        return self.prefetch_related(
            models.Prefetch(
                "memberships", queryset=responsible.select_related("user"), to_attr="responsible"
            )
        )


def _holds_fitting_role(day) -> Exists:
    """Whether the outer membership's user holds, on `day`, a role that fits its team role
    (clients.team_scope.MEMBERSHIP_FITS) in a unit of its organisation."""
    from accounts.models import RoleAssignment
    from clients.team_scope import MEMBERSHIP_FITS

    fits = Q()
    for team_role, roles in MEMBERSHIP_FITS.items():
        fits |= Q(Exact(OuterRef("role"), Value(str(team_role))), role__in=sorted(roles))
    return Exists(
        RoleAssignment.objects.current(day or timezone.localdate()).filter(
            fits, user=OuterRef("user"), unit__organisation=OuterRef("organisation")
        )
    )


def current_membership(day, *, through: str = "") -> Q:
    """The condition of CareTeamMembershipQuerySet.current on `day`, for memberships reached
    through `through` ("memberships__" from a client): for a FilteredRelation, which takes
    no queryset. Everything else asks `current()`."""
    return Q(
        Q(**{f"{through}valid_until__isnull": True}) | Q(**{f"{through}valid_until__gte": day}),
        **{
            f"{through}ended_on__isnull": True,
            f"{through}accepted_at__isnull": False,
            f"{through}admitted_at__isnull": False,
            f"{through}started_on__lte": day,
        },
    )


class CareTeamMembershipQuerySet(models.QuerySet):
    def current(self, day=None):
        """Memberships that give access on `day` (today): accepted, admitted, started, not
        ended, not past their `valid_until`. A member of another organisation added to start
        later is admitted on the start day by the daily task (consents.team_coverage
        .admit_starting_memberships); until it has run that day, access waits."""
        return self.filter(current_membership(day or timezone.localdate()))

    def acting(self, user, day=None):
        """The user's current memberships that count in their active role: a membership gives
        access only while the user acts in a role that fits its team role (a responsible
        worker as social worker, social counsellor or employment expert, a coach as a coach,
        clients.team_scope.MEMBERSHIP_FITS), and for the organisation the membership is
        with: a social worker of two municipalities acting for the other one does not reach
        this one's clients, nor does a partner of two organisations acting for the one the
        client's consent did not cover. As every rule reads the active role. A membership with
        another organisation than the client's counts only while the client's consent (or a
        statutory basis) covers that organisation now (clients.team_scope.still_disclosed).
        None for a user with no active role."""
        from clients.team_scope import reads_health_data, still_disclosed, team_roles_acting_as
        from services.models import Unit

        role = getattr(user, "active_role", None)
        roles = team_roles_acting_as(role)
        if not roles:
            return self.none()
        acting_for = Unit.objects.filter(pk=user.active_assignment.unit_id).values("organisation")
        return (
            self.current(day)
            .filter(user=user, role__in=sorted(roles), organisation__in=acting_for)
            .filter(still_disclosed(health=reads_health_data(role)))
        )

    def reachable(self, day=None):
        """Current memberships through which their member can act on `day`: an active account
        holding then a role that fits the team role, in a unit of the membership's
        organisation (as `acting` reads them). A responsible worker whose role ended (they
        left the unit) keeps the membership until the caseload is handed over, but no longer
        opens the client: what is due goes to whom can act on it (`unreachable`)."""
        return self.current(day).filter(user__is_active=True).filter(_holds_fitting_role(day))

    def unreachable(self, day=None):
        """Current memberships whose member cannot act through them on `day`: their account
        closed, or no role that fits held then in the membership's organisation."""
        return self.current(day).exclude(Q(user__is_active=True) & Q(_holds_fitting_role(day)))

    def open(self):
        """Not ended: current, starting later, or past `valid_until` until the daily task ends it."""
        return self.filter(ended_on__isnull=True)

    def on_team(self, day=None):
        """Open memberships not past their `valid_until`: the current ones, those starting
        later and proposals awaiting acceptance; what the team panel lists."""
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day), ended_on__isnull=True
        )

    def lapsed(self, day=None):
        """Open memberships whose `valid_until` has passed: the daily task ends them."""
        return self.filter(ended_on__isnull=True, valid_until__lt=day or timezone.localdate())

    def pending(self):
        return self.filter(ended_on__isnull=True, accepted_at__isnull=True)

    def in_team_order(self):
        """The responsible worker first, then the sote contact person, the work pair, the
        coaches and the other members; within a role the earliest start first."""
        from clients.models import TeamRole

        order = [
            TeamRole.RESPONSIBLE_WORKER,
            TeamRole.SOTE_CONTACT,
            TeamRole.WORK_PAIR,
            TeamRole.COACH,
            TeamRole.OTHER,
        ]
        return self.alias(
            role_order=models.Case(
                *(models.When(role=role, then=index) for index, role in enumerate(order)),
                default=len(order),
                output_field=models.IntegerField(),
            )
        ).order_by("role_order", "started_on", "pk")

    def responsible(self):
        return self.filter(role="responsible_worker")


class BreakTheGlassQuerySet(models.QuerySet):
    def in_force(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())

    def awaiting_review(self):
        return self.filter(reviewed_at__isnull=True)

    def reviewable_by(self, user):
        """The events the user reviews in the active role: a manager those broken in the
        unit (the unit the worker acted in, which stays with the event when the client later
        moves elsewhere), the DPO those of the organisation's units; never the user's own
        (whoever broke the glass does not review it, even when they also hold the manager
        role)."""
        assignment = user.active_assignment
        if user.active_role == "manager":
            events = self.filter(unit=assignment.unit_id)
        else:
            events = self.filter(unit__organisation=assignment.unit.organisation_id)
        return events.exclude(user=user)


def activity_during(events) -> dict[int, list]:
    """What each break-the-glass event's user did to its client while the access lasted: the
    access-log rows of that user for that client from the event's start up to its expiry,
    oldest first, by event id. One query for all `events` (their `client` selected)."""
    from audit.models import AccessLogEntry

    events = list(events)
    if not events:
        return {}
    during = Q()
    for event in events:
        during |= Q(
            client_id=event.client.uuid,
            actor_id=event.user_id,
            at__gte=event.started_at,
            at__lt=event.expires_at,
        )
    activity: dict[int, list] = {event.pk: [] for event in events}
    for entry in AccessLogEntry.objects.filter(during).order_by("at", "pk"):
        for event in events:
            if (
                entry.client_id == event.client.uuid
                and entry.actor_id == event.user_id
                and event.started_at <= entry.at < event.expires_at
            ):
                activity[event.pk].append(entry)
    return activity


class ClientPlanQuerySet(models.QuerySet):
    def current(self):
        """The newest version of each plan type (none superseded it)."""
        # NOT EXISTS, not a LEFT JOIN ... IS NULL: PostgreSQL estimates the join at one row
        # and picks a nested loop over every client for the reminder sweep's cursors.
        return self.filter(~Exists(self.model._default_manager.filter(supersedes=OuterRef("pk"))))

    def in_force(self):
        """Per client and plan type, the version in force: the newest version that is not a
        draft, when it is agreed or active. A draft revision being written leaves the agreed
        version in force (current() would not: the draft is the newest); a newer closed
        version ends it."""
        from clients.models import PlanStatus

        newer_decided = self.model._default_manager.filter(
            client=OuterRef("client"),
            plan_type=OuterRef("plan_type"),
            version__gt=OuterRef("version"),
        ).exclude(status=PlanStatus.DRAFT)
        return self.filter(status__in=(PlanStatus.AGREED, PlanStatus.ACTIVE)).filter(
            ~Exists(newer_decided)
        )


class CaseNoteQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Health-related notes only for the roles that may read them (PERMISSIONS.md), and
        for their author: every team member writes their own notes, and one who marks their
        own note health-related still reads it and edits it within its 24 hours, whatever
        role they act in. Others' health-related notes stay hidden from the other roles."""
        if getattr(user, "active_role", None) in HEALTH_NOTE_READERS:
            return self
        if getattr(user, "pk", None) is None:
            return self.filter(health_related=False)
        return self.filter(Q(health_related=False) | Q(author_id=user.pk))


def caseload_holders(unit):
    """Users of the unit who are responsible workers of at least one client of the unit."""
    from accounts.models import User

    return (
        User.objects.filter(
            care_team_memberships__role="responsible_worker",
            care_team_memberships__ended_on__isnull=True,
            care_team_memberships__client__responsible_unit=unit,
        )
        .distinct()
        .order_by(Alphabetical("last_name"), Alphabetical("first_name"))
    )


def responsible_worker_roles(client) -> list[str]:
    """The roles through which someone may become the client's responsible worker: a social
    worker or social counsellor; an employment expert too, for a client whose relationship is
    in employment services, as registration allows."""
    roles = [Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR]
    if client.relationship_home == "employment_services":
        roles.append(Role.EMPLOYMENT_EXPERT)
    return roles


def responsible_worker_candidates(client, *, excluding=None):
    """Current role assignments through which someone may become the client's responsible worker:
    one of `responsible_worker_roles` in the client's organisation, other than the current
    responsible worker, nor of the user `excluding` (the one choosing, when they may not take
    the client themselves: clients.team_scope.may_add_themselves)."""
    from accounts.models import RoleAssignment
    from clients.models import CareTeamMembership

    found = RoleAssignment.objects.current()
    if excluding is not None:
        found = found.exclude(user=excluding)
    return (
        found.filter(
            role__in=responsible_worker_roles(client),
            user__is_active=True,
            unit__organisation=client.responsible_unit.organisation_id,
        )
        # One membership that is all three (this client's, responsible worker, not ended):
        # conditions across a to-many relation in exclude() would each match any membership.
        .exclude(
            Exists(
                CareTeamMembership.objects.filter(
                    client=client,
                    user=OuterRef("user"),
                    role="responsible_worker",
                    ended_on__isnull=True,
                )
            )
        )
    )


def team_member_candidates(client, *, roles, other_roles, covered=(), covered_with_health=()):
    """Current role assignments of active users through which someone may join the client's
    care team (clients.team_scope decides the roles and which other organisations the
    client's consent covers): `roles` in the client's organisation; `other_roles` in an
    organisation of `covered`, or of `covered_with_health` for those that read health data."""
    from accounts.models import RoleAssignment

    own = client.responsible_unit.organisation_id
    in_scope = Q(unit__organisation=own, role__in=roles)
    for organisations, health in ((covered, False), (covered_with_health, True)):
        allowed = [role for role in other_roles if (role in HEALTH_NOTE_READERS) == health]
        if organisations and allowed:
            in_scope |= Q(unit__organisation__in=organisations, role__in=allowed) & ~Q(
                unit__organisation=own
            )
    return RoleAssignment.objects.current().filter(in_scope, user__is_active=True)


def responsible_worker_of(client):
    """The client's current responsible worker (a user), or None. One query."""
    from clients.models import CareTeamMembership, TeamRole

    membership = (
        CareTeamMembership.objects.current()
        .filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None
