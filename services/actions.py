"""Writes of the services app.

Rule sets in force are never edited: `supersede_rule_set` ends one and starts
its successor in one transaction, so every past day keeps exactly one rule
set and the rules it had. A successor not yet in force is changed with
`change_coming_rule_set` and deleted with `delete_coming_rule_set`, which move
the end of the rule set it replaces with it, so that no day is left without rules.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.models import ServiceRuleSet, ServiceType

# The rules a successor may change; everything else (type, organisation, dates,
# provenance) is decided by the supersede itself.
RULE_FIELDS = (
    "min_duration_months",
    "max_duration_months",
    "min_days_per_week",
    "max_days_per_week",
    "min_hours_per_day",
    "min_age",
    "max_age",
    "compensation_cap_per_day",
    "compensation_is_not_wage",
    "required_plan_type",
    "review_interval_months",
    "warning_month",
    "employer_contact_alert_days",
    "coach_caseload_warning",
    "employment_target_min_percent",
    "employment_target_max_percent",
    "source",
)
COMPANION_FIELDS = ("requires", "requires_one_of", "may_run_alongside")

# What apps whose records rest on rule sets do when new rules take effect from a date
# (pathways: a step not yet started moves to the rules in force on its start date).
# Registered in the apps' ready(), so that services imports none of them.
_new_rules_hooks: dict[str, Callable[[ServiceRuleSet], None]] = {}


def on_new_rules(name: str, hook: Callable[[ServiceRuleSet], None]) -> None:
    """Registers (or replaces, on a repeated ready()) what `name` does when new rules
    take effect."""
    _new_rules_hooks[name] = hook


def new_rules_take_effect(rule_set: ServiceRuleSet) -> None:
    """Tells every registered app that `rule_set` (saved with its companions) is in force
    from its first day. Call inside the transaction that made it."""
    for hook in _new_rules_hooks.values():
        hook(rule_set)


def supersede_rule_set(
    *,
    current: ServiceRuleSet,
    valid_from: date,
    changes: Mapping[str, Any],
    by,
) -> ServiceRuleSet:
    """Ends `current` the day before `valid_from` and creates its successor from that day.

    The successor copies every rule of `current` and applies `changes` (rule
    fields of RULE_FIELDS and companion lists of COMPANION_FIELDS as iterables
    of ServiceType); it keeps `current`'s end date, if any. Runs in one
    transaction with `current` locked, so two administrators cannot both
    supersede it. The change history is the rule sets themselves: the
    successor records `supersedes` and `created_by`.

    Raises ValidationError when `current` already has a successor (change that one, or
    supersede it), when `valid_from` is not after today (decisions made
    today and before keep their rules), is not within `current`'s validity,
    when `changes` names an unknown field, or when the successor breaks a rule
    of the rule sets (e.g. minimum above maximum).
    """
    unknown = set(changes) - set(RULE_FIELDS) - set(COMPANION_FIELDS)
    if unknown:
        raise ValidationError(
            _("Tuntemattomia sääntökenttiä: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if valid_from <= timezone.localdate():
        raise ValidationError(
            {
                "valid_from": _(
                    "Uudet säännöt voivat alkaa aikaisintaan huomenna: jo tehdyt päätökset "
                    "pitävät sääntönsä."
                )
            }
        )
    with transaction.atomic():
        current = ServiceRuleSet.objects.select_for_update().get(pk=current.pk)
        successor = ServiceRuleSet.objects.filter(supersedes=current).first()
        if successor is not None:
            # One successor each: the rules coming are changed (until they take effect) or
            # superseded in turn, so that the chain of rule sets stays one line.
            raise ValidationError(
                {
                    "valid_from": _(
                        "Näillä säännöillä on jo seuraajat %(date)s alkaen. Muuta niitä, kunnes "
                        "ne tulevat voimaan, tai korvaa ne."
                    )
                    % {"date": f"{successor.valid_from:%-d.%-m.%Y}"}
                }
            )
        if valid_from <= current.valid_from or (
            current.valid_to is not None and valid_from > current.valid_to
        ):
            raise ValidationError(
                {
                    "valid_from": _(
                        "Uusien sääntöjen on alettava korvattavien sääntöjen voimassaoloaikana "
                        "(%(period)s) ja niiden alkamisen jälkeen."
                    )
                    % {"period": _period(current)}
                }
            )
        successor = ServiceRuleSet(
            service_type=current.service_type,
            organisation=current.organisation,
            valid_from=valid_from,
            valid_to=current.valid_to,
            supersedes=current,
            created_by=by,
            **{field: getattr(current, field) for field in RULE_FIELDS},
        )
        for field in RULE_FIELDS:
            if field in changes:
                setattr(successor, field, changes[field])
        current.valid_to = valid_from - timedelta(days=1)
        current.save(update_fields=["valid_to"])
        successor.full_clean(exclude=["supersedes"])
        successor.save()
        for field in COMPANION_FIELDS:
            companions: Iterable[ServiceType] = (
                changes[field] if field in changes else getattr(current, field).all()
            )
            getattr(successor, field).set(list(companions))
        new_rules_take_effect(successor)
    return successor


def check_successor_start(*, replaced: ServiceRuleSet, valid_from: date) -> None:
    """Raises ValidationError (on `valid_from`) unless a successor of `replaced` may start
    on `valid_from`: after today (decisions made today and before keep their rules) and
    after `replaced` starts (it keeps at least its first day)."""
    if valid_from <= timezone.localdate():
        raise ValidationError(
            {
                "valid_from": _(
                    "Uudet säännöt voivat alkaa aikaisintaan huomenna: jo tehdyt päätökset "
                    "pitävät sääntönsä."
                )
            }
        )
    if valid_from <= replaced.valid_from:
        raise ValidationError(
            {
                "valid_from": _(
                    "Nämä säännöt korvaavat %(date)s alkaen voimassa olevat säännöt, joten ne "
                    "voivat alkaa aikaisintaan seuraavana päivänä."
                )
                % {"date": f"{replaced.valid_from:%-d.%-m.%Y}"}
            }
        )


def _lock_coming(rule_set: ServiceRuleSet) -> tuple[ServiceRuleSet | None, ServiceRuleSet]:
    """Locks the rule set `rule_set` replaces (first, as supersede_rule_set does) and the
    stored `rule_set`; raises ValidationError when the stored one is in force."""
    replaced = None
    if rule_set.supersedes_id is not None:
        replaced = ServiceRuleSet.objects.select_for_update().get(pk=rule_set.supersedes_id)
    stored = ServiceRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if stored.is_frozen:
        raise ValidationError(
            _(
                "Nämä säännöt ovat olleet voimassa %(date)s alkaen, eikä niitä voi muokata: "
                "aiemmat päätökset pitävät sääntönsä."
            )
            % {"date": f"{stored.valid_from:%-d.%-m.%Y}"}
        )
    return replaced, stored


def change_coming_rule_set(*, rule_set: ServiceRuleSet) -> ServiceRuleSet:
    """Saves the changes made to `rule_set`, a rule set not yet in force (the instance
    carries them, as a ModelForm leaves it; its companions are the caller's).

    When it supersedes another rule set, that one ends the day before it starts: a new
    start moves that end with it (earlier or later), so that every day keeps exactly one
    rule set. Its service type, organisation and predecessor stay as stored, and so does
    its end when it has a successor of its own (which starts the day after). Runs in one
    transaction with the replaced and the stored rule set locked (in that order, as
    supersede_rule_set locks). The caller saves the companions and then calls
    `new_rules_take_effect` in the same transaction, as the admin does.

    Raises ValidationError when the stored rule set is already in force, when a
    successor's new start is today or earlier or not after the replaced rule set starts
    (`check_successor_start`), or when the changed rule set breaks a rule of the rule sets
    (`full_clean`).
    """
    with transaction.atomic():
        replaced, stored = _lock_coming(rule_set)
        rule_set.supersedes_id = stored.supersedes_id
        if ServiceRuleSet.objects.filter(supersedes=stored).exists():
            # Its successor starts the day after it ends.
            rule_set.valid_to = stored.valid_to
        if replaced is None:
            rule_set.full_clean(exclude=["supersedes"])
            rule_set.save()
        else:
            rule_set.service_type_id = stored.service_type_id
            rule_set.organisation_id = stored.organisation_id
            if rule_set.valid_from != stored.valid_from:
                check_successor_start(replaced=replaced, valid_from=rule_set.valid_from)
            replaced.valid_to = rule_set.valid_from - timedelta(days=1)
            # Shorten the replaced rule set before, and lengthen it after, this one moves:
            # the two never overlap.
            moves_earlier = rule_set.valid_from < stored.valid_from
            if moves_earlier:
                replaced.save(update_fields=["valid_to"])
            rule_set.full_clean(exclude=["supersedes"])
            rule_set.save()
            if not moves_earlier:
                replaced.save(update_fields=["valid_to"])
    return rule_set


def delete_coming_rule_set(*, rule_set: ServiceRuleSet) -> None:
    """Deletes `rule_set`, a rule set not yet in force. The rule set it superseded, if any,
    takes its end date back (the deleted one's end, or none), so that no day is left
    without rules. Runs in one transaction with the replaced and the stored rule set
    locked (in that order, as supersede_rule_set locks).

    Raises ValidationError when it is already in force or has a successor of its own
    (delete that one first); ProtectedError when planned steps rest on it.
    """
    with transaction.atomic():
        replaced, stored = _lock_coming(rule_set)
        successor = ServiceRuleSet.objects.filter(supersedes=stored).first()
        if successor is not None:
            raise ValidationError(
                _("Näitä sääntöjä seuraavat %(date)s alkaen uudet säännöt: poista ne ensin.")
                % {"date": f"{successor.valid_from:%-d.%-m.%Y}"}
            )
        stored.delete()
        if replaced is not None:
            replaced.valid_to = stored.valid_to
            replaced.save(update_fields=["valid_to"])


def _period(rule_set: ServiceRuleSet) -> str:
    start = f"{rule_set.valid_from:%-d.%-m.%Y}"
    return f"{start}–{rule_set.valid_to:%-d.%-m.%Y}" if rule_set.valid_to else f"{start}–"
