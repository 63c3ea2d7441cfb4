"""What higher apps do when a client's care team changes: a registry filled in their
AppConfig.ready(), as `on_closing` is, so that clients imports none of them (DESIGN.md:
dependencies point one way). Consultations registers here: the new responsible worker
joins their client's upcoming sessions as presenter, and a presenter who left the team
leaves them."""

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
    """Runs every registered hook on `change`. Called by the team actions (a transfer of
    responsibility, a caseload handed over, a membership ended) inside their transaction and
    their history context, after the change is saved: a hook's writes commit or roll back
    with it and carry the action's label, and what it sends it enqueues on commit. A hook's
    ValidationError refuses the change."""
    for hook in _hooks.values():
        hook(change)
