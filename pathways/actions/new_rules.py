"""Steps not yet started follow new rules: the rule set in force on a step's start date
decides (DOMAIN.md), so when an administrator brings in rules from a date, a step planned
to start on or after it rests on them from then on, as a step planned after the change
would. A step already running keeps the rules it started under."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_noop

from audit.history import history_context
from clients.models import Client
from clients.querysets import responsible_worker_of
from notifications.actions import create_task, settle_tasks
from notifications.models import Task
from notifications.texts import Text
from pathways import step_rules
from pathways.actions.common import format_day, other_steps
from pathways.models import PathwayStep, StepStatus
from services.calendar import add_months
from services.models import ServiceRuleSet

# The responsible worker's task when a planned step breaks the rules it now rests on.
STEP_BREAKS_NEW_RULES_TASK = "pathways.step_breaks_new_rules"


def new_rules_task_key(step_id: int, rule_set_id: int) -> str:
    """The key of the one task that asks to change or cancel the step `step_id` because it
    breaks the rule set `rule_set_id`, its rules from then on."""
    return f"{STEP_BREAKS_NEW_RULES_TASK}:{step_id}:{rule_set_id}"


def _tasks_about(step_id: int, rule_set_id: int) -> Q:
    """The tasks asking to change or cancel the step because it breaks the rule set: the
    first one (`new_rules_task_key`) and those asked again after it was settled."""
    key = new_rules_task_key(step_id, rule_set_id)
    return Q(kind=STEP_BREAKS_NEW_RULES_TASK) & (Q(key=key) | Q(key__startswith=f"{key}:"))


def settle_new_rules_tasks(
    steps: list[PathwayStep], *, by, previous: list[PathwayStep] = ()
) -> int:
    """The steps were cancelled, ended, or changed so that they fit the rules they rest on
    (by `by`): the tasks asking to change or cancel them because they break their rules
    (`_ask_to_fit_the_new_rules`) still open are checked off
    (`notifications.actions.settle_tasks`), in the caller's transaction, so that no inbox
    asks to change a step that is over or fits, and no transfer hands such a task on. The
    tasks of the rule set each step rests on and, for a change, of the rule set each in
    `previous` (the same steps as they were before it) rested on. Returns how many."""
    pairs = {
        (step.pk, step.rule_set_id) for step in [*steps, *previous] if step.rule_set_id is not None
    }
    if not pairs:
        return 0
    about = Q()
    for step_id, rule_set_id in pairs:
        about |= _tasks_about(step_id, rule_set_id)
    keys = Task.objects.open().filter(about).values_list("key", flat=True)
    return settle_tasks(keys=sorted(keys), by=by)


def move_planned_steps_to_new_rules(rule_set: ServiceRuleSet) -> int:
    """Points every planned step of the rule set's service (of its organisation's clients,
    or of every client for a general rule set) that starts within its validity at the rule
    set in force on its start date; a review date that was the old rules' default follows
    the new interval. Returns how many steps moved. One query for the steps and one for
    each step's rules.

    The rule set may also be one not yet in force that an administrator changed: the
    planned steps resting on it are then taken too. One whose start date it no longer
    covers (its first day moved later, its scope or service changed) returns to the rule
    set in force on that date; one that stays on it is checked against its changed rules
    as a moved step is. A step for which no rule set is in force on its start date any
    more stays as it is.

    Each moved step is checked against its new rules (`step_rules.check_step`, with the
    client's other steps). A step that breaks them still moves (the rules in force on its
    start date decide) and the client's responsible worker gets a task naming the step and
    each rule broken with its source, to change or cancel the step; one open task per step
    and rule set. A step on rules changed so that it fits them has its task checked off. The
    change history names the rule set's maker (`created_by`) as the actor. A moved
    step's open task about the rule set it rested on before asks for nothing any more (those
    rules no longer decide): it is checked off, in the same transaction, by the same actor
    (`settle_new_rules_tasks`), also when the step breaks its new rules (their own task asks).

    The steps' clients are locked first, in the order of their ids, and then the steps (the
    order plan_step, update_step and a transfer of responsibility keep: the client, then its
    steps), so that the worker a task goes to is the one responsible when it is made: a
    transfer at the same moment commits first or waits and hands the task over."""
    today = timezone.localdate()
    covered = Q(
        service_type=rule_set.service_type_id,
        start_on__gte=rule_set.valid_from,
    )
    if rule_set.valid_to is not None:
        covered &= Q(start_on__lte=rule_set.valid_to)
    if rule_set.organisation_id is not None:
        # Its organisation's clients' steps, and the steps its organisation's units arrange.
        covered &= Q(client__responsible_unit__organisation=rule_set.organisation_id) | Q(
            unit__organisation=rule_set.organisation_id
        )
    steps = (
        PathwayStep.objects.filter(covered | Q(rule_set=rule_set.pk))
        .filter(status=StepStatus.PLANNED, start_on__gt=today)
        .select_related(
            "client__responsible_unit__organisation",
            "unit__organisation",
            "service_type",
            "rule_set",
        )
    )
    actor = rule_set.created_by
    moved, breaking, fitting, left = 0, [], [], []
    with transaction.atomic():
        list(
            Client.objects.select_for_update(of=("self",))
            .filter(pk__in=steps.values("client_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with history_context(actor, "pathways.step.moved_to_new_rules"):
            for step in steps.select_for_update(of=("self",)):
                try:
                    rules = step_rules.rule_set_for(step)
                except ValidationError:
                    continue
                if rules.pk == step.rule_set_id:
                    # Rules changed before they came into force: still kept, still checked;
                    # a step they no longer refuse needs no change (its task is checked off).
                    if rules.pk == rule_set.pk:
                        if step_rules.check_step(step, rules, companions=other_steps(step)):
                            breaking.append((step, rules))
                        else:
                            fitting.append(step)
                    continue
                old = step.rule_set
                if (
                    old is not None
                    and old.review_interval_months
                    and step.review_due == add_months(step.start_on, old.review_interval_months)
                ):
                    step.review_due = (
                        add_months(step.start_on, rules.review_interval_months)
                        if rules.review_interval_months
                        else None
                    )
                if old is not None:
                    # The step as it was, for the key of its task about the rules it left.
                    left.append(PathwayStep(pk=step.pk, rule_set_id=old.pk))
                step.rule_set = rules
                step.save(update_fields=["rule_set", "review_due"])
                moved += 1
                if step_rules.check_step(step, rules, companions=other_steps(step)):
                    breaking.append((step, rules))
            settle_new_rules_tasks(fitting, by=actor, previous=left)
        # The tasks once the moves are written, so that the steps' history names the move.
        for step, rules in breaking:
            _ask_to_fit_the_new_rules(step, rules, actor)
    return moved


def _ask_to_fit_the_new_rules(step: PathwayStep, rules: ServiceRuleSet, actor) -> None:
    """Gives the client's responsible worker a task: the planned `step` breaks `rules`, now its
    rules. The rules broken, each with its source, are kept in each language (checked once
    per language), so that the task reads in its reader's. The worker is read under the
    client's row lock (taken first by move_planned_steps_to_new_rules; here again for a step
    whose client it did not lock, planned meanwhile)."""
    Client.objects.select_for_update(of=("self",)).values_list("pk", flat=True).get(
        pk=step.client_id
    )
    worker = responsible_worker_of(step.client)
    if worker is None:
        return
    # Once per step and rule set while it is open; a step that returns to rules it left
    # (their task then settled) and still breaks them is asked again, in a task of its own.
    latest = Task.objects.filter(_tasks_about(step.pk, rules.pk)).order_by("-pk").first()
    if latest is not None and latest.done_at is None:
        return
    key = new_rules_task_key(step.pk, rules.pk)
    if latest is not None:
        key = f"{key}:after-{latest.pk}"

    def broken() -> str:
        violations = step_rules.check_step(step, rules, companions=other_steps(step))
        return "\n".join(f"– {violation.message}" for violation in violations)

    create_task(
        assignee=worker,
        kind=STEP_BREAKS_NEW_RULES_TASK,
        title=Text(
            gettext_noop(
                "Muuta tai peru suunniteltu jakso {service}, {start}: se ei täytä uusia sääntöjä"
            ),
            service=lazy(lambda: step.service_type.name, str)(),
            start=format_day(step.start_on),
        ),
        description=Text(
            gettext_noop(
                "Jakson alkamispäivänä {start} ovat voimassa uudet säännöt {valid_from} "
                "alkaen, ja ne ratkaisevat. Jakso ei täytä niitä:\n{broken}"
            ),
            start=format_day(step.start_on),
            valid_from=format_day(rules.valid_from),
            broken=lazy(broken, str)(),
        ),
        concerning=step,
        client_id=step.client.uuid,
        link=reverse(
            "pathways:step_edit", kwargs={"client_id": step.client.uuid, "step_id": step.pk}
        ),
        created_by=actor,
        key=key,
    )
