"""The warning month of a period (DOMAIN.md: rehabilitative work activity warns in month
21): the rule set's `warning_month`, else the act's month 21. The step page's and the
timeline's warning and the month-21 reminder read one definition (`warning_month_of`), so a
rule set that leaves the month empty warns in both or in neither."""

import datetime

import pytest

from pathways import timeline
from pathways.factories import make_step
from pathways.reminders import rehab_month_21, warning_month_of
from pathways.step_rules import period_month
from services.calendar import add_months
from services.factories import ServiceRuleSetFactory
from services.models import ServiceType

WARNING = "Kuukausi {month}/24: arvioi jatko."


def own_rules(client_, code, **fields):
    """The client's organisation's own rule set for `code`, in force before the steps."""
    return ServiceRuleSetFactory(
        service_type=ServiceType.objects.get(code=code),
        organisation=client_.responsible_unit.organisation,
        valid_from=datetime.date(2000, 1, 1),
        max_duration_months=24,
        source="Organisaation oma käytäntö",
        **fields,
    )


def reminded(step, today) -> bool:
    return any(spec.object_id == step.pk for spec in rehab_month_21(today, 100))


@pytest.mark.parametrize(("months_run", "warned"), [(19, False), (20, True), (22, True)])
def test_rules_without_a_warning_month_warn_in_month_21_on_the_page_and_by_reminder(
    worker, client_of, today, months_run, warned
):
    """`months_run` whole months after the start, the period is in month `months_run` + 1."""
    client_ = client_of()
    own_rules(client_, "rehabilitative_work_activity", warning_month=None)
    step = make_step(
        client_,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=add_months(today, -months_run),
        planned_end_on=add_months(today, 24 - months_run) - datetime.timedelta(days=1),
    )
    assert step.rule_set.warning_month is None
    assert warning_month_of(step) == 21
    month = period_month(step.start_on, today)
    assert month == months_run + 1
    assert (WARNING.format(month=month) in timeline.step_warnings(step, today)) is warned
    assert reminded(step, today) is warned


def test_the_rule_sets_own_warning_month_is_read_by_both(worker, client_of, today):
    client_ = client_of()
    own_rules(client_, "rehabilitative_work_activity", warning_month=18)
    step = make_step(
        client_,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=add_months(today, -17),
        planned_end_on=add_months(today, 7) - datetime.timedelta(days=1),
    )
    assert warning_month_of(step) == 18
    assert WARNING.format(month=18) in timeline.step_warnings(step, today)
    assert reminded(step, today)


def test_another_service_without_a_warning_month_is_not_warned(worker, client_of, today):
    """The act's month 21 is that of rehabilitative work activity: work coaching, 24 months
    at most, warns only in a month its rules set."""
    client_ = client_of()
    own_rules(client_, "work_coaching", warning_month=None)
    step = make_step(
        client_,
        "work_coaching",
        created_by=worker,
        start_on=add_months(today, -21),
        planned_end_on=add_months(today, 3) - datetime.timedelta(days=1),
    )
    assert warning_month_of(step) is None
    assert not any("arvioi jatko" in text for text in timeline.step_warnings(step, today))
