"""Who may join a client's care team (DESIGN.md "Access: need to know", PERMISSIONS.md).

A member sees the whole client page, so a member is chosen from current role
assignments (active users; an expired or future assignment is no relation) and
must fit the team role: a work pair is a coordinator, a coach one of the
coaches, a sote contact person a social worker, social counsellor or health
professional; "other" any other role that works with clients, but not a coordinator,
who joins only as work pair, when the responsible worker adds or accepts them.
Administrators and data protection officers never join (they read no client data).

Within the client's organisation (that of the responsible unit) the team
decides. Someone of another organisation (employment services, Kela, health
care, a provider) receives the client's data from this organisation when they
join: a disclosure, which needs the client's consent in force, or a recorded
statutory basis, covering their organisation for service planning and
coordination (DOMAIN.md "Consent"), health data included for a role that reads
health-related notes. Managers join only their own organisation's teams.

`admit` is the only way in: every new membership (the team page, a step's coach,
an accepted work pair) is decided by it, in the transaction that creates or starts
the membership, with the disclosure decided under a lock and logged there. A member of
another organisation added to start on a later day discloses nothing until then: adding
only checks that the consent covers now (`covering_organisation`), and the membership is
admitted on its start day (`admit_membership`, from the daily task), or ended there when
nothing covers it any longer.
`check_member` answers the first half alone (whether the person fits, and through
which other organisations they would join): for refusing early, before anything is
saved, and for re-checking those already on a team.

clients may not import consents (the layers of DESIGN.md "Layout"), so the
consents app registers its coverage here from its AppConfig.ready():

    register_team_coverage(TeamCoverage(covered=..., disclose=..., covering=...))

Until one is registered, nobody of another organisation joins: the rule fails
closed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from accounts.roles import (
    CLIENT_REGISTRARS,
    COACH_ROLES,
    HEALTH_NOTE_READERS,
    NO_CLIENT_DATA_ROLES,
    Role,
)
from clients.models import TeamRole
from clients.querysets import team_member_candidates
from services.models import Organisation

# The roles that may hold each team role added through the team page (the responsible
# worker changes only by a transfer of responsibility). Not the manager: they reach their
# unit's clients as manager, without the team's records (plans, assessments and notes); a
# membership would open those, past the break-the-glass review that is their way there. Nor
# does a manager add another role of their own (check_not_adding_themselves). Nor is a
# coordinator an "other member": they join only as work pair, when the responsible worker
# adds them or accepts their offer (PERMISSIONS.md), as they read health-related notes; an
# "other" membership of theirs gives no access and the daily run ends it
# (consents.team_coverage.end_uncovered_memberships).
TEAM_ROLE_FITS: dict[str, frozenset[str]] = {
    TeamRole.SOTE_CONTACT: frozenset(
        {Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR, Role.HEALTH_PROFESSIONAL}
    ),
    TeamRole.WORK_PAIR: frozenset({Role.COORDINATOR}),
    TeamRole.COACH: frozenset(COACH_ROLES),
    TeamRole.OTHER: frozenset(set(Role) - NO_CLIENT_DATA_ROLES - {Role.MANAGER, Role.COORDINATOR}),
}
MEMBER_ROLES = frozenset().union(*TEAM_ROLE_FITS.values())
# The roles through which someone becomes responsible worker: registering the client, or
# taking over responsibility (clients.querysets.responsible_worker_candidates).
RESPONSIBLE_WORKER_FITS = frozenset(CLIENT_REGISTRARS)
# Every team role and the roles that may act in it: a membership gives access only while
# the user acts in one of these (team_roles_acting_as).
MEMBERSHIP_FITS: dict[str, frozenset[str]] = {
    TeamRole.RESPONSIBLE_WORKER: RESPONSIBLE_WORKER_FITS,
    **TEAM_ROLE_FITS,
}
# Roles that join the team of a client of another organisation (with the client's consent).
OTHER_ORGANISATION_ROLES = MEMBER_ROLES


@dataclass(frozen=True)
class TeamCoverage:
    """How the consents app answers for members of other organisations.

    `covered(client, organisations, *, health)` returns the ids of those of
    `organisations` that a consent in force now (or a statutory basis) covers
    for joining the client's team; reads only. `health` asks for health data too.

    `disclose(*, actor, client, organisation, recipient, health)` checks the same
    again under a lock and writes the disclosure-log row; False, writing nothing,
    when nothing covers. Called by `admit`, inside the joining transaction.

    `covering(*, health)` is `covered` as a condition on care-team memberships (their
    `client` and `organisation`), for the reads that give access (`still_disclosed`).
    """

    covered: Callable[..., set[int]]
    disclose: Callable[..., bool]
    covering: Callable[..., Q]


_coverage: TeamCoverage | None = None


def register_team_coverage(coverage: TeamCoverage | None) -> None:
    """Sets (or with None clears) the coverage that lets other organisations join teams."""
    global _coverage
    _coverage = coverage


def team_coverage() -> TeamCoverage | None:
    return _coverage


def still_disclosed(*, health: bool) -> Q:
    """Over care-team memberships: those that may still give access now. A membership with
    the client's own organisation; one with another organisation while the client's consent
    in force now, or a statutory basis, covers that organisation as when it joined (health
    data too, `health`, for a role that reads it). The daily run ends the membership of a
    member no longer covered and tells the responsible worker
    (consents.team_coverage.end_uncovered_memberships); access stops already when the
    consent runs out at midnight, not when the run gets to it. Fails closed: without a
    registered coverage, only the client's own organisation."""
    own = Q(organisation=F("client__organisation"))
    if _coverage is None:
        return own
    return own | _coverage.covering(health=health)


def reads_health_data(role: str) -> bool:
    """A role that reads health-related notes: joining discloses health data to it."""
    return role in HEALTH_NOTE_READERS


def fits(team_role: str, role: str) -> bool:
    return role in TEAM_ROLE_FITS.get(team_role, frozenset())


def team_roles_acting_as(role: str | None) -> frozenset[str]:
    """The team roles whose memberships count while the user acts in `role` (their active
    role, chosen in the header): a membership works only in a role that fits it, so a
    responsible worker who switches to a work-coach role, or a coach whose coach role has
    ended, no longer reaches the client through it (clients.access, Client.objects.for_user)."""
    return frozenset(team_role for team_role, roles in MEMBERSHIP_FITS.items() if role in roles)


def may_add_themselves(actor, client) -> bool:
    """Whether `actor` may put a role of their own on the client's team (add it, or take
    responsibility over): only while they reach the client as a member of its team, in the
    role they act in (clients.access.relation_to). Not a manager reaching the client as
    manager of its unit, though they hold another role that would fit: a membership would
    open the team's records to them (plans, assessments, notes, health-related ones too, and
    a responsible worker's non-disclosed address) past break-the-glass, the manager's way to
    those, which is reviewed. A colleague (the responsible worker, another manager) may add
    them."""
    from clients.access import relation_to

    return relation_to(actor, client).on_team


def check_not_adding_themselves(*, client, actor, user, field: str) -> None:
    """ValidationError on `field` when `actor` would put themselves on the client's team
    (`user` is `actor`) and may not (`may_add_themselves`). Reads only."""
    if user.pk == actor.pk and not may_add_themselves(actor, client):
        raise ValidationError(
            {
                field: _(
                    "Et voi lisätä itseäsi asiakkaan tiimiin etkä siirtää vastuuta itsellesi "
                    "esihenkilönä: esihenkilö pääsee tiimin kirjauksiin vain murtautumalla, "
                    "ja se tarkastetaan. Vastuutyöntekijä tai toinen esihenkilö voi lisätä sinut."
                )
            }
        )


def candidates(client, *, actor=None) -> QuerySet:
    """Current role assignments through which someone may join the client's team now: of the
    client's organisation, or of another organisation the client's consent covers (health
    data included for a role that reads health-related notes). Given `actor`, who is
    choosing, without their own assignments when they may not add themselves
    (`may_add_themselves`). One query for the other organisations holding candidates, then
    what the coverage asks per organisation; none per person."""

    covered: dict[bool, set[int]] = {False: set(), True: set()}
    if _coverage is not None:
        others = (
            RoleAssignment.objects.current()
            .filter(user__is_active=True, role__in=OTHER_ORGANISATION_ROLES)
            .exclude(unit__organisation=client.responsible_unit.organisation_id)
            .values_list("unit__organisation", "role")
            .distinct()
        )
        wanted: dict[bool, set[int]] = {False: set(), True: set()}
        for organisation_id, role in others:
            wanted[reads_health_data(role)].add(organisation_id)
        for health, ids in wanted.items():
            if ids:
                organisations = list(Organisation.objects.filter(pk__in=ids).order_by("pk"))
                covered[health] = set(_coverage.covered(client, organisations, health=health))
    found = team_member_candidates(
        client,
        roles=MEMBER_ROLES,
        other_roles=OTHER_ORGANISATION_ROLES,
        covered=covered[False],
        covered_with_health=covered[True],
    )
    if actor is not None and not may_add_themselves(actor, client):
        found = found.exclude(user=actor)
    return found


@dataclass(frozen=True)
class OtherOrganisation:
    """An organisation through which a member of another organisation joins, and whether
    their role there reads health data."""

    organisation: object
    health: bool


def check_member(*, client, user, role: str) -> list[OtherOrganisation]:
    """Raises ValidationError unless `user` holds a current role that fits `role` and may join
    this client's team: in the client's organisation (returns []), or in other organisations
    (returns them). Reads only; the consent is decided when joining (`admit`)."""

    own = client.responsible_unit.organisation_id
    held = [
        a
        for a in RoleAssignment.objects.current()
        .filter(user=user, user__is_active=True)
        .select_related("unit__organisation")
        .order_by("pk")
        if a.role in (MEMBER_ROLES if a.unit.organisation_id == own else OTHER_ORGANISATION_ROLES)
    ]
    if not held:
        raise ValidationError(
            _(
                "Henkilöä ei voi lisätä tiimiin: hänellä ei ole voimassa olevaa roolia, jolla "
                "omatiimiin liitytään."
            )
        )
    fitting = [a for a in held if fits(role, a.role)]
    if not fitting:
        raise ValidationError(
            {
                "role": _("Henkilön rooli ei sovi tiimin rooliin %(role)s.")
                % {"role": TeamRole(role).label}
            }
        )
    if any(a.unit.organisation_id == own for a in fitting):
        return []
    others: dict[int, OtherOrganisation] = {}
    for a in fitting:
        known = others.get(a.unit.organisation_id)
        health = reads_health_data(a.role) or (known is not None and known.health)
        others[a.unit.organisation_id] = OtherOrganisation(a.unit.organisation, health)
    return list(others.values())


def check_membership(membership) -> OtherOrganisation | None:
    """Whether the team still takes `membership` as it is: ValidationError unless its member
    holds a current role that fits its team role in the organisation the membership is
    with; None when that is the client's own organisation, otherwise that organisation (and
    whether the fitting role reads health data) for the client's consent to cover, as when
    they joined (`admit`). Reads only."""
    fitting = [
        a.role
        for a in RoleAssignment.objects.current().filter(
            user=membership.user_id,
            user__is_active=True,
            unit__organisation=membership.organisation_id,
        )
        if a.role in MEMBERSHIP_FITS.get(membership.role, frozenset())
    ]
    if not fitting:
        raise ValidationError(
            _("Henkilöllä ei ole voimassa olevaa roolia, jolla tiimin jäsenyys jatkuu.")
        )
    if membership.organisation_id == membership.client.responsible_unit.organisation_id:
        return None
    return OtherOrganisation(
        membership.organisation, any(reads_health_data(role) for role in fitting)
    )


def covering_organisation(*, client, user, role: str) -> int:
    """The organisation `admit` would have `user` join for, decided on what covers now and
    writing nothing: for a member of another organisation added to start on a later day,
    whose disclosure is made only when the membership starts (`admit_membership`). The
    same refusals as `admit` (ValidationError)."""
    others = check_member(client=client, user=user, role=role)
    if not others:
        return client.responsible_unit.organisation_id
    if _coverage is not None:
        for other in others:
            if _coverage.covered(client, [other.organisation], health=other.health):
                return other.organisation.pk
    raise ValidationError(_not_covered_message())


def admit_membership(*, actor, membership) -> None:
    """Admits a membership on its start day, one added earlier to start then: whether the
    team still takes it (`check_membership`: a fitting role in the organisation it is with)
    and, for another organisation than the client's, the client's consent covering that
    organisation now, checked under a lock with the disclosure-log row written, `actor`
    disclosing. ValidationError, writing nothing, otherwise. The caller holds the client's
    lock and sets `admitted_at`."""
    other = check_membership(membership)
    if other is None:
        return
    if _coverage is not None and _coverage.disclose(
        actor=actor,
        client=membership.client,
        organisation=other.organisation,
        recipient=membership.user,
        health=other.health,
    ):
        return
    raise ValidationError(_not_covered_message())


def _not_covered_message() -> str:
    return _(
        "Asiakkaan voimassa oleva suostumus ei kata henkilön organisaatiota palvelujen "
        "suunnitteluun ja yhteensovittamiseen, joten häntä ei voi lisätä tiimiin."
    )


def admit(*, actor, client, user, role: str) -> int:
    """Decides whether `user` joins the client's team in the team role `role`, by this
    module's rule: ValidationError unless they fit (`check_member`). Returns the id of the
    organisation they join for, the membership's `organisation`: the client's own when they
    hold a fitting role there. Joining from another organisation is a disclosure: the first
    of their organisations that the client's consent in force (or a statutory basis) covers
    is checked under a lock and the disclosure-log row written, `actor` disclosing, and the
    member works for that one on the team; ValidationError, writing nothing, when none is
    covered.

    Call inside the transaction that creates (or starts) the membership, once the caller
    knows a new membership is needed; the caller creates it."""
    others = check_member(client=client, user=user, role=role)
    if not others:
        return client.responsible_unit.organisation_id
    if _coverage is not None:
        for other in others:
            if _coverage.disclose(
                actor=actor,
                client=client,
                organisation=other.organisation,
                recipient=user,
                health=other.health,
            ):
                return other.organisation.pk
    raise ValidationError(_not_covered_message())
