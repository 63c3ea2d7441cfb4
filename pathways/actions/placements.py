"""The outcomes of a pathway: a job start, studies or another result recorded (a job start in
supported employment moves the step to in-work support on the day the job begins), its end
with a reason, and the cancellation of one agreed to begin later that fell through."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_context
from clients.access import log_client_access
from clients.models import Client
from pathways import step_rules
from pathways.actions.common import checked_cancellation_reason, format_day, lock_client
from pathways.actions.records import (
    _check_within_step,
    _refuse_repeat,
    check_ips_step_open,
    lock_step,
)
from pathways.models import (
    JOB_KINDS,
    IpsPhase,
    IpsPhaseChange,
    PathwayStep,
    Placement,
    PlacementEndReason,
)
from pathways.querysets import awaited_support


def record_placement(
    *, client: Client, recorded_by, step: PathwayStep | None = None, **fields
) -> Placement:
    """Records an outcome (job start, studies); a job start in IPS moves the step to in-work
    support on the day the job begins (`_enter_in_work_support`).

    A job start names its weekly hours (ValidationError next to the field otherwise): the
    hours tell a part-time job from a full one in the outcome indicators. An outcome of a
    step starts within it: not before the step's start, not after the end of an ended step
    (ValidationError next to the start), none in a step cancelled before it started; checked
    against the step locked in the transaction (`records.lock_step`), not a copy loaded before
    it ended or was cancelled. A job agreed may be recorded before it starts. Its end is
    recorded when it comes (`end_placement`).

    An IPS step takes an outcome, as it takes a phase, only while planned or active
    (`records.check_ips_step_open`): a job start on a paused or ended step would change its
    phase history. Refused without a field, nothing saved.

    The same outcome again on the step (every field the same, as a double submit sends) is
    refused with RecordedAlready, read under the step's lock; one cancelled before it began
    does not count, so a job agreed again after it fell through is recorded.
    """
    if fields.get("kind") in JOB_KINDS and fields.get("weekly_hours") is None:
        raise ValidationError({"weekly_hours": _("Kirjaa työn viikkotunnit.")})
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.placement.recorded"),
    ):
        if step is not None:
            step = lock_step(step)
            _check_within_step(step, fields["started_on"], "started_on")
            if step.code == step_rules.SUPPORTED_EMPLOYMENT:
                check_ips_step_open(step)
            _refuse_repeat(Placement, step, cancelled_at__isnull=True, **fields)
        placement = Placement.objects.create(
            client=client, step=step, recorded_by=recorded_by, **fields
        )
        if _is_ips_job(placement, step):
            _enter_in_work_support(step, fields["started_on"], recorded_by)
        log_client_access(
            recorded_by, client, "pathways.placement.recorded", placement, detail=fields["kind"]
        )
    return placement


def _is_ips_job(placement: Placement, step: PathwayStep | None) -> bool:
    return (
        step is not None
        and step.service_type.code == step_rules.SUPPORTED_EMPLOYMENT
        and placement.kind in JOB_KINDS
    )


def _enter_in_work_support(step: PathwayStep, started_on: datetime.date, recorded_by) -> None:
    """A job start moves an IPS step to in-work support on the day the job begins, not before
    the step's last phase change dated by then (a job start recorded late comes after the
    phases recorded meanwhile). A job that begins later is a change dated ahead: the step stays
    in its phase until that day (`PathwayStep.ips_phase_on`). An earlier job than the one
    awaited brings the awaited change forward; a step already in in-work support stays so."""
    locked = PathwayStep.objects.select_for_update(of=("self",)).get(pk=step.pk)
    today = timezone.localdate()
    awaited = locked.phase_changes.ahead_of(today).first()
    entered = locked.phase_changes.entered_by(today)
    if awaited is not None:
        if started_on < awaited.entered_on:
            last = entered.last()
            awaited.entered_on = max(started_on, last.entered_on if last else locked.start_on)
            # Dated by this job start now: ordered after a change recorded the same day.
            awaited.recorded_at = timezone.now()
            awaited.recorded_by = recorded_by
            awaited.save(update_fields=["entered_on", "recorded_at", "recorded_by"])
        return
    last = entered.last()
    if (last.phase if last else locked.ips_phase) == IpsPhase.IN_WORK_SUPPORT:
        return
    IpsPhaseChange.objects.create(
        step=locked,
        phase=IpsPhase.IN_WORK_SUPPORT,
        entered_on=max(started_on, last.entered_on if last else locked.start_on),
        recorded_by=recorded_by,
    )


def _lock_placement(placement: Placement) -> Placement:
    """The placement as it is now, its client locked first (as every write of the client's
    pathway), then its own row: two workers ending or cancelling it at once take turns."""
    lock_client(placement.client)
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("client", "step__service_type")
        .get(pk=placement.pk)
    )


def end_placement(
    *, placement: Placement, ended_by, ended_on: datetime.date, end_reason: str
) -> Placement:
    """Records that a job or studies ended on `ended_on`, for `end_reason` (one of
    PlacementEndReason). The outcome indicators count a job until its end
    (`reports.indicators.ips_employment`).

    As a step's end, the end is recorded on its day or later: refused on `ended_on` in the
    future and before the start; refused on `end_reason` without a known reason; refused
    without a field when it is cancelled, already ended, or has not begun (one that falls
    through before it begins is cancelled instead, `cancel_placement`). Nothing is saved
    when refused. The end may come after the end of the step it was recorded in: a job found
    in supported employment goes on when the step ends.

    The IPS step's phase does not change with a job's end: the coach records what follows
    (back to job search, or in-work support going on in another job) with `record_ips_phase`.
    Writes the access-log row "pathways.placement.ended" (the reason as its detail); the
    change history under the same label.
    """
    errors = {}
    if end_reason not in PlacementEndReason.values:
        errors["end_reason"] = [_("Valitse päättymisen syy.")]
    with (
        transaction.atomic(),
        history_context(ended_by, "pathways.placement.ended"),
    ):
        locked = _lock_placement(placement)
        today = timezone.localdate()
        if locked.is_cancelled:
            raise ValidationError(
                _("Työ tai opinnot on peruttu ennen alkua, joten niille ei kirjata päättymistä.")
            )
        if locked.ended_on is not None:
            raise ValidationError(_("Työn tai opintojen päättyminen on jo kirjattu."))
        if locked.started_on > today:
            raise ValidationError(
                _(
                    "Työ tai opinnot eivät ole alkaneet, joten niitä ei päätetä: peru ne, jos "
                    "ne eivät toteudu."
                )
            )
        if ended_on < locked.started_on:
            errors["ended_on"] = [
                _("Päättymispäivä ei voi olla ennen alkamispäivää (%(date)s).")
                % {"date": format_day(locked.started_on)}
            ]
        elif ended_on > today:
            errors["ended_on"] = [_("Päättyminen kirjataan päättymispäivänä tai sen jälkeen.")]
        if errors:
            raise ValidationError(errors)
        locked.ended_on, locked.end_reason = ended_on, end_reason
        locked.save(update_fields=["ended_on", "end_reason"])
        log_client_access(
            ended_by, locked.client, "pathways.placement.ended", locked, detail=end_reason
        )
    return locked


def cancel_placement(*, placement: Placement, cancelled_by, reason: str) -> Placement:
    """Cancels a job or studies agreed to begin later that fell through, with the reason why
    (as a step is cancelled): the placement stays, marked cancelled (by whom, when, why), and
    counts nowhere (the outcome indicators, the first job of an IPS step:
    `PlacementQuerySet.not_cancelled`).

    Refused with ValidationError, nothing saved: a reason missing or too long (on `reason`);
    one that has begun (it began by today; its end is recorded instead, `end_placement`), or
    is cancelled already.

    A job of an IPS step that was awaited (its in-work support dated ahead,
    `_enter_in_work_support`) leaves the step in its phase: the change dated ahead moves to
    the start of the next job of the step still awaited, or is removed when none is. A change
    dated ahead for another, earlier job stays. Writes the access-log row
    "pathways.placement.cancelled" (the kind as its detail); the change history, the phase
    change's move or removal included, under the same label.
    """
    reason = checked_cancellation_reason(reason, Placement)
    with (
        transaction.atomic(),
        history_context(cancelled_by, "pathways.placement.cancelled"),
    ):
        locked = _lock_placement(placement)
        today = timezone.localdate()
        if locked.is_cancelled:
            raise ValidationError(_("Työ tai opinnot on jo peruttu."))
        if not locked.may_cancel_on(today):
            raise ValidationError(
                _(
                    "Työ tai opinnot ovat jo alkaneet, joten niitä ei voi perua: kirjaa niiden "
                    "päättyminen."
                )
            )
        locked.cancelled_at, locked.cancelled_by = timezone.now(), cancelled_by
        locked.cancellation_reason = reason
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
        if _is_ips_job(locked, locked.step):
            _no_longer_awaited(locked, cancelled_by, today)
        log_client_access(
            cancelled_by, locked.client, "pathways.placement.cancelled", locked, detail=locked.kind
        )
    return locked


def _no_longer_awaited(cancelled: Placement, cancelled_by, today: datetime.date) -> None:
    """The in-work support dated ahead for the cancelled job moves to the start of the step's
    next job still awaited, or is removed without one (`querysets.awaited_support`)."""
    PathwayStep.objects.select_for_update(of=("self",)).get(pk=cancelled.step_id)
    awaited = awaited_support(cancelled, today)
    if awaited is None or awaited.moves_to == awaited.change.entered_on:
        return
    change = awaited.change
    if awaited.moves_to is None:
        change.delete()
        return
    change.entered_on = awaited.moves_to
    # Dated by the job it awaits now, as `_enter_in_work_support` dates a change it moves.
    change.recorded_at = timezone.now()
    change.recorded_by = cancelled_by
    change.save(update_fields=["entered_on", "recorded_at", "recorded_by"])
