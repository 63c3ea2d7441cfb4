"""A step as it ends: its follow-on or exit, the review of a work activity period, and
what may replace a cancelled follow-on."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pathways.models import (
    CLIENT_SERVICES_END,
    EndReason,
    ExitOutcome,
    JobcenterContract,
    PathwayStep,
    ReviewDecision,
    StepStatus,
)
from pathways.step_rules.common import (
    JOBCENTER,
    REHABILITATIVE_WORK_ACTIVITY,
    Violation,
    day_text,
    period_end_limit,
    rule_set_for,
)
from pathways.step_rules.companions import mutual_companions
from services.models import ServiceRuleSet


def check_ending(step: PathwayStep, *, ending: bool = True) -> list[Violation]:
    """A step ends with a reason and a follow-on step or an exit outcome; some kinds need more.

    A Jobcenter paid-work period ends with a follow-on step, unless the client's services end
    altogether (`services_end`); a step ending so has no follow-on step. Ending it (`ending`,
    not an ended period checked again when its follow-on is replaced, `cancel_step`: its
    contract can no longer be recorded) needs its employment contract recorded, unless the
    work never began (`_contract_missing`).

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
    if code == JOBCENTER and step.ended_on:
        found.extend(_contract_within_end(step))
        if ending:
            found.extend(_contract_missing(step))
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
                        "limit": day_text(limit),
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


# The end reasons that say a Jobcenter period's work was done: a period ended so on the day
# it started was a job of one day, which has its contract like any other (`_contract_missing`).
WORK_DONE_REASONS = (EndReason.COMPLETED, EndReason.GOAL_REACHED)


def contract_needed_to_end(step: PathwayStep) -> bool:
    """Whether the running Jobcenter period `step` has no employment contract recorded, so
    that ending it after its work began is refused (`check_ending`): the step page and the
    timeline warn of it, the end form points to the contract's form. Reads the contract
    selected with the step (`for_timeline`) or queries it once."""
    return (
        step.service_type.code == JOBCENTER
        and step.status in (StepStatus.ACTIVE, StepStatus.PAUSED)
        and not hasattr(step, "jobcenter_contract")
    )


def _contract_missing(step: PathwayStep) -> list[Violation]:
    """DOMAIN.md: a Jobcenter period has its employer, job, weekly hours, wage and contract
    dates: a period that ran is not closed without its employment contract recorded, which
    is recorded while the period is open (`save_jobcenter_contract`). A period that never
    ran needs none: one planned is cancelled (`cancel_step`), and one started whose work
    never began ends on the day it started for a reason other than its work done
    (`WORK_DONE_REASONS`), say interrupted. Refused on `end_reason`, the field that says so."""
    if JobcenterContract.objects.filter(step=step.pk).exists():
        return []
    if step.ended_on == step.start_on and step.end_reason not in WORK_DONE_REASONS:
        return []
    return [
        Violation(
            "end_reason",
            _(
                "Jobcenter-jaksolle ei ole kirjattu työsopimusta, joten jaksoa ei voi päättää. "
                "Kirjaa ensin työsopimus (työnantaja, tehtävä, viikkotunnit, palkka ja "
                "sopimuksen päivät) jakson sivun kohdasta ”Työsopimus” ja päätä jakso sitten. "
                "Jos työ ei alkanut lainkaan, päätä jakso sen alkamispäivänä %(start)s "
                "syyllä ”%(reason)s”."
            )
            % {"start": day_text(step.start_on), "reason": EndReason.INTERRUPTED.label},
        )
    ]


def _contract_within_end(step: PathwayStep) -> list[Violation]:
    """A Jobcenter period covers its recorded employment contract to its end, as it does while
    it runs (checks._jobcenter_contract_covered): a period ending before the contract's
    recorded end has the contract corrected first, so the two agree on when the work ended."""
    contract = JobcenterContract.objects.filter(step=step.pk).first()
    if contract is None or contract.contract_end <= step.ended_on:
        return []
    return [
        Violation(
            "ended_on",
            _(
                "Työsopimus on kirjattu päättymään %(end)s. Jos työ päättyi aiemmin, muuta ensin "
                "työsopimuksen päättymispäivä: jakso kattaa työsopimuksen."
            )
            % {"end": day_text(contract.contract_end)},
        )
    ]
