"""What the pathway actions share: the client's lock, the client's other steps, dates and
steps as messages name them, and the checks that planning, changing and ending all make."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.access import log_client_access
from clients.actions import TeamChange, set_membership_end, team_changed
from clients.models import CareTeamMembership, Client, TeamRole
from pathways import step_rules
from pathways.models import (
    Attendance,
    CompetenceCertificate,
    EmployerContact,
    ExitOutcome,
    InWorkSupport,
    PathwayStep,
    Placement,
    StepStatus,
)
from pathways.step_rules.common import format_day, format_period


def lock_client(client: Client) -> Client:
    """Locks the client's row for the transaction, so rules across its steps are checked one at
    a time. Only the client's row (`of`): its unit and organisation are read with it, and
    locking them would hold up every pathway write of the organisation's other clients, and
    the access-log rows that check the organisation."""
    return (
        Client.objects.select_for_update(of=("self",))
        .select_related("responsible_unit__organisation")
        .get(pk=client.pk)
    )


def other_steps(step: PathwayStep, *, open_only: bool = False) -> list[PathwayStep]:
    """The client's other steps (only those not ended, when asked), with their services and
    rule sets; `step` may be unsaved. A step cancelled before it started never ran and is
    none of them."""
    steps = (
        PathwayStep.objects.filter(client=step.client_id)
        .not_cancelled()
        .select_related("service_type", "rule_set")
    )
    if step.pk:
        steps = steps.exclude(pk=step.pk)
    if open_only:
        steps = steps.exclude(status=StepStatus.ENDED)
    return list(steps)


def steps_starting_with(step: PathwayStep, others: list[PathwayStep]) -> list[PathwayStep]:
    """The planned or paused companions that start with `step`, or ValidationError when
    the service `step` needs alongside it is paused or not started."""
    starting_with, waiting = step_rules.start_effects(step=step, others=others)
    if waiting:
        step_rules.raise_for([step_rules.waiting_companions_violation(waiting, step)])
    return starting_with


def set_status(
    step: PathwayStep, status: str, changed_by, client: Client, *, with_step=None
) -> None:
    step.status = status
    step.save(update_fields=["status", "paused_on", "pause_reason", "resumed_on"])
    log_client_access(
        changed_by,
        client,
        "pathways.step.status_changed",
        step,
        detail=f"{status} with {with_step.service_type.code}" if with_step else status,
    )


def end_coach_memberships(
    client: Client, ended: list[PathwayStep], day: datetime.date, *, by, basis: str, action: str
) -> None:
    """The coach of an ended step who has no open step of the client left leaves the care
    team as a coach (on `day`, or today when that is later, but no later than the
    membership's "valid until" day; a membership not yet started is cancelled,
    clients.actions.set_membership_end). The other apps' hooks follow the end in
    the step action's transaction and history context, logged for `by` on `basis`, read
    before the end, under `action` (clients.actions.team_changed: consultations releases a
    coach who presented the client's case from its upcoming sessions)."""
    leaving = []
    for step in ended:
        if (
            step.coach_id
            and not PathwayStep.objects.open().filter(client=client, coach=step.coach_id).exists()
        ):
            memberships = CareTeamMembership.objects.select_for_update().filter(
                client=client,
                user=step.coach_id,
                role=TeamRole.COACH,
                ended_on__isnull=True,
            )
            for membership in memberships:
                end_on = max(day, timezone.localdate())
                if membership.valid_until is not None:
                    # Access already stopped after "valid until": the end is that day.
                    end_on = min(end_on, membership.valid_until)
                fields = set_membership_end(membership, end_on)
                membership.save(update_fields=fields)
                leaving.append(membership)
    if leaving:
        team_changed(
            TeamChange(client=client, by=by, basis=basis, action=action, ended=tuple(leaving))
        )


def settle_step_reminders(steps: list[PathwayStep]) -> None:
    """The steps ended or were cancelled: their reminders (pathways.reminders.STEP_RULES: an
    end without a follow-on, a review, the warning month, no employer contact) ask for
    nothing any more. In the action's transaction those not yet due are taken back and the
    past ones marked read (the rows stay), as the sweep's withdraw_stale would leave them
    only at its next run: the inbox and the bell say so at once."""
    from notifications.actions import withdraw_and_settle_reminders
    from pathways.reminders import STEP_RULES

    withdraw_and_settle_reminders(rules=STEP_RULES, concerning=steps)


def checked_cancellation_reason(reason: str, model) -> str:
    """The reason given for cancelling (a step, a placement), stripped: ValidationError on
    "reason" when it is missing or longer than `model`'s cancellation_reason holds."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Kirjaa perumisen syy.")})
    max_length = model._meta.get_field("cancellation_reason").max_length
    try:
        MaxLengthValidator(max_length)(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from None
    return reason


def step_name(step: PathwayStep) -> str:
    """A step as the end form lists it: "Työvalmennus, 1.3.2026"."""
    return f"{step.service_type.name}, {format_day(step.start_on)}"


# The records of what happened in a step besides attendance, by their date: a step's period
# cannot leave one out (`check_records_within`). (model, date field, the filter of those that
# count, whether a step's end holds them too: a certificate is given at or after the end, and
# a step may end with a job agreed that begins after it, its outcome.)
DATED_RECORDS = (
    (EmployerContact, "contacted_on", {}, True),
    (InWorkSupport, "supported_on", {}, True),
    (Placement, "started_on", {"cancelled_at__isnull": True}, False),
    (CompetenceCertificate, "issued_on", {}, False),
)


def check_records_within(steps: list[PathwayStep], *, end_field: str) -> None:
    """ValidationError unless every attendance day recorded for `steps` (as they will be
    saved) lies within the step's period: on `start_on` naming the first day recorded before
    a later start, on `end_field` (`ended_on` or `planned_end_on`) naming the last day
    recorded after an earlier end. A recorded day is a day the step ran (an allowance or a
    payment day), so its period cannot leave it out; the day's record is removed first if
    it was wrong.

    The other records of what happened in the step (`DATED_RECORDS`: an employer contact,
    in-work support, a job started, a certificate) are held the same way, as they were when
    recorded (`records._check_within_step`): none before the start, and no contact or
    support after the end the step ended on (a certificate may be given after it, and a job
    agreed may begin after it: the step ends with it as its outcome). A planned end holds
    attendance only: the
    other records are not bound to it when recorded. (The IPS phases and a Jobcenter
    contract are checked by the step's rules, steps.update_step and step_rules.) A few
    queries per step."""
    for step in steps:
        if not step.pk:
            continue
        end = step.ended_on if end_field == "ended_on" else step.planned_end_on
        # Without an end (a running step with an open end), no day is after it.
        days = Attendance.objects.filter(step=step.pk).aggregate(
            first=Min("day", filter=Q(day__lt=step.start_on)),
            last=Max("day", filter=Q(day__gt=end or datetime.date.max)),
        )
        if days["first"] is not None:
            raise ValidationError(
                {
                    "start_on": _(
                        "Jaksolle on kirjattu läsnäolotieto %(date)s, joten se voi alkaa "
                        "viimeistään silloin. Jos jakso alkoi myöhemmin, poista ensin sitä "
                        "edeltävät läsnäolokirjaukset."
                    )
                    % {"date": format_day(days["first"])}
                }
            )
        if days["last"] is not None:
            message = (
                _(
                    "Jaksolle on kirjattu läsnäolotieto %(date)s, joten se voi päättyä "
                    "aikaisintaan silloin. Jos jakso päättyi aiemmin, poista ensin sen jälkeiset "
                    "läsnäolokirjaukset."
                )
                if end_field == "ended_on"
                else _(
                    "Jaksolle on kirjattu läsnäolotieto %(date)s, joten suunniteltu päättyminen "
                    "voi olla aikaisintaan silloin."
                )
            )
            raise ValidationError({end_field: message % {"date": format_day(days["last"])}})
        _check_dated_records_within(step, end_field=end_field)


def _check_dated_records_within(step: PathwayStep, *, end_field: str) -> None:
    """`check_records_within` for the records of `DATED_RECORDS`: the earliest one before the
    start, or the latest one after the end the step ended on, named with its date."""
    before, after = [], []
    for model, field, counting, held_by_end in DATED_RECORDS:
        records = model.objects.filter(step=step.pk, **counting)
        first = records.filter(**{f"{field}__lt": step.start_on}).aggregate(day=Min(field))["day"]
        if first is not None:
            before.append((first, model._meta.verbose_name))
        if held_by_end and end_field == "ended_on" and step.ended_on:
            last = records.filter(**{f"{field}__gt": step.ended_on}).aggregate(day=Max(field))
            if last["day"] is not None:
                after.append((last["day"], model._meta.verbose_name))
    if before:
        day, name = min(before, key=lambda record: record[0])
        raise ValidationError(
            {
                "start_on": _(
                    "Jaksolle on kirjattu %(record)s %(date)s, joten se voi alkaa viimeistään "
                    "silloin. Jos jakso alkoi myöhemmin, korjaa ensin se kirjaus."
                )
                % {"record": name, "date": format_day(day)}
            }
        )
    if after:
        day, name = max(after, key=lambda record: record[0])
        raise ValidationError(
            {
                "ended_on": _(
                    "Jaksolle on kirjattu %(record)s %(date)s, joten se voi päättyä aikaisintaan "
                    "silloin. Jos jakso päättyi aiemmin, korjaa ensin se kirjaus."
                )
                % {"record": name, "date": format_day(day)}
            }
        )


def refuse_follow_on_before(previous: PathwayStep) -> None:
    """ValidationError on `start_on`: a follow-on starts no earlier than `previous`, the step
    it follows."""
    raise ValidationError(
        {
            "start_on": _(
                "Jatkopolku ei voi alkaa ennen jaksoa, jonka jatkoksi se suunnitellaan (%(step)s)."
            )
            % {"step": step_name(previous)}
        }
    )


def refuse_follow_on_alongside(
    step: PathwayStep,
    follow_on: PathwayStep,
    *,
    planning: bool = False,
    companions: bool = True,
) -> None:
    """A follow-on is what comes after a step: ValidationError when `follow_on` (as it will be
    saved) runs alongside `step` until `step`'s end, its planned end while it runs
    (`step_rules.running_alongside`, the steps the end form does not offer). `end_step`
    refuses such a choice on `next_step`, naming the step chosen; `plan_step` (`planning`) the
    follow-on planned (`?follows=`) on `start_on`, the date that puts it alongside, naming the
    step it would follow. With `companions=False` a mutual companion of `step`
    (`step_rules.mutual_companions`) passes, for `end_step` to say first that it ends with the
    step. Reads only."""
    alongside = step_rules.running_alongside(step, [follow_on])
    if not alongside or (not companions and step_rules.mutual_companions(step, alongside)):
        return
    if planning:
        raise ValidationError(
            {
                "start_on": _(
                    "Jakso olisi käynnissä jakson %(step)s rinnalla, joten se ei ole sen "
                    "jatkopolku: jatkopolku tulee jakson jälkeen. Valitse myöhempi "
                    "alkamispäivä tai suunnittele jakso ilman jatkopolkua."
                )
                % {"step": step_name(step)}
            }
        )
    raise ValidationError(
        {
            "next_step": _(
                "Valittu jakso (%(step)s) on käynnissä tämän jakson rinnalla, joten se ei ole "
                "jatkopolku: jatkopolku tulee tämän jakson jälkeen. Valitse toinen jakso tai "
                "suunnittele uusi."
            )
            % {"step": step_name(follow_on)}
        }
    )


def overlap_message(step: PathwayStep, *, companion: bool = False) -> str:
    """The refusal when the database's exclusion constraint
    (`step_no_overlap_per_client_and_service`) refused `step` as it was to be saved: names
    the service and the period of the client's step in that service that is in the way, so
    the worker knows which step to change. A `companion` saved with the step on the form
    (the work coaching of a work activity period) is named as running alongside it: the
    overlap is in its service, not in the one on the form. One query, read after the
    refused save's savepoint rolled back."""
    start = step.start_on
    end = step.ended_on or step.planned_end_on
    in_the_way = (
        PathwayStep.objects.filter(client=step.client_id, service_type=step.service_type_id)
        .not_cancelled()
        .exclude(pk=step.pk)
        .annotate(until=Coalesce("ended_on", "planned_end_on"))
        .filter(Q(until__isnull=True) | Q(until__gte=start))
        .filter(start_on__lte=end or datetime.date.max)
        .order_by("start_on", "pk")
        .first()
    )
    service = step.service_type.name
    if in_the_way is None:
        # Not found again (the constraint is the database's word): the service alone.
        if companion:
            return _(
                "Asiakkaalla on jo samaan aikaan jakso palvelussa %(service)s, joka kulkee "
                "tämän jakson rinnalla. Jaksot eivät voi olla päällekkäin."
            ) % {"service": service}
        return _(
            "Asiakkaalla on jo samaan aikaan jakso palvelussa %(service)s. Jaksot eivät voi "
            "olla päällekkäin."
        ) % {"service": service}
    period = format_period(in_the_way.start_on, in_the_way.until)
    if companion:
        return _(
            "Asiakkaalla on jo samaan aikaan jakso palvelussa %(service)s, joka kulkee tämän "
            "jakson rinnalla: %(period)s. Jaksot eivät voi olla päällekkäin."
        ) % {"service": service, "period": period}
    return _(
        "Asiakkaalla on jo samaan aikaan jakso palvelussa %(service)s: %(period)s. Jaksot "
        "eivät voi olla päällekkäin."
    ) % {"service": service, "period": period}


def companion_follow_on(
    step: PathwayStep, companion: PathwayStep, others: list[PathwayStep]
) -> tuple[PathwayStep | None, str]:
    """Where `companion` (the work coaching of a work activity period), ending with `step`,
    goes: (its next step, its exit outcome). The companion planned with `step`'s next step
    (the new period's work coaching, when the period continues into a new one; also one
    planned later with it) of `companion`'s service, still open and no other step's
    follow-on, is its next step: the coaching goes on with the period. Otherwise it ends as
    `step` does, with `step`'s exit outcome; and when `step` goes on to a next step without
    such a companion, the client has moved on from the coaching to that step's service
    ("moved to another service"). `others` are the client's other steps (`other_steps`);
    one query when `step` has a next step."""
    if step.next_step_id is not None:
        candidates = [
            other
            for other in others
            if other.pk not in (companion.pk, step.next_step_id)
            and other.service_type_id == companion.service_type_id
            and other.start_on > companion.start_on
        ]
        followed = (
            set(
                PathwayStep.objects.filter(next_step__in=candidates).values_list(
                    "next_step", flat=True
                )
            )
            if candidates
            else set()
        )
        for other in step_rules.mutual_companions(
            step.next_step, [o for o in candidates if o.pk not in followed]
        ):
            return other, ""
    return None, step.exit_outcome or ExitOutcome.OTHER_SERVICE
