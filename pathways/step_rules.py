"""The rules of a pathway step, checked against the rule set in force on its start date.

Numbers (months, days, hours, ages, euros) come from `services.ServiceRuleSet`
rows, never from constants here; what is fixed in code is what Polku must
record for a kind of service (a decision reference, a follow-on step). Each
violation names the rule and its source, in the user's language.
"""

import copy
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.numbers import plain_number, plural_count
from pathways.models import (
    CLIENT_SERVICES_END,
    ExitOutcome,
    JobcenterContract,
    PathwayStep,
    ReviewDecision,
    StepStatus,
)
from services.calendar import add_months
from services.models import NoRuleSetInForce, ServiceRuleSet, UnitKind

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
    """The rule set in force on the step's start date: the client's organisation's own, else
    the general one. With none in force (a start before the rules Polku holds), the step
    cannot be checked: ValidationError on its start date."""
    organisation = step.client.responsible_unit.organisation
    try:
        return ServiceRuleSet.objects.in_force(step.service_type, organisation, step.start_on)
    except NoRuleSetInForce as error:
        raise ValidationError({"start_on": str(error)}) from None


def period_end_limit(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` months starting on `start`: the day before the
    same date `months` later (24 months from 1.1. end on 31.12.). Where that date does not
    exist (a start on the 29th to 31st), the period runs to the end of that month: 3 months
    from 31.1. end on 30.4. (a missing date is the month's last day, as in laki 150/1930,
    4 §), not on 29.4."""
    later = add_months(start, months)
    if later.day < start.day:  # no such date in that month: add_months gave its last day
        return later
    return later - datetime.timedelta(days=1)


def period_month_start(start: datetime.date, month: int) -> datetime.date:
    """The first day of month `month` (1, 2, ...) of a period starting on `start`: the day
    after a period of `month - 1` months ends (period_end_limit). Month 21 from 31.1.2024
    begins on 1.10.2025, the day after 30.9.2025, the last day of month 20. The reminder,
    the timeline and the duration limits count months by this one rule."""
    return period_end_limit(start, month - 1) + datetime.timedelta(days=1)


def period_month(start: datetime.date, day: datetime.date) -> int:
    """Which month of a period starting on `start` `day` falls in (1 from `start` on, as
    period_month_start counts them; 0 or less before the start)."""
    month = (day.year - start.year) * 12 + day.month - start.month + 1
    # Month `month` begins in `day`'s calendar month or, for a start late in a month, on the
    # 1st of the next one; month `month - 1` has begun by then either way.
    if period_month_start(start, month) > day:
        month -= 1
    return month


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
                    ngettext(
                        "Jakso voi kestää kerrallaan enintään %(months)s kuukauden, eli päättyä viimeistään %(limit)s (%(source)s).",
                        "Jakso voi kestää kerrallaan enintään %(months)s kuukautta, eli päättyä viimeistään %(limit)s (%(source)s).",
                        rules.max_duration_months,
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
                ngettext(
                    "Jakson on kestettävä vähintään %(months)s kuukauden, eli päätyttävä aikaisintaan %(limit)s (%(source)s).",
                    "Jakson on kestettävä vähintään %(months)s kuukautta, eli päätyttävä aikaisintaan %(limit)s (%(source)s).",
                    rules.min_duration_months,
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
                    _min_hours_message(rules, source),
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


def check_catalogue_entry(step: PathwayStep) -> list[Violation]:
    """The catalogue entry chosen for a step is an entry of the step's own service type: an
    entry names the service it provides, and one naming none is not a step of a pathway.

    Checked where an entry is chosen (planning a step, changing its entry), so a
    step recorded before this rule stays changeable in its other facts."""
    entry = step.catalogue_entry
    if entry is None or entry.service_type_id == step.service_type_id:
        return []
    return [
        Violation(
            "catalogue_entry",
            _(
                "Palveluvalikon palvelu “%(entry)s” ei ole tämän jakson palvelua "
                "(%(service)s). Valitse valikosta jakson palvelun mukainen palvelu."
            )
            % {"entry": entry.name, "service": step.service_type.name},
        )
    ]


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
                    "Sosiaalinen kuntoutus myönnetään päätöksellä: kirjaa päätöksen tunnus (%(source)s)."
                )
                % {"source": source},
            )
        )
    if code == YOUTH_WORKSHOP and (
        step.unit_id is None or step.unit.kind != UnitKind.YOUTH_WORKSHOP
    ):
        found.append(
            Violation(
                "unit",
                _("Valitse työpaja, jossa jakso toteutuu (%(source)s).") % {"source": source},
            )
        )
    if code == JOBCENTER:
        found.extend(_jobcenter_period_facts(step, source))
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
        elif step.effects_discussed_on > timezone.localdate():
            # What is recorded is a discussion that took place, not one planned.
            found.append(
                Violation(
                    "effects_discussed_on",
                    _(
                        "Kirjaa päivä, jona vaikutukset käytiin läpi asiakkaan kanssa: se ei voi olla tulevaisuudessa."
                    ),
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
                    "Kirjaa jakson tavoite ja annettava tuki aktivointisuunnitelman mukaisesti (%(source)s)."
                )
                % {"source": source},
            )
        )
    return found


def _jobcenter_period_facts(step: PathwayStep, source: str) -> list[Violation]:
    """A Jobcenter period is a short paid job: it has a planned end, and its recorded
    employment contract stays within the period when the period's dates change."""
    if step.planned_end_on is None:
        return [
            Violation(
                "planned_end_on",
                _(
                    "Jobcenter-jakso on lyhyt palkkatyöjakso: merkitse sen suunniteltu päättymispäivä työsopimuksen mukaan (%(source)s)."
                )
                % {"source": source},
            )
        ]
    contract = JobcenterContract.objects.filter(step=step.pk).first() if step.pk else None
    if contract and (
        contract.contract_start < step.start_on or contract.contract_end > step.planned_end_on
    ):
        return [
            Violation(
                "start_on" if contract.contract_start < step.start_on else "planned_end_on",
                _(
                    "Jakson on katettava kirjattu työsopimus %(start)s–%(end)s. Muuta ensin työsopimusta."
                )
                % {"start": _date(contract.contract_start), "end": _date(contract.contract_end)},
            )
        ]
    return []


def check_ending(step: PathwayStep) -> list[Violation]:
    """A step ends with a reason and a follow-on step or an exit outcome; some kinds need more.

    A Jobcenter paid-work period ends with a follow-on step, unless the client's services end
    altogether (`services_end`); a step ending so has no follow-on step.

    A period of a service with a maximum length (24 months of rehabilitative work
    activity, Essote's 8-month workshop periods) ends on its last allowed day at the
    latest, whenever it is closed; within that limit it may end earlier or later than
    planned.

    The review decision at the end of a rehabilitative work activity period states
    where the client goes, and the follow-on must agree with it (`_review_violations`):
    continuing needs a new period of the same service resting on a renewed plan of
    the type the rule set requires (`_renewed_plan_violation`); moving needs a step of
    another service as the follow-on, or without one the outcome "moved to another
    service"; exiting needs an exit outcome and no new period of the same service.
    A period that ends because the client's services end altogether (`services_end`,
    also when its planned follow-on is cancelled for that reason afterwards, `cancel_step`)
    is not held to that: the client goes nowhere, and the decision recorded stays as it was,
    the decision of the review then (it still needs one, and an exit outcome like any step
    without a follow-on).
    """
    code = step.service_type.code
    rules = step.rule_set or rule_set_for(step)
    source = rules.translated_source
    found = []
    if not step.end_reason:
        found.append(Violation("end_reason", _("Valitse päättymisen syy.")))
    if step.next_step_id is None and not step.exit_outcome:
        found.append(Violation("next_step", _("Merkitse jatkopolku tai palvelun tulos.")))
    if code == JOBCENTER and step.next_step_id is None and not services_end(step):
        found.append(
            Violation(
                "next_step",
                _(
                    "Jobcenter-jaksoa ei voi päättää ilman jatkopolkua: suunnittele ensin seuraava palvelu (%(source)s). Ilman jatkopolkua jakso päätetään vain, jos asiakkaan palvelut päättyvät kokonaan: valitse silloin syyksi muutto toiseen kuntaan, kuolema tai asiakkuuden päättyminen."
                )
                % {"source": source},
            )
        )
    if services_end(step) and step.next_step_id is not None:
        found.append(
            Violation(
                "next_step",
                _(
                    "Asiakkaan palvelut päättyvät, joten jaksolla ei ole jatkopolkua: jätä jatkopolku tyhjäksi ja valitse tulos. Suunniteltu jakso perutaan sen omalta sivulta."
                ),
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
    if not services_end(step):
        found.extend(_review_violations(step, rules, source))
    if step.ended_on and step.ended_on < step.start_on:
        found.append(Violation("ended_on", _("Päättymispäivä ei voi olla ennen alkamispäivää.")))
    if step.ended_on and rules.max_duration_months:
        limit = period_end_limit(step.start_on, rules.max_duration_months)
        if step.ended_on > limit:
            found.append(
                Violation(
                    "ended_on",
                    ngettext(
                        "Jakso voi kestää enintään %(months)s kuukauden: viimeinen mahdollinen päättymispäivä on %(limit)s (%(source)s).",
                        "Jakso voi kestää enintään %(months)s kuukautta: viimeinen mahdollinen päättymispäivä on %(limit)s (%(source)s).",
                        rules.max_duration_months,
                    )
                    % {
                        "months": rules.max_duration_months,
                        "limit": _date(limit),
                        "source": source,
                    },
                )
            )
    return found


def services_end(step: PathwayStep) -> bool:
    """Whether `step` ends because the client's services end altogether (`CLIENT_SERVICES_END`:
    moved to another municipality, died, the client relationship ended). Such a step has no
    follow-on step, and it is the only way a Jobcenter paid-work period ends without one: the
    period needs a follow-on so the client is not left without a service after the paid job,
    which does not arise when the client leaves the services altogether (and without it a
    client with a running period could never be closed, `refuse_closing_with_open_steps`).
    Nor is a work activity period whose review decided to continue held to that decision's
    new period (`check_ending`)."""
    return step.end_reason in CLIENT_SERVICES_END


def _review_violations(step: PathwayStep, rules: ServiceRuleSet, source: str) -> list[Violation]:
    """The review decision agrees with where the client goes next (`check_ending`)."""
    decision = step.review_decision
    same_service = (
        step.next_step is not None and step.next_step.service_type_id == step.service_type_id
    )
    if decision == ReviewDecision.CONTINUE:
        if not same_service:
            return [
                Violation(
                    "review_decision",
                    _(
                        "Jatkaminen tarkoittaa uutta jaksoa ja suunnitelmaa: suunnittele uusi kuntouttavan työtoiminnan jakso ja valitse se jatkopoluksi (%(source)s)."
                    )
                    % {"source": source},
                )
            ]
        if rules.required_plan_type:
            return _renewed_plan_violation(step, rules, source)
        return []
    if decision == ReviewDecision.MOVE:
        if same_service:
            return [
                Violation(
                    "review_decision",
                    _(
                        "Siirtyminen tarkoittaa toista palvelua: saman palvelun uusi jakso on jatkamista. Valitse jatkopoluksi toisen palvelun jakso tai arvioinnin päätökseksi jatkaminen (%(source)s)."
                    )
                    % {"source": source},
                )
            ]
        if step.next_step is None and step.exit_outcome != ExitOutcome.OTHER_SERVICE:
            return [
                Violation(
                    "review_decision",
                    _(
                        "Siirtyminen toiseen palveluun: valitse jatkopoluksi toisen palvelun jakso tai tulokseksi ”%(outcome)s” (%(source)s)."
                    )
                    % {"outcome": ExitOutcome.OTHER_SERVICE.label, "source": source},
                )
            ]
        return []
    if decision == ReviewDecision.EXIT:
        found = []
        if not step.exit_outcome:
            found.append(
                Violation(
                    "exit_outcome",
                    _(
                        "Palvelun päättyessä kirjataan sen tulos: valitse, mihin asiakas siirtyi tai miten palvelu päättyi (%(source)s)."
                    )
                    % {"source": source},
                )
            )
        if same_service:
            found.append(
                Violation(
                    "review_decision",
                    _(
                        "Palvelu ei pääty, jos sitä jatketaan uudella jaksolla: valitse arvioinnin päätökseksi jatkaminen tai jatkopoluksi toisen palvelun jakso (%(source)s)."
                    )
                    % {"source": source},
                )
            )
        return found
    return []


def _renewed_plan_violation(
    step: PathwayStep, rules: ServiceRuleSet, source: str
) -> list[Violation]:
    """A continuation's new period rests on a renewed plan, not the one `step` ran under.

    The new period's plan is the version it names, or else the client's version in
    force of the type `rules` require. It is renewed when it was agreed (saved, as a
    version is never edited: a revision is a new version) after `step` was planned
    and on a day after `step` started, and, when `step` names its plan, is a later
    version than that one. Polku records the review as the decision at the end, not
    the date of the review meeting: the plan is renewed during the period or at its
    review, so any version agreed after the period began counts, and the version it
    was planned and started under does not.
    """
    from clients.models import ClientPlan

    plan_type = rules.required_plan_type
    new_period = step.next_step
    if new_period.plan_id:
        plan = new_period.plan
    else:
        plan = (
            ClientPlan.objects.in_force()
            .filter(client=step.client_id, plan_type=plan_type)
            .order_by("-version")
            .first()
        )
    plan_name = rules.get_required_plan_type_display().lower()
    if plan is None or plan.plan_type != plan_type:
        return [
            Violation(
                "review_decision",
                _(
                    "Jatkaminen tarkoittaa uutta jaksoa ja suunnitelmaa: uudella jaksolla ei ole voimassa olevaa suunnitelmaa (%(plan)s). Tarkista suunnitelma arvioinnissa ja tallenna siitä uusi versio (%(source)s)."
                )
                % {"plan": plan_name, "source": source},
            )
        ]
    renewed = (
        plan.created_at > step.created_at
        and timezone.localtime(plan.created_at).date() > step.start_on
        and (step.plan_id is None or plan.version > step.plan.version)
    )
    if renewed:
        return []
    return [
        Violation(
            "review_decision",
            _(
                "Jatkaminen tarkoittaa uutta jaksoa ja suunnitelmaa: uuden jakson suunnitelma (%(plan)s, versio %(version)s) on sama, jolla tämä jakso toteutui. Tarkista suunnitelma arvioinnissa, tallenna siitä uusi versio ja valitse se uuden jakson suunnitelmaksi (%(source)s)."
            )
            % {"plan": plan_name, "version": plan.version, "source": source},
        )
    ]


def check_attendance(
    rules: ServiceRuleSet,
    present: dict[datetime.date, Decimal | None],
    *,
    kept_present: Iterable[datetime.date] = (),
) -> list[Violation]:
    """The rule set's schedule rules on recorded attendance; each violation's field is the
    weekly grid's field of the day: "<ISO date>-hours" for a short day, "<ISO date>-status"
    for a day beyond the week's limit.

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
                        f"{day.isoformat()}-hours",
                        _min_hours_message(rules, source),
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
                        f"{day.isoformat()}-status",
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


def exit_outcome_may_replace_follow_on(step: PathwayStep) -> bool:
    """Whether the ended `step` may rest on an exit outcome instead of a next step: not a
    Jobcenter paid-work period (it cannot be closed without a follow-on step), nor a work
    activity period whose review decided to continue (with a new period of the service)."""
    return step.service_type.code != JOBCENTER and step.review_decision != ReviewDecision.CONTINUE


def replacement_follow_ons(ended: PathwayStep, *, cancelling: PathwayStep):
    """The client's steps that may become the ended step `ended`'s next step when its
    follow-on `cancelling` is cancelled (`cancel_step`), by start date: later steps, that is
    starting no earlier than `ended`, not cancelled, not another step's follow-on, and
    neither `cancelling` nor the companion cancelled with it, nor the companion that ended
    with `ended` (the work coaching of a work activity period)."""
    candidates = (
        PathwayStep.objects.filter(client=ended.client_id, start_on__gte=ended.start_on)
        .not_cancelled()
        .filter(previous_step__isnull=True)
        .exclude(pk__in=[ended.pk, cancelling.pk])
        .select_related("service_type", "rule_set")
        .order_by("start_on", "pk")
    )
    listed = list(candidates)
    companions = mutual_companions(cancelling, listed) + mutual_companions(
        ended, listed, open_only=False
    )
    return candidates.exclude(pk__in=[companion.pk for companion in companions])


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
            "services": _step_list(steps),
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
            "services": _step_list(steps),
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
        % {"services": _step_list(steps), "source": source},
    )


def _step_list(steps: list[PathwayStep]) -> str:
    return ", ".join(
        f"{s.service_type.name} ({_date(s.start_on)}–"
        f"{_date(s.planned_end_on) if s.planned_end_on else ''})"
        for s in steps
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
    """The client has a plan of the required type in force (agreed or active; a draft
    revision being written leaves the agreed version in force); when the step names its
    plan, it is that plan."""
    from clients.models import ClientPlan

    plans = ClientPlan.objects.in_force().filter(client=step.client_id, plan_type=plan_type)
    if step.plan_id:
        plans = plans.filter(pk=step.plan_id)
    return plans.exists()


def _date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _number(value: Decimal) -> str:
    return plain_number(value)


def _min_hours_message(rules: ServiceRuleSet, source: str) -> str:
    """ "A day lasts at least 4 hours": the hours may be a fraction (`plural_count`)."""
    hours = rules.min_hours_per_day
    return ngettext(
        "Päivän on kestettävä vähintään %(hours)s tunnin (%(source)s).",
        "Päivän on kestettävä vähintään %(hours)s tuntia (%(source)s).",
        plural_count(hours),
    ) % {"hours": _number(hours), "source": source}
