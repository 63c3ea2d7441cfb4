"""Small-cell suppression: the one place that decides whether a figure may be shown.

Every figure of the reports (page, dashboard panel, CSV) is made here, so
no group of fewer than MIN_GROUP_SIZE clients is ever shown:

- a count is hidden ("alle 5") when the group it counts has fewer than five
  clients (zero included: the rule is "fewer than five", not "one to four");
- a table of disjoint groups whose total is known (shown on the page or
  derivable from another figure) hides more cells, the smallest first ("ei
  näytetä"), until the hidden cells together hold no client or at least five,
  so that no small group can be worked out as the total minus the shown
  cells (secondary suppression); when the hidden cells hold no client, a lone
  shown cell would equal the total ("all of them") and is hidden too;
- a median is shown only when it is computed from at least five clients;
- a share splits a group in two (those who have it and those who do not), so
  it is shown only when both parts have at least five clients, which implies
  a group of at least ten. A part of no client is protected here too: 0 % or
  100 % would tell something about every client of the group;
- a count of meetings that counts no client (a network's sessions held) is
  shown as it is.

Figures carry their value for charts and their display text for templates
and CSV; a hidden figure has no value at all, so nothing downstream can
show it by mistake.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

MIN_GROUP_SIZE = 5

SHOWN = ""
SMALL = "small"
COMPLEMENTARY = "complementary"

COUNT = "count"
DAYS = "days"
PERCENT = "percent"

SMALL_COUNT_TEXT = _("alle 5")
SMALL_STATISTIC_TEXT = _("ei näytetä (alle 5)")
COMPLEMENTARY_TEXT = _("ei näytetä")
SUPPRESSION_NOTE = _(
    "Alle viiden asiakkaan ryhmien lukuja ei näytetä (alle 5). Luku, josta pienen ryhmän koko "
    "voisi päätellä muista luvuista, on piilotettu (ei näytetä). Osuus näytetään vain, kun "
    "kummassakin osassa on vähintään viisi asiakasta."
)


@dataclass(frozen=True)
class Figure:
    """One number of a report, or the reason it is not shown.

    `value` is None whenever `suppressed` is set: a hidden number never
    leaves this module.
    """

    value: int | float | None
    kind: str = COUNT
    suppressed: str = SHOWN

    @property
    def hidden(self) -> bool:
        return bool(self.suppressed)

    @property
    def shown_value(self) -> int | float | None:
        """The value as `text` shows it: a share in whole percent, rounded half up from its
        decimal form as floatformat rounds (49.5 and 49.6 are "50 %"); other figures as they
        are. The one rounding of a share: what judges a share (against a target) judges the
        number the reader sees, so 63 of 127 (49.6 %), shown "50 %", is not below 50 %."""
        if self.kind == PERCENT and self.value is not None:
            return int(Decimal(str(self.value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return self.value

    @property
    def text(self) -> str:
        if self.suppressed == COMPLEMENTARY:
            return str(COMPLEMENTARY_TEXT)
        if self.suppressed == SMALL:
            return str(SMALL_COUNT_TEXT if self.kind == COUNT else SMALL_STATISTIC_TEXT)
        if self.kind == PERCENT:
            return f"{self.shown_value} %"
        if self.kind == DAYS:
            return str(floatformat(self.value, -1))
        return str(self.value)

    def __str__(self) -> str:
        return self.text


def _hidden(kind: str, reason: str) -> Figure:
    return Figure(value=None, kind=kind, suppressed=reason)


def complementary(kind: str = COUNT) -> Figure:
    """A figure hidden because, with the figures shown beside it, it would tell a hidden one."""
    return _hidden(kind, COMPLEMENTARY)


def count(value: int, *, clients: int | None = None) -> Figure:
    """A count of clients (or of things of `clients` distinct clients), hidden below five clients."""
    group = value if clients is None else clients
    if group < MIN_GROUP_SIZE:
        return _hidden(COUNT, SMALL)
    return Figure(value=value)


def part_of(part: int, whole: int) -> Figure:
    """A count of clients shown next to the whole it is part of (the active clients with a
    plan in force, of all active clients): hidden below five clients, and hidden too while
    the rest (whole minus part, told by subtraction) holds fewer than five: one to four,
    or none, as "all of them" says something of every client of the whole (see `split`)."""
    if part < MIN_GROUP_SIZE:
        return _hidden(COUNT, SMALL)
    if whole - part < MIN_GROUP_SIZE:
        return complementary()
    return Figure(value=part)


def meetings(value: int) -> Figure:
    """A count of a network's meetings (sessions held), always shown.

    Only for numbers that count no client and are not counted from clients'
    data: a coordinator's sessions held include sessions with no case at all,
    and the coordinator schedules them. Sessions counted from clients' cases
    (a manager's "sessions where our clients were discussed") go through
    `table` or `count` like any count of clients.
    """
    return Figure(value=value)


def median_days(value: float | None, *, clients: int) -> Figure:
    """A median in days over `clients` clients, shown only from five clients up."""
    if clients < MIN_GROUP_SIZE or value is None:
        return _hidden(DAYS, SMALL)
    return Figure(value=float(value), kind=DAYS)


def table(
    cells: Sequence[tuple[Hashable, int, int | Collection | None]],
) -> dict[Hashable, Figure]:
    """Counts of disjoint groups whose total is known: (key, value, clients) per cell.

    `clients` is the number of distinct clients in the cell (None: the value
    is itself a number of clients), or the ids of those clients where one
    client may be in more than one cell (steps or cases counted by where they
    went or which network took them): only ids tell how many clients hidden
    cells hold together. Small cells are hidden; then, while the hidden cells
    together hold one to four clients (which the total minus the shown cells
    would give away), the shown cell of the fewest clients is hidden too.
    Hidden cells holding no client give no small group away, but a lone cell
    shown beside them equals the total: "registered 6, with a plan 6, without
    alle 5" tells that every client has a plan (the 0 % or 100 % that `split`
    protects too). So that cell is hidden as well.
    """
    members = {
        key: frozenset(clients)
        for key, _value, clients in cells
        if clients is not None and not isinstance(clients, int)
    }
    groups = {
        key: len(members[key]) if key in members else value if clients is None else clients
        for key, value, clients in cells
    }

    def together(keys: list[Hashable]) -> int:
        ids = frozenset().union(*(members[key] for key in keys if key in members))
        return len(ids) + sum(groups[key] for key in keys if key not in members)

    small = [key for key, group in groups.items() if group < MIN_GROUP_SIZE]
    # The fewest clients first; among equals the caller's order, so the choice is stable.
    candidates = sorted((key for key in groups if key not in small), key=lambda key: groups[key])
    complementary = []
    while 0 < together(small + complementary) < MIN_GROUP_SIZE and candidates:
        complementary.append(candidates.pop(0))
    if small and together(small) == 0 and len(candidates) == 1:
        # Every client of the table is in the one cell left shown.
        complementary.append(candidates.pop(0))
    figures = {}
    for key, value, _clients in cells:
        if key in small:
            figures[key] = _hidden(COUNT, SMALL)
        elif key in complementary:
            figures[key] = _hidden(COUNT, COMPLEMENTARY)
        else:
            figures[key] = Figure(value=value)
    return figures


@dataclass(frozen=True)
class Split:
    """A group split in two: `part` of `whole` have something, `rest` do not."""

    whole: Figure
    part: Figure
    rest: Figure
    share: Figure


def split(part: int, whole: int) -> Split:
    """`part` of `whole` clients, with the share.

    Unlike other tables, a part of no client is protected too: "none of them"
    or "all of them" says something of every client of the group. So when
    either part is small, both are hidden, and so is the share.
    """
    rest = whole - part
    if part < MIN_GROUP_SIZE or rest < MIN_GROUP_SIZE:
        return Split(
            whole=count(whole),
            part=_hidden(COUNT, SMALL if part < MIN_GROUP_SIZE else COMPLEMENTARY),
            rest=_hidden(COUNT, SMALL if rest < MIN_GROUP_SIZE else COMPLEMENTARY),
            share=_hidden(PERCENT, SMALL),
        )
    return Split(
        whole=count(whole),
        part=Figure(value=part),
        rest=Figure(value=rest),
        share=Figure(value=100 * part / whole, kind=PERCENT),
    )
