"""A member taken off a client's care team, by hand or by a daily task, is no longer reminded of
that client: their unread reminders about it are marked read as the membership ends."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import RoleAssignment
from accounts.roles import Role
from clients import actions
from clients import reminders as client_rules
from clients.factories import ClientFactory, add_member
from clients.models import CareTeamMembership, TeamRole
from notifications.actions import remind_many
from notifications.models import Reminder
from notifications.rules_registry import ReminderSpec

STEP_REVIEW = "pathways.step_review_due"
NO_EMPLOYER_CONTACT = "pathways.ips_no_employer_contact"


def _remind(recipient, rule, obj, client, due_date=None):
    remind_many(
        [
            ReminderSpec(
                recipient_id=recipient.pk,
                model=type(obj),
                object_id=obj.pk,
                due_date=due_date or timezone.localdate(),
                title="Muistutus",
                rule=rule,
                client_id=client.uuid,
            )
        ]
    )


def _unread(recipient):
    return set(
        Reminder.objects.unread().filter(recipient=recipient).values_list("rule", "client_id")
    )


@pytest.fixture
def reminded(team):
    """The coach reminded of the client (one due, one past) and of another client of theirs;
    returns (the coach's membership, the other client)."""
    coach, client_of = team["coach"], team["client"]
    membership = CareTeamMembership.objects.get(client=client_of, user=coach)
    other = ClientFactory(created_by=team["worker"])
    add_member(other, coach, TeamRole.COACH)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    _remind(coach, NO_EMPLOYER_CONTACT, membership, client_of)
    _remind(coach, STEP_REVIEW, membership, client_of, due_date=yesterday)
    _remind(coach, STEP_REVIEW, other, other)
    assert _unread(coach) == {
        (NO_EMPLOYER_CONTACT, client_of.uuid),
        (STEP_REVIEW, client_of.uuid),
        (STEP_REVIEW, other.uuid),
    }
    return membership, other


def test_a_member_taken_off_the_team_is_no_longer_reminded_of_the_client(team, reminded):
    """The responsible worker ends the coach's membership: the coach's reminders about the
    client are marked read (the rows stay), those about their other client stay unread, and
    the responsible worker's own reminders about the client stay."""
    membership, other = reminded
    _remind(team["worker"], client_rules.PLAN_REVIEW_DUE, membership, team["client"])

    actions.end_membership(membership=membership, ended_by=team["worker"])

    assert _unread(team["coach"]) == {(STEP_REVIEW, other.uuid)}
    assert (
        Reminder.objects.filter(recipient=team["coach"], client_id=team["client"].uuid).count() == 2
    )
    assert _unread(team["worker"]) == {(client_rules.PLAN_REVIEW_DUE, team["client"].uuid)}


def test_a_member_still_on_the_team_in_another_role_keeps_their_reminders(team, reminded):
    membership, other = reminded
    add_member(team["client"], team["coach"], TeamRole.WORK_PAIR)

    actions.end_membership(membership=membership, ended_by=team["worker"])

    assert _unread(team["coach"]) == {
        (NO_EMPLOYER_CONTACT, team["client"].uuid),
        (STEP_REVIEW, team["client"].uuid),
        (STEP_REVIEW, other.uuid),
    }


def test_a_manager_leaving_the_team_keeps_what_they_are_told_as_the_units_manager(team):
    """A manager on the team as "other member" leaves it: a reminder of the team rules goes,
    the one they have as the unit's manager (a responsible worker who can no longer act)
    stays theirs."""
    manager, client_of = team["manager"], team["client"]
    membership = add_member(client_of, manager, TeamRole.OTHER)
    _remind(manager, STEP_REVIEW, membership, client_of)
    _remind(manager, client_rules.RESPONSIBLE_WORKER_UNREACHABLE, membership, client_of)

    actions.end_membership(membership=membership, ended_by=team["worker"])

    assert _unread(manager) == {(client_rules.RESPONSIBLE_WORKER_UNREACHABLE, client_of.uuid)}


def test_a_lapsed_membership_ended_by_the_daily_task_settles_the_members_reminders(team, reminded):
    membership, other = reminded
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    CareTeamMembership.objects.filter(pk=membership.pk).update(
        started_on=yesterday - datetime.timedelta(days=30), valid_until=yesterday
    )

    assert actions.end_lapsed_memberships() == 1

    assert _unread(team["coach"]) == {(STEP_REVIEW, other.uuid)}


def test_a_membership_the_team_no_longer_takes_ended_daily_settles_the_members_reminders(
    team, reminded
):
    """The coach's coach role ended: the daily re-check (consents' end_uncovered_memberships)
    ends both their memberships, and with them every reminder of theirs about those clients."""
    from consents.team_coverage import end_uncovered_memberships

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(user=team["coach"], role=Role.WORK_COACH).update(
        valid_from=yesterday - datetime.timedelta(days=30), valid_to=yesterday
    )
    RoleAssignment.objects.create(user=team["coach"], role=Role.KELA_LIAISON, unit=team["unit"])

    assert end_uncovered_memberships(clients=[team["client"]]) == 1

    _membership, other = reminded
    assert _unread(team["coach"]) == {(STEP_REVIEW, other.uuid)}
