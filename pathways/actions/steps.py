"""The life of a pathway step: planning (with the companions its service requires),
changing, starting, pausing and resuming, and ending with a follow-on step or an exit."""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.history import history_context
from clients import team_scope
from clients.access import log_client_access, relation_to
from clients.actions import end_lapsed_memberships, end_roles_superseded, set_membership_end
from clients.models import CareTeamMembership, Client, TeamRole
from pathways import step_rules
from pathways.models import (
    CLIENT_SERVICES_END,
    Attendance,
    EndReason,
    ExitOutcome,
    IpsPhase,
    PathwayStep,
    StepStatus,
)
from services.calendar import add_months


def lock_client(client: Client) -> Client:
    """Locks the client's row for the transaction, so rules across its steps are checked one at a time."""
    return (
        Client.objects.select_for_update()
        .select_related("responsible_unit__organisation")
        .get(pk=client.pk)
    )


def _validate(
    step: PathwayStep,
    *,
    companions: list[PathwayStep] | None = None,
    entry_chosen: bool = False,
) -> None:
    """Checks the step against its rule set and the client's other steps (from the
    database, unless given as they will be saved), and its catalogue entry when one
    is being chosen (`entry_chosen`)."""
    rules = step_rules.rule_set_for(step)
    if companions is None:
        companions = _other_steps(step)
    violations = step_rules.check_step(step, rules, companions=companions)
    if entry_chosen:
        violations += step_rules.check_catalogue_entry(step)
    step_rules.raise_for(violations)
    step.rule_set = rules
    if step.review_due is None and rules.review_interval_months:
        step.review_due = add_months(step.start_on, rules.review_interval_months)


def _save(step: PathwayStep) -> None:
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError as error:
        if "step_no_overlap_per_client_and_service" in str(error):
            raise ValidationError(
                {
                    "start_on": _(
                        "Asiakkaalla on jo samaan aikaan jakso tässä palvelussa. Jaksot eivät voi olla päällekkäin."
                    )
                }
            ) from None
        raise


def plan_step(
    *, client: Client, planned_by, follows: PathwayStep | None = None, **fields
) -> PathwayStep:
    """Plans a step for the client: checks every rule of its service and that a catalogue
    entry it names is an entry of that service, adds the coach to the care team as
    `ensure_coach_membership` does (a coach the team does not take is refused on the
    `coach` field, nothing saved).

    A service that must run alongside this one, and itself requires this one
    (rehabilitative work activity always includes work coaching), is planned
    with it for the same period and coach, in the same transaction.
    `follows` is a running step of the client whose follow-on this is: it is
    linked at once, so the step's end has its follow-on before it comes. A follow-on
    starting before the step it follows is refused on `start_on`.

    A closed client (`closed_on` set, checked on the locked row) gets no new steps
    until reopened. An IPS step begins in agreement unless `ips_phase` names the phase it
    begins in; the coach records the phases after it (`record_ips_phase`).
    """
    with (
        transaction.atomic(),
        history_context(planned_by, "pathways.step.planned"),
    ):
        client = lock_client(client)
        if client.closed_on is not None:
            raise ValidationError(
                _(
                    "Asiakkuus on päättynyt. Avaa asiakkuus uudelleen ennen uuden "
                    "palvelujakson suunnittelua."
                )
            )
        step = PathwayStep(client=client, created_by=planned_by, **fields)
        if step.coach_id:
            check_coach(client, step.coach)
        if step.start_on <= timezone.localdate():
            step.status = StepStatus.ACTIVE
        if step.service_type.code == step_rules.SUPPORTED_EMPLOYMENT and not step.ips_phase:
            step.ips_phase = IpsPhase.AGREEMENT
        for companion in _mutual_companions_missing(step):
            _save(companion)
            log_client_access(
                planned_by,
                client,
                "pathways.step.planned",
                companion,
                detail=companion.service_type.code,
            )
        _validate(step, entry_chosen=True)
        starting_with = []
        if step.status == StepStatus.ACTIVE:
            starting_with = _starting_with(step, _other_steps(step, open_only=True))
        _save(step)
        for companion in starting_with:
            _set_status(companion, StepStatus.ACTIVE, planned_by, client, with_step=step)
        if follows is not None:
            _link_follow_on(follows, step, planned_by)
        if step.coach_id:
            _join_as_coach(client, step.coach, planned_by)
        log_client_access(
            planned_by, client, "pathways.step.planned", step, detail=step.service_type.code
        )
    return step


def _link_follow_on(previous: PathwayStep, step: PathwayStep, planned_by) -> None:
    locked = (
        PathwayStep.objects.select_for_update().select_related("service_type").get(pk=previous.pk)
    )
    if locked.client_id != step.client_id or locked.status == StepStatus.ENDED:
        raise ValidationError(_("Jatkopolku suunnitellaan asiakkaan käynnissä olevalle jaksolle."))
    if locked.next_step_id is not None:
        raise ValidationError(_("Jaksolla on jo jatkopolku."))
    if step.start_on < locked.start_on:
        _refuse_follow_on_before(locked)
    locked.next_step = step
    locked.save(update_fields=["next_step"])
    _settle_follow_on_requests([locked], planned_by)


def _mutual_companions_missing(step: PathwayStep) -> list[PathwayStep]:
    """Required companions that in turn require this step's service and are not planned yet."""
    rules = step_rules.rule_set_for(step)
    covered = {
        c.service_type.code
        for c in _other_steps(step)
        if step_rules.covers(c, step.start_on, step.planned_end_on)
    }
    companions = []
    for required in rules.requires.all():
        if required.code in covered:
            continue
        companion = PathwayStep(
            client=step.client,
            service_type=required,
            start_on=step.start_on,
            planned_end_on=step.planned_end_on,
            coach=step.coach,
            unit=step.unit,
            status=step.status,
            created_by=step.created_by,
        )
        companion_rules = step_rules.rule_set_for(companion)
        mutual = {t.code for t in companion_rules.requires.all()} | {
            t.code for t in companion_rules.requires_one_of.all()
        }
        if step.service_type.code in mutual:
            companion.rule_set = companion_rules
            companions.append(companion)
    return companions


def update_step(*, step: PathwayStep, changed_by, **fields) -> PathwayStep:
    """Changes a step's plan (dates, schedule, facts); the rules are checked again, and a
    catalogue entry given in `fields` must be an entry of the step's service.

    The companion planned with it follows its new dates (listed in the returned
    step's `changed_with`); a change that would leave another step without the
    service it needs is refused. Nothing is saved when refused.

    A new coach joins the care team as `ensure_coach_membership` does, or the change is
    refused on the `coach` field. The coach kept while other fields change stays on the
    step, and a kept coach whom the team no longer has (membership ended, out of scope)
    does not rejoin it.
    """
    if step.status == StepStatus.ENDED:
        raise ValidationError(_("Päättynyttä jaksoa ei voi muuttaa."))
    with (
        transaction.atomic(),
        history_context(changed_by, "pathways.step.changed"),
    ):
        lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update()
            .select_related("client__responsible_unit__organisation", "service_type")
            .get(pk=step.pk)
        )
        default_review = (
            locked.rule_set
            and locked.rule_set.review_interval_months
            and add_months(locked.start_on, locked.rule_set.review_interval_months)
        )
        previous = copy.copy(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        # Only a new coach joins the care team: the coach kept while other fields change
        # stays on the step as it is, also when the team no longer has them (their
        # membership was ended, or they have left the team's scope).
        coach_joins = bool(locked.coach_id) and locked.coach_id != previous.coach_id
        if coach_joins:
            check_coach(locked.client, locked.coach)
        if default_review and locked.review_due == default_review:
            # The default follows the start date and the rule set; a date chosen by hand stays.
            locked.review_due = None
        first_phase = locked.phase_changes.order_by("entered_on").first()
        if first_phase and first_phase.entered_on < locked.start_on:
            raise ValidationError(
                {
                    "start_on": _(
                        "Jakso ei voi alkaa ensimmäisen kirjatun IPS-vaiheen (%(date)s) jälkeen."
                    )
                    % {"date": format_day(first_phase.entered_on)}
                }
            )
        if locked.paused_on and locked.paused_on < locked.start_on:
            raise ValidationError(
                {
                    "start_on": _(
                        "Jakso oli tauolla %(date)s alkaen, joten se voi alkaa viimeistään silloin."
                    )
                    % {"date": format_day(locked.paused_on)}
                }
            )
        others = _other_steps(locked)
        moving_with = _companions_following(locked, previous, others)
        _validate(locked, companions=others, entry_chosen="catalogue_entry" in fields)
        _check_attendance_within([locked, *moving_with], end_field="planned_end_on")
        _check_follow_on_order([locked, *moving_with])
        _save(locked)
        if locked.review_due != previous.review_due:
            _settle_review_reminders(locked)
        for companion in moving_with:
            _validate(companion)
            _save(companion)
        if coach_joins:
            _join_as_coach(locked.client, locked.coach, changed_by)
        log_client_access(
            changed_by,
            locked.client,
            "pathways.step.changed",
            locked,
            detail=", ".join(sorted(fields)),
        )
        for companion in moving_with:
            log_client_access(
                changed_by,
                locked.client,
                "pathways.step.changed",
                companion,
                detail=f"with {locked.service_type.code}",
            )
    locked.changed_with = moving_with
    return locked


def _settle_follow_on_requests(steps: list[PathwayStep], by) -> None:
    """The steps ended, were cancelled or got their follow-on: a coach's request that the
    responsible worker plan their follow-on is no longer open in that worker's inbox."""
    from pathways.actions.follow_ons import settle_follow_on_requests

    settle_follow_on_requests(steps, by=by)


def _settle_review_reminders(step: PathwayStep) -> None:
    """The step's review date changed (the review was recorded with the next date, or the date
    moved): the reminders of the old date, past ones too, are marked read for their
    recipients, so no inbox asks for a review already done; the rows stay. The next sweep
    reminds of the new date when it comes near."""
    from notifications.actions import settle_reminders
    from pathways.reminders import STEP_REVIEW_DUE

    settle_reminders(rule=STEP_REVIEW_DUE, concerning=step)


def _companions_following(
    step: PathwayStep, previous: PathwayStep, others: list[PathwayStep]
) -> list[PathwayStep]:
    """The client's other steps (`others`, changed in place, unsaved) whose dates follow
    `step`'s new dates, or ValidationError naming those that would be left without it.

    The companion planned with a step because each requires the other (work coaching
    with rehabilitative work activity) moves a date it shares with the step, and keeps
    within the step's new period; a step that needs this one but is not its companion
    (a Jobcenter period) must be changed first.
    """
    following, left = step_rules.companions_left_uncovered(
        changed=step, previous=previous, others=others
    )
    for companion in following:
        before = copy.copy(companion)
        companion.start_on, companion.planned_end_on = step_rules.following_dates(
            companion, previous=previous, changed=step
        )
        rest = [step, *(o for o in others if o.pk != companion.pk)]
        _, more = step_rules.companions_left_uncovered(
            changed=companion, previous=before, others=rest
        )
        left += [s for s in more if s not in following and s not in left]
    if left:
        step_rules.raise_for([step_rules.left_uncovered_violation(left, step)])
    return following


PAUSE_REASON_MAX_LENGTH = PathwayStep._meta.get_field("pause_reason").max_length


def set_step_status(
    *,
    step: PathwayStep,
    status: str,
    changed_by,
    paused_on: datetime.date | None = None,
    reason: str = "",
) -> PathwayStep:
    """Starts, pauses or resumes a step (ending has its own action; a started step does
    not return to planned).

    A step starts on its start date or later: starting it before is refused (its start date
    is changed first). A pause records since when (`paused_on`, today when not given) and
    why (`reason`): refused on `reason` without one, on `paused_on` for a day in the future,
    before the step started or before it last resumed, or dated back over a day recorded
    present (a day of a pause takes none). Resuming records the day
    (`resumed_on`, today). The step's latest pause is on the step, earlier ones in its
    history.

    The companion planned with it (the work coaching of a work activity period)
    pauses and resumes with it, with the same day and reason (not before the companion
    started), listed in the returned step's `changed_with`. A pause that would leave
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
            PathwayStep.objects.select_for_update()
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
        changing_with = []
        others = _other_steps(locked, open_only=True)
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
            changing_with = _starting_with(locked, others)
            for each in [locked, *changing_with]:
                if each.status == StepStatus.PAUSED:
                    each.resumed_on = today
        _set_status(locked, status, changed_by, client)
        for companion in changing_with:
            _set_status(companion, status, changed_by, client, with_step=locked)
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


def _other_steps(step: PathwayStep, *, open_only: bool = False) -> list[PathwayStep]:
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


def _starting_with(step: PathwayStep, others: list[PathwayStep]) -> list[PathwayStep]:
    """The planned or paused companions that start with `step`, or ValidationError when
    the service `step` needs alongside it is paused or not started."""
    starting_with, waiting = step_rules.start_effects(step=step, others=others)
    if waiting:
        step_rules.raise_for([step_rules.waiting_companions_violation(waiting, step)])
    return starting_with


def _set_status(
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


def end_step(
    *,
    step: PathwayStep,
    ended_by,
    ended_on: datetime.date,
    end_reason: str,
    next_step: PathwayStep | None = None,
    exit_outcome: str = "",
    review_decision: str = "",
) -> PathwayStep:
    """Ends a step that started (a step still planned never ran: it is cancelled,
    `cancel_step`, or started first) with a reason and a follow-on step or an exit
    outcome; the companion planned with it ends with it (listed in the returned step's
    `ended_with`).

    The follow-on step comes after this one: a step of the client that is not ended,
    not another step's follow-on, not started before this step, not one ending with it
    (its companion) and not one running alongside it until its end (the work coaching
    of a disability work activity period or of a Jobcenter period, begun the same day or
    later: `step_rules.running_alongside`, as the end form's choices); each is refused on
    `next_step`.

    A Jobcenter paid-work period needs a follow-on step, unless the end reason says the
    client's services end altogether (moved to another municipality, died, the client
    relationship ended: `step_rules.services_end`), so that such a client can be closed;
    a step ending for such a reason has no follow-on step. The access-log row names that
    reason. A rehabilitative work activity period needs its review decision. The end date
    is not in the future, not after the last day the rule set allows the period
    (`step_rules.check_ending`)
    and not on or after the start of the client's next period in the same service,
    for the step or a companion ending with it: each is refused on `ended_on`, the
    overlap also when only the database's exclusion constraint catches it. Nothing is
    saved when refused.
    """
    with (
        transaction.atomic(),
        history_context(ended_by, "pathways.step.ended"),
    ):
        lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update()
            .select_related("client", "service_type")
            .get(pk=step.pk)
        )
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Jakso on jo päättynyt."))
        if locked.status == StepStatus.PLANNED:
            raise ValidationError(
                _(
                    "Jakso ei ole alkanut, joten sitä ei päätetä: peru se jakson sivulta, jos se "
                    "ei toteudu. Jos jakso on alkanut, aloita se ensin jakson sivulta."
                )
            )
        if end_reason == EndReason.CANCELLED:
            raise ValidationError(
                {
                    "end_reason": _(
                        "Alkamaton jakso perutaan jakson sivulta. Päätä alkanut jakso muulla syyllä."
                    )
                }
            )
        if ended_on > timezone.localdate():
            raise ValidationError(
                {
                    "ended_on": _(
                        "Jakso päätetään päättymispäivänä tai sen jälkeen. Jatkopolun voi "
                        "suunnitella jo nyt jakson sivulta."
                    )
                }
            )
        if next_step is not None and (
            next_step.client_id != locked.client_id or next_step.pk == locked.pk
        ):
            raise ValidationError(
                {"next_step": _("Jatkopolun on oltava saman asiakkaan toinen jakso.")}
            )
        if next_step is not None and (
            PathwayStep.objects.filter(pk=next_step.pk, status=StepStatus.ENDED).exists()
        ):
            raise ValidationError(
                {
                    "next_step": _(
                        "Jatkopoluksi valitaan suunniteltu tai käynnissä oleva jakso, ei päättynyttä."
                    )
                }
            )
        if (
            next_step is not None
            and PathwayStep.objects.filter(next_step=next_step).exclude(pk=locked.pk).exists()
        ):
            raise ValidationError(
                {
                    "next_step": _(
                        "Valittu jakso on jo toisen jakson jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                    )
                }
            )
        if next_step is not None:
            next_step = PathwayStep.objects.select_related("service_type").get(pk=next_step.pk)
            if next_step.start_on < locked.start_on:
                raise ValidationError(
                    {
                        "next_step": _(
                            "Jatkopolku on palvelu, joka tulee tämän jakson jälkeen: valittu jakso "
                            "(%(step)s) alkoi jo ennen tätä jaksoa. Valitse myöhemmin alkava jakso "
                            "tai suunnittele uusi."
                        )
                        % {"step": _step_name(next_step)}
                    }
                )
        previous = copy.copy(locked)
        locked.ended_on, locked.end_reason = ended_on, end_reason
        locked.next_step, locked.exit_outcome, locked.review_decision = (
            next_step,
            exit_outcome,
            review_decision,
        )
        step_rules.raise_for(step_rules.check_ending(locked))
        locked.status = StepStatus.ENDED
        # Before the companions ending with it: the coaching of a disability work activity
        # chosen as its follow-on is refused on the choice, not as a step left without it.
        alongside = step_rules.running_alongside(locked, [next_step]) if next_step else []
        if alongside and not step_rules.mutual_companions(locked, alongside):
            _refuse_running_alongside(next_step)
        ending_with = _companions_ending_with(locked, previous)
        if next_step is not None and next_step.pk in {c.pk for c in ending_with}:
            raise ValidationError(
                {
                    "next_step": _(
                        "Valittu jakso (%(step)s) päättyy tämän jakson mukana, joten se ei voi "
                        "olla jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                    )
                    % {"step": _step_name(next_step)}
                }
            )
        if alongside:
            # A companion that goes on, another step covering it.
            _refuse_running_alongside(next_step)
        _check_no_later_period_overlapped([locked, *ending_with])
        _check_attendance_within([locked, *ending_with], end_field="ended_on")
        try:
            with transaction.atomic():
                locked.save()
                for companion in ending_with:
                    companion.save()
        except IntegrityError as error:
            if "step_no_overlap_per_client_and_service" in str(error):
                # The checks above ran under the client's lock; this is the database's word.
                raise ValidationError(
                    {
                        "ended_on": _(
                            "Asiakkaalla on jo samaan aikaan jakso tässä palvelussa. Jaksot eivät voi olla päällekkäin."
                        )
                    }
                ) from None
            # Another worker chose the same follow-on step at the same moment.
            if "next_step" not in str(error):
                raise
            raise ValidationError(
                {
                    "next_step": _(
                        "Valittu jakso on jo toisen jakson jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                    )
                }
            ) from None
        # The basis the worker ends the step on, read before a coach's own membership ends.
        basis = relation_to(ended_by, locked.client).basis
        _end_coach_memberships(locked.client, [locked, *ending_with], ended_on)
        _settle_follow_on_requests([locked, *ending_with], ended_by)
        detail = exit_outcome or "follow-on"
        if step_rules.services_end(locked):
            # The one way a Jobcenter period ends without a follow-on: its reason is logged.
            detail = f"{detail}; client's services end: {end_reason}"
        log_client_access(
            ended_by, locked.client, "pathways.step.ended", locked, detail=detail, basis=basis
        )
        for companion in ending_with:
            log_client_access(
                ended_by,
                locked.client,
                "pathways.step.ended",
                companion,
                detail=f"with {locked.service_type.code}",
                basis=basis,
            )
    locked.ended_with = ending_with
    return locked


def _refuse_running_alongside(next_step: PathwayStep) -> None:
    raise ValidationError(
        {
            "next_step": _(
                "Valittu jakso (%(step)s) on käynnissä tämän jakson rinnalla, joten se ei ole "
                "jatkopolku: jatkopolku tulee tämän jakson jälkeen. Valitse toinen jakso tai "
                "suunnittele uusi."
            )
            % {"step": _step_name(next_step)}
        }
    )


def _end_coach_memberships(client: Client, ended: list[PathwayStep], day: datetime.date) -> None:
    """The coach of an ended step who has no open step of the client left leaves the care
    team as a coach (on `day`, or today when that is later; a membership not yet started is
    cancelled, clients.actions.set_membership_end)."""
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
                fields = set_membership_end(membership, max(day, timezone.localdate()))
                membership.save(update_fields=fields)


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
    planned, or has attendance recorded (it has started: it is ended instead); a step
    another step needs alongside it (a Jobcenter period planned during a work activity
    period), until that one is cancelled or changed first.

    A cancelled step took no place, so it is no one's next step. A running step whose
    planned follow-on this was has none again, so its end is reminded of. An ended step
    whose next step this was (`PathwayStep.objects.ended_into`) gets what replaces it, in
    the same transaction: `next_step`, another of the client's later steps
    (`step_rules.replacement_follow_ons`), or `exit_outcome` where its rules allow one
    (`step_rules.check_ending`: never for a Jobcenter paid-work period); refused on
    `next_step` or `exit_outcome` without either, or with one its rules refuse. An ended
    step whose next step was a companion cancelled with this one ends with an outcome
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

    The coach who has no open step of the client left leaves the care team as a coach.
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
            step=locked, others=_other_steps(locked)
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
        _end_coach_memberships(client, cancelled, timezone.localdate())
        _settle_follow_on_requests([*cancelled, *replaced], cancelled_by)
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
    step whose next step is a companion cancelled with `step` ends, as a companion ending
    with its step does, with `exit_outcome`, or the outcome it has, or "moved to another
    service". With `services_end_reason` every such ended step ends for that reason with
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
    for ended in predecessors:
        if services_end_reason:
            ended.next_step, ended.exit_outcome = None, exit_outcome
            ended.end_reason = services_end_reason
        elif ended.next_step_id == step.pk:
            ended.next_step = _replacing_next_step(ended, step, cancelled, next_step, exit_outcome)
            ended.exit_outcome = exit_outcome
        else:
            ended.next_step = None
            ended.exit_outcome = exit_outcome or ended.exit_outcome or ExitOutcome.OTHER_SERVICE
        field = "next_step" if ended.next_step is not None else "exit_outcome"
        # The ended step's own rules (a Jobcenter period's follow-on, a review decision's
        # continuation) are stated next to the field that replaces the follow-on.
        step_rules.raise_for(
            [
                step_rules.Violation(
                    violation.field if violation.field in ("next_step", "exit_outcome") else field,
                    violation.message,
                )
                for violation in step_rules.check_ending(ended)
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
    ended_name = _step_name(ended)
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


def refuse_closing_with_open_steps(client: Client) -> None:
    """The check `clients.actions.close_client` runs (registered with `on_closing`): a client
    relationship closes only when no step of the client is open. ValidationError listing
    them otherwise: a step planned is cancelled first (`cancel_step`) if it will not take
    place, one running or paused is ended with its reason (`end_step`). One query."""
    open_steps = list(
        PathwayStep.objects.open().filter(client=client).select_related("service_type")
    )
    planned = [step for step in open_steps if step.status == StepStatus.PLANNED]
    running = [step for step in open_steps if step.status != StepStatus.PLANNED]
    messages = []
    if running:
        messages.append(
            ngettext(
                "Asiakkaalla on käynnissä palvelujakso %(steps)s. Päätä se ensin syineen "
                "jakson sivulta.",
                "Asiakkaalla on käynnissä palvelujaksot %(steps)s. Päätä ne ensin syineen "
                "jaksojen sivuilta.",
                len(running),
            )
            % {"steps": "; ".join(_step_name(step) for step in running)}
        )
    if planned:
        messages.append(
            ngettext(
                "Asiakkaalle on suunniteltu palvelujakso %(steps)s. Peru se ensin jakson "
                "sivulta, jos sitä ei toteuteta.",
                "Asiakkaalle on suunniteltu palvelujaksot %(steps)s. Peru ne ensin jaksojen "
                "sivuilta, jos niitä ei toteuteta.",
                len(planned),
            )
            % {"steps": "; ".join(_step_name(step) for step in planned)}
        )
    if messages:
        raise ValidationError(messages)


def _step_name(step: PathwayStep) -> str:
    """A step as the end form lists it: "Työvalmennus, 1.3.2026"."""
    return f"{step.service_type.name}, {format_day(step.start_on)}"


def _check_no_later_period_overlapped(ending: list[PathwayStep]) -> None:
    """ValidationError on `ended_on` when a step would end on or after the start of the
    client's next period in the same service (a follow-on period already planned or
    running: the two would overlap), naming the last day it can end. A period cancelled
    before it started took none of its days (as the exclusion constraint says): it holds
    no end back."""
    for step in ending:
        later = (
            PathwayStep.objects.filter(
                client=step.client_id,
                service_type=step.service_type_id,
                start_on__gt=step.start_on,
                start_on__lte=step.ended_on,
            )
            .not_cancelled()
            .exclude(pk=step.pk)
            .order_by("start_on")
            .first()
        )
        if later is not None:
            raise ValidationError(
                {
                    "ended_on": _(
                        "Asiakkaan seuraava jakso palvelussa %(service)s alkaa %(start)s, "
                        "joten jakson on päätyttävä viimeistään %(last)s."
                    )
                    % {
                        "service": step.service_type.name.lower(),
                        "start": format_day(later.start_on),
                        "last": format_day(later.start_on - datetime.timedelta(days=1)),
                    }
                }
            )


def _check_attendance_within(steps: list[PathwayStep], *, end_field: str) -> None:
    """ValidationError unless every attendance day recorded for `steps` (as they will be
    saved) lies within the step's period: on `start_on` naming the first day recorded before
    a later start, on `end_field` (`ended_on` or `planned_end_on`) naming the last day
    recorded after an earlier end. A recorded day is a day the step ran (an allowance or a
    payment day), so its period cannot leave it out; the day's record is removed first if
    it was wrong. One query per step."""
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


def _check_follow_on_order(steps: list[PathwayStep]) -> None:
    """ValidationError on `start_on` unless each of `steps` (as it will be saved) still starts
    no earlier than the step whose follow-on it is, and no later than its own follow-on: a
    follow-on is what comes after a step (`_link_follow_on`, `end_step`), also once a start
    date is changed. Two queries per step at most."""
    for step in steps:
        before = (
            PathwayStep.objects.filter(next_step=step.pk).select_related("service_type").first()
        )
        if before is not None and step.start_on < before.start_on:
            _refuse_follow_on_before(before)
        if step.next_step_id is None:
            continue
        after = PathwayStep.objects.select_related("service_type").get(pk=step.next_step_id)
        if after.start_on < step.start_on:
            raise ValidationError(
                {
                    "start_on": _(
                        "Jakso voi alkaa viimeistään silloin, kun sen jatkopolku (%(step)s) "
                        "alkaa: jatkopolku tulee jakson jälkeen."
                    )
                    % {"step": _step_name(after)}
                }
            )


def _refuse_follow_on_before(previous: PathwayStep) -> None:
    """ValidationError on `start_on`: a follow-on starts no earlier than `previous`, the step
    it follows."""
    raise ValidationError(
        {
            "start_on": _(
                "Jatkopolku ei voi alkaa ennen jaksoa, jonka jatkoksi se suunnitellaan (%(step)s)."
            )
            % {"step": _step_name(previous)}
        }
    )


def _companions_ending_with(step: PathwayStep, previous: PathwayStep) -> list[PathwayStep]:
    """The open steps that end with `step` (unsaved), or ValidationError naming those that
    would be left running without it.

    The companion planned with a step because each requires the other (work coaching
    with rehabilitative work activity) ends with it, on the same day and for the same
    reason; a step that needs this one but is not its companion (a Jobcenter period
    during the work activity) must be ended or changed first.
    """
    others = _other_steps(step)
    ending_with, left = step_rules.companions_left_uncovered(
        changed=step, previous=previous, others=others
    )
    for companion in ending_with:
        before = copy.copy(companion)
        companion.ended_on = max(step.ended_on, companion.start_on)
        companion.end_reason = step.end_reason
        companion.exit_outcome = step.exit_outcome or ExitOutcome.OTHER_SERVICE
        companion.status = StepStatus.ENDED
        rest = [step, *(o for o in others if o.pk != companion.pk)]
        _, more = step_rules.companions_left_uncovered(
            changed=companion, previous=before, others=rest
        )
        left += [s for s in more if s not in ending_with and s not in left]
    if left:
        step_rules.raise_for([step_rules.left_uncovered_violation(left, step)])
    return ending_with


def check_coach(client, coach) -> None:
    """ValidationError on the `coach` field unless the client's team takes `coach` as a
    coach (`clients.team_scope.check_member`): checked before the step's other rules, so a
    coach the team does not take is refused first. Reads only."""
    try:
        team_scope.check_member(client=client, user=coach, role=TeamRole.COACH)
    except ValidationError as error:
        raise ValidationError({"coach": error.messages}) from None


def ensure_coach_membership(client, coach, added_by) -> None:
    """Makes the coach of a step a current member of the client's care team, unless
    already one: a coach membership that was to start later starts today. Who joins is
    `clients.team_scope`'s rule (`admit`); ValidationError on the `coach` field otherwise,
    writing nothing. Call inside the step's transaction."""
    check_coach(client, coach)
    _join_as_coach(client, coach, added_by)


def _join_as_coach(client, coach, added_by) -> None:
    """`ensure_coach_membership` once the coach is checked: a new member is admitted
    (`clients.team_scope.admit`) or refused on the `coach` field. A current member stays in
    their role, except an "other member", who becomes the coach (that membership ends,
    `clients.actions.end_roles_superseded`)."""
    memberships = CareTeamMembership.objects.filter(client=client, user=coach)
    end_lapsed_memberships(memberships)
    if memberships.current().exclude(role=TeamRole.OTHER).exists():
        return
    # Access begins now, so the joining is decided now (also for one added to start later).
    try:
        team_scope.admit(actor=added_by, client=client, user=coach, role=TeamRole.COACH)
    except ValidationError as error:
        raise ValidationError({"coach": error.messages}) from None
    end_roles_superseded(client=client, user=coach, role=TeamRole.COACH, by=added_by)
    # A coach membership added to start later starts today.
    if memberships.open().filter(role=TeamRole.COACH).update(started_on=timezone.localdate()):
        return
    CareTeamMembership.objects.create(
        client=client, user=coach, role=TeamRole.COACH, created_by=added_by
    )


def format_day(day: datetime.date) -> str:
    """A date as in the messages (d.m.yyyy, not zero-padded)."""
    return f"{day:%-d.%-m.%Y}"
