"""Who may do what with a client (PERMISSIONS.md), as `rules` predicates over the relation."""

import rules

from accounts.roles import BREAK_THE_GLASS_ROLES, CLIENT_REGISTRARS, HEALTH_NOTE_READERS
from accounts.rules import active_role_in


def _relation(user, client):
    from clients.access import relation_to

    return relation_to(user, client)


@rules.predicate
def can_see(user, client) -> bool:
    return client is not None and _relation(user, client).visible


@rules.predicate
def on_team(user, client) -> bool:
    return client is not None and _relation(user, client).on_team


@rules.predicate
def reads_team_records(user, client) -> bool:
    return client is not None and _relation(user, client).reads_team_records


@rules.predicate
def is_responsible_worker(user, client) -> bool:
    return client is not None and _relation(user, client).is_responsible_worker


@rules.predicate
def is_sote_contact(user, client) -> bool:
    return client is not None and _relation(user, client).is_sote_contact


@rules.predicate
def manages_responsible_unit(user, client) -> bool:
    return client is not None and _relation(user, client).manages_responsible_unit


@rules.predicate
def is_open_client(user, client) -> bool:
    """The client relationship is open: not closed (Client.closed_on), or reopened since."""
    return client is not None and client.closed_on is None


@rules.predicate
def in_responsible_unit(user, client) -> bool:
    assignment = getattr(user, "active_assignment", None)
    return (
        client is not None
        and assignment is not None
        and assignment.unit_id == client.responsible_unit_id
    )


is_registrar = active_role_in(*CLIENT_REGISTRARS)
reads_health_notes = active_role_in(*HEALTH_NOTE_READERS)
writes_client_record = is_responsible_worker | is_sote_contact

rules.add_perm("clients.register_client", is_registrar)
rules.add_perm("clients.view_client", can_see)
rules.add_perm("clients.change_client", writes_client_record)
rules.add_perm(
    "clients.reveal_identity_code",
    is_responsible_worker | is_sote_contact | manages_responsible_unit,
)
rules.add_perm("clients.view_protected_address", is_responsible_worker)
rules.add_perm("clients.manage_team", is_responsible_worker | manages_responsible_unit)
# Nobody new joins the team of a closed client: a member sees the whole record. Memberships
# still end and responsibility is still transferred; the action refuses the same under the
# client's lock (clients.actions.check_open_for_new_members).
rules.add_perm(
    "clients.add_team_member",
    (is_responsible_worker | manages_responsible_unit) & is_open_client,
)
rules.add_perm("clients.transfer_responsibility", is_responsible_worker | manages_responsible_unit)
rules.add_perm("clients.close_client", is_responsible_worker | manages_responsible_unit)
rules.add_perm("clients.reopen_client", is_responsible_worker | manages_responsible_unit)
# Plans, their goals and service-need assessments are written while the relationship is
# open; after closing they are a record, until the relationship is reopened. The actions
# refuse the same under the client's lock (clients.actions.plans).
rules.add_perm("clients.write_plan", writes_client_record & is_open_client)
rules.add_perm("clients.read_plan", reads_team_records)
rules.add_perm("clients.read_notes", reads_team_records)
# Case notes stay writable after closing on purpose: the closing entry (how the relationship
# ended, what was agreed) is often written afterwards.
rules.add_perm("clients.write_note", on_team)
rules.add_perm("clients.read_health_notes", reads_team_records & reads_health_notes)
rules.add_perm(
    "clients.break_the_glass",
    active_role_in(*BREAK_THE_GLASS_ROLES) & in_responsible_unit & ~on_team,
)
rules.add_perm("clients.view_client_list", ~active_role_in("admin", "dpo") & rules.is_authenticated)
rules.add_perm("clients.hand_over_caseload", active_role_in("manager"))
rules.add_perm("clients.review_break_the_glass", active_role_in("manager", "dpo"))
