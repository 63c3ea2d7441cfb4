"""The rules of a pathway step, checked against the rule set in force on its start date.

Numbers (months, days, hours, ages, euros) come from `services.ServiceRuleSet`
rows, never from constants here; what is fixed in code is what Polku must
record for a kind of service (a decision reference, a follow-on step). Each
violation names the rule and its source, in the user's language.

- `checks`: a step as planned or changed (and the fields its form must have filled in),
  and its attendance;
- `companions`: services that run alongside one another, and which may run at the same time;
- `endings`: a step as it ends, and what may replace a cancelled follow-on;
- `common`: service codes, violations, the rule set in force, period months.
"""

from pathways.step_rules.checks import (
    check_attendance,
    check_catalogue_entry,
    check_step,
    required_fields,
)
from pathways.step_rules.common import (
    DISABILITY_WORK_ACTIVITY,
    JOBCENTER,
    OPEN_WORK,
    REHABILITATIVE_WORK_ACTIVITY,
    SOCIAL_REHABILITATION,
    SUPPORTED_EMPLOYMENT,
    WORK_COACHING,
    YOUTH_WORKSHOP,
    Violation,
    arranging_organisations,
    covers,
    period_end_limit,
    period_month,
    period_month_start,
    raise_for,
    rule_set_for,
)
from pathways.step_rules.companions import (
    alongside,
    cancellation_effects,
    companions_left_uncovered,
    following_dates,
    left_uncovered_violation,
    may_run_together,
    mutual_companions,
    not_alongside,
    pause_effects,
    paused_dependents_violation,
    running_alongside,
    start_effects,
    waiting_companions_violation,
)
from pathways.step_rules.endings import (
    check_ending,
    contract_needed_to_end,
    exit_outcome_may_replace_follow_on,
    replacement_follow_ons,
    services_end,
)

__all__ = [
    "DISABILITY_WORK_ACTIVITY",
    "JOBCENTER",
    "OPEN_WORK",
    "REHABILITATIVE_WORK_ACTIVITY",
    "SOCIAL_REHABILITATION",
    "SUPPORTED_EMPLOYMENT",
    "WORK_COACHING",
    "YOUTH_WORKSHOP",
    "Violation",
    "alongside",
    "arranging_organisations",
    "cancellation_effects",
    "check_attendance",
    "check_catalogue_entry",
    "check_ending",
    "check_step",
    "companions_left_uncovered",
    "contract_needed_to_end",
    "covers",
    "exit_outcome_may_replace_follow_on",
    "following_dates",
    "left_uncovered_violation",
    "may_run_together",
    "mutual_companions",
    "not_alongside",
    "pause_effects",
    "paused_dependents_violation",
    "period_end_limit",
    "period_month",
    "period_month_start",
    "raise_for",
    "replacement_follow_ons",
    "required_fields",
    "rule_set_for",
    "running_alongside",
    "services_end",
    "start_effects",
    "waiting_companions_violation",
]
