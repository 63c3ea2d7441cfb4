"""What higher apps do when a client's care team changes: a registry filled in their
AppConfig.ready(), as `on_closing` is, so that clients imports none of them (DESIGN.md:
dependencies point one way). Consultations registers here: the new responsible worker
joins their client's upcoming sessions as presenter, a presenter who left the team
leaves them, and a work-pair offer whose pending membership ended ends with it."""

from collections.abc import Callable
from dataclasses import dataclass

from clients.models import CareTeamMembership, Client


@dataclass(frozen=True)
class TeamChange:
    """One change of a client's care team, as the team actions made it."""

    client: Client
    # Who changed the team; None for the system (a daily task ending lapsed or uncovered
    # memberships), whose access-log rows have no actor.
    by: object
    # Their basis for processing the client, read before the change (a responsible worker
    # who transfers their client away has none left after it); the system's is the statute.
    basis: str
    # The action code the change is logged under (clients.responsibility.transferred...).
    action: str
    joined: tuple[CareTeamMembership, ...] = ()
    ended: tuple[CareTeamMembership, ...] = ()


_hooks: dict[str, Callable[[TeamChange], None]] = {}


def on_team_change(name: str, hook: Callable[[TeamChange], None]) -> None:
    """Registers (or replaces, on a repeated ready()) `name`'s hook, run by `team_changed`."""
    _hooks[name] = hook


def team_changed(change: TeamChange) -> None:
    """Settles the reminders of those who left the team (settle_reminders_of_those_who_left),
    then runs every registered hook on `change`. Called by every action that ends a
    membership (a transfer of responsibility, a caseload handed over, a membership ended by
    hand, a lapsed one or one no longer covered ended by the daily tasks, a coach leaving
    with their step) inside their transaction and their history context, after the change
    is saved: a hook's writes commit or roll back with it and carry the action's label, and
    what it sends it enqueues on commit. A hook's ValidationError refuses the change."""
    settle_reminders_of_those_who_left(change)
    for hook in _hooks.values():
        hook(change)


def settle_reminders_of_those_who_left(change: TeamChange) -> None:
    """The people whose membership ended and who hold no other current membership of the
    client are no longer on its team: their unread reminders about the client (a step's
    review, no employer contact) ask them for what is no longer theirs to do, and name a
    client they no longer reach. They are marked read (notifications' settle_client_reminders:
    the rows stay), so neither the bell nor the morning digest keeps them. Those a manager
    gets as a manager of the unit (clients.reminders.UNIT_MANAGER_RULES) stay theirs. One
    query for who stays, one UPDATE per person who left."""
    from clients.reminders import UNIT_MANAGER_RULES
    from notifications.actions import settle_client_reminders

    left = {membership.user_id for membership in change.ended}
    if not left:
        return
    staying = set(
        CareTeamMembership.objects.current()
        .filter(client=change.client, user_id__in=left)
        .values_list("user_id", flat=True)
    )
    for user_id in sorted(left - staying):
        settle_client_reminders(
            client_id=change.client.uuid, recipient_id=user_id, except_rules=UNIT_MANAGER_RULES
        )
