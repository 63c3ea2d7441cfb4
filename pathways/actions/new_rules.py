"""Steps not yet started follow new rules: the rule set in force on a step's start date
decides (DOMAIN.md), so when an administrator brings in rules from a date, a step planned
to start on or after it rests on them from then on, as a step planned after the change
would. A step already running keeps the rules it started under."""

from django.db import transaction
from django.utils import timezone

from pathways import step_rules
from pathways.models import PathwayStep, StepStatus
from services.calendar import add_months
from services.models import ServiceRuleSet


def move_planned_steps_to_new_rules(rule_set: ServiceRuleSet) -> int:
    """Points every planned step of the rule set's service (of its organisation's clients,
    or of every client for a general rule set) that starts within its validity at the rule
    set in force on its start date; a review date that was the old rules' default follows
    the new interval. Returns how many steps moved. One query for the steps and one for
    each step's rules."""
    steps = PathwayStep.objects.filter(
        service_type=rule_set.service_type,
        status=StepStatus.PLANNED,
        start_on__gte=rule_set.valid_from,
        start_on__gt=timezone.localdate(),
    ).select_related("client__responsible_unit__organisation", "service_type", "rule_set")
    if rule_set.valid_to is not None:
        steps = steps.filter(start_on__lte=rule_set.valid_to)
    if rule_set.organisation_id is not None:
        steps = steps.filter(client__responsible_unit__organisation=rule_set.organisation_id)
    moved = 0
    with transaction.atomic():
        for step in steps.select_for_update(of=("self",)):
            rules = step_rules.rule_set_for(step)
            if rules.pk == step.rule_set_id:
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
            step.rule_set = rules
            step.save(update_fields=["rule_set", "review_due"])
            moved += 1
    return moved
