"""Reminder rules that higher apps register; the sweep runs them all.

An app registers its rules in its AppConfig.ready():

    register_reminder_rule("clients.plan_review_due", _("Suunnitelman tarkistus"), plan_reviews_due)

A rule is a function `func(today, batch_size)` that yields `ReminderSpec`s for
everything due on `today`'s terms. It reads the database in batches (e.g.
`.values_list(...).iterator(chunk_size=batch_size)`), never one query per
object; the sweep writes what it yields in bulk statements of `batch_size`.
The rule's code goes into the reminder's unique key, so a rule may yield the
same reminder on every sweep: only the first is stored.

A rule may also give `withdraw_stale(today) -> int`, which the sweep runs just
before the rule: of the rule's reminders that no longer fit, it takes back those
not yet due and marks the past ones read, keeping their rows (e.g.
notifications.actions.withdraw_stale_reminders), for a rule whose facts change by
many paths (a step's end moved, a follow-on step linked).

A rule registered with `reminds_the_team=True` reminds people as members of the client's
care team (its responsible worker, a step's coach) while they can act on the client. The
app that keeps the team registers, with `register_sweep_end`, what the sweep runs after
every rule: the reminders of those rules that it wrote for someone who left the team while
it ran (a transfer of responsibility committed between the rule's read and its write) are
settled there (clients.reminders.settle_reminders_off_the_team).

(Not named rules.py: the `rules` library autodiscovers modules of that name.)
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import DateField, Func
from django.utils.functional import Promise

from notifications.texts import Text


class DatePlus(Func):
    """date + interval (or + integer days) as a date, for a due date computed in the query
    (a rule, or its withdraw_stale, comparing a reminder's due date). PostgreSQL keeps the
    day of the month and clamps it to the month's last day, as services.calendar.add_months."""

    arg_joiner = " + "
    template = "(%(expressions)s)::date"
    output_field = DateField()


@dataclass(frozen=True)
class ReminderSpec:
    """One reminder to write: for whom, about which object, due when, saying what.

    `title` is a notifications.texts.Text (Polku's words, shown in each reader's
    language) or plain text. `rule` is filled in by the sweep from the registered rule.
    `client_id` is the UUID of the client the reminder names, if it names one:
    the inbox logs each client it shows.
    """

    recipient_id: int
    model: type[models.Model]
    object_id: object
    due_date: datetime.date
    title: str | Text
    link: str = ""
    rule: str = ""
    client_id: object = None


RuleFunction = Callable[[datetime.date, int], Iterable[ReminderSpec]]
WithdrawFunction = Callable[[datetime.date], int]


@dataclass(frozen=True)
class ReminderRule:
    code: str
    label: str | Promise
    func: RuleFunction
    withdraw_stale: WithdrawFunction | None = None
    reminds_the_team: bool = False


_rules: dict[str, ReminderRule] = {}
_sweep_ends: dict[str, WithdrawFunction] = {}


def register_reminder_rule(
    code: str,
    label: str | Promise,
    func: RuleFunction,
    *,
    withdraw_stale: WithdrawFunction | None = None,
    reminds_the_team: bool = False,
) -> None:
    """Registers (or replaces, on a repeated ready()) the rule with this code."""
    if not code or len(code) > 64:
        raise ValueError("A reminder rule code has 1-64 characters.")
    _rules[code] = ReminderRule(
        code=code,
        label=label,
        func=func,
        withdraw_stale=withdraw_stale,
        reminds_the_team=reminds_the_team,
    )


def registered_rules() -> list[ReminderRule]:
    return [_rules[code] for code in sorted(_rules)]


def team_rules() -> list[str]:
    """The codes of the registered rules that remind the client's care team."""
    return [code for code in sorted(_rules) if _rules[code].reminds_the_team]


def register_sweep_end(name: str, func: WithdrawFunction) -> None:
    """Registers (or replaces, on a repeated ready()) `func(today) -> int`, which the sweep
    runs once after every rule has run."""
    _sweep_ends[name] = func


def sweep_ends() -> list[tuple[str, WithdrawFunction]]:
    return [(name, _sweep_ends[name]) for name in sorted(_sweep_ends)]


def rule_label(code: str) -> str | Promise:
    """The rule's label in the current language; the code itself for an unknown rule."""
    rule = _rules.get(code)
    return rule.label if rule else code
