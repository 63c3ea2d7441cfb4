"""Planning a pathway step (with the companions its service requires) and changing it,
with the coach it brings into the care team."""

import copy

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.history import history_context
from clients import team_scope
from clients.access import log_client_access, relation_to
from clients.actions import end_lapsed_memberships, end_roles_superseded
from clients.models import CareTeamMembership, Client, TeamRole
from pathways import step_rules
from pathways.actions.common import (
    check_records_within,
    end_coach_memberships,
    format_day,
    lock_client,
    other_steps,
    overlap_message,
    refuse_follow_on_alongside,
    refuse_follow_on_before,
    set_status,
    step_name,
    steps_starting_with,
)
from pathways.actions.follow_ons import settle_follow_on_requests
from pathways.actions.new_rules import settle_new_rules_tasks
from pathways.models import IpsPhase, PathwayStep, StepStatus
from services.calendar import add_months


def _validate(
    step: PathwayStep,
    *,
    companions: list[PathwayStep] | None = None,
    entry_chosen: bool = False,
    planned_with: list[PathwayStep] = (),
) -> None:
    """Checks the step against its rule set and the client's other steps (from the
    database, unless given as they will be saved), and its catalogue entry when one
    is being chosen (`entry_chosen`).

    `planned_with` are the companions planned with the step (saved in its transaction,
    the work coaching of a rehabilitative work activity period): each is checked against
    its own rule set as well, with the step alongside it, its violations named as the
    companion's and reported with the step's, next to the field of the step's form it
    took from the step (its dates, coach, unit)."""
    rules = step_rules.rule_set_for(step)
    if companions is None:
        companions = other_steps(step)
    violations = step_rules.check_step(step, rules, companions=companions)
    if entry_chosen:
        violations += step_rules.check_catalogue_entry(step)
    in_the_way = bool(step_rules.not_alongside(step, rules, companions))
    for companion in planned_with:
        alongside = [step, *(c for c in companions if c.pk != companion.pk)]
        found = step_rules.check_step(companion, companion.rule_set, companions=alongside)
        if in_the_way:
            # The companion shares the step's dates, so the services in the step's way are in
            # its way too: they are named once, in the step's own refusal.
            said = step_rules.not_alongside(companion, companion.rule_set, alongside)
            found = [violation for violation in found if violation not in said]
        violations += [
            step_rules.Violation(
                violation.field,
                _("%(service)s, joka suunnitellaan jakson rinnalle: %(message)s")
                % {"service": companion.service_type.name, "message": violation.message},
            )
            for violation in found
        ]
    step_rules.raise_for(violations)
    step.rule_set = rules
    if step.review_due is None and rules.review_interval_months:
        step.review_due = add_months(step.start_on, rules.review_interval_months)


def _save(step: PathwayStep, *, companion: bool = False) -> None:
    """Saves the step, or ValidationError on `start_on` when the client already has a step
    of its service at the same time, naming that step's service and period
    (`overlap_message`; a `companion` saved with the step planned or changed, the work
    coaching of a work activity period, as running alongside it)."""
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError as error:
        if "step_no_overlap_per_client_and_service" in str(error):
            message = overlap_message(step, companion=companion)
            raise ValidationError({"start_on": message}) from None
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
    with it for the same period and coach, in the same transaction, checked against its
    own rule set too: its violations are refused with the step's, naming it, and nothing
    is saved.
    `follows` is a running step of the client whose follow-on this is: it is
    linked at once, so the step's end has its follow-on before it comes. A follow-on
    starting before the step it follows, or running alongside it as `end_step` refuses a
    follow-on chosen (`refuse_follow_on_alongside`), is refused on `start_on`.

    A closed client (`closed_on` set, checked on the locked row) gets no new steps
    until reopened, and a reopened one none starting before the day it was reopened (the
    closed period before it had none). An IPS step begins in agreement unless `ips_phase` names the phase it
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
        start_on = fields.get("start_on")
        if (
            client.reopened_on is not None
            and start_on is not None
            and start_on < client.reopened_on
        ):
            raise ValidationError(
                {
                    "start_on": _(
                        "Jakso ei voi alkaa ennen kuin asiakkuus avattiin uudelleen (%(date)s)."
                    )
                    % {"date": date_format(client.reopened_on, "SHORT_DATE_FORMAT")}
                }
            )
        step = PathwayStep(client=client, created_by=planned_by, **fields)
        if step.coach_id:
            check_coach(client, step.coach)
        if step.start_on <= timezone.localdate():
            step.status = StepStatus.ACTIVE
        if step.service_type.code == step_rules.SUPPORTED_EMPLOYMENT and not step.ips_phase:
            step.ips_phase = IpsPhase.AGREEMENT
        planned_with = _mutual_companions_missing(step)
        for companion in planned_with:
            # Saved first, so the step's rules find the service it needs alongside; the
            # transaction takes it back when the step or the companion is refused.
            _save(companion, companion=True)
        # The companion keeps its own rules too (a work coaching limited to fewer months
        # than the period), as a change of the step checks them (`update_step`).
        _validate(step, entry_chosen=True, planned_with=planned_with)
        for companion in planned_with:
            log_client_access(
                planned_by,
                client,
                "pathways.step.planned",
                companion,
                detail=companion.service_type.code,
            )
        starting_with = []
        if step.status == StepStatus.ACTIVE:
            starting_with = steps_starting_with(step, other_steps(step, open_only=True))
        _save(step)
        for companion in starting_with:
            set_status(companion, StepStatus.ACTIVE, planned_by, client, with_step=step)
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
        PathwayStep.objects.select_for_update(of=("self",))
        .select_related("service_type")
        .get(pk=previous.pk)
    )
    if locked.client_id != step.client_id:
        raise ValidationError(_("Jatkopolku suunnitellaan asiakkaan käynnissä olevalle jaksolle."))
    if locked.follow_on_refusal:
        raise ValidationError(str(locked.follow_on_refusal))
    if step.start_on < locked.start_on:
        refuse_follow_on_before(locked)
    refuse_follow_on_alongside(locked, step, planning=True)
    locked.next_step = step
    locked.save(update_fields=["next_step"])
    settle_follow_on_requests([locked], by=planned_by)


def _mutual_companions_missing(step: PathwayStep) -> list[PathwayStep]:
    """Required companions that in turn require this step's service and are not planned yet."""
    rules = step_rules.rule_set_for(step)
    covered = {
        c.service_type.code
        for c in other_steps(step)
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


def update_step(
    *, step: PathwayStep, changed_by, shown: str | None = None, **fields
) -> PathwayStep:
    """Changes a step's plan (dates, schedule, facts); the rules are checked again, and a
    catalogue entry given in `fields` must be an entry of the step's service.

    The companion planned with it follows its new dates (listed in the returned
    step's `changed_with`); a change that would leave another step without the
    service it needs is refused. Nothing is saved when refused.

    A new coach joins the care team as `ensure_coach_membership` does, or the change is
    refused on the `coach` field. The coach kept while other fields change stays on the
    step, and a kept coach whom the team no longer has (membership ended, out of scope)
    does not rejoin it. The coach replaced (or taken off the step) who has no other open step
    of the client left leaves the care team as a coach, as when a step ends
    (`end_coach_memberships`: consultations releases them from the client's upcoming sessions),
    in the same transaction and under the change's history label.

    A step ended or cancelled is refused, checked on its row locked in the transaction: a copy
    loaded before it ended changes nothing either. A step that has started (active or paused)
    cannot start after today (on `start_on`): it would be a running step with its start ahead,
    which could not be ended, cancelled nor paused.

    A step changed passes every rule in force on its start date, so the tasks asking to change
    or cancel it (or its companion moved with it) to fit new rules are checked off
    (`new_rules.settle_new_rules_tasks`), in the same transaction.

    `shown` is the plan as the edit form showed it (`PathwayStep.plan_state`): when the plan
    on the locked row is no longer that, someone else changed the step while the form was
    open, and the change is refused (code "changed_meanwhile", on no field) rather than
    overwriting theirs. Without `shown` (a change not made on the form) nothing is compared.
    """
    with (
        transaction.atomic(),
        history_context(changed_by, "pathways.step.changed"),
    ):
        lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update(of=("self",))
            .select_related("client__responsible_unit__organisation", "service_type")
            .get(pk=step.pk)
        )
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Päättynyttä jaksoa ei voi muuttaa."))
        if shown is not None and shown != locked.plan_state:
            raise ValidationError(
                _(
                    "Joku muu muutti jaksoa sen jälkeen, kun avasit lomakkeen, joten muutoksiasi "
                    "ei tallennettu. Lomakkeella ovat kirjoittamasi tiedot. Tarkista jakson "
                    "nykyiset tiedot jakson sivulta ja tallenna sitten uudelleen, jos haluat "
                    "korvata ne omillasi."
                ),
                code="changed_meanwhile",
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
        if previous.status != StepStatus.PLANNED and locked.start_on > timezone.localdate():
            # A step that has started stays started: with its start ahead it could be
            # neither ended, cancelled nor paused.
            raise ValidationError(
                {
                    "start_on": _(
                        "Jakso on jo alkanut, joten sen alkamispäivä voi olla viimeistään tänään."
                    )
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
        others = other_steps(locked)
        moving_with = _companions_following(locked, previous, others)
        coached_with = _companions_coached_with(locked, previous, others)
        moving_with += [companion for companion in coached_with if companion not in moving_with]
        _validate(locked, companions=others, entry_chosen="catalogue_entry" in fields)
        check_records_within([locked, *moving_with], end_field="planned_end_on")
        _check_follow_on_order([locked, *moving_with])
        _save(locked)
        if locked.review_due != previous.review_due:
            _settle_review_reminders(locked)
        # The rule sets the companions rested on before the change (`_validate` sets theirs).
        companions_before = [copy.copy(companion) for companion in moving_with]
        for companion in moving_with:
            _validate(companion)
            _save(companion, companion=True)
        # Saved, each step passed `step_rules.check_step` against the rules in force on its
        # start date (`_validate` refuses any violation, the check a task of new rules came
        # from): a task asking to change it to fit its rules, or those it rested on before,
        # asks for nothing any more.
        settle_new_rules_tasks(
            [locked, *moving_with], by=changed_by, previous=[previous, *companions_before]
        )
        if coach_joins:
            _join_as_coach(locked.client, locked.coach, changed_by)
        basis = None
        if previous.coach_id and locked.coach_id != previous.coach_id:
            _settle_replaced_coach_reminders([locked, *coached_with], previous.coach_id)
            # The basis the worker changes the step on, read before a coach's own membership
            # ends (a responsible worker who coached the step).
            basis = relation_to(changed_by, locked.client).basis
            end_coach_memberships(
                locked.client,
                [previous],
                timezone.localdate(),
                by=changed_by,
                basis=basis,
                action="pathways.step.changed",
            )
        log_client_access(
            changed_by,
            locked.client,
            "pathways.step.changed",
            locked,
            detail=", ".join(sorted(fields)),
            basis=basis,
        )
        for companion in moving_with:
            log_client_access(
                changed_by,
                locked.client,
                "pathways.step.changed",
                companion,
                detail=f"with {locked.service_type.code}",
                basis=basis,
            )
    locked.changed_with = moving_with
    return locked


def _settle_review_reminders(step: PathwayStep) -> None:
    """The step's review date changed (the review was recorded with the next date, or the date
    moved): the reminders of the old date, past ones too, are marked read for their
    recipients, so no inbox asks for a review already done; the rows stay. The next sweep
    reminds of the new date when it comes near."""
    from notifications.actions import settle_reminders
    from pathways.reminders import STEP_REVIEW_DUE

    settle_reminders(rule=STEP_REVIEW_DUE, concerning=step)


def _settle_replaced_coach_reminders(steps: list[PathwayStep], coach_id: int) -> None:
    """The coach was replaced on (or taken off) `steps`: their reminders about them
    (pathways.reminders.STEP_RULES) ask them for what is no longer theirs to do. Settled
    here, as a transfer settles the former worker's: a coach who stays on the client's team
    (coaching another of its steps) is not settled by leaving it. The next sweep reminds the
    new coach."""
    from notifications.actions import settle_moved_reminders
    from pathways.reminders import STEP_RULES

    settle_moved_reminders(rules=STEP_RULES, concerning=steps, recipient_id=coach_id)


def _companions_coached_with(
    step: PathwayStep, previous: PathwayStep, others: list[PathwayStep]
) -> list[PathwayStep]:
    """The companion planned with `step` (`step_rules.mutual_companions`: the work coaching
    of a work activity period, or the period of the coaching) that had `step`'s former coach
    takes its new one (changed in place, unsaved): one work coach coaches both, and the coach
    replaced leaves the team with them (`end_coach_memberships`). A coach taken off `step`
    stays on the companion."""
    if not (previous.coach_id and step.coach_id) or step.coach_id == previous.coach_id:
        return []
    coached = [
        companion
        for companion in step_rules.mutual_companions(step, others)
        if companion.coach_id == previous.coach_id
    ]
    for companion in coached:
        companion.coach = step.coach
    return coached


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
            refuse_follow_on_before(before)
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
                    % {"step": step_name(after)}
                }
            )


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
        organisation_id = team_scope.admit(
            actor=added_by, client=client, user=coach, role=TeamRole.COACH
        )
    except ValidationError as error:
        raise ValidationError({"coach": error.messages}) from None
    end_roles_superseded(client=client, user=coach, role=TeamRole.COACH, by=added_by)
    # A coach membership added to start later starts today, with the organisation admitted now.
    if (
        memberships.open()
        .filter(role=TeamRole.COACH)
        .update(
            started_on=timezone.localdate(),
            organisation_id=organisation_id,
            admitted_at=timezone.now(),
        )
    ):
        return
    CareTeamMembership.objects.create(
        client=client,
        user=coach,
        role=TeamRole.COACH,
        organisation_id=organisation_id,
        created_by=added_by,
    )
