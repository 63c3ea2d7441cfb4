"""A step's pauses, read from its change history: the step holds only its latest pause
(`paused_on`, `pause_reason`, `resumed_on`, written by `actions.set_step_status`)."""

import datetime
from dataclasses import dataclass

from pathways.models import PathwayStep, StepStatus


@dataclass
class Pause:
    paused_on: datetime.date
    reason: str
    resumed_on: datetime.date | None

    def holds(self, day: datetime.date) -> bool:
        """Whether `day` is a day of the pause: from its first day until the day before the
        step resumed (the day of resuming is a working day again)."""
        return self.paused_on <= day and (self.resumed_on is None or day < self.resumed_on)


def pauses_of(step: PathwayStep) -> list[Pause]:
    """The step's pauses, earliest first: one for each time the step went on a pause, with
    the day it began, its reason and the day the step resumed (None while it lasts or when
    the step ended during it). One query."""
    events = (
        PathwayStep.pgh_event_model.objects.filter(pgh_obj=step.pk)
        .order_by("pgh_id")
        .values_list("status", "paused_on", "pause_reason", "resumed_on")
    )
    pauses: list[Pause] = []
    previous_status = None
    for status, paused_on, reason, resumed_on in events:
        if status == StepStatus.PAUSED and paused_on is not None:
            starts = (
                previous_status != StepStatus.PAUSED
                or not pauses
                or pauses[-1].paused_on != paused_on
            )
            if starts:
                pauses.append(Pause(paused_on, reason, None))
            else:
                pauses[-1].reason = reason
        elif pauses and resumed_on is not None and pauses[-1].resumed_on is None:
            pauses[-1].resumed_on = resumed_on
        previous_status = status
    return pauses


def pause_holding(pauses: list[Pause], day: datetime.date) -> Pause | None:
    """The pause among `pauses` that `day` is a day of, or None."""
    return next((pause for pause in pauses if pause.holds(day)), None)
