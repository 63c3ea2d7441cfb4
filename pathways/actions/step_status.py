"""Starting a planned step, pausing and resuming it."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_context
from pathways import step_rules
from pathways.actions.common import (
    format_day,
    lock_client,
    other_steps,
    set_status,
    steps_starting_with,
)
from pathways.models import Attendance, PathwayStep, StepStatus

PAUSE_REASON_MAX_LENGTH = PathwayStep._meta.get_field("pause_reason").max_length


def set_step_status(
    *,
    step: PathwayStep,
    status: str,
    changed_by,
    paused_on: datetime.date | None = None,
    reason: str = "",
    resumed_on: datetime.date | None = None,
) -> PathwayStep:
    """Starts, pauses or resumes a step (ending has its own action; a started step does
    not return to planned).

    A step starts on its start date or later: starting it before is refused (its start date
    is changed first). A pause records since when (`paused_on`, today when not given) and
    why (`reason`): refused on `reason` without one, on `paused_on` for a day in the future,
    before the step started or before it last resumed, or dated back over a day recorded
    present (a day of a pause takes none). Resuming records the day the step resumed
    (`resumed_on`, today when not given; ignored when a planned step starts): refused on
    `resumed_on` for a day in the future or before the pause began. A resume dated back
    ends the pause on that day, so the days from it on are the step's working days again
    (a present day may be recorded on them, `record_week_attendance`); the absences
    recorded on them stay. The step's latest pause is on the step, earlier ones in its
    history.

    The companion planned with it (the work coaching of a work activity period)
    pauses and resumes with it, with the same day and reason (a pause not before the
    companion started, a resume not before the companion's own pause began), listed in the
    returned step's `changed_with`. A pause that would leave
    another running step without the service it needs (a Jobcenter period during work
    activity) is refused, and so is starting a step while the service it needs alongside
    is paused. Nothing is saved when refused.
    """
    if status not in (StepStatus.ACTIVE, StepStatus.PAUSED):
        raise ValidationError(_("Jakson voi aloittaa, keskeyttää tauolle tai sitä voi jatkaa."))
    today = timezone.localdate()
    reason = reason.strip()
    with (
        transaction.atomic(),
        history_context(changed_by, "pathways.step.status_changed"),
    ):
        client = lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update(of=("self",))
            .select_related("client", "service_type")
            .get(pk=step.pk)
        )
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Päättynyttä jaksoa ei voi muuttaa."))
        if status == StepStatus.PAUSED and locked.status == StepStatus.PLANNED:
            raise ValidationError(_("Alkamatonta jaksoa ei voi keskeyttää tauolle."))
        if (
            status == StepStatus.ACTIVE
            and locked.status == StepStatus.PLANNED
            and locked.start_on > today
        ):
            raise ValidationError(
                _(
                    "Jakso alkaa %(date)s, joten sen voi aloittaa aikaisintaan silloin. Jos jakso "
                    "alkoi jo, muuta ensin sen alkamispäivä."
                )
                % {"date": format_day(locked.start_on)}
            )
        if status == StepStatus.PAUSED and locked.status == StepStatus.ACTIVE:
            paused_on = _check_pause(locked, paused_on or today, reason, today)
        # A planned step starting takes no day of resuming: its paused companions resume today.
        resuming = status == StepStatus.ACTIVE and locked.status == StepStatus.PAUSED
        resumed_on = _check_resume(locked, resumed_on or today, today) if resuming else today
        changing_with = []
        others = other_steps(locked, open_only=True)
        if status == StepStatus.PAUSED and locked.status == StepStatus.ACTIVE:
            changing_with, left = step_rules.pause_effects(step=locked, others=others)
            if left:
                step_rules.raise_for([step_rules.paused_dependents_violation(left, locked)])
            for each in [locked, *changing_with]:
                each.paused_on = max(paused_on, each.start_on)
                each.pause_reason = reason
                each.resumed_on = None
            _check_no_present_day_in_pause([locked, *changing_with])
        elif status == StepStatus.ACTIVE and locked.status != StepStatus.ACTIVE:
            changing_with = steps_starting_with(locked, others)
            for each in [locked, *changing_with]:
                if each.status == StepStatus.PAUSED:
                    # A companion paused after the day the step resumed (it started later)
                    # resumes on the day its own pause began.
                    each.resumed_on = max(resumed_on, each.paused_on)
        set_status(locked, status, changed_by, client)
        for companion in changing_with:
            set_status(companion, status, changed_by, client, with_step=locked)
    locked.changed_with = changing_with
    return locked


def _check_pause(
    step: PathwayStep, paused_on: datetime.date, reason: str, today: datetime.date
) -> datetime.date:
    """`paused_on` as the day the running `step`'s pause begins, or ValidationError on the
    field at fault (`reason`, `paused_on`)."""
    if not reason:
        raise ValidationError({"reason": _("Kirjaa tauon syy.")})
    try:
        MaxLengthValidator(PAUSE_REASON_MAX_LENGTH)(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    if paused_on > today:
        raise ValidationError(
            {"paused_on": _("Tauko kirjataan sen alettua: päivä ei voi olla tulevaisuudessa.")}
        )
    earliest = max(step.start_on, step.resumed_on or step.start_on)
    if paused_on < earliest:
        raise ValidationError(
            {
                "paused_on": _(
                    "Tauko voi alkaa aikaisintaan %(date)s, jolloin jakso alkoi tai jatkui "
                    "edellisen tauon jälkeen."
                )
                % {"date": format_day(earliest)}
            }
        )
    return paused_on


def _check_resume(
    step: PathwayStep, resumed_on: datetime.date, today: datetime.date
) -> datetime.date:
    """`resumed_on` as the day the paused `step` resumes, or ValidationError on `resumed_on`:
    not a day in the future, nor before the pause began (the database's
    step_resumed_after_pause)."""
    if resumed_on > today:
        raise ValidationError(
            {
                "resumed_on": _(
                    "Jatkuminen kirjataan jakson jatkuttua: päivä ei voi olla tulevaisuudessa."
                )
            }
        )
    if resumed_on < step.paused_on:
        raise ValidationError(
            {
                "resumed_on": _(
                    "Tauko alkoi %(date)s, joten jakso voi jatkua aikaisintaan silloin."
                )
                % {"date": format_day(step.paused_on)}
            }
        )
    return resumed_on


def _check_no_present_day_in_pause(steps: list[PathwayStep]) -> None:
    """ValidationError on `paused_on` when a present day is recorded for one of `steps` on or
    after the day its pause begins (as it will be saved): a day of a pause takes no present
    day (`record_week_attendance`), so a pause dated back over one would leave a worked,
    paid, allowance-counted day inside it. The day's record is corrected first if the client
    was in fact away. One query per step."""
    for step in steps:
        first = (
            Attendance.objects.filter(step=step.pk, present=True, day__gte=step.paused_on)
            .order_by("day")
            .values_list("day", flat=True)
            .first()
        )
        if first is not None:
            raise ValidationError(
                {
                    "paused_on": _(
                        "Jaksolle on kirjattu läsnäolopäivä %(date)s, joten tauko voi alkaa "
                        "aikaisintaan sen jälkeen. Jos asiakas ei ollut paikalla, korjaa ensin "
                        "sen päivän läsnäolokirjaus."
                    )
                    % {"date": format_day(first)}
                }
            )
