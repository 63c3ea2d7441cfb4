"""The rules of a pathway step, checked against the rule set in force on its start date.

Numbers (months, days, hours, ages, euros) come from `services.ServiceRuleSet`
rows, never from constants here; what is fixed in code is what Polku must
record for a kind of service (a decision reference, a follow-on step). Each
violation names the rule and its source, in the user's language.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pathways.models import PathwayStep, ReviewDecision
from services.calendar import add_months
from services.models import ServiceRuleSet

REHABILITATIVE_WORK_ACTIVITY = "rehabilitative_work_activity"
DISABILITY_WORK_ACTIVITY = "disability_work_activity"
WORK_COACHING = "work_coaching"
JOBCENTER = "jobcenter_paid_work"
SUPPORTED_EMPLOYMENT = "supported_employment"
SOCIAL_REHABILITATION = "social_rehabilitation"
YOUTH_WORKSHOP = "youth_workshop"
OPEN_WORK = "open_work"


@dataclass(frozen=True)
class Violation:
    field: str | None
    message: str


def rule_set_for(step: PathwayStep) -> ServiceRuleSet:
    """The rule set in force on the step's start date: the client's organisation's own, else the general one."""
    organisation = step.client.responsible_unit.organisation
    return ServiceRuleSet.objects.in_force(step.service_type, organisation, step.start_on)


def period_end_limit(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` months starting on `start` (24 months from 1.1. ends 31.12.)."""
    return add_months(start, months) - datetime.timedelta(days=1)


def check_step(
    step: PathwayStep, rules: ServiceRuleSet, *, companions: list[PathwayStep]
) -> list[Violation]:
    """All violations of the step against its rule set and the client's other steps (`companions`)."""
    source = rules.translated_source
    found: list[Violation] = []
    start, end = step.start_on, step.planned_end_on

    if rules.max_duration_months:
        if end is None:
            found.append(
                Violation(
                    "planned_end_on",
                    _("Jaksolle on merkittävä suunniteltu päättymispäivä (%(source)s).")
                    % {"source": source},
                )
            )
        elif end > period_end_limit(start, rules.max_duration_months):
            found.append(
                Violation(
                    "planned_end_on",
                    _(
                        "Jakso voi kestää kerrallaan enintään %(months)s kuukautta, eli päättyä viimeistään %(limit)s (%(source)s)."
                    )
                    % {
                        "months": rules.max_duration_months,
                        "limit": _date(period_end_limit(start, rules.max_duration_months)),
                        "source": source,
                    },
                )
            )
    if (
        rules.min_duration_months
        and end is not None
        and end < period_end_limit(start, rules.min_duration_months)
    ):
        found.append(
            Violation(
                "planned_end_on",
                _(
                    "Jakson on kestettävä vähintään %(months)s kuukautta, eli päätyttävä aikaisintaan %(limit)s (%(source)s)."
                )
                % {
                    "months": rules.min_duration_months,
                    "limit": _date(period_end_limit(start, rules.min_duration_months)),
                    "source": source,
                },
            )
        )

    if rules.min_days_per_week or rules.max_days_per_week:
        days = step.days_per_week
        if days is None:
            found.append(
                Violation(
                    "days_per_week",
                    _("Merkitse, montako päivää viikossa (%(source)s).") % {"source": source},
                )
            )
        elif (rules.min_days_per_week and days < rules.min_days_per_week) or (
            rules.max_days_per_week and days > rules.max_days_per_week
        ):
            found.append(
                Violation(
                    "days_per_week",
                    _("Palvelua järjestetään %(min)s–%(max)s päivänä viikossa (%(source)s).")
                    % {
                        "min": rules.min_days_per_week or 1,
                        "max": rules.max_days_per_week or 7,
                        "source": source,
                    },
                )
            )

    if rules.min_hours_per_day:
        hours = step.hours_per_day
        if hours is None or hours < rules.min_hours_per_day:
            found.append(
                Violation(
                    "hours_per_day",
                    _("Päivän on kestettävä vähintään %(hours)s tuntia (%(source)s).")
                    % {"hours": _number(rules.min_hours_per_day), "source": source},
                )
            )

    age = step.client.age_on(start)
    if (rules.min_age is not None and age < rules.min_age) or (
        rules.max_age is not None and age > rules.max_age
    ):
        found.append(
            Violation(
                "start_on",
                _(
                    "Palvelu on %(min)s–%(max)s-vuotiaille; asiakas on jakson alkaessa %(age)s-vuotias (%(source)s)."
                )
                % {
                    "min": rules.min_age or 0,
                    "max": rules.max_age or 99,
                    "age": age,
                    "source": source,
                },
            )
        )

    cap = rules.compensation_cap_per_day
    if cap is not None and step.daily_compensation is not None and step.daily_compensation > cap:
        found.append(
            Violation(
                "daily_compensation",
                _("Korvaus voi olla enintään %(cap)s € päivässä (%(source)s).")
                % {"cap": _number(cap), "source": source},
            )
        )

    covering = [c for c in companions if c.pk != step.pk and covers(c, start, end)]
    covering_codes = {c.service_type.code for c in covering}
    for required in rules.requires.all():
        if required.code not in covering_codes:
            found.append(
                Violation(
                    None,
                    _(
                        "Palvelun rinnalla on oltava käynnissä %(service)s koko jakson ajan (%(source)s)."
                    )
                    % {"service": required.name.lower(), "source": source},
                )
            )
    one_of = list(rules.requires_one_of.all())
    if one_of and not covering_codes & {t.code for t in one_of}:
        found.append(
            Violation(
                None,
                _(
                    "Palvelun rinnalla on oltava käynnissä jokin näistä koko jakson ajan: %(services)s (%(source)s)."
                )
                % {"services": ", ".join(t.name.lower() for t in one_of), "source": source},
            )
        )

    if rules.required_plan_type and not _has_plan(step, rules.required_plan_type):
        found.append(
            Violation(
                "plan",
                _(
                    "Palvelu edellyttää voimassa olevaa suunnitelmaa (%(plan)s), johon on kirjattu tavoite ja annettava tuki (%(source)s)."
                )
                % {"plan": rules.get_required_plan_type_display().lower(), "source": source},
            )
        )

    found.extend(_recorded_facts(step, covering_codes, source))
    return found


def _recorded_facts(step: PathwayStep, covering_codes: set[str], source: str) -> list[Violation]:
    """What must be recorded for a kind of service, whatever the dated numbers."""
    code = step.service_type.code
    found = []
    if code == SUPPORTED_EMPLOYMENT and step.planned_end_on is not None:
        found.append(
            Violation(
                "planned_end_on",
                _(
                    "Tuetun työllistymisen työhönvalmennuksella ei ole päättymispäivää: tuki jatkuu niin kauan kuin asiakas sitä tarvitsee (%(source)s)."
                )
                % {"source": source},
            )
        )
    if code == SOCIAL_REHABILITATION and not step.decision_reference.strip():
        found.append(
            Violation(
                "decision_reference",
                _(
                    "Sosiaalinen kuntoutus myönnetään päätöksellä: kirjaa päätöksen tunnus (sosiaalihuoltolaki 1301/2014, 17 §)."
                ),
            )
        )
    if code == YOUTH_WORKSHOP and step.unit_id is None:
        found.append(
            Violation(
                "unit",
                _("Valitse työpaja, jossa jakso toteutuu (%(source)s).") % {"source": source},
            )
        )
    if code == OPEN_WORK:
        if step.daily_compensation is None:
            found.append(
                Violation(
                    "daily_compensation",
                    _("Kirjaa avotyön päiväkohtainen korvaus (%(source)s).") % {"source": source},
                )
            )
        if step.effects_discussed_on is None:
            found.append(
                Violation(
                    "effects_discussed_on",
                    _(
                        "Kirjaa, milloin palkkatyön vaikutukset asumistukeen ja eläkkeeseen on käyty läpi asiakkaan kanssa (%(source)s)."
                    )
                    % {"source": source},
                )
            )
    if (
        code == JOBCENTER
        and DISABILITY_WORK_ACTIVITY in covering_codes
        and not step.income_clarification.strip()
    ):
        found.append(
            Violation(
                "income_clarification",
                _(
                    "Vammaispalvelujen asiakkaalle tehdään tuloselvitys ennen palkkatyötä: kirjaa se (%(source)s)."
                )
                % {"source": source},
            )
        )
    if code in (REHABILITATIVE_WORK_ACTIVITY,) and not (
        step.goal.strip() and step.support_given.strip()
    ):
        found.append(
            Violation(
                "goal",
                _(
                    "Kirjaa jakson tavoite ja annettava tuki aktivointisuunnitelman mukaisesti (laki 189/2001)."
                ),
            )
        )
    return found


def check_ending(step: PathwayStep) -> list[Violation]:
    """A step ends with a reason and a follow-on step or an exit outcome; some kinds need more."""
    code = step.service_type.code
    source = (step.rule_set or rule_set_for(step)).translated_source
    found = []
    if not step.end_reason:
        found.append(Violation("end_reason", _("Valitse päättymisen syy.")))
    if step.next_step_id is None and not step.exit_outcome:
        found.append(Violation("next_step", _("Merkitse jatkopolku tai palvelun tulos.")))
    if code == JOBCENTER and step.next_step_id is None:
        found.append(
            Violation(
                "next_step",
                _(
                    "Jobcenter-jaksoa ei voi päättää ilman jatkopolkua: suunnittele ensin seuraava palvelu (%(source)s)."
                )
                % {"source": source},
            )
        )
    if code == REHABILITATIVE_WORK_ACTIVITY and not step.review_decision:
        found.append(
            Violation(
                "review_decision",
                _(
                    "Kuntouttavan työtoiminnan jakso ei voi vain päättyä: kirjaa arvioinnin päätös eli jatko, siirtyminen tai päättyminen (%(source)s)."
                )
                % {"source": source},
            )
        )
    if step.review_decision == ReviewDecision.CONTINUE and (
        step.next_step is None or step.next_step.service_type_id != step.service_type_id
    ):
        found.append(
            Violation(
                "review_decision",
                _(
                    "Jatkaminen tarkoittaa uutta jaksoa ja suunnitelmaa: suunnittele uusi kuntouttavan työtoiminnan jakso ja valitse se jatkopoluksi (%(source)s)."
                )
                % {"source": source},
            )
        )
    if step.ended_on and step.ended_on < step.start_on:
        found.append(Violation("ended_on", _("Päättymispäivä ei voi olla ennen alkamispäivää.")))
    return found


def check_attendance(
    rules: ServiceRuleSet,
    present: dict[datetime.date, Decimal | None],
    *,
    kept_present: Iterable[datetime.date] = (),
) -> list[Violation]:
    """The rule set's schedule rules on recorded attendance; each violation's field is a day's ISO date.

    `present` maps the days being recorded as present to their hours and
    `kept_present` lists the step's days already saved as present that the
    recording leaves as they are. A present day shorter than min_hours_per_day
    is refused, and so is a calendar week whose present days after the
    recording exceed max_days_per_week: the refusal is on the recorded present
    days beyond the limit, the latest of them.
    """
    source = rules.translated_source
    found: list[Violation] = []
    if rules.min_hours_per_day:
        for day, hours in sorted(present.items()):
            if hours is not None and hours < rules.min_hours_per_day:
                found.append(
                    Violation(
                        day.isoformat(),
                        _("Päivän on kestettävä vähintään %(hours)s tuntia (%(source)s).")
                        % {"hours": _number(rules.min_hours_per_day), "source": source},
                    )
                )
    if rules.max_days_per_week:
        recorded: dict[tuple[int, int], list[datetime.date]] = {}
        for day in present:
            recorded.setdefault(day.isocalendar()[:2], []).append(day)
        kept: dict[tuple[int, int], set[datetime.date]] = {}
        for day in kept_present:
            if day not in present:
                kept.setdefault(day.isocalendar()[:2], set()).add(day)
        for week, days in sorted(recorded.items()):
            excess = len(days) + len(kept.get(week, ())) - rules.max_days_per_week
            if excess <= 0:
                continue
            for day in sorted(days)[-excess:]:
                found.append(
                    Violation(
                        day.isoformat(),
                        _("Palvelua järjestetään %(min)s–%(max)s päivänä viikossa (%(source)s).")
                        % {
                            "min": rules.min_days_per_week or 1,
                            "max": rules.max_days_per_week,
                            "source": source,
                        },
                    )
                )
    return found


def _needed_alongside(rules: ServiceRuleSet, code: str) -> set[str]:
    """The services any of which meets the requirement that `code` meets in `rules`."""
    one_of = {t.code for t in rules.requires_one_of.all()}
    if code in one_of:
        return one_of
    return {code} if code in {t.code for t in rules.requires.all()} else set()


def companions_left_uncovered(
    *, changed: PathwayStep, previous: PathwayStep, others: list[PathwayStep]
) -> tuple[list[PathwayStep], list[PathwayStep]]:
    """What ending or shortening a step does to the client's other open steps.

    `changed` is the step as it will be saved, `previous` as it is now, and
    `others` the client's other steps. A step that needs `changed`'s service
    alongside it (DOMAIN.md: work coaching with rehabilitative work activity; a
    Jobcenter period during work activity and coaching) is returned:

    - in the first list when `changed` ends and its own rules require that
      step too: the mutual companion planned with it ends with it, unless
      another step covers it for the rest of its period;
    - in the second when it would run on without any step that meets the need,
      where `changed` covered that time before: that is refused.
    """
    code = changed.service_type.code
    changed_end = changed.ended_on or changed.planned_end_on
    required_by_changed = {
        t.code for t in (changed.rule_set or rule_set_for(changed)).requires.all()
    }
    ending_with, left = [], []
    for step in others:
        if step.status == "ended":
            continue
        needed = _needed_alongside(step.rule_set or rule_set_for(step), code)
        if not needed or changed_end is None:
            continue
        rest_start = max(step.start_on, changed_end + datetime.timedelta(days=1))
        rest_end = step.planned_end_on
        has_rest = rest_end is None or rest_end >= rest_start
        covered_by_another = has_rest and any(
            other.service_type.code in needed and covers(other, rest_start, rest_end)
            for other in others
            if other.pk != step.pk
        )
        if changed.status == "ended" and step.service_type.code in required_by_changed:
            if not covered_by_another:
                ending_with.append(step)
        elif has_rest and not covered_by_another and covers(previous, rest_start, rest_end):
            left.append(step)
    return ending_with, left


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
            "services": ", ".join(
                f"{s.service_type.name} ({_date(s.start_on)}–"
                f"{_date(s.planned_end_on) if s.planned_end_on else ''})"
                for s in steps
            ),
            "service": changed.service_type.name.lower(),
            "source": source,
        },
    )


def raise_for(violations: list[Violation]) -> None:
    if violations:
        errors: dict[str, list[str]] = {}
        for violation in violations:
            errors.setdefault(violation.field or "__all__", []).append(violation.message)
        raise ValidationError(errors)


def covers(companion: PathwayStep, start: datetime.date, end: datetime.date | None) -> bool:
    if companion.status == "ended" and companion.ended_on and companion.ended_on < (end or start):
        return False
    companion_end = companion.ended_on or companion.planned_end_on
    if companion.start_on > start:
        return False
    if companion_end is None:
        return True
    return companion_end >= (end or start)


def _has_plan(step: PathwayStep, plan_type: str) -> bool:
    """The client has a current plan of the required type agreed or in force; when the step
    names its plan, it is that plan."""
    from clients.models import ClientPlan

    plans = ClientPlan.objects.current().filter(
        client=step.client_id, plan_type=plan_type, status__in=["agreed", "active"]
    )
    if step.plan_id:
        plans = plans.filter(pk=step.plan_id)
    return plans.exists()


def _date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")
