"""Ending a step, with a follow-on step or an exit, the companions that end with it, and
the check that keeps a client with open steps from being closed."""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.history import history_context
from clients.access import log_client_access, relation_to
from clients.models import Client
from pathways import step_rules
from pathways.actions.common import (
    check_records_within,
    companion_follow_on,
    end_coach_memberships,
    format_day,
    lock_client,
    other_steps,
    overlap_message,
    refuse_follow_on_alongside,
    settle_step_reminders,
    step_name,
)
from pathways.actions.follow_ons import settle_follow_on_requests
from pathways.actions.new_rules import settle_new_rules_tasks
from pathways.models import EndReason, PathwayStep, StepStatus


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
    reason. A Jobcenter period that ran needs its employment contract recorded first, on
    `end_reason` (`step_rules.check_ending`: one whose work never began ends on its start
    date, say as interrupted). A rehabilitative work activity period needs its review
    decision. The end date
    is not in the future, not after the last day the rule set allows the period
    (`step_rules.check_ending`)
    and not on or after the start of the client's next period in the same service,
    for the step or a companion ending with it: each is refused on `ended_on`, the
    overlap also when only the database's exclusion constraint catches it. Nothing is
    saved when refused. The reminders about the steps that end are taken back (not yet
    due) or marked read (past), and the tasks asking to change them to fit new rules are
    checked off, in the same transaction (`settle_step_reminders`,
    `new_rules.settle_new_rules_tasks`).
    """
    with (
        transaction.atomic(),
        history_context(ended_by, "pathways.step.ended"),
    ):
        lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update(of=("self",))
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
                        % {"step": step_name(next_step)}
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
        if next_step is not None:
            refuse_follow_on_alongside(locked, next_step, companions=False)
        ending_with = _companions_ending_with(locked, previous)
        if next_step is not None and next_step.pk in {c.pk for c in ending_with}:
            raise ValidationError(
                {
                    "next_step": _(
                        "Valittu jakso (%(step)s) päättyy tämän jakson mukana, joten se ei voi "
                        "olla jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                    )
                    % {"step": step_name(next_step)}
                }
            )
        if next_step is not None:
            # A companion that goes on, another step covering it.
            refuse_follow_on_alongside(locked, next_step)
        _check_no_later_period_overlapped([locked, *ending_with])
        check_records_within([locked, *ending_with], end_field="ended_on")
        saving = locked
        try:
            with transaction.atomic():
                for saving in [locked, *ending_with]:
                    saving.save()
        except IntegrityError as error:
            if "step_no_overlap_per_client_and_service" in str(error):
                # The checks above ran under the client's lock; this is the database's word,
                # naming the step in the way of the one refused (the step or a companion).
                raise ValidationError(
                    {"ended_on": overlap_message(saving, companion=saving is not locked)}
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
        end_coach_memberships(
            locked.client,
            [locked, *ending_with],
            ended_on,
            by=ended_by,
            basis=basis,
            action="pathways.step.ended",
        )
        settle_follow_on_requests([locked, *ending_with], by=ended_by)
        settle_new_rules_tasks([locked, *ending_with], by=ended_by)
        settle_step_reminders([locked, *ending_with])
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


def last_service_day(client: Client) -> datetime.date | None:
    """The last day the client's pathway records them taking part (`on_closing_day`): the
    latest end of a step that took place (a cancelled one did not) and the latest day of
    attendance, not after today. One query."""
    today = timezone.localdate()
    days = PathwayStep.objects.filter(client=client).aggregate(
        ended=Max("ended_on", filter=Q(ended_on__lte=today) & ~Q(end_reason=EndReason.CANCELLED)),
        attended=Max(
            "attendance__day",
            filter=Q(attendance__day__lte=today),
        ),
    )
    known = [day for day in days.values() if day is not None]
    return max(known) if known else None


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
            % {"steps": "; ".join(step_name(step) for step in running)}
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
            % {"steps": "; ".join(step_name(step) for step in planned)}
        )
    if messages:
        raise ValidationError(messages)


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


def _companions_ending_with(step: PathwayStep, previous: PathwayStep) -> list[PathwayStep]:
    """The open steps that end with `step` (unsaved), or ValidationError naming those that
    would be left running without it.

    The companion planned with a step because each requires the other (work coaching
    with rehabilitative work activity) ends with it, on the same day and for the same
    reason, and goes where `step` goes (`companion_follow_on`: on to the companion planned
    with `step`'s next step, the new period's work coaching, or with `step`'s outcome); a
    step that needs this one but is not its companion (a Jobcenter period during the work
    activity) must be ended or changed first.
    """
    others = other_steps(step)
    ending_with, left = step_rules.companions_left_uncovered(
        changed=step, previous=previous, others=others
    )
    for companion in ending_with:
        before = copy.copy(companion)
        companion.ended_on = max(step.ended_on, companion.start_on)
        companion.end_reason = step.end_reason
        companion.next_step, companion.exit_outcome = companion_follow_on(step, companion, others)
        companion.status = StepStatus.ENDED
        rest = [step, *(o for o in others if o.pk != companion.pk)]
        _, more = step_rules.companions_left_uncovered(
            changed=companion, previous=before, others=rest
        )
        left += [s for s in more if s not in ending_with and s not in left]
    if left:
        step_rules.raise_for([step_rules.left_uncovered_violation(left, step)])
    return ending_with
