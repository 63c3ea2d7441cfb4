"""Cancelling a step entered in error or never begun, with what replaces its follow-on."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_context
from clients.access import log_client_access, relation_to
from pathways import step_rules
from pathways.actions.common import (
    checked_cancellation_reason,
    companion_follow_on,
    end_coach_memberships,
    lock_client,
    other_steps,
    settle_step_reminders,
    step_name,
)
from pathways.actions.follow_ons import settle_follow_on_requests
from pathways.actions.new_rules import settle_new_rules_tasks
from pathways.models import (
    CLIENT_SERVICES_END,
    Attendance,
    CompetenceCertificate,
    EmployerContact,
    EndReason,
    ExitOutcome,
    InWorkSupport,
    IpsPhaseChange,
    JobcenterContract,
    PathwayStep,
    Placement,
    StepStatus,
)


def cancel_step(
    *,
    step: PathwayStep,
    cancelled_by,
    reason: str,
    next_step: PathwayStep | None = None,
    exit_outcome: str = "",
    services_end_reason: str = "",
) -> PathwayStep:
    """Cancels a planned step that has not started, with the reason why: it stays on the
    pathway as cancelled (ended on its start date with the end reason "cancelled", without
    a follow-on or an outcome), and its dates are free for another step of the service.

    The companion planned with it (the work coaching of a work activity period) is
    cancelled with it, listed in the returned step's `cancelled_with`. Refused with
    ValidationError, nothing saved: a reason missing (on `reason`); a step that is not
    planned, or has attendance or another record of what happened in it dated by today
    (`_records_of_what_happened`: it has started, and is ended instead); a step
    another step needs alongside it (a Jobcenter period planned during a work activity
    period), until that one is cancelled or changed first.

    A cancelled step took no place, so it is no one's next step. A running step whose
    planned follow-on this was has none again, so its end is reminded of. An ended step
    whose next step this was (`PathwayStep.objects.ended_into`) gets what replaces it, in
    the same transaction: `next_step`, another of the client's later steps
    (`step_rules.replacement_follow_ons`), or `exit_outcome` where its rules allow one
    (`step_rules.check_ending`: never for a Jobcenter paid-work period); refused on
    `next_step` or `exit_outcome` without either, or with one its rules refuse. An ended
    step whose next step was a companion cancelled with this one (the work coaching of the
    period ended into this one) goes where its own period now goes, or ends with an outcome
    instead (`_replace_follow_on`). The database refuses a cancelled step as an ended
    step's next step (`step_follow_on_not_cancelled`). Without such an ended step,
    `next_step` and `exit_outcome` are not used. The cancelled step's own follow-on stays
    planned. The ended steps changed are listed in the returned step's `follow_on_replaced`.

    `services_end_reason`, one of `CLIENT_SERVICES_END`, says the step is cancelled because
    the client's services end altogether (moved to another municipality, died, the client
    relationship ended): the ended step then has no next step at all but that end reason
    and `exit_outcome` (needed, on `exit_outcome`), the one way an ended Jobcenter period
    loses its follow-on (`step_rules.services_end`), and the one way a work activity period
    whose review decided to continue or move does (its decision stays as recorded,
    `step_rules.check_ending`); a new next step with it is refused on `next_step`. Without it
    nothing changes.

    The coach who has no open step of the client left leaves the care team as a coach, and
    the reminders about the cancelled steps are taken back or marked read
    (`settle_step_reminders`), and the tasks asking to change or cancel them to fit new
    rules are checked off (`new_rules.settle_new_rules_tasks`).
    Each cancelled step writes its access-log row "pathways.step.cancelled", the ended
    step given a new next step or outcome "pathways.step.follow_on_replaced"; their
    history by pghistory.
    """
    reason = checked_cancellation_reason(reason, PathwayStep)
    with (
        transaction.atomic(),
        history_context(cancelled_by, "pathways.step.cancelled"),
    ):
        client = lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update(of=("self",))
            .select_related("client", "service_type", "rule_set")
            .get(pk=step.pk)
        )
        if locked.status != StepStatus.PLANNED:
            raise ValidationError(_("Vain alkamaton jakso voidaan perua. Alkanut jakso päätetään."))
        cancelling_with, left = step_rules.cancellation_effects(
            step=locked, others=other_steps(locked)
        )
        if left:
            step_rules.raise_for([step_rules.left_uncovered_violation(left, locked)])
        cancelled = [locked, *cancelling_with]
        if Attendance.objects.filter(step__in=cancelled).exists():
            raise ValidationError(
                _(
                    "Jaksolle on kirjattu läsnäoloja, joten se on alkanut: aloita jakso ja "
                    "päätä se perumisen sijaan."
                )
            )
        if happened := _records_of_what_happened(cancelled, timezone.localdate()):
            raise ValidationError(
                _(
                    "Jaksolle on kirjattu, mitä siinä tapahtui (%(records)s), joten se on "
                    "alkanut: aloita jakso ja päätä se perumisen sijaan."
                )
                % {"records": ", ".join(happened)}
            )
        replaced = _replace_follow_on(
            locked,
            cancelled,
            next_step=next_step,
            exit_outcome=exit_outcome,
            services_end_reason=services_end_reason,
        )
        for each in cancelled:
            each.status = StepStatus.ENDED
            each.ended_on = each.start_on
            each.end_reason = EndReason.CANCELLED
            each.cancellation_reason = reason
            each.next_step = None
            each.exit_outcome = each.review_decision = ""
            each.save()
        # A running step whose follow-on this was has none again: its end is reminded of,
        # and a coach's request for its follow-on, settled when this was planned, is open
        # again in the responsible worker's inbox.
        left_without = list(PathwayStep.objects.open().filter(next_step__in=cancelled))
        PathwayStep.objects.filter(pk__in=[s.pk for s in left_without]).update(next_step=None)
        # The basis the worker cancels on, read before a coach's own membership ends.
        basis = relation_to(cancelled_by, client).basis
        end_coach_memberships(
            client,
            cancelled,
            timezone.localdate(),
            by=cancelled_by,
            basis=basis,
            action="pathways.step.cancelled",
        )
        settle_follow_on_requests([*cancelled, *replaced], by=cancelled_by)
        # Cancelled, a step breaking its new rules is no longer asked to be changed.
        settle_new_rules_tasks(cancelled, by=cancelled_by)
        settle_step_reminders(cancelled)
        if left_without:
            from pathways.actions.follow_ons import reopen_follow_on_requests

            reopen_follow_on_requests(left_without)
        for ended in replaced:
            detail = ended.exit_outcome if ended.next_step_id is None else "follow-on"
            if services_end_reason:
                detail = f"{detail}; client's services end: {services_end_reason}"
            log_client_access(
                cancelled_by,
                client,
                "pathways.step.follow_on_replaced",
                ended,
                detail=detail,
                basis=basis,
            )
        log_client_access(
            cancelled_by,
            client,
            "pathways.step.cancelled",
            locked,
            detail=locked.service_type.code,
            basis=basis,
        )
        for companion in cancelling_with:
            log_client_access(
                cancelled_by,
                client,
                "pathways.step.cancelled",
                companion,
                detail=f"with {locked.service_type.code}",
                basis=basis,
            )
    locked.cancelled_with = cancelling_with
    locked.follow_on_replaced = replaced
    return locked


def _records_of_what_happened(steps: list[PathwayStep], today) -> list[str]:
    """The kinds of record (by name) that say `steps` in fact ran, as attendance does: a
    Jobcenter contract begun, an employer contact, an IPS phase entered, in-work support, a
    job started (not cancelled) or a competence certificate, dated on or before `today`. A
    step with such records has started, whatever its status says: it is ended, not cancelled,
    so that what happened stays on a step that ran. A record dated ahead (a job or contract
    that begins later, the in-work support awaiting it) does not count. One query per kind."""
    records = [
        # A step has one Jobcenter contract: its name is singular.
        (JobcenterContract, {"contract_start__lte": today}, JobcenterContract._meta.verbose_name),
        (EmployerContact, {"contacted_on__lte": today}, None),
        (IpsPhaseChange, {"entered_on__lte": today}, None),
        (InWorkSupport, {"supported_on__lte": today}, None),
        (Placement, {"started_on__lte": today, "cancelled_at__isnull": True}, None),
        (CompetenceCertificate, {"issued_on__lte": today}, None),
    ]
    return [
        str(name or model._meta.verbose_name_plural)
        for model, dated, name in records
        if model.objects.filter(step__in=steps, **dated).exists()
    ]


def _replace_follow_on(
    step: PathwayStep,
    cancelled: list[PathwayStep],
    *,
    next_step: PathwayStep | None,
    exit_outcome: str,
    services_end_reason: str = "",
) -> list[PathwayStep]:
    """Gives the ended step whose next step `step` is `next_step` or `exit_outcome` instead,
    checked as `cancel_step` states, before the steps in `cancelled` are cancelled. An ended
    step whose next step is a companion cancelled with `step` goes, as a companion ending
    with its step does (`companion_follow_on`), where the ended step it was the companion
    of now goes: on to the companion of that step's new next step, or with its outcome;
    with no such ended step among them, it ends with `exit_outcome`, or the outcome it has,
    or "moved to another service". With `services_end_reason` every such ended step ends for that reason with
    `exit_outcome` and no next step. Returns the ended steps changed (locked and saved),
    none when no ended step ends into a cancelled one."""
    predecessors = list(
        PathwayStep.objects.select_for_update(of=("self",))
        .ended_into(cancelled)
        .select_related("client", "service_type", "rule_set", "next_step__service_type")
        .order_by("pk")
    )
    if exit_outcome and exit_outcome not in ExitOutcome.values:
        raise ValidationError({"exit_outcome": _("Valitse tulos valikosta.")})
    if services_end_reason and predecessors:
        _check_services_end(services_end_reason, next_step, exit_outcome)
    # The step that ended into `step` first: its companion that ended into `step`'s
    # companion goes where it now goes.
    predecessors.sort(key=lambda ended: ended.next_step_id != step.pk)
    replacing = [ended for ended in predecessors if ended.next_step_id == step.pk]
    for ended in predecessors:
        if services_end_reason:
            ended.next_step, ended.exit_outcome = None, exit_outcome
            ended.end_reason = services_end_reason
        elif ended.next_step_id == step.pk:
            ended.next_step = _replacing_next_step(ended, step, cancelled, next_step, exit_outcome)
            ended.exit_outcome = exit_outcome
        elif period := next(
            (p for p in replacing if step_rules.mutual_companions(p, [ended], open_only=False)),
            None,
        ):
            others = [o for o in other_steps(ended) if o not in cancelled]
            ended.next_step, ended.exit_outcome = companion_follow_on(period, ended, others)
        else:
            ended.next_step = None
            ended.exit_outcome = exit_outcome or ended.exit_outcome or ExitOutcome.OTHER_SERVICE
        field = "next_step" if ended.next_step is not None else "exit_outcome"
        # The ended step's own rules (a Jobcenter period's follow-on, a review decision's
        # continuation) are stated next to the field that replaces the follow-on; not those
        # of the act of ending (a Jobcenter period's contract, recorded only while it runs).
        step_rules.raise_for(
            [
                step_rules.Violation(
                    violation.field if violation.field in ("next_step", "exit_outcome") else field,
                    violation.message,
                )
                for violation in step_rules.check_ending(ended, ending=False)
            ]
        )
    try:
        with transaction.atomic():
            for ended in predecessors:
                ended.save(update_fields=["next_step", "exit_outcome", "end_reason"])
    except IntegrityError as error:
        # Another worker chose the same step as a follow-on at the same moment.
        if "next_step" not in str(error):
            raise
        raise ValidationError(
            {
                "next_step": _(
                    "Valittu jakso on jo toisen jakson jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                )
            }
        ) from None
    return predecessors


def _check_services_end(reason: str, next_step: PathwayStep | None, exit_outcome: str) -> None:
    """ValidationError, next to its field, unless the client's services ending for `reason`
    (one of `CLIENT_SERVICES_END`) comes with an outcome and no new next step."""
    if reason not in CLIENT_SERVICES_END:
        raise ValidationError({"services_end_reason": _("Valitse syy valikosta.")})
    if next_step is not None:
        raise ValidationError(
            {
                "next_step": _(
                    "Asiakkaan palvelut päättyvät, joten päättyneelle jaksolle ei valita uutta "
                    "jatkopolkua: jätä jatkopolku tyhjäksi ja valitse tulos."
                )
            }
        )
    if not exit_outcome:
        raise ValidationError(
            {
                "exit_outcome": _(
                    "Valitse päättyneelle jaksolle tulos, kun asiakkaan palvelut päättyvät."
                )
            }
        )


def _replacing_next_step(
    ended: PathwayStep,
    step: PathwayStep,
    cancelled: list[PathwayStep],
    next_step: PathwayStep | None,
    exit_outcome: str,
) -> PathwayStep | None:
    """`next_step` as the ended step `ended`'s new next step in place of `step`, read again
    with its service; ValidationError on `next_step` when neither it nor `exit_outcome` is
    given, or when it is no step `step_rules.replacement_follow_ons` offers."""
    ended_name = step_name(ended)
    if next_step is None and not exit_outcome:
        if step_rules.exit_outcome_may_replace_follow_on(ended):
            message = _(
                "Jakso on päättyneen jakson %(step)s jatkopolku. Valitse päättyneelle jaksolle "
                "uusi jatkopolku tai tulos perutun jakson tilalle."
            )
        else:
            message = _(
                "Jakso on päättyneen jakson %(step)s jatkopolku, eikä se voi päättyä ilman "
                "jatkopolkua. Valitse sille uusi jatkopolku perutun jakson tilalle; suunnittele "
                "se ensin, jos sitä ei vielä ole."
            )
        raise ValidationError({"next_step": message % {"step": ended_name}})
    if next_step is None:
        return None
    allowed = step_rules.replacement_follow_ons(ended, cancelling=step).exclude(
        pk__in=[each.pk for each in cancelled]
    )
    chosen = allowed.filter(pk=next_step.pk).first()
    if chosen is None:
        raise ValidationError(
            {
                "next_step": _(
                    "Jatkopoluksi valitaan asiakkaan jakso, joka alkaa aikaisintaan "
                    "päättyneen jakson %(step)s alkaessa, jota ei ole peruttu eikä valittu "
                    "toisen jakson jatkopoluksi."
                )
                % {"step": ended_name}
            }
        )
    return chosen


# The kind of the tasks that asked the responsible worker to plan a new next step for an
# ended step whose follow-on was cancelled, before cancelling asked for what replaces it;
# such tasks may still be open.
FOLLOW_ON_CANCELLED_TASK = "pathways.follow_on_cancelled"
