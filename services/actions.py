"""Writes of the services app.

Rule sets in force are never edited: `supersede_rule_set` ends one and starts
its successor in one transaction, so every past day keeps exactly one rule
set and the rules it had.
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


def _period(rule_set: ServiceRuleSet) -> str:
    start = f"{rule_set.valid_from:%-d.%-m.%Y}"
    return f"{start}–{rule_set.valid_to:%-d.%-m.%Y}" if rule_set.valid_to else f"{start}–"
