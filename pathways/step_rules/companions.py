"""Services that run alongside one another: what a step needs beside it, what planning,
pausing, starting, changing or cancelling a step does to its companions."""

import copy
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pathways.models import PathwayStep, StepStatus
from pathways.step_rules.common import (
    Violation,
    covers,
    format_period,
    rule_set_for,
    step_list,
)
from services.models import NoRuleSetInForce, ServiceRuleSet


def _needed_alongside(rules: ServiceRuleSet, code: str) -> set[str]:
    """The services any of which meets the requirement that `code` meets in `rules`."""
    one_of = {t.code for t in rules.requires_one_of.all()}
    if code in one_of:
        return one_of
    return {code} if code in {t.code for t in rules.requires.all()} else set()


def _named_alongside(rules: ServiceRuleSet) -> set[str]:
    """The services `rules` name as running alongside theirs: required, one of them required,
    or allowed alongside (`may_run_alongside`)."""
    return {
        t.code
        for field in (rules.requires, rules.requires_one_of, rules.may_run_alongside)
        for t in field.all()
    }


def may_run_together(rules: ServiceRuleSet, other_rules: ServiceRuleSet | None) -> bool:
    """Whether a step on `rules` and one on `other_rules`, of two different services, may run
    at the same time (DOMAIN.md, "Service types and their rules": a Jobcenter period only
    alongside work activity with work coaching, work coaching with work activity).

    Either rule set naming the other's service (required, one of them required, or allowed
    alongside) lets them; so does neither rule set having a list of services allowed alongside
    (`may_run_alongside`): services without rules on what runs with them (education, Kela's
    rehabilitation) stay free to combine. A rule set with such a list admits no service it
    does not name, unless the other's rules name its service. `other_rules` None (no rule set
    in force on the other step's start) names nothing."""
    if other_rules is None:
        return not rules.may_run_alongside.exists()
    if other_rules.service_type.code in _named_alongside(rules):
        return True
    if rules.service_type.code in _named_alongside(other_rules):
        return True
    return not rules.may_run_alongside.exists() and not other_rules.may_run_alongside.exists()


def not_alongside(
    step: PathwayStep, rules: ServiceRuleSet, others: list[PathwayStep]
) -> list[Violation]:
    """The refusals of `step` (as it will be saved, on `rules`) at the same time as the
    client's other open steps (`others`: those planned, running or paused; an ended or
    cancelled one no longer runs) of a service that may not run with it (`may_run_together`),
    each on `start_on`, naming the other step's service and period and the source of the
    rules that leave the other out (`step`'s own when they have a list of services allowed
    alongside, else the other step's).
    Periods that meet without overlapping (one ends the day before the other starts) are not
    at the same time. A step of the same service is the database's overlap constraint's
    (`actions.common.overlap_message`)."""
    found = []
    for other in others:
        if (
            other.pk == step.pk
            or other.status == StepStatus.ENDED
            or other.service_type_id == step.service_type_id
            or not _overlaps(step, other)
        ):
            continue
        try:
            other_rules = other.rule_set or rule_set_for(other)
        except ValidationError:
            other_rules = None
        if may_run_together(rules, other_rules):
            continue
        # The rules whose list of services allowed alongside leaves the other out.
        refusing = rules if other_rules is None or rules.may_run_alongside.exists() else other_rules
        found.append(
            Violation(
                "start_on",
                _(
                    "%(service)s ei voi olla samaan aikaan kuin jakso %(other)s %(period)s "
                    "(%(source)s)."
                )
                % {
                    "service": step.service_type.name,
                    "other": other.service_type.name,
                    "period": format_period(other.start_on, other.ended_on or other.planned_end_on),
                    "source": refusing.translated_source,
                },
            )
        )
    return found


@dataclass(frozen=True)
class Alongside:
    """What a new step of a service needs beside it, as the planning form says beforehand."""

    planned_with: list  # required services planned with it when missing (its mutual companions)
    planned_first: list  # required services that must be planned first (a Jobcenter period's)
    one_of: list  # services any one of which it needs beside it


def alongside(rules: ServiceRuleSet, organisation, day: datetime.date) -> Alongside:
    """What `rules` need alongside a step starting on `day`: as `plan_step` treats them, a
    required service whose own rules need this one in turn is planned with the step (the
    work coaching of a work activity period); any other must already be planned."""
    planned_with, planned_first = [], []
    for required in rules.requires.all():
        try:
            theirs = ServiceRuleSet.objects.in_force(required, organisation, day)
        except NoRuleSetInForce:
            theirs = None
        mutual = theirs is not None and _needed_alongside(theirs, rules.service_type.code)
        (planned_with if mutual else planned_first).append(required)
    return Alongside(planned_with, planned_first, list(rules.requires_one_of.all()))


def companions_left_uncovered(
    *, changed: PathwayStep, previous: PathwayStep, others: list[PathwayStep]
) -> tuple[list[PathwayStep], list[PathwayStep]]:
    """What ending a step, or moving its dates, does to the client's other open steps.

    `changed` is the step as it will be saved, `previous` as it is now, and
    `others` the client's other steps. A step that needs `changed`'s service
    alongside it (DOMAIN.md: work coaching with rehabilitative work activity; a
    Jobcenter period during work activity and coaching) and loses days that
    `previous` covered, with no other step meeting the need on those days, is
    returned:

    - in the first list when `changed`'s own rules require that step too (the
      mutual companion planned with it): it ends with `changed`, or its dates
      follow `changed`'s new dates (`following_dates`), a longer period included
      when it shared the moved date;
    - in the second otherwise: the change is refused until that step is ended
      or changed first.

    A mutual companion still open when `changed` ends always ends with it,
    unless another step covers it for the rest of its period.
    """
    code = changed.service_type.code
    required_by_changed = {
        t.code for t in (changed.rule_set or rule_set_for(changed)).requires.all()
    }
    lost_periods = _no_longer_covered(previous, changed)
    following, left = [], []
    for step in others:
        if step.status == "ended":
            continue
        needed = _needed_alongside(step.rule_set or rule_set_for(step), code)
        if not needed:
            continue
        lost = [
            (max(start, step.start_on), _earlier(end, step.planned_end_on))
            for start, end in lost_periods
        ]
        lost = [(start, end) for start, end in lost if end is None or start <= end]
        uncovered = [
            (start, end)
            for start, end in lost
            if not any(
                other.pk != step.pk
                and other.service_type.code in needed
                and _covers_period(other, start, end)
                for other in others
            )
        ]
        mutual = step.service_type.code in required_by_changed
        if mutual and changed.status == "ended":
            if uncovered or (not lost and _overlaps(step, previous)):
                following.append(step)
        elif mutual:
            dates = following_dates(step, previous=previous, changed=changed)
            planned_with = (
                step.start_on == previous.start_on or step.planned_end_on == previous.planned_end_on
            )
            if dates != (step.start_on, step.planned_end_on) and (uncovered or planned_with):
                (following if _is_period(*dates) else left).append(step)
        elif uncovered:
            left.append(step)
    return following, left


def cancellation_effects(
    *, step: PathwayStep, others: list[PathwayStep]
) -> tuple[list[PathwayStep], list[PathwayStep]]:
    """What cancelling `step`, planned and not yet started, does to the client's other steps.

    A cancelled step covers none of its days, as if it ended the day before it was to
    start; `companions_left_uncovered` then tells which steps go with it (the work
    coaching planned with a work activity period) and which would be left without the
    service they need (a Jobcenter period planned during it). A step that would go
    with it but has already started cannot be cancelled: it joins the second list.
    """
    gone = copy.copy(step)
    gone.status = StepStatus.ENDED
    gone.ended_on = step.start_on - datetime.timedelta(days=1)
    going, left = companions_left_uncovered(changed=gone, previous=step, others=others)
    started = [s for s in going if s.status != StepStatus.PLANNED]
    return [s for s in going if s not in started], left + started


def mutual_companions(
    step: PathwayStep, others: list[PathwayStep], *, open_only: bool = True
) -> list[PathwayStep]:
    """The open steps among `others` (also those ended, unless `open_only`) that `step`'s
    rules require and that need `step`'s service in turn, overlapping its period: the
    companion planned with it (the work coaching of a work activity period), which ends
    with it (`companions_left_uncovered`) and so cannot be what follows it."""
    required = {t.code for t in (step.rule_set or rule_set_for(step)).requires.all()}
    return [
        other
        for other in others
        if (not open_only or other.status != StepStatus.ENDED)
        and other.service_type.code in required
        and _needed_alongside(other.rule_set or rule_set_for(other), step.service_type.code)
        and _overlaps(other, step)
    ]


def running_alongside(step: PathwayStep, others: list[PathwayStep]) -> list[PathwayStep]:
    """The open steps among `others` that run alongside `step`, overlapping its period (its
    end when it is ending, its planned end before): those that need `step`'s service
    alongside them, its mutual companions (`mutual_companions`) and those its own rules do
    not require (the work coaching of a disability work activity period, a Jobcenter period
    during work activity), and those of a service `step`'s own rules need alongside it (the
    work coaching and the work activity of a Jobcenter period), begun the same day as `step`
    or later included. They run with `step`, so none of them is what follows it: the end
    form does not offer them and `end_step` refuses them on the follow-on."""
    rules = step.rule_set or rule_set_for(step)
    needed_by_step = {t.code for t in rules.requires.all()} | {
        t.code for t in rules.requires_one_of.all()
    }
    return [
        other
        for other in others
        if other.status != StepStatus.ENDED
        and (
            other.service_type.code in needed_by_step
            or _needed_alongside(other.rule_set or rule_set_for(other), step.service_type.code)
        )
        and _overlaps(other, step)
    ]


def _no_longer_covered(
    previous: PathwayStep, changed: PathwayStep
) -> list[tuple[datetime.date, datetime.date | None]]:
    """The periods `previous` covered and `changed` does not (a later start, an earlier end)."""
    previous_end = previous.ended_on or previous.planned_end_on
    changed_end = changed.ended_on or changed.planned_end_on
    lost = []
    if changed.start_on > previous.start_on:
        lost.append(
            (
                previous.start_on,
                _earlier(changed.start_on - datetime.timedelta(days=1), previous_end),
            )
        )
    if changed_end is not None and (previous_end is None or changed_end < previous_end):
        lost.append(
            (max(changed_end + datetime.timedelta(days=1), previous.start_on), previous_end)
        )
    return lost


def following_dates(
    companion: PathwayStep, *, previous: PathwayStep, changed: PathwayStep
) -> tuple[datetime.date, datetime.date | None]:
    """The mutual companion's start and planned end once it follows `changed`'s new dates.

    A date it shared with `previous` moves with it, later or earlier; a date of its own
    stays, unless it falls outside `changed`'s new period.
    """
    if companion.start_on == previous.start_on:
        start = changed.start_on
    else:
        start = max(companion.start_on, changed.start_on)
    if companion.planned_end_on == previous.planned_end_on:
        end = changed.planned_end_on
    else:
        end = _earlier(companion.planned_end_on, changed.planned_end_on)
    return start, end


def _overlaps(step: PathwayStep, other: PathwayStep) -> bool:
    other_end = other.ended_on or other.planned_end_on
    return (other_end is None or step.start_on <= other_end) and (
        step.planned_end_on is None or step.planned_end_on >= other.start_on
    )


def _is_period(start: datetime.date, end: datetime.date | None) -> bool:
    return end is None or start <= end


def _covers_period(step: PathwayStep, start: datetime.date, end: datetime.date | None) -> bool:
    """`covers`, where an open end (None) is covered only by a step without an end."""
    if end is None and (step.ended_on or step.planned_end_on) is not None:
        return False
    return covers(step, start, end)


def _earlier(day: datetime.date | None, other: datetime.date | None) -> datetime.date | None:
    """The earlier of two ends, where None is an open end."""
    if day is None:
        return other
    if other is None:
        return day
    return min(day, other)


def left_uncovered_violation(steps: list[PathwayStep], changed: PathwayStep) -> Violation:
    """The refusal of a change that would leave `steps` running without `changed`'s service."""
    source = (changed.rule_set or rule_set_for(changed)).translated_source
    return Violation(
        None,
        ngettext(
            "Jakson %(services)s rinnalla on oltava %(service)s koko sen ajan. "
            "Päätä tai muuta se ensin (%(source)s).",
            "Jaksojen %(services)s rinnalla on oltava %(service)s koko niiden ajan. "
            "Päätä tai muuta ne ensin (%(source)s).",
            len(steps),
        )
        % {
            "services": step_list(steps),
            "service": changed.service_type.name.lower(),
            "source": source,
        },
    )


def pause_effects(
    *, step: PathwayStep, others: list[PathwayStep]
) -> tuple[list[PathwayStep], list[PathwayStep]]:
    """What pausing `step` does to the client's other running steps (`others`).

    A running step that needs `step`'s service alongside it (DOMAIN.md: a Jobcenter
    period runs during *active* work activity with coaching), with no other running
    step meeting the need, is returned:

    - in the first list when `step`'s own rules require that step too (the work
      coaching of a work activity period): it pauses with `step`;
    - in the second otherwise: the pause is refused until that step is paused or
      ended first.
    """
    code = step.service_type.code
    required_by_step = {t.code for t in (step.rule_set or rule_set_for(step)).requires.all()}
    running = [o for o in others if o.status == StepStatus.ACTIVE]
    pausing_with, left = [], []
    for other in running:
        if not _overlaps(step, other):
            continue
        needed = _needed_alongside(other.rule_set or rule_set_for(other), code)
        if not needed or _met_by(needed, other, running):
            continue
        (pausing_with if other.service_type.code in required_by_step else left).append(other)
    return pausing_with, left


def start_effects(
    *, step: PathwayStep, others: list[PathwayStep]
) -> tuple[list[PathwayStep], list[PathwayStep]]:
    """What starting or resuming `step` needs of the client's other steps (`others`).

    The first list holds the planned or paused steps that start with it: those `step`'s
    rules require and that need `step`'s service in turn (the work coaching planned
    with a work activity period). The second holds the paused or planned steps of a
    service `step` needs alongside it, when no running step meets that need: the start
    is refused until one of them runs.
    """
    rules = step.rule_set or rule_set_for(step)
    required = {t.code for t in rules.requires.all()}
    one_of = {t.code for t in rules.requires_one_of.all()}
    starting_with = [
        other
        for other in others
        if other.status in (StepStatus.PLANNED, StepStatus.PAUSED)
        and other.service_type.code in required
        and _needed_alongside(other.rule_set or rule_set_for(other), step.service_type.code)
        and _overlaps(step, other)
    ]
    running = [o for o in others if o.status == StepStatus.ACTIVE] + starting_with
    waiting = []
    for needed in [{code} for code in required] + ([one_of] if one_of else []):
        if _met_by(needed, step, running):
            continue
        waiting += [
            other
            for other in others
            if other.status in (StepStatus.PLANNED, StepStatus.PAUSED)
            and other.service_type.code in needed
            and _overlaps(step, other)
            and other not in waiting
        ]
    return starting_with, waiting


def _met_by(needed: set[str], step: PathwayStep, running: list[PathwayStep]) -> bool:
    """Another of the `running` steps, of a `needed` service, covers the rest of `step`'s period."""
    today = timezone.localdate()
    return any(
        other.pk != step.pk
        and other.service_type.code in needed
        and covers(other, max(today, step.start_on), step.planned_end_on)
        for other in running
    )


def paused_dependents_violation(steps: list[PathwayStep], paused: PathwayStep) -> Violation:
    """The refusal of a pause that would leave `steps` running without `paused`'s service."""
    source = (paused.rule_set or rule_set_for(paused)).translated_source
    return Violation(
        None,
        ngettext(
            "Jakson %(services)s rinnalla on oltava käynnissä %(service)s. "
            "Keskeytä tai päätä se ensin (%(source)s).",
            "Jaksojen %(services)s rinnalla on oltava käynnissä %(service)s. "
            "Keskeytä tai päätä ne ensin (%(source)s).",
            len(steps),
        )
        % {
            "services": step_list(steps),
            "service": paused.service_type.name.lower(),
            "source": source,
        },
    )


def waiting_companions_violation(steps: list[PathwayStep], starting: PathwayStep) -> Violation:
    """The refusal to start or resume `starting` while the service it needs is not running."""
    source = (starting.rule_set or rule_set_for(starting)).translated_source
    return Violation(
        None,
        ngettext(
            "Palvelun rinnalla on oltava käynnissä %(services)s, joka on nyt tauolla tai "
            "alkamatta. Aloita tai jatka se ensin (%(source)s).",
            "Palvelun rinnalla on oltava käynnissä jokin näistä: %(services)s; ne ovat nyt "
            "tauolla tai alkamatta. Aloita tai jatka jokin niistä ensin (%(source)s).",
            len(steps),
        )
        % {"services": step_list(steps), "source": source},
    )
