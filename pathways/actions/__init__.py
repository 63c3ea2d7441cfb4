"""Writes on pathways. Each action checks the step's rules against the rule set in
force on its start date, runs in one transaction with the client locked (two
workers planning at once cannot both pass a companion check), writes the
access-log row, and leaves the change history to pghistory's triggers.

- `steps`: planning and changing a step; `step_status`: starting, pausing and resuming it;
  `step_endings`: ending it, with a follow-on or an exit; `step_cancellation`: cancelling it;
- `common`: the client's lock and the checks those share;
- `follow_ons`: the coach asking the responsible worker for a step's follow-on;
- `records`: what the coach records while a step runs;
- `placements`: job starts, studies and other outcomes, their end and cancellation;
- `documents`: the pathway summary and certificate PDFs.
"""

from pathways.actions.documents import (
    print_language_of,
    record_print_handed_over,
    render_document,
    request_certificate_pdf,
    request_pathway_summary,
)
from pathways.actions.follow_ons import ask_for_follow_on, follow_on_requested
from pathways.actions.placements import cancel_placement, end_placement, record_placement
from pathways.actions.records import (
    RecordedAlready,
    add_employer_contact,
    add_in_work_support,
    day_taking_no_attendance,
    issue_certificate,
    last_attendance_day,
    record_benefits_counselling,
    record_income_clarification,
    record_ips_phase,
    record_week_attendance,
    save_jobcenter_contract,
)
from pathways.actions.step_cancellation import cancel_step
from pathways.actions.step_endings import end_step
from pathways.actions.step_status import set_step_status
from pathways.actions.steps import plan_step, update_step

__all__ = [
    "RecordedAlready",
    "add_employer_contact",
    "add_in_work_support",
    "ask_for_follow_on",
    "cancel_placement",
    "cancel_step",
    "day_taking_no_attendance",
    "end_placement",
    "end_step",
    "follow_on_requested",
    "issue_certificate",
    "last_attendance_day",
    "plan_step",
    "print_language_of",
    "record_benefits_counselling",
    "record_income_clarification",
    "record_ips_phase",
    "record_placement",
    "record_print_handed_over",
    "record_week_attendance",
    "render_document",
    "request_certificate_pdf",
    "request_pathway_summary",
    "save_jobcenter_contract",
    "set_step_status",
    "update_step",
]
