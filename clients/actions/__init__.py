"""Writes on clients and care teams. Each action validates, runs in one transaction
(locking the client where two workers could race), writes its access-log row and
leaves pghistory's change history to the triggers.

- `registration`: registering a client, the identity code, closing and reopening;
- `team`: care-team memberships, transfer of responsibility, caseload handover;
- `team_changes`: the hooks higher apps register to follow a change of the care team;
- `plans`: client plans, their goals, the service-need assessment;
- `notes`: case notes and their amendments;
- `exceptional_access`: break-the-glass and access requests.
"""

from clients.actions.exceptional_access import (
    break_the_glass,
    clean_access_request_reason,
    request_access,
    review_break_the_glass,
    settle_access_requests,
)
from clients.actions.notes import add_note, edit_note
from clients.actions.plans import (
    ASSESSMENT_COMPLETED_FIXED,
    ASSESSMENT_COMPLETED_IN_FUTURE,
    ASSESSMENT_NEEDS_CLIENT_VIEW,
    ASSESSMENT_NEEDS_SPECIAL_SUPPORT,
    ASSESSMENT_STARTED_IN_FUTURE,
    clean_goals,
    create_plan,
    refuse_closing_with_assessment_in_progress,
    revise_plan,
    save_assessment,
    set_goal_status,
)
from clients.actions.registration import (
    CLIENT_CHANGED_MEANWHILE,
    CONTACT_FIELDS,
    DuplicateIdentityCode,
    check_closing_day,
    check_preferred_contact,
    check_relationship_home,
    close_client,
    on_closing,
    on_closing_day,
    parse_permanent_identity_code,
    register_client,
    reopen_client,
    replace_identity_code,
    reveal_identity_code,
    set_search_names,
    update_client,
)
from clients.actions.team import (
    HANDOVER_NOTE_MAX_LENGTH,
    RESPONSIBILITY_RECEIVED_TASK,
    add_team_member,
    check_open_for_new_members,
    check_roles_beside,
    end_lapsed_memberships,
    end_membership,
    end_roles_superseded,
    hand_over_caseload,
    set_membership_end,
    set_membership_valid_until,
    transfer_responsibility,
)
from clients.actions.team_changes import TeamChange, on_team_change, team_changed

__all__ = [
    "ASSESSMENT_COMPLETED_FIXED",
    "ASSESSMENT_COMPLETED_IN_FUTURE",
    "ASSESSMENT_NEEDS_CLIENT_VIEW",
    "ASSESSMENT_NEEDS_SPECIAL_SUPPORT",
    "ASSESSMENT_STARTED_IN_FUTURE",
    "CLIENT_CHANGED_MEANWHILE",
    "CONTACT_FIELDS",
    "HANDOVER_NOTE_MAX_LENGTH",
    "RESPONSIBILITY_RECEIVED_TASK",
    "DuplicateIdentityCode",
    "TeamChange",
    "add_note",
    "add_team_member",
    "break_the_glass",
    "check_closing_day",
    "check_open_for_new_members",
    "check_preferred_contact",
    "check_relationship_home",
    "check_roles_beside",
    "clean_access_request_reason",
    "clean_goals",
    "close_client",
    "create_plan",
    "edit_note",
    "end_lapsed_memberships",
    "end_membership",
    "end_roles_superseded",
    "hand_over_caseload",
    "on_closing",
    "on_closing_day",
    "on_team_change",
    "parse_permanent_identity_code",
    "refuse_closing_with_assessment_in_progress",
    "register_client",
    "reopen_client",
    "replace_identity_code",
    "request_access",
    "reveal_identity_code",
    "review_break_the_glass",
    "revise_plan",
    "save_assessment",
    "set_goal_status",
    "set_membership_end",
    "set_membership_valid_until",
    "set_search_names",
    "settle_access_requests",
    "team_changed",
    "transfer_responsibility",
    "update_client",
]
