"""Pathway steps for tests and demo data, written straight to the database (rules are tested separately)."""

import datetime

from django.utils import timezone

from pathways.models import PathwayStep, StepStatus
from pathways.step_rules import arranging_organisations
from services.models import ServiceRuleSet, ServiceType


def make_step(
    client, code: str, *, created_by, start_on=None, planned_end_on=None, **fields
) -> PathwayStep:
    """A step of the service `code` with the rule set in force on its start date."""
    service_type = ServiceType.objects.get(code=code)
    start_on = start_on or timezone.localdate() - datetime.timedelta(days=30)
    rule_set = ServiceRuleSet.objects.in_force(
        service_type, arranging_organisations(client, fields.get("unit")), start_on
    )
    if planned_end_on is None and rule_set.max_duration_months:
        planned_end_on = start_on + datetime.timedelta(days=150)
    status = StepStatus.ACTIVE if start_on <= timezone.localdate() else StepStatus.PLANNED
    ended = fields.get("status") == StepStatus.ENDED and fields.get("end_reason") != "cancelled"
    if code == "rehabilitative_work_activity" and ended:
        # It ends in a review decision (the database's step_rehab_ends_with_review_decision).
        fields.setdefault("review_decision", "move" if fields.get("next_step") else "exit")
    return PathwayStep.objects.create(
        client=client,
        service_type=service_type,
        rule_set=rule_set,
        start_on=start_on,
        planned_end_on=planned_end_on,
        created_by=created_by,
        status=fields.pop("status", status),
        **fields,
    )
