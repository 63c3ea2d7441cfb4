"""A step as planned or changed: its dates, days, hours, age, plan and the facts its
service must record; and its attendance."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pathways.models import JobcenterContract, PathwayStep
from pathways.step_rules.common import (
    DISABILITY_WORK_ACTIVITY,
    JOBCENTER,
    OPEN_WORK,
    REHABILITATIVE_WORK_ACTIVITY,
    SOCIAL_REHABILITATION,
    SUPPORTED_EMPLOYMENT,
    YOUTH_WORKSHOP,
    Violation,
    covers,
    day_text,
    min_hours_message,
    number_text,
    period_end_limit,
)
from pathways.step_rules.companions import not_alongside
from services.models import ServiceRuleSet, UnitKind


def check_step(
    step: PathwayStep, rules: ServiceRuleSet, *, companions: list[PathwayStep]
) -> list[Violation]:
    """All violations of the step against its rule set and the client's other steps (`companions`)."""
    source = rules.translated_source
    # What the rules demand be recorded, when left empty: the one list the form's
    # required fields come from too (`required_fields`).
    found: list[Violation] = [
        Violation(name, message(source))
        for name, message in _demanded(rules, step.service_type.code).items()
        if _is_empty(getattr(step, _attribute(name)))
    ]
    start, end = step.start_on, step.planned_end_on

    if (
        rules.max_duration_months
        and end is not None
        and end > period_end_limit(start, rules.max_duration_months)
    ):
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
                    "limit": day_text(period_end_limit(start, rules.max_duration_months)),
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
                    "limit": day_text(period_end_limit(start, rules.min_duration_months)),
                    "source": source,
                },
            )
        )

    days = step.days_per_week
    if days is not None and (
        (rules.min_days_per_week and days < rules.min_days_per_week)
        or (rules.max_days_per_week and days > rules.max_days_per_week)
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
        if hours is not None and hours < rules.min_hours_per_day:
            found.append(
                Violation(
                    "hours_per_day",
                    min_hours_message(rules, source),
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
                % {"cap": number_text(cap), "source": source},
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

    found.extend(not_alongside(step, rules, companions))

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


def required_fields(rules: ServiceRuleSet, service_code: str) -> set[str]:
    """The step form's fields that `rules` demand of every step of the service
    (`service_code`), whatever the client's other records: `check_step` refuses a step
    with any of them empty, each next to its field.

    Not here are what depends on other records: the plan (one of the client's plans in
    force will do when none is named), the income clarification (only alongside
    disability work activity), the companions."""
    return set(_demanded(rules, service_code))


def _demanded(rules: ServiceRuleSet, code: str) -> dict[str, Callable[[str], str]]:
    """Each field `required_fields` names, with the message given, with the rules' source,
    when it is left empty."""
    demanded: dict[str, Callable[[str], str]] = {}
    if rules.max_duration_months:
        demanded["planned_end_on"] = lambda source: (
            _("Jaksolle on merkittävä suunniteltu päättymispäivä (%(source)s).")
            % {"source": source}
        )
    if code == JOBCENTER:
        # A Jobcenter period is a short paid job, ending as its employment contract does.
        demanded["planned_end_on"] = lambda source: (
            _(
                "Jobcenter-jakso on lyhyt palkkatyöjakso: merkitse sen suunniteltu päättymispäivä työsopimuksen mukaan (%(source)s)."
            )
            % {"source": source}
        )
    if rules.min_days_per_week or rules.max_days_per_week:
        demanded["days_per_week"] = lambda source: (
            _("Merkitse, montako päivää viikossa (%(source)s).") % {"source": source}
        )
    if rules.min_hours_per_day:
        demanded["hours_per_day"] = lambda source: min_hours_message(rules, source)
    if code == REHABILITATIVE_WORK_ACTIVITY:
        # Each field says what it lacks: both empty, the summary lists two different errors.
        demanded["goal"] = lambda source: (
            _("Kirjaa jakson tavoite aktivointisuunnitelman mukaisesti (%(source)s).")
            % {"source": source}
        )
        demanded["support_given"] = lambda source: (
            _("Kirjaa annettava tuki aktivointisuunnitelman mukaisesti (%(source)s).")
            % {"source": source}
        )
    if code == SOCIAL_REHABILITATION:
        demanded["decision_reference"] = lambda source: (
            _("Sosiaalinen kuntoutus myönnetään päätöksellä: kirjaa päätöksen tunnus (%(source)s).")
            % {"source": source}
        )
    if code == YOUTH_WORKSHOP:
        demanded["unit"] = _workshop_message
    if code == OPEN_WORK:
        demanded["daily_compensation"] = lambda source: (
            _("Kirjaa avotyön päiväkohtainen korvaus (%(source)s).") % {"source": source}
        )
        demanded["effects_discussed_on"] = lambda source: (
            _(
                "Kirjaa, milloin palkkatyön vaikutukset asumistukeen ja eläkkeeseen on käyty läpi asiakkaan kanssa (%(source)s)."
            )
            % {"source": source}
        )
    return demanded


def _workshop_message(source: str) -> str:
    return _("Valitse työpaja, jossa jakso toteutuu (%(source)s).") % {"source": source}


def _attribute(name: str) -> str:
    """The step's attribute holding a form field's value: a foreign key's id, read
    without a query."""
    field = PathwayStep._meta.get_field(name)
    return field.attname


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _recorded_facts(step: PathwayStep, covering_codes: set[str], source: str) -> list[Violation]:
    """What must be recorded for a kind of service, whatever the dated numbers, beyond a
    value left empty (`_demanded`)."""
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
    if (
        code == YOUTH_WORKSHOP
        and step.unit_id is not None
        and step.unit.kind != UnitKind.YOUTH_WORKSHOP
    ):
        found.append(Violation("unit", _workshop_message(source)))
    if code == JOBCENTER:
        found.extend(_jobcenter_contract_covered(step))
    if (
        code == OPEN_WORK
        and step.effects_discussed_on is not None
        and step.effects_discussed_on > timezone.localdate()
    ):
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
    return found


def _jobcenter_contract_covered(step: PathwayStep) -> list[Violation]:
    """A Jobcenter period's recorded employment contract stays within the period when the
    period's dates change (its planned end, which it must have, is `_demanded`)."""
    if step.planned_end_on is None:
        return []
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
                % {
                    "start": day_text(contract.contract_start),
                    "end": day_text(contract.contract_end),
                },
            )
        ]
    return []


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
                        min_hours_message(rules, source),
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


def _has_plan(step: PathwayStep, plan_type: str) -> bool:
    """The client has a plan of the required type in force (agreed or active; a draft
    revision being written leaves the agreed version in force); when the step names its
    plan, it is that plan."""
    from clients.models import ClientPlan

    plans = ClientPlan.objects.in_force().filter(client=step.client_id, plan_type=plan_type)
    if step.plan_id:
        plans = plans.filter(pk=step.plan_id)
    return plans.exists()
