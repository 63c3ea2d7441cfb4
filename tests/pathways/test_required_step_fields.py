"""The step form marks as required exactly the fields the service's rules refuse empty
(`step_rules.required_fields`), for every service type's rule set of the reference data,
the general ones and Essote's; the mark follows the rule set of the start date entered."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from clients.factories import make_plan
from config.forms import add_action_error
from pathways import actions, step_rules
from pathways.forms import StepForm, service_type_entries
from services import actions as service_actions
from services.models import ServiceRuleSet, ServiceType
from services.reference import ESSOTE_RULE_SETS, SERVICE_TYPES
from tests.conftest import field_errors, login

# The service each service needs running alongside it, planned first (rehabilitative work
# activity brings its work coaching with it).
COMPANIONS = {
    "work_coaching": "disability_work_activity",
    "jobcenter_paid_work": "rehabilitative_work_activity",
}
CASES = [
    *((code, False) for code in SERVICE_TYPES),
    *((code, True) for code in ESSOTE_RULE_SETS),
]
REQUIRED_MARK = '<span class="hds-text-input__required" aria-hidden="true">*</span>'


class _Undo(Exception):
    """Rolls a submission that was accepted back, so the next starts from the same records."""


def submit(form_data, *, service_type, client, worker) -> dict:
    """The step form sent as the planning view sends it: the form, then the action's rules,
    their refusals next to the fields. Nothing is kept. The errors by field."""
    form = StepForm(form_data, service_type=service_type, client=client)
    if form.is_valid():
        try:
            with transaction.atomic():
                actions.plan_step(
                    client=client, planned_by=worker, service_type=service_type, **form.cleaned_data
                )
                raise _Undo
        except ValidationError as error:
            add_action_error(form, error)
        except _Undo:
            pass
    return dict(form.errors)


def complete_data(form, *, today, workshop_unit) -> dict:
    """A value the rules accept for every field the form shows."""
    end = step_rules.period_end_limit(today, 6)
    plans = form.fields["plan"].queryset
    if form.rule_set.required_plan_type:
        plans = plans.filter(plan_type=form.rule_set.required_plan_type)
    values = {
        "unit": workshop_unit.pk
        if form.service_type.code == step_rules.YOUTH_WORKSHOP
        else getattr(form.fields["unit"].queryset.first(), "pk", ""),
        "coach": getattr(form.fields["coach"].queryset.first(), "pk", ""),
        "start_on": today.isoformat(),
        "planned_end_on": end.isoformat(),
        "plan": getattr(plans.first(), "pk", ""),
        "goal": "Arjen rytmi",
        "support_given": "Työvalmennus viikoittain",
        "days_per_week": "3",
        "hours_per_day": "5",
        "income_clarification": "Palkka ei vaikuta etuuksiin.",
        "decision_reference": "SOS-2026-118",
        "group_activity": "on",
        "daily_compensation": "10",
        "effects_discussed_on": (today - datetime.timedelta(days=1)).isoformat(),
        "review_due": (today + datetime.timedelta(days=60)).isoformat(),
        "catalogue_entry": getattr(service_type_entries(form.service_type).first(), "pk", ""),
    }
    return {name: values[name] for name in form.fields}


@pytest.mark.parametrize(("code", "in_essote"), CASES)
def test_a_field_is_marked_required_exactly_when_the_rules_refuse_it_empty(
    worker, client_of, today, essote, workshop_unit, code, in_essote
):
    service_type = ServiceType.objects.get(code=code)
    client = client_of(organisation=essote if in_essote else None)
    rules = ServiceRuleSet.objects.in_force(
        service_type, client.responsible_unit.organisation, today
    )
    assert (rules.organisation == essote) is in_essote
    if rules.required_plan_type:
        make_plan(client, worker, plan_type=rules.required_plan_type)
    if code in COMPANIONS:
        start = today - datetime.timedelta(days=30)
        actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=ServiceType.objects.get(code=COMPANIONS[code]),
            start_on=start,
            planned_end_on=step_rules.period_end_limit(start, 12),
            days_per_week=3,
            hours_per_day=Decimal(5),
            goal="Työelämään",
            support_given="Työvalmennus",
        )

    form = StepForm(service_type=service_type, client=client)
    required = step_rules.required_fields(rules, code)
    by_form = {name for name, field in form.fields.items() if field.required}
    assert form.rule_set == rules
    assert required <= set(form.fields), "a field the rules demand is not on the form"
    for name in form.fields:
        shown = form[name].shown_required
        assert shown is (name in required | by_form), name
        assert (REQUIRED_MARK in form[name].as_field_group()) is shown, name
        assert has_required_attribute(str(form[name]), name) is shown, name

    data = complete_data(form, today=today, workshop_unit=workshop_unit)
    assert submit(data, service_type=service_type, client=client, worker=worker) == {}
    for name in form.fields:
        without = {key: value for key, value in data.items() if key != name}
        errors = submit(without, service_type=service_type, client=client, worker=worker)
        if name in required | by_form:
            assert name in errors, f"{name} left empty is accepted: {errors}"
        else:
            assert errors == {}, f"{name} left empty is refused: {errors}"


def test_rehabilitative_work_activity_marks_what_its_act_demands(worker, client_of, today):
    assert step_rules.required_fields(
        ServiceRuleSet.objects.in_force("rehabilitative_work_activity", None, today),
        "rehabilitative_work_activity",
    ) == {"planned_end_on", "goal", "support_given", "days_per_week", "hours_per_day"}


def has_required_attribute(page: str, field: str) -> bool:
    """Whether the field's input, select or text area has the `required` attribute."""
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="id_{field}"[^>]*>', page)
    return re.search(r"\srequired[\s>]", tag.group(0)) is not None


def marked(page: str, field: str) -> bool:
    """Whether the field's label carries the required mark and its input `required`."""
    label = re.search(rf'<label for="id_{field}"[^>]*>(.*?)</label>', page, re.S)
    return REQUIRED_MARK in label.group(1) and has_required_attribute(page, field)


def test_the_marks_follow_the_rule_set_of_the_start_date_entered(client, worker, client_of, today):
    """A workshop period has no length limit in the general rules until a rule set from
    `later` sets one: its planned end is required on a form starting then, not before."""
    later = today + datetime.timedelta(days=20)
    service_actions.supersede_rule_set(
        current=ServiceRuleSet.objects.in_force("youth_workshop", None, today),
        valid_from=later,
        changes={"max_duration_months": 6},
        by=worker,
    )
    young = client_of(age=20)
    login(client, worker)
    url = reverse("pathways:step_create", kwargs={"client_id": young.uuid})

    page = client.get(url, {"type": "youth_workshop"}).content.decode()
    assert marked(page, "unit") and not marked(page, "planned_end_on")

    page = client.post(
        f"{url}?type=youth_workshop", {"type": "youth_workshop", "start_on": later.isoformat()}
    ).content.decode()
    assert marked(page, "unit") and marked(page, "planned_end_on")
    assert "Jaksolle on merkittävä suunniteltu päättymispäivä" in field_errors(
        page, "planned_end_on"
    )
    assert "Valitse työpaja" in field_errors(page, "unit")

    page = client.post(
        f"{url}?type=youth_workshop", {"type": "youth_workshop", "start_on": today.isoformat()}
    ).content.decode()
    assert not marked(page, "planned_end_on") and field_errors(page, "planned_end_on") == ""
    assert marked(page, "unit")


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("rehabilitative_work_activity", {"ended_on", "end_reason", "review_decision"}),
        ("social_rehabilitation", {"ended_on", "end_reason"}),
    ],
)
def test_the_end_form_marks_what_the_rules_demand(worker, client_of, code, shown):
    """The reason, and for rehabilitative work activity the review decision, are required by
    the rules (step_rules.endings): marked as the form's own required fields are."""
    from pathways.factories import make_step
    from pathways.forms import EndStepForm

    step = make_step(client_of(), code, created_by=worker)
    form = EndStepForm(step=step)
    marked = {name for name in form.fields if form[name].shown_required}
    assert marked == shown
    for name in shown:
        assert REQUIRED_MARK in form[name].as_field_group(), name
