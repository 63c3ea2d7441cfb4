"""The only way a view reaches a client: need to know, decided here.

A user reaches a client through a current relation: a care-team membership,
as manager of the client's responsible unit (in the manager role), or by a
break-the-glass access in force. Anything else answers 404, so a client's
existence does not leak; 403 only where the client is visible but the
action is not allowed.
"""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.roles import BREAK_THE_GLASS_ROLES, NO_CLIENT_DATA_ROLES, Role
from audit.actions import log_access, log_list_hits
from audit.models import Basis
from clients.models import BreakTheGlass, CareTeamMembership, Client, TeamRole


@dataclass(frozen=True)
class ClientRelation:
    """How one user, in their active role, stands to one client. `team_roles` are those of
    the user's current memberships that fit the active role (clients.team_scope)."""

    team_roles: frozenset[str]
    manages_responsible_unit: bool
    break_the_glass: BreakTheGlass | None

    @property
    def on_team(self) -> bool:
        return bool(self.team_roles)

    @property
    def visible(self) -> bool:
        return self.on_team or self.manages_responsible_unit or self.break_the_glass is not None

    @property
    def reads_team_records(self) -> bool:
        """Plans, assessments and case notes: the team reads them (PERMISSIONS.md); so does a
        break-the-glass access in force, which exists to read what the situation needs and is
        reviewed afterwards. A manager sees the client, not these records."""
        return self.on_team or self.break_the_glass is not None

    @property
    def is_responsible_worker(self) -> bool:
        return TeamRole.RESPONSIBLE_WORKER in self.team_roles

    @property
    def is_sote_contact(self) -> bool:
        return TeamRole.SOTE_CONTACT in self.team_roles

    @property
    def basis(self) -> str:
        if self.on_team:
            return Basis.CARE_TEAM
        if self.manages_responsible_unit:
            return Basis.MANAGER
        return Basis.BREAK_THE_GLASS


NO_RELATION = ClientRelation(frozenset(), False, None)


def relation_to(user, client: Client) -> ClientRelation:
    """The user's relation to the client, computed once per request and cached on the client."""
    cache = client.__dict__.setdefault("_relations", {})
    # Keyed by the active assignment too: the relation is that of the role the user acts in.
    key = (user.pk, getattr(getattr(user, "active_assignment", None), "pk", None))
    if key in cache:
        return cache[key]
    role = getattr(user, "active_role", None)
    if not user.is_authenticated or role is None or role in NO_CLIENT_DATA_ROLES:
        relation = NO_RELATION
    else:
        # Only the memberships that fit the active role count (a responsible worker acting
        # as a work coach is not on the team), as in Client.objects.for_user.
        team_roles = frozenset(
            CareTeamMembership.objects.acting(user)
            .filter(client=client)
            .values_list("role", flat=True)
        )
        manages = (
            role == Role.MANAGER and client.responsible_unit_id == user.active_assignment.unit_id
        )
        glass = None
        if not team_roles and not manages and _may_hold_break_the_glass(user, client):
            glass = (
                BreakTheGlass.objects.in_force()
                .filter(client=client, user=user, role=role, unit=user.active_assignment.unit_id)
                .order_by("-expires_at")
                .first()
            )
        relation = ClientRelation(team_roles, manages, glass)
    cache[key] = relation
    return relation


def _may_hold_break_the_glass(user, client: Client) -> bool:
    """A break-the-glass access holds only while the user acts in the role and unit it was
    opened in (both recorded on it), a role that may open one, in the client's responsible
    unit: switching to another role or unit, or the client moving to another unit, closes it,
    as every rule reads the active role."""
    return (
        user.active_role in BREAK_THE_GLASS_ROLES
        and client.responsible_unit_id == user.active_assignment.unit_id
    )


def log_client_access(
    user, client: Client, action: str, obj=None, detail: str = "", *, basis: str | None = None
) -> None:
    """Writes the access-log row of the user's processing of the client's data (`obj`, the
    client itself by default), with the user's relation to the client as its basis. An action
    that ends the user's own membership reads the basis before it (`basis`): afterwards the
    user has no relation left to log the change on."""
    log_access(
        actor=user,
        client_id=client.uuid,
        action=action,
        basis=basis or relation_to(user, client).basis,
        obj=client if obj is None else obj,
        detail=detail,
    )


def log_clients_listed(user, clients, *, detail: str) -> None:
    """One list hit per client shown to the user (Client.objects.for_user), each on the basis
    the client page would log: the care team for a client whose team the user is on, the
    managed unit for the rest of a manager's list. One query for a manager's page, whatever
    its size; none for anyone else, whose lists hold only their teams' clients."""
    clients = list(clients)
    team = {client.pk for client in clients}
    if getattr(user, "active_role", None) == Role.MANAGER and clients:
        team = set(
            CareTeamMembership.objects.acting(user)
            .filter(client__in=team)
            .values_list("client_id", flat=True)
        )
    for basis, shown in (
        (Basis.CARE_TEAM, [c.uuid for c in clients if c.pk in team]),
        (Basis.MANAGER, [c.uuid for c in clients if c.pk not in team]),
    ):
        log_list_hits(
            actor=user, client_ids=shown, action="clients.client.listed", basis=basis, detail=detail
        )


def get_client_for_user(
    user, client_id, *, permission: str = "clients.view_client", log_action: str | None
) -> Client:
    """The client with UUID `client_id`, if the user may see it; 404 otherwise.

    Raises PermissionDenied (403) when the client is visible but `permission`
    is not granted. When `log_action` is given, writes the access-log row for
    this processing with the relation as its basis.
    """
    try:
        client = Client.objects.select_related("responsible_unit__organisation").get(uuid=client_id)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None
    relation = relation_to(user, client)
    if not relation.visible:
        raise Http404
    if not rules.has_perm(permission, user, client):
        raise PermissionDenied
    if log_action:
        log_access(
            actor=user, client_id=client.uuid, action=log_action, basis=relation.basis, obj=client
        )
    return client


def read_log(request, action: str = "clients.client.viewed") -> str | None:
    """The access-log action of a page that shows client data on GET. On POST the action
    writes its own row; a POST it refuses shows the page again (`log_shown_again`)."""
    return action if request.method == "GET" else None


def log_shown_again(request, client: Client, action: str = "clients.client.viewed", obj=None):
    """A POST whose form or action was refused renders its page again, showing the client's
    data as the GET did, and no action wrote a row: logged as the GET logs it. Called just
    before the page is rendered (a POST that succeeded has redirected by then)."""
    if request.method == "POST":
        log_client_access(request.user, client, action, obj)


def clients_with_identity_code(code: str):
    """The clients with this identity code, one at most in each organisation's register
    (exact match on the keyed hash); the caller decides what the user may learn of them."""
    from clients.identity import search_hash

    return Client.objects.filter(identity_code_hash=search_hash(code)).order_by("pk")


def find_client_by_identity_code(code: str, organisation_id: int) -> Client | None:
    """The client with this identity code in the organisation's register, or None."""
    return clients_with_identity_code(code).filter(organisation_id=organisation_id).first()


def client_in_reach_with_identity_code(user, code: str) -> Client | None:
    """The client with this identity code in the register of the organisation the user acts
    in, when the user already sees it (relation_to: their own client, a team's, the managed
    unit's); None otherwise, for a client outside the user's reach as for no client, so the
    answer tells nothing more than the register's refusal did. Reads only; the caller logs."""
    organisation_id = user.active_assignment.unit.organisation_id
    client = find_client_by_identity_code(code, organisation_id)
    if client is None or not relation_to(user, client).visible:
        return None
    return client


def record_found_outside_reach(user, client: Client) -> None:
    """Logs that an identity-code search told the user the organisation's register holds
    the client, who is outside the user's reach (the search then offers break-the-glass):
    being a client of social services is itself confidential, so learning it is processing.
    Its basis is the search itself: no break-the-glass has happened (yet), and the log report
    does not say one did."""
    log_access(
        actor=user,
        client_id=client.uuid,
        action="clients.client.found_by_identity_code",
        basis=Basis.IDENTITY_CODE_SEARCH,
        obj=client,
    )


def get_client_for_break_the_glass(user, client_id) -> Client:
    """The client with UUID `client_id` when the user sees it already or may break the glass
    to it (access.may_break_the_glass); 404 otherwise, as for a client that does not exist.

    Writes no log row: the page only asks the reason, and the action logs the access it
    grants. The caller sends a user who already sees the client to the client's page.
    """
    try:
        client = Client.objects.select_related("responsible_unit").get(uuid=client_id)
    except (Client.DoesNotExist, ValueError):
        raise Http404 from None
    if not relation_to(user, client).visible and not may_break_the_glass(user, client):
        raise Http404
    return client


def get_break_the_glass_event_for_review(user, event_id) -> BreakTheGlass:
    """A break-the-glass event the user reviews in the active role (manager of the client's
    responsible unit, or the DPO of its organisation), never the user's own; 404 otherwise.

    Raises PermissionDenied (403) for a role that reviews no events.
    """
    if not rules.has_perm("clients.review_break_the_glass", user):
        raise PermissionDenied
    try:
        return BreakTheGlass.objects.reviewable_by(user).select_related("client").get(pk=event_id)
    except (BreakTheGlass.DoesNotExist, ValueError):
        raise Http404 from None


def sees_client_now(user, client: Client) -> bool:
    """Whether the user sees the client as the database stands now: after a transfer or a
    handover that may have taken the client out of the user's reach."""
    return relation_to(user, Client.objects.get(pk=client.pk)).visible


def may_break_the_glass(user, client: Client) -> bool:
    """A social worker, social counsellor or employment expert of the client's responsible unit."""
    return rules.has_perm("clients.break_the_glass", user, client)
