"""The reminder rules of clients and pathways, run through the real sweep.

Each rule fires on its edge day and not the day before; a second sweep
writes nothing; the sweep's queries do not grow with the number of clients.
Time is frozen at SETUP (users, assignments and memberships start then) and
every sweep is given its `today` explicitly.
"""

import contextlib
import dataclasses
import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from clients import reminders as client_rules
from clients.actions import hand_over_caseload
from clients.factories import ClientFactory, add_member, make_plan
from clients.models import BreakTheGlass, CareTeamMembership, ClientPlan, TeamRole
from notifications.actions import remind_many, sweep_reminders
from notifications.models import Reminder
from pathways import reminders as pathway_rules
from pathways.models import EmployerContact, PathwayStep, StepStatus
from pathways.step_rules import period_end_limit, period_month_start
from pathways.timeline import step_warnings
from services.factories import UnitFactory
from services.models import ServiceRuleSet, ServiceType

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
SETUP = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=HELSINKI)
TODAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)
NOON = datetime.time(12, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def frozen_setup():
    with time_machine.travel(SETUP, tick=False):
        yield


@pytest.fixture
def rules(isolated_rules):
    """Only the rules of clients and pathways, registered as their apps' ready() does."""
    client_rules.register()
    pathway_rules.register()
    return isolated_rules


@pytest.fixture
def client_of(worker):
    client = ClientFactory(created_by=worker, first_names="Silmu Aurora", last_name="Suunnistaja")
    # The worker has been responsible since long before SETUP: some tests sweep for days
    # before it, and a sweep reads the team, and the roles its members act in, as they
    # were on its `today`.
    client.memberships.update(started_on=datetime.date(2023, 1, 2))
    RoleAssignment.objects.filter(user=worker).update(valid_from=datetime.date(2023, 1, 2))
    return client


def found(rule: str) -> set[tuple]:
    """(recipient id, object id, due date) of the rule's reminders."""
    return {
        (recipient_id, int(object_id), due_date)
        for recipient_id, object_id, due_date in Reminder.objects.filter(rule=rule).values_list(
            "recipient_id", "object_id", "due_date"
        )
    }


def step(client, code: str, start_on, *, organisation=None, **fields) -> PathwayStep:
    service_type = ServiceType.objects.get(code=code)
    fields.setdefault("status", StepStatus.ACTIVE)
    return PathwayStep.objects.create(
        client=client,
        service_type=service_type,
        rule_set=ServiceRuleSet.objects.in_force(service_type, organisation, start_on),
        start_on=start_on,
        created_by=client.created_by,
        **fields,
    )


def local_rule_set(client, code: str, **rules) -> ServiceRuleSet:
    """The organisation's own rule set, which wins over the general one."""
    return ServiceRuleSet.objects.create(
        service_type=ServiceType.objects.get(code=code),
        organisation=client.responsible_unit.organisation,
        valid_from=datetime.date(2024, 1, 1),
        source="Testikunnan käytäntö",
        **rules,
    )


# Care-team memberships


def test_membership_ending_fires_seven_days_before_its_last_day_and_not_eight(
    rules, worker, unit, client_of
):
    coach = make_user(Role.WORK_COACH, unit)
    last_day = TODAY + 7 * DAY
    membership = add_member(client_of, coach, TeamRole.COACH)
    membership.valid_until = last_day
    membership.save()
    open_ended = add_member(client_of, make_user(Role.WORK_COACH, unit), TeamRole.OTHER)

    sweep_reminders(today=TODAY - DAY)
    assert found(client_rules.MEMBERSHIP_ENDING) == set()

    result = sweep_reminders(today=TODAY)
    assert result.created[client_rules.MEMBERSHIP_ENDING] == 1
    assert found(client_rules.MEMBERSHIP_ENDING) == {(worker.pk, membership.pk, last_day)}
    reminder = Reminder.objects.get(rule=client_rules.MEMBERSHIP_ENDING)
    assert reminder.title == "Tiimin jäsenyys päättyy (Valmentaja): Silmu Suunnistaja"
    assert reminder.link == f"/clients/{client_of.uuid}/"
    assert not Reminder.objects.filter(object_id=str(open_ended.pk)).exists()
    # On its last day it still fires once; after it, the membership no longer counts.
    assert sweep_reminders(today=last_day).created[client_rules.MEMBERSHIP_ENDING] == 0
    assert not Reminder.objects.filter(rule=client_rules.MEMBERSHIP_ENDING, read_at__isnull=False)
    assert sweep_reminders(today=last_day + DAY).created[client_rules.MEMBERSHIP_ENDING] == 0
    # Its last day past, the reminder of the membership that ran out is marked read.
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_extending_or_ending_the_membership_takes_its_ending_reminder_back(
    rules, worker, unit, client_of
):
    """The reminder says the coach's membership ends on its last day; the responsible worker
    extends it from the team panel (or makes it open-ended, or ends it at once). The
    reminder written for the old day is taken back: it would otherwise wait in the inbox
    and turn "Myöhässä" for a membership that goes on. A new last day within the window is
    reminded of by the next sweep."""
    from clients import actions as client_actions
    from tests.conftest import acting

    worker = acting(worker)
    memberships = []
    for _ in range(3):
        membership = add_member(client_of, make_user(Role.WORK_COACH, unit), TeamRole.OTHER)
        membership.valid_until = TODAY + 5 * DAY
        membership.save()
        memberships.append(membership)
    extended, open_ended, ended = memberships
    sweep_reminders(today=TODAY)
    assert len(found(client_rules.MEMBERSHIP_ENDING)) == 3

    with time_machine.travel(datetime.datetime.combine(TODAY, NOON), tick=False):
        client_actions.set_membership_valid_until(
            membership=extended, valid_until=TODAY + 6 * DAY, changed_by=worker
        )
        client_actions.set_membership_valid_until(
            membership=open_ended, valid_until=None, changed_by=worker
        )
        client_actions.end_membership(membership=ended, ended_by=worker)
    assert found(client_rules.MEMBERSHIP_ENDING) == set()
    sweep_reminders(today=TODAY)
    assert found(client_rules.MEMBERSHIP_ENDING) == {(worker.pk, extended.pk, TODAY + 6 * DAY)}


def test_a_membership_ended_early_or_of_a_closed_client_does_not_keep_its_reminder(
    rules, worker, unit, client_of
):
    """A path that ends a membership before its last day without taking its reminder back
    (here straight in the database), or the client's relationship closing, leaves the
    reminder asking for nothing: the sweep takes back one not yet due and marks a past one
    read (the row stays). So is the reminder of a membership that ran to its last day, once
    that day has passed: it was right, but it asks for nothing any more."""
    closed = ClientFactory(created_by=worker, first_names="Sulo", last_name="Suljettu")

    def member(client, last_day):
        membership = add_member(client, make_user(Role.WORK_COACH, unit), TeamRole.OTHER)
        membership.valid_until = last_day
        membership.save()
        return membership

    early, ran, of_closed = (member(c, TODAY + DAY) for c in (client_of, client_of, closed))
    early_coming, coming = (member(client_of, TODAY + 5 * DAY) for _ in range(2))
    sweep_reminders(today=TODAY)
    assert len(found(client_rules.MEMBERSHIP_ENDING)) == 5

    CareTeamMembership.objects.filter(pk__in=[early.pk, early_coming.pk]).update(ended_on=TODAY)
    CareTeamMembership.objects.filter(pk=ran.pk).update(ended_on=TODAY + DAY)
    type(closed).objects.filter(pk=closed.pk).update(
        closed_on=TODAY, closure_reason="Muutti toiselle paikkakunnalle."
    )
    result = sweep_reminders(today=TODAY + 3 * DAY)

    assert {
        int(object_id): read_at is not None
        for object_id, read_at in Reminder.objects.filter(
            rule=client_rules.MEMBERSHIP_ENDING
        ).values_list("object_id", "read_at")
    } == {early.pk: True, of_closed.pk: True, ran.pk: True, coming.pk: False}
    assert result.withdrawn[client_rules.MEMBERSHIP_ENDING] == 4
    # Repeated, it finds nothing more to do.
    assert sweep_reminders(today=TODAY + 3 * DAY).withdrawn[client_rules.MEMBERSHIP_ENDING] == 0


# Client plans


def test_plan_review_due_fires_seven_days_before_the_review_and_not_eight(rules, worker, client_of):
    review_on = TODAY + 7 * DAY
    plan = make_plan(client_of, worker, next_review_on=review_on)

    sweep_reminders(today=TODAY - DAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == set()

    result = sweep_reminders(today=TODAY)
    assert result.created[client_rules.PLAN_REVIEW_DUE] == 1
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, plan.pk, review_on)}
    reminder = Reminder.objects.get(rule=client_rules.PLAN_REVIEW_DUE)
    assert reminder.concerning == plan
    assert reminder.link == f"/clients/{client_of.uuid}/"
    # The inbox is behind sign-in: the in-app title may name the client.
    assert reminder.title == "Suunnitelman tarkistus lähestyy: Silmu Suunnistaja"

    # Every day up to the review date is the same reminder; a second sweep writes nothing.
    assert sweep_reminders(today=TODAY).total == 0
    assert sweep_reminders(today=review_on).total == 0
    assert Reminder.objects.filter(rule=client_rules.PLAN_REVIEW_DUE).count() == 1


def test_the_plan_review_window_is_configurable(rules, worker, client_of, settings):
    settings.POLKU_REMINDER_WINDOWS = {client_rules.PLAN_REVIEW_DUE: 21}
    review_on = TODAY + 21 * DAY
    plan = make_plan(client_of, worker, next_review_on=review_on)
    sweep_reminders(today=TODAY - DAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == set()
    sweep_reminders(today=TODAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, plan.pk, review_on)}


@pytest.mark.parametrize("left", ["role_ended", "account_closed"])
def test_a_responsible_worker_who_can_no_longer_act_is_not_reminded_the_managers_are(
    rules, worker, unit, client_of, left
):
    """A worker who left (their role ended, or their account closed) keeps the clients until
    they are handed over, but opens none of them: the plan review reminds no one through
    them, and every manager of the unit is told once to hand the caseload over; once
    handed over, the new worker is reminded and the managers' reminder is settled."""
    manager = make_user(Role.MANAGER, unit)
    review_on = TODAY + 3 * DAY
    plan = make_plan(client_of, worker, next_review_on=review_on)
    if left == "role_ended":
        RoleAssignment.objects.filter(user=worker).update(valid_to=TODAY - DAY)
    else:
        type(worker).objects.filter(pk=worker.pk).update(is_active=False)

    sweep_reminders(today=TODAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == set()
    membership = client_of.memberships.get(role=TeamRole.RESPONSIBLE_WORKER)
    assert found(client_rules.RESPONSIBLE_WORKER_UNREACHABLE) == {
        (manager.pk, membership.pk, membership.started_on)
    }
    reminder = Reminder.objects.get(rule=client_rules.RESPONSIBLE_WORKER_UNREACHABLE)
    assert reminder.link == f"/clients/handover/?from={worker.pk}"
    assert reminder.client_id == client_of.uuid
    assert reminder.title == (
        "Vastuutyöntekijä ei voi enää hoitaa asiakasta, siirrä vastuu: Silmu Suunnistaja"
    )
    assert sweep_reminders(today=TODAY + DAY).total == 0  # once

    colleague = make_user(Role.SOCIAL_WORKER, unit)
    manager.active_assignment = manager.role_assignments.get()
    hand_over_caseload(
        from_user=worker,
        assignments={client_of.pk: (colleague, unit)},
        handed_over_by=manager,
        handover_note="Työntekijä lähti.",
    )
    sweep_reminders(today=TODAY + DAY)
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert found(client_rules.PLAN_REVIEW_DUE) == {(colleague.pk, plan.pk, review_on)}


def test_plan_review_overdue_fires_the_day_after_the_review_date(rules, worker, client_of):
    review_on = TODAY
    plan = make_plan(client_of, worker, next_review_on=review_on)

    sweep_reminders(today=review_on)
    assert found(client_rules.PLAN_REVIEW_OVERDUE) == set()

    sweep_reminders(today=review_on + DAY)
    assert found(client_rules.PLAN_REVIEW_OVERDUE) == {(worker.pk, plan.pk, review_on)}
    assert sweep_reminders(today=review_on + 30 * DAY).total == 0


def test_a_late_review_is_in_the_inbox_once_not_as_approaching_and_as_overdue(
    rules, worker, client_of
):
    """The approaching reminder is due on the review day; from the day after, the overdue
    one says the same. The inbox showed both, unread and late, for the one review: now the
    approaching one is marked read when the overdue one takes over (the row stays)."""
    review_on = TODAY + 3 * DAY
    plan = make_plan(client_of, worker, next_review_on=review_on)
    sweep_reminders(today=TODAY)
    sweep_reminders(today=review_on)
    assert unread(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, plan.pk, review_on)}

    sweep_reminders(today=review_on + DAY)
    assert unread(client_rules.PLAN_REVIEW_DUE) == set()
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, plan.pk, review_on)}
    assert unread(client_rules.PLAN_REVIEW_OVERDUE) == {(worker.pk, plan.pk, review_on)}
    assert Reminder.objects.filter(recipient=worker, read_at__isnull=True).count() == 1


def test_an_overdue_review_is_settled_when_the_client_relationship_closes(rules, worker, client_of):
    """A closed client's plans are not followed up: the overdue reminder no longer stays
    in the inbox for good. Another client's overdue review stays."""
    plan = make_plan(client_of, worker, next_review_on=TODAY - 5 * DAY)
    other = ClientFactory(created_by=worker)
    other.memberships.update(started_on=datetime.date(2023, 1, 2))
    still_late = make_plan(other, worker, next_review_on=TODAY - 5 * DAY)
    sweep_reminders(today=TODAY)
    assert unread(client_rules.PLAN_REVIEW_OVERDUE) == {
        (worker.pk, plan.pk, TODAY - 5 * DAY),
        (worker.pk, still_late.pk, TODAY - 5 * DAY),
    }
    type(client_of).objects.filter(pk=client_of.pk).update(
        closed_on=TODAY, closure_reason="Muutti pois"
    )
    result = sweep_reminders(today=TODAY + DAY)
    assert result.withdrawn[client_rules.PLAN_REVIEW_OVERDUE] == 1
    assert unread(client_rules.PLAN_REVIEW_OVERDUE) == {(worker.pk, still_late.pk, TODAY - 5 * DAY)}


def test_plan_reviews_follow_only_current_agreed_plans_of_open_clients(rules, worker, unit):
    review_on = TODAY + 3 * DAY
    revised = ClientFactory(created_by=worker)
    old = make_plan(revised, worker, next_review_on=review_on)
    new = make_plan(revised, worker, next_review_on=TODAY + 90 * DAY)
    draft = make_plan(
        ClientFactory(created_by=worker), worker, status="draft", next_review_on=review_on
    )
    agreed = make_plan(
        ClientFactory(created_by=worker), worker, status="agreed", next_review_on=review_on
    )
    closed_client = ClientFactory(created_by=worker)
    make_plan(closed_client, worker, next_review_on=review_on)
    closed_client.closed_on = TODAY - DAY
    closed_client.closure_reason = "Muutti pois"
    closed_client.save()

    sweep_reminders(today=TODAY)
    assert ClientPlan.objects.get(pk=old.pk).superseded_by == new
    assert draft.status == "draft"
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, agreed.pk, review_on)}


def test_an_open_draft_revision_does_not_stop_the_agreed_plans_reviews(rules, worker, unit):
    """The agreed version stays in force while its revision is a draft; a closed newer
    version ends it."""
    review_on = TODAY + 3 * DAY
    revising = ClientFactory(created_by=worker)
    agreed = make_plan(revising, worker, status="agreed", next_review_on=review_on)
    make_plan(revising, worker, status="draft", next_review_on=TODAY + 2 * DAY)
    overdue = ClientFactory(created_by=worker)
    late = make_plan(overdue, worker, plan_type="activation_plan", next_review_on=TODAY - DAY)
    make_plan(overdue, worker, plan_type="activation_plan", status="draft", next_review_on=TODAY)
    ended = ClientFactory(created_by=worker)
    make_plan(ended, worker, next_review_on=review_on)
    make_plan(ended, worker, status="closed", next_review_on=review_on)
    make_plan(ended, worker, status="draft", next_review_on=review_on)

    sweep_reminders(today=TODAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, agreed.pk, review_on)}
    assert found(client_rules.PLAN_REVIEW_OVERDUE) == {(worker.pk, late.pk, TODAY - DAY)}


def test_a_revision_that_keeps_the_review_date_keeps_one_reminder_for_the_plan(
    rules, worker, client_of
):
    """A plan's reminders are about the plan, not one of its versions: a revision (a new
    version) with the same next review date gives the worker no second reminder."""
    from clients import actions as client_actions
    from tests.conftest import acting

    review_on = TODAY + 5 * DAY
    first = make_plan(client_of, worker, next_review_on=review_on)
    late = make_plan(client_of, worker, plan_type="activation_plan", next_review_on=TODAY - DAY)
    assert sweep_reminders(today=TODAY).total == 2

    fields = {"status": "active", "client_view": "Haluan töihin keittiöön."}
    second = client_actions.revise_plan(
        plan=first,
        revised_by=acting(worker),
        goals=["Oma asunto"],
        next_review_on=review_on,
        **fields,
    )
    client_actions.revise_plan(
        plan=late, revised_by=worker, goals=["Työkokeilu"], next_review_on=TODAY - DAY, **fields
    )
    assert sweep_reminders(today=TODAY).total == 0
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, first.pk, review_on)}
    assert found(client_rules.PLAN_REVIEW_OVERDUE) == {(worker.pk, late.pk, TODAY - DAY)}
    assert Reminder.objects.get(rule=client_rules.PLAN_REVIEW_DUE).concerning == first
    assert second.supersedes == first


def test_a_revision_that_moves_the_review_takes_the_reminder_of_the_old_date_back(
    rules, worker, client_of
):
    """A draft revision leaves the agreed version, and its reminder, in force; a decided one
    with another review date takes the reminder back, and the next sweep reminds of the new
    date when it comes near."""
    from clients import actions as client_actions
    from tests.conftest import acting

    worker = acting(worker)
    first_date, moved = TODAY + 5 * DAY, TODAY + 40 * DAY
    first = make_plan(client_of, worker, next_review_on=first_date)
    sweep_reminders(today=TODAY)
    fields = {"client_view": "Haluan töihin keittiöön.", "goals": ["Oma asunto"]}
    draft = client_actions.revise_plan(
        plan=first, revised_by=worker, status="draft", next_review_on=moved, **fields
    )
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, first.pk, first_date)}
    client_actions.revise_plan(
        plan=draft, revised_by=worker, status="active", next_review_on=moved, **fields
    )
    assert found(client_rules.PLAN_REVIEW_DUE) == set()
    assert sweep_reminders(today=TODAY).total == 0
    sweep_reminders(today=moved - 7 * DAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == {(worker.pk, first.pk, moved)}


def test_a_revision_that_sets_a_new_review_date_settles_the_overdue_reminders(
    rules, worker, client_of
):
    """The review was due a week ago and the inbox says so ("Suunnitelman tarkistus
    myöhässä"). The worker reviews the plan: a decided revision with the next review date.
    The late reminder is marked read, so the inbox and the bell no longer ask for a review
    already done; the rows stay as the record of what the inbox said. (The "coming" one
    whose day has passed was settled by the sweep that wrote the overdue one.) A draft
    leaves it waiting; a revision cannot keep the late date (a review sets the next one)."""
    from clients import actions as client_actions
    from tests.conftest import acting

    worker = acting(worker)
    late_date = TODAY - 7 * DAY
    first = make_plan(client_of, worker, next_review_on=late_date)
    sweep_reminders(today=late_date - 7 * DAY)  # "coming up"
    sweep_reminders(today=TODAY)  # "overdue"
    unread = Reminder.objects.filter(recipient=worker, read_at__isnull=True)
    assert set(unread.values_list("rule", flat=True)) == {client_rules.PLAN_REVIEW_OVERDUE}
    fields = {"client_view": "Haluan töihin keittiöön.", "goals": ["Oma asunto"]}
    revise = client_actions.revise_plan
    with time_machine.travel(datetime.datetime.combine(TODAY, NOON), tick=False):
        with pytest.raises(ValidationError):
            revise(
                plan=first, revised_by=worker, status="active", next_review_on=late_date, **fields
            )
        draft = revise(
            plan=first, revised_by=worker, status="draft", next_review_on=TODAY + 90 * DAY, **fields
        )
        assert unread.count() == 1

        revise(
            plan=draft,
            revised_by=worker,
            status="active",
            next_review_on=TODAY + 90 * DAY,
            **fields,
        )
    assert unread.count() == 0
    assert Reminder.objects.filter(recipient=worker).count() == 2
    assert sweep_reminders(today=TODAY).total == 0


def test_plan_review_goes_to_the_current_responsible_worker(rules, worker, client_of, unit):
    plan = make_plan(client_of, worker, next_review_on=TODAY + DAY)
    successor = make_user(Role.SOCIAL_WORKER, unit)
    membership = client_of.memberships.get(role=TeamRole.RESPONSIBLE_WORKER)
    membership.ended_on = SETUP.date()
    membership.save()
    add_member(client_of, successor, TeamRole.RESPONSIBLE_WORKER)
    # Others in the team are not reminded of the review.
    add_member(client_of, make_user(Role.COORDINATOR, unit), TeamRole.WORK_PAIR)

    sweep_reminders(today=TODAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == {(successor.pk, plan.pk, TODAY + DAY)}


def _unread(user, rule) -> list[datetime.date]:
    return list(
        Reminder.objects.unread()
        .filter(recipient=user, rule=rule)
        .values_list("due_date", flat=True)
    )


@pytest.fixture
def colleague_after_an_overdue_review(rules, worker, client_of, unit):
    """The worker's plan review is two days overdue on TODAY and swept (their reminder of it
    unread); returns a social worker of the unit to hand the client over to."""
    make_plan(client_of, worker, next_review_on=TODAY - 2 * DAY)
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    sweep_reminders(today=TODAY)
    return colleague


def _transfer(client, *, by, to, note):
    """`by`, the client's responsible worker, hands the client over to `to` in the unit."""
    from clients.actions import transfer_responsibility
    from tests.conftest import acting

    transfer_responsibility(
        client=client,
        to_user=to,
        to_unit=client.responsible_unit,
        transferred_by=acting(by),
        handover_note=note,
    )


def _given_back(client, *, by, to):
    """`by` hands the client back to `to` three days after SETUP (before TODAY's sweep)."""
    with time_machine.travel(SETUP + 3 * DAY, tick=False):
        _transfer(client, by=by, to=to, note="Takaisin")


def test_a_worker_who_gets_the_client_back_is_reminded_again_of_what_is_still_due(
    worker, client_of, colleague_after_an_overdue_review
):
    """The client goes to a colleague and comes back: the worker's overdue review, put away
    at the transfer (settled, not read by them), is asked of them again by the next sweep,
    once; the colleague's is put away in turn. The worker's first reminder stays as it was
    settled: their inbox keeps what it was told."""
    colleague = colleague_after_an_overdue_review
    assert _unread(worker, client_rules.PLAN_REVIEW_OVERDUE) == [TODAY - 2 * DAY]

    _transfer(client_of, by=worker, to=colleague, note="Lomalla")
    sweep_reminders(today=TODAY)
    assert _unread(worker, client_rules.PLAN_REVIEW_OVERDUE) == []
    assert _unread(colleague, client_rules.PLAN_REVIEW_OVERDUE) == [TODAY - 2 * DAY]

    _given_back(client_of, by=colleague, to=worker)
    assert sweep_reminders(today=TODAY).created[client_rules.PLAN_REVIEW_OVERDUE] == 1
    assert _unread(colleague, client_rules.PLAN_REVIEW_OVERDUE) == []
    assert _unread(worker, client_rules.PLAN_REVIEW_OVERDUE) == [TODAY - 2 * DAY]
    assert sweep_reminders(today=TODAY).total == 0
    assert (
        Reminder.objects.filter(recipient=worker, rule=client_rules.PLAN_REVIEW_OVERDUE).count()
        == 2
    )


def test_a_reminder_the_worker_read_is_not_repeated_when_the_client_comes_back(
    worker, client_of, colleague_after_an_overdue_review
):
    """Only a reminder put away by the transfer is asked again: one the worker read
    themselves was seen, and is not repeated."""
    from notifications.actions import mark_reminder_read

    colleague = colleague_after_an_overdue_review
    mark_reminder_read(reminder=worker.reminders.get(), by=worker)
    _transfer(client_of, by=worker, to=colleague, note="Lomalla")
    _given_back(client_of, by=colleague, to=worker)
    assert sweep_reminders(today=TODAY).created[client_rules.PLAN_REVIEW_OVERDUE] == 0
    assert _unread(worker, client_rules.PLAN_REVIEW_OVERDUE) == []
    assert worker.reminders.count() == 1


def test_a_sweep_reminds_the_worker_responsible_on_its_day_not_on_the_real_date(
    rules, worker, client_of, unit
):
    """The sweep's `today`, not the clock, decides who is responsible: here the successor
    took over after the real date (SETUP) and before the sweep's day, so only the day's
    team knows them. Read on the real date, nobody was responsible and nothing was sent."""
    plan = make_plan(client_of, worker, next_review_on=TODAY + DAY)
    workshop = step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=TODAY + DAY)
    handed_over = TODAY - 7 * DAY
    client_of.memberships.filter(role=TeamRole.RESPONSIBLE_WORKER).update(ended_on=SETUP.date())
    successor = make_user(Role.SOCIAL_WORKER, unit)
    membership = add_member(client_of, successor, TeamRole.RESPONSIBLE_WORKER)
    membership.started_on = handed_over
    membership.save()

    sweep_reminders(today=handed_over - DAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == set()

    sweep_reminders(today=TODAY)
    assert found(client_rules.PLAN_REVIEW_DUE) == {(successor.pk, plan.pk, TODAY + DAY)}
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == {
        (successor.pk, workshop.pk, TODAY + DAY)
    }


# Break-the-glass


def test_break_the_glass_review_goes_to_every_current_manager_of_the_responsible_unit(
    rules, unit, client_of
):
    first = make_user(Role.MANAGER, unit)
    second = make_user(Role.MANAGER, unit)
    make_user(Role.MANAGER, UnitFactory(organisation=unit.organisation))  # another unit's
    former = make_user(Role.MANAGER, unit)
    RoleAssignment.objects.filter(user=former).update(
        valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31)
    )
    opener = make_user(Role.SOCIAL_COUNSELLOR, unit)
    started_at = datetime.datetime.combine(TODAY, datetime.time(8, 30), tzinfo=HELSINKI)
    event = BreakTheGlass.objects.create(
        client=client_of,
        user=opener,
        role=Role.SOCIAL_COUNSELLOR,
        unit=client_of.responsible_unit,
        reason="Asiakas soitti kriisissä",
        started_at=started_at,
        expires_at=started_at + datetime.timedelta(hours=2),
    )
    BreakTheGlass.objects.create(
        client=client_of,
        user=opener,
        role=Role.SOCIAL_COUNSELLOR,
        unit=client_of.responsible_unit,
        reason="Tarkastettu jo",
        started_at=started_at,
        expires_at=started_at + datetime.timedelta(hours=2),
        reviewed_at=started_at + datetime.timedelta(hours=3),
        reviewed_by=first,
    )

    sweep_reminders(today=TODAY - DAY)
    assert found(client_rules.BREAK_THE_GLASS_REVIEW) == set()

    sweep_reminders(today=TODAY)
    assert found(client_rules.BREAK_THE_GLASS_REVIEW) == {
        (first.pk, event.pk, TODAY),
        (second.pk, event.pk, TODAY),
    }
    assert set(
        Reminder.objects.filter(rule=client_rules.BREAK_THE_GLASS_REVIEW).values_list(
            "link", flat=True
        )
    ) == {"/clients/break-the-glass/"}
    # It names no client and is tied to none: the manager reviews the event also after the
    # client has moved to a unit whose clients they do not see.
    assert set(
        Reminder.objects.filter(rule=client_rules.BREAK_THE_GLASS_REVIEW).values_list(
            "title", "client_id"
        )
    ) == {("Murtautuminen odottaa tarkastusta", None)}
    assert sweep_reminders(today=TODAY + DAY).total == 0


def test_a_break_the_glass_reviewed_while_the_sweep_ran_leaves_no_reminder_unread(
    rules, unit, client_of
):
    """The rule read the event, a manager reviewed it (nothing to settle yet), then the sweep
    wrote what it had read: the next sweep takes back every manager's reminder."""
    first = make_user(Role.MANAGER, unit)
    make_user(Role.MANAGER, unit)
    started_at = datetime.datetime.combine(TODAY, datetime.time(8, 30), tzinfo=HELSINKI)
    event = BreakTheGlass.objects.create(
        client=client_of,
        user=make_user(Role.SOCIAL_COUNSELLOR, unit),
        role=Role.SOCIAL_COUNSELLOR,
        unit=client_of.responsible_unit,
        reason="Asiakas soitti kriisissä",
        started_at=started_at,
        expires_at=started_at + datetime.timedelta(hours=2),
    )
    read = [
        dataclasses.replace(spec, rule=client_rules.BREAK_THE_GLASS_REVIEW)
        for spec in client_rules.break_the_glass_reviews(TODAY, 100)
    ]
    BreakTheGlass.objects.filter(pk=event.pk).update(
        reviewed_at=started_at + datetime.timedelta(hours=3), reviewed_by=first
    )
    assert remind_many(read) == 2
    sweep_reminders(today=TODAY)
    assert not Reminder.objects.filter(
        rule=client_rules.BREAK_THE_GLASS_REVIEW, read_at__isnull=True
    ).exists()


def test_no_one_reviews_their_own_break_the_glass(rules, unit, client_of):
    # A counsellor who also manages the unit is not asked to review their own event.
    both = make_user(Role.SOCIAL_COUNSELLOR, unit)
    RoleAssignment.objects.create(user=both, role=Role.MANAGER, unit=unit)
    started_at = datetime.datetime.combine(TODAY, datetime.time(8, 30), tzinfo=HELSINKI)
    BreakTheGlass.objects.create(
        client=client_of,
        user=both,
        role=Role.SOCIAL_COUNSELLOR,
        unit=client_of.responsible_unit,
        reason="Kiireellinen asia",
        started_at=started_at,
        expires_at=started_at + datetime.timedelta(hours=2),
    )
    sweep_reminders(today=TODAY)
    assert found(client_rules.BREAK_THE_GLASS_REVIEW) == set()


# Rehabilitative work activity, month 21


@pytest.mark.parametrize(
    ("local_warning_month", "expected_month"),
    [(None, 21), (18, 18)],
    ids=["general-rule-set", "organisation-rule-set"],
)
def test_rehab_warning_fires_on_the_first_day_of_the_warning_month(
    rules, worker, client_of, local_warning_month, expected_month
):
    if local_warning_month:
        local_rule_set(
            client_of,
            "rehabilitative_work_activity",
            warning_month=local_warning_month,
            max_duration_months=24,
        )
    # Month 21 of a period from 31 March begins on 1 December, the day after 30 November,
    # the last day of month 20 (step_rules.period_end_limit); month 18 on 31 August.
    start_on = datetime.date(2024, 3, 31)
    rehab = step(
        client_of,
        "rehabilitative_work_activity",
        start_on,
        organisation=client_of.responsible_unit.organisation,
        planned_end_on=datetime.date(2026, 3, 30),
    )
    assert rehab.rule_set.warning_month == expected_month
    warns_on = {21: datetime.date(2025, 12, 1), 18: datetime.date(2025, 8, 31)}[expected_month]
    assert warns_on == period_month_start(start_on, expected_month)

    sweep_reminders(today=warns_on - DAY)
    assert found(pathway_rules.REHAB_MONTH_21) == set()

    sweep_reminders(today=warns_on)
    assert found(pathway_rules.REHAB_MONTH_21) == {(worker.pk, rehab.pk, warns_on)}
    reminder = Reminder.objects.get(rule=pathway_rules.REHAB_MONTH_21)
    assert reminder.title == (
        f"Kuntouttava työtoiminta, {expected_month}. kuukausi alkanut: Silmu Suunnistaja"
    )
    assert reminder.link == f"/clients/{client_of.uuid}/steps/{rehab.pk}/"
    assert sweep_reminders(today=warns_on + 40 * DAY).total == 0


def test_month_21_begins_on_the_same_day_for_the_reminder_the_timeline_and_the_limit(
    rules, worker, client_of
):
    """From 31.1.2024, month 20 ends on 30.9.2025 (the limit of a 20-month period), so month
    21 begins on 1.10.2025: the reminder fires then, not on 30.9., and the timeline agrees."""
    start_on = datetime.date(2024, 1, 31)
    rehab = step(
        client_of,
        "rehabilitative_work_activity",
        start_on,
        planned_end_on=period_end_limit(start_on, 24),
    )
    assert rehab.rule_set.warning_month == 21
    assert period_end_limit(start_on, 20) == datetime.date(2025, 9, 30)
    last_of_month_20, first_of_month_21 = datetime.date(2025, 9, 30), datetime.date(2025, 10, 1)

    sweep_reminders(today=last_of_month_20)
    assert found(pathway_rules.REHAB_MONTH_21) == set()
    assert not [w for w in step_warnings(rehab, last_of_month_20) if w.startswith("Kuukausi")]

    sweep_reminders(today=first_of_month_21)
    assert found(pathway_rules.REHAB_MONTH_21) == {(worker.pk, rehab.pk, first_of_month_21)}
    assert "Kuukausi 21/24: arvioi jatko." in step_warnings(rehab, first_of_month_21)


def test_rehab_warning_falls_back_to_month_21_when_the_rule_set_is_silent(rules, worker, client_of):
    local_rule_set(client_of, "rehabilitative_work_activity", warning_month=None)
    start_on = datetime.date(2024, 6, 10)
    rehab = step(
        client_of,
        "rehabilitative_work_activity",
        start_on,
        organisation=client_of.responsible_unit.organisation,
    )
    assert rehab.rule_set.organisation_id is not None
    assert rehab.rule_set.warning_month is None
    sweep_reminders(today=datetime.date(2026, 2, 9))
    assert found(pathway_rules.REHAB_MONTH_21) == set()
    sweep_reminders(today=datetime.date(2026, 2, 10))
    assert found(pathway_rules.REHAB_MONTH_21) == {
        (worker.pk, rehab.pk, datetime.date(2026, 2, 10))
    }


def test_an_ended_rehab_period_gives_no_warning(rules, worker, client_of):
    start_on = datetime.date(2024, 1, 15)
    step(
        client_of,
        "rehabilitative_work_activity",
        start_on,
        status=StepStatus.ENDED,
        ended_on=datetime.date(2025, 1, 14),
        end_reason="completed",
        exit_outcome="other_service",
        review_decision="exit",
    )
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.REHAB_MONTH_21) == set()


def test_the_warning_month_begins_on_the_same_day_in_the_query_as_in_period_month_start():
    """The month-21 rule and its withdrawal read the warning month's first day in SQL; it
    must be step_rules.period_month_start's day, or the withdrawal would settle the rule's
    own reminders (and the reminder would fall on another day than the timeline's)."""
    from django.db.models import DateField, Value

    starts = []
    for year, month, day in itertools.product((2023, 2024), range(1, 13), (1, 15, 28, 29, 30, 31)):
        with contextlib.suppress(ValueError):  # no 30 February
            starts.append(datetime.date(year, month, day))
    months = range(1, 26)
    for start in starts:
        row = (
            ServiceType.objects.annotate(
                **{
                    f"m{m}": pathway_rules.period_month_start_sql(
                        Value(start, output_field=DateField()), Value(m)
                    )
                    for m in months
                }
            )
            .values(*(f"m{m}" for m in months))
            .first()
        )
        assert row == {f"m{m}": period_month_start(start, m) for m in months}, start


def rehab_in_month_21(client, **fields) -> tuple[PathwayStep, datetime.date]:
    start_on = datetime.date(2024, 3, 31)
    rehab = step(
        client,
        "rehabilitative_work_activity",
        start_on,
        planned_end_on=datetime.date(2026, 3, 30),
        **fields,
    )
    return rehab, period_month_start(start_on, 21)


def end(step_: PathwayStep, on: datetime.date, **fields) -> None:
    fields = {
        "end_reason": "completed",
        "exit_outcome": "other_service",
        "review_decision": "exit",
        **fields,
    }
    PathwayStep.objects.filter(pk=step_.pk).update(status=StepStatus.ENDED, ended_on=on, **fields)


def unread(rule: str) -> set[tuple]:
    return {
        (recipient_id, int(object_id), due_date)
        for recipient_id, object_id, due_date in Reminder.objects.filter(
            rule=rule, read_at__isnull=True
        ).values_list("recipient_id", "object_id", "due_date")
    }


@pytest.mark.parametrize("change", ["ended", "start_corrected", "client_closed"])
def test_a_month_21_reminder_is_settled_when_its_reason_has_gone(
    rules, worker, client_of, unit, change
):
    """The reminder is due on the first day of month 21, so it is past from the day it is
    written: without a withdrawal it stayed unread, and overdue, after the period ended or
    its start was corrected, as the other step rules' reminders do not. It is marked read
    (the row stays: it was right on its day); another client's period still in month 21
    keeps its reminder."""
    rehab, warns_on = rehab_in_month_21(client_of)
    other = ClientFactory(created_by=worker)
    other.memberships.update(started_on=datetime.date(2023, 1, 2))
    still_in_it, _day = rehab_in_month_21(other)
    sweep_reminders(today=warns_on)
    assert unread(pathway_rules.REHAB_MONTH_21) == {
        (worker.pk, rehab.pk, warns_on),
        (worker.pk, still_in_it.pk, warns_on),
    }

    later = warns_on + 20 * DAY
    if change == "ended":
        end(rehab, warns_on + 10 * DAY)
    elif change == "start_corrected":
        # Entered a month too early: month 21 begins on 1 January, which has not come.
        PathwayStep.objects.filter(pk=rehab.pk).update(start_on=datetime.date(2024, 5, 1))
        assert period_month_start(datetime.date(2024, 5, 1), 21) == datetime.date(2026, 1, 1)
        assert later < datetime.date(2026, 1, 1)
    else:
        type(client_of).objects.filter(pk=client_of.pk).update(
            closed_on=warns_on + 10 * DAY, closure_reason="moved_away"
        )

    result = sweep_reminders(today=later)
    assert result.withdrawn[pathway_rules.REHAB_MONTH_21] == 1
    assert unread(pathway_rules.REHAB_MONTH_21) == {(worker.pk, still_in_it.pk, warns_on)}
    assert found(pathway_rules.REHAB_MONTH_21) == {
        (worker.pk, rehab.pk, warns_on),
        (worker.pk, still_in_it.pk, warns_on),
    }
    if change == "start_corrected":
        sweep_reminders(today=datetime.date(2026, 1, 1))
        assert (worker.pk, rehab.pk, datetime.date(2026, 1, 1)) in unread(
            pathway_rules.REHAB_MONTH_21
        )


def test_a_month_21_reminder_is_not_settled_while_the_period_is_in_its_warning_months(
    rules, worker, client_of
):
    """Starts on the 29th to 31st, where the query's month arithmetic clamps: a sweep every
    day of months 21 to 24 leaves the one reminder unread."""
    clients = [client_of]
    for _other in range(2):
        clients.append(ClientFactory(created_by=worker))
        clients[-1].memberships.update(started_on=datetime.date(2023, 1, 2))
    steps = [
        step(client, "rehabilitative_work_activity", datetime.date(2024, 1, day))
        for client, day in zip(clients, (29, 30, 31), strict=True)
    ]
    first = min(period_month_start(s.start_on, 21) for s in steps)
    for offset in range(0, 120, 3):
        sweep_reminders(today=first + offset * DAY)
    assert unread(pathway_rules.REHAB_MONTH_21) == {
        (worker.pk, s.pk, period_month_start(s.start_on, 21)) for s in steps
    }
    assert Reminder.objects.filter(rule=pathway_rules.REHAB_MONTH_21).count() == 3


def test_an_ips_alert_is_settled_when_the_step_ends_without_a_contact(
    rules, worker, client_of, unit
):
    ips = step(client_of, "supported_employment", TODAY - 30 * DAY)
    sweep_reminders(today=TODAY)
    assert unread(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == {(worker.pk, ips.pk, TODAY)}
    end(ips, TODAY + DAY)
    sweep_reminders(today=TODAY + 2 * DAY)
    assert unread(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == set()
    assert found(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == {(worker.pk, ips.pk, TODAY)}


def test_a_past_ending_or_review_reminder_is_settled_when_the_step_ends_late(
    rules, worker, client_of
):
    """The step ran past its planned end and review date, so the reminders were past due
    (and stayed: the matter was still open; the ending one handed over to the planned end
    passed). Ended later, their matter is gone: they are marked read, not left overdue in
    the inbox for good."""
    end_on = TODAY + 5 * DAY
    workshop = step(
        client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on, review_due=end_on
    )
    sweep_reminders(today=TODAY)
    sweep_reminders(today=end_on + 3 * DAY)
    assert unread(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()
    assert unread(pathway_rules.STEP_PLANNED_END_PASSED) == {(worker.pk, workshop.pk, end_on)}
    assert unread(pathway_rules.STEP_REVIEW_DUE) == {(worker.pk, workshop.pk, end_on)}

    end(workshop, end_on + 4 * DAY)
    sweep_reminders(today=end_on + 5 * DAY)
    assert unread(pathway_rules.STEP_PLANNED_END_PASSED) == set()
    assert unread(pathway_rules.STEP_REVIEW_DUE) == set()
    assert found(pathway_rules.STEP_REVIEW_DUE) == {(worker.pk, workshop.pk, end_on)}


# Steps ending without a follow-on step


def test_step_ending_without_next_fires_fourteen_days_before_to_worker_and_coach(
    rules, worker, client_of, unit
):
    coach = make_user(Role.WORKSHOP_COACH, unit)
    add_member(client_of, coach, TeamRole.COACH)
    end_on = TODAY + 14 * DAY
    workshop = step(
        client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on, coach=coach
    )

    sweep_reminders(today=TODAY - DAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == {
        (worker.pk, workshop.pk, end_on),
        (coach.pk, workshop.pk, end_on),
    }
    assert Reminder.objects.filter(rule=pathway_rules.STEP_ENDING_WITHOUT_NEXT).first().title == (
        "Nuorten työpaja päättyy ilman jatkopolkua: Silmu Suunnistaja"
    )
    # Each leads to the step's own page, where the follow-on step is planned.
    assert set(
        Reminder.objects.filter(rule=pathway_rules.STEP_ENDING_WITHOUT_NEXT).values_list(
            "link", flat=True
        )
    ) == {f"/clients/{client_of.uuid}/steps/{workshop.pk}/"}
    assert sweep_reminders(today=TODAY + DAY).total == 0


def test_a_step_with_a_follow_on_step_needs_no_reminder(rules, worker, client_of):
    end_on = TODAY + 10 * DAY
    studies = step(client_of, "education", end_on + DAY, status=StepStatus.PLANNED)
    step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on, next_step=studies)
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()


def test_the_step_ending_window_is_configurable(rules, worker, client_of, settings):
    settings.POLKU_REMINDER_WINDOWS = {pathway_rules.STEP_ENDING_WITHOUT_NEXT: 30}
    end_on = TODAY + 30 * DAY
    workshop = step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on)
    sweep_reminders(today=TODAY - DAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == {(worker.pk, workshop.pk, end_on)}


def rehab_with_its_coaching(client, coach, start_on, end_on, **fields) -> tuple:
    """A rehabilitative work activity period and the work coaching planned with it (its mutual
    companion: the same dates and coach), as plan_step plans them."""
    rehab = step(
        client,
        "rehabilitative_work_activity",
        start_on,
        planned_end_on=end_on,
        coach=coach,
        **fields,
    )
    coaching = step(client, "work_coaching", start_on, planned_end_on=end_on, coach=coach, **fields)
    return rehab, coaching


def test_the_coaching_that_ends_with_its_period_gets_no_ending_reminder_nor_warning(
    rules, worker, client_of, unit
):
    """The work coaching planned with a work activity period ends with it (end_step ends it
    with the period's reason and outcome) and never has a follow-on of its own: the reminder
    and the timeline's warning are the period's only. The work coaching of a disability work
    activity period is no such companion (that period does not require it): it ends on its
    own, and is reminded of."""
    from pathways.timeline import step_warnings

    coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, coach, TeamRole.COACH)
    end_on = TODAY + 10 * DAY
    rehab, coaching = rehab_with_its_coaching(client_of, coach, TODAY - 90 * DAY, end_on)
    other = ClientFactory(created_by=worker)
    other.memberships.update(started_on=datetime.date(2023, 1, 2))
    add_member(other, coach, TeamRole.COACH)
    step(other, "disability_work_activity", TODAY - 90 * DAY, planned_end_on=end_on)
    own = step(other, "work_coaching", TODAY - 90 * DAY, planned_end_on=end_on, coach=coach)

    sweep_reminders(today=TODAY)
    ending = found(pathway_rules.STEP_ENDING_WITHOUT_NEXT)
    assert {(r, o) for r, o, _day in ending if o in (rehab.pk, coaching.pk)} == {
        (worker.pk, rehab.pk),
        (coach.pk, rehab.pk),
    }
    assert (coach.pk, own.pk, end_on) in ending

    warning = "Jakso päättyy 10 päivän kuluttua ilman jatkopolkua."
    listed = {s.pk: s for s in PathwayStep.objects.filter(client=client_of).for_timeline()}
    assert listed[coaching.pk].ends_with_period and not listed[rehab.pk].ends_with_period
    assert warning in step_warnings(listed[rehab.pk], TODAY)
    assert warning not in step_warnings(listed[coaching.pk], TODAY)
    # The step page's step, without the list's annotation, reads the same.
    assert warning not in step_warnings(PathwayStep.objects.get(pk=coaching.pk), TODAY)
    assert warning in step_warnings(PathwayStep.objects.get(pk=own.pk), TODAY)


def test_a_coachings_ending_reminder_is_taken_back_once_it_ends_with_a_period(
    rules, worker, client_of, unit
):
    """Reminded of while it ran alone, the work coaching then got the work activity period it
    accompanies (recorded later): its end is now the period's, and its reminder, not yet due,
    is taken back by the sweep."""
    coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, coach, TeamRole.COACH)
    end_on = TODAY + 10 * DAY
    coaching = step(
        client_of, "work_coaching", TODAY - 30 * DAY, planned_end_on=end_on, coach=coach
    )
    sweep_reminders(today=TODAY)
    assert {o for _r, o, _d in found(pathway_rules.STEP_ENDING_WITHOUT_NEXT)} == {coaching.pk}

    rehab = step(client_of, "rehabilitative_work_activity", TODAY - 30 * DAY, planned_end_on=end_on)
    result = sweep_reminders(today=TODAY + DAY)
    assert result.withdrawn[pathway_rules.STEP_ENDING_WITHOUT_NEXT] == 2
    assert {o for _r, o, _d in found(pathway_rules.STEP_ENDING_WITHOUT_NEXT)} == {rehab.pk}


# Steps still open past their planned end


def test_planned_end_passed_fires_the_day_after_it_to_worker_and_coach(
    rules, worker, client_of, unit
):
    """A period does not just run out: the day after its planned end, a step still open is
    reminded of, with a follow-on step planned or not, once."""
    coach = make_user(Role.WORKSHOP_COACH, unit)
    add_member(client_of, coach, TeamRole.COACH)
    end_on = TODAY
    studies = step(client_of, "education", end_on + DAY, status=StepStatus.PLANNED)
    workshop = step(
        client_of,
        "youth_workshop",
        TODAY - 90 * DAY,
        planned_end_on=end_on,
        coach=coach,
        next_step=studies,
    )

    sweep_reminders(today=end_on)
    assert found(pathway_rules.STEP_PLANNED_END_PASSED) == set()

    result = sweep_reminders(today=end_on + DAY)
    assert result.created[pathway_rules.STEP_PLANNED_END_PASSED] == 2
    assert found(pathway_rules.STEP_PLANNED_END_PASSED) == {
        (worker.pk, workshop.pk, end_on),
        (coach.pk, workshop.pk, end_on),
    }
    reminder = Reminder.objects.filter(rule=pathway_rules.STEP_PLANNED_END_PASSED).first()
    assert reminder.title == (
        "Nuorten työpaja: suunniteltu päättymispäivä 2.3.2026 on ohitettu, päätä jakso ja "
        "kirjaa arvio: Silmu Suunnistaja"
    )
    assert reminder.link == f"/clients/{client_of.uuid}/steps/{workshop.pk}/"
    # Exactly once, however long it stays open.
    assert (
        sweep_reminders(today=end_on + 2 * DAY).created[pathway_rules.STEP_PLANNED_END_PASSED] == 0
    )
    assert sweep_reminders(today=end_on + 40 * DAY).total == 0


def test_once_the_planned_end_has_passed_only_its_reminder_asks_about_the_step(
    rules, worker, client_of
):
    """The step ending without a follow-on was reminded of before its end; once the end has
    passed with the step still open, the planned-end-passed reminder takes over and the
    earlier one is marked read: the inbox does not ask twice about one step."""
    end_on = TODAY
    workshop = step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on)
    sweep_reminders(today=end_on - 3 * DAY)
    ending = Reminder.objects.get(rule=pathway_rules.STEP_ENDING_WITHOUT_NEXT)
    sweep_reminders(today=end_on)
    ending.refresh_from_db()
    assert ending.read_at is None  # due today: still the question

    sweep_reminders(today=end_on + DAY)
    assert found(pathway_rules.STEP_PLANNED_END_PASSED) == {(worker.pk, workshop.pk, end_on)}
    ending.refresh_from_db()
    assert ending.read_at is not None
    assert Reminder.objects.unread().filter(recipient=worker).count() == 1


def test_the_planned_end_passed_window_is_configurable(rules, worker, client_of, settings):
    settings.POLKU_REMINDER_WINDOWS = {pathway_rules.STEP_PLANNED_END_PASSED: 3}
    end_on = TODAY - 3 * DAY
    workshop = step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on)
    sweep_reminders(today=TODAY - DAY)
    assert found(pathway_rules.STEP_PLANNED_END_PASSED) == set()
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_PLANNED_END_PASSED) == {(worker.pk, workshop.pk, end_on)}


def test_planned_end_passed_leaves_out_companions_planned_steps_and_ended_ones(
    rules, worker, client_of, unit
):
    """The work activity period past its planned end is reminded of, to its worker and its
    coach; the coaching that ends with it is not (its end is the period's). A step still
    planned is cancelled or started, not ended; an ended one asks for nothing. A Jobcenter
    period naming no coach reminds the coach of the work coaching alongside it."""
    coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, coach, TeamRole.COACH)
    end_on = TODAY - 5 * DAY
    rehab, _coaching = rehab_with_its_coaching(
        client_of, coach, TODAY - 200 * DAY, TODAY + 30 * DAY
    )
    PathwayStep.objects.filter(pk__in=[rehab.pk, _coaching.pk]).update(planned_end_on=end_on)
    jobcenter = step(client_of, "jobcenter_paid_work", TODAY - 60 * DAY, planned_end_on=end_on)
    step(client_of, "education", TODAY - 30 * DAY, planned_end_on=end_on, status="planned")
    ended = step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on)
    end(ended, end_on)

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_PLANNED_END_PASSED) == {
        (worker.pk, rehab.pk, end_on),
        (coach.pk, rehab.pk, end_on),
        (worker.pk, jobcenter.pk, end_on),
        (coach.pk, jobcenter.pk, end_on),
    }


def test_a_planned_end_passed_reminder_is_settled_when_the_end_moves_or_the_step_ends(
    rules, worker, client_of
):
    """Past once written, the reminder is marked read (the row stays) when its matter has
    gone: the planned end moved later, or the step ended (in the action's own transaction,
    STEP_RULES; here straight in the database, so the sweep's withdrawal). A new planned end
    that has passed in turn is reminded of again."""
    end_on = TODAY - 2 * DAY
    moved = step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on)
    ended = step(client_of, "work_trial", TODAY - 90 * DAY, planned_end_on=end_on)
    staying = step(client_of, "volunteering", TODAY - 90 * DAY, planned_end_on=end_on)
    sweep_reminders(today=TODAY)
    assert len(unread(pathway_rules.STEP_PLANNED_END_PASSED)) == 3

    PathwayStep.objects.filter(pk=moved.pk).update(planned_end_on=TODAY + 5 * DAY)
    end(ended, TODAY)
    result = sweep_reminders(today=TODAY + DAY)
    assert result.withdrawn[pathway_rules.STEP_PLANNED_END_PASSED] == 2
    assert unread(pathway_rules.STEP_PLANNED_END_PASSED) == {(worker.pk, staying.pk, end_on)}
    assert len(found(pathway_rules.STEP_PLANNED_END_PASSED)) == 3

    sweep_reminders(today=TODAY + 6 * DAY)
    assert (worker.pk, moved.pk, TODAY + 5 * DAY) in unread(pathway_rules.STEP_PLANNED_END_PASSED)


# Jobcenter paid-work periods


def test_jobcenter_period_ending_without_next_reminds_work_coach_and_worker_seven_days_before(
    rules, worker, client_of, unit
):
    work_coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, work_coach, TeamRole.COACH)
    start_on = TODAY - 60 * DAY
    step(client_of, "rehabilitative_work_activity", start_on - 30 * DAY)
    step(client_of, "work_coaching", start_on - 30 * DAY, coach=work_coach)
    end_on = TODAY + 7 * DAY
    # The period names no coach: the work coach of the work coaching alongside it is reminded.
    jobcenter = step(client_of, "jobcenter_paid_work", start_on, planned_end_on=end_on)

    sweep_reminders(today=TODAY - DAY)
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == set()
    # The general 14-day rule leaves Jobcenter periods to their own rule.
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == {
        (work_coach.pk, jobcenter.pk, end_on),
        (worker.pk, jobcenter.pk, end_on),
    }
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()


def test_the_jobcenter_ending_window_is_configurable(rules, worker, client_of, unit, settings):
    """The Jobcenter period's own window is changed apart from the general step ending's."""
    settings.POLKU_REMINDER_WINDOWS = {pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT: 10}
    work_coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, work_coach, TeamRole.COACH)
    end_on = TODAY + 10 * DAY
    jobcenter = step(
        client_of, "jobcenter_paid_work", TODAY - 30 * DAY, planned_end_on=end_on, coach=work_coach
    )
    sweep_reminders(today=TODAY - DAY)
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == set()
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == {
        (work_coach.pk, jobcenter.pk, end_on),
        (worker.pk, jobcenter.pk, end_on),
    }
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == set()


def test_jobcenter_period_with_its_own_coach_reminds_that_coach(rules, worker, client_of, unit):
    work_coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, work_coach, TeamRole.COACH)
    end_on = TODAY + 2 * DAY
    jobcenter = step(
        client_of, "jobcenter_paid_work", TODAY - 30 * DAY, planned_end_on=end_on, coach=work_coach
    )
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == {
        (work_coach.pk, jobcenter.pk, end_on),
        (worker.pk, jobcenter.pk, end_on),
    }


def test_jobcenter_period_naming_no_coach_reminds_the_coach_alongside_not_the_next_one(
    rules, worker, client_of, unit
):
    """docs/permissions.md: the coach of the work coaching running alongside the period gets
    its reminders. The next work activity period, already planned with another coach, starts
    after the Jobcenter period: its coach is not alongside it, though it starts latest."""
    alongside, next_coach = make_user(Role.WORK_COACH, unit), make_user(Role.WORK_COACH, unit)
    add_member(client_of, alongside, TeamRole.COACH)
    add_member(client_of, next_coach, TeamRole.COACH)
    first_end = TODAY + 30 * DAY
    rehab_with_its_coaching(client_of, alongside, TODAY - 120 * DAY, first_end)
    rehab_with_its_coaching(
        client_of,
        next_coach,
        first_end + DAY,
        first_end + 180 * DAY,
        status=StepStatus.PLANNED,
    )
    end_on = TODAY + 7 * DAY
    jobcenter = step(client_of, "jobcenter_paid_work", TODAY - 60 * DAY, planned_end_on=end_on)

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == {
        (alongside.pk, jobcenter.pk, end_on),
        (worker.pk, jobcenter.pk, end_on),
    }


# Supported employment (IPS)


@pytest.mark.parametrize(
    ("local_days", "alert_days"), [(None, 30), (14, 14)], ids=["general", "organisation"]
)
def test_ips_without_employer_contact_fires_on_the_alert_day_and_not_before(
    rules, worker, client_of, unit, local_days, alert_days
):
    if local_days:
        local_rule_set(client_of, "supported_employment", employer_contact_alert_days=local_days)
    job_coach = make_user(Role.JOB_COACH, unit)
    add_member(client_of, job_coach, TeamRole.COACH)
    start_on = TODAY - alert_days * DAY
    ips = step(
        client_of,
        "supported_employment",
        start_on,
        organisation=client_of.responsible_unit.organisation,
        coach=job_coach,
    )
    assert ips.rule_set.employer_contact_alert_days == alert_days

    sweep_reminders(today=TODAY - DAY)
    assert found(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == set()

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == {
        (job_coach.pk, ips.pk, TODAY),
        (worker.pk, ips.pk, TODAY),
    }
    assert sweep_reminders(today=TODAY + 5 * DAY).total == 0


def test_an_employer_contact_silences_the_ips_alert(rules, worker, client_of, unit):
    job_coach = make_user(Role.JOB_COACH, unit)
    ips = step(client_of, "supported_employment", TODAY - 45 * DAY, coach=job_coach)
    EmployerContact.objects.create(
        step=ips,
        contacted_on=TODAY - 40 * DAY,
        employer_name="Kahvila Kulma",
        kind="visit",
        recorded_by=job_coach,
    )
    sweep_reminders(today=TODAY)
    assert found(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == set()


def test_recording_the_first_employer_contact_settles_the_ips_alert_in_every_inbox(
    rules, worker, client_of, unit
):
    """The alert told the job coach and the responsible worker that no employer has been
    contacted. The job coach records a contact: the alert is marked read in both inboxes,
    so neither the inbox nor the bell keeps asking for something done (the rows stay)."""
    from pathways import actions as pathway_actions
    from tests.conftest import acting

    job_coach = make_user(Role.JOB_COACH, unit)
    add_member(client_of, job_coach, TeamRole.COACH)
    ips = step(client_of, "supported_employment", TODAY - 35 * DAY, coach=job_coach)
    sweep_reminders(today=TODAY)
    alerts = Reminder.objects.filter(rule=pathway_rules.IPS_NO_EMPLOYER_CONTACT)
    assert {r.recipient_id for r in alerts.filter(read_at__isnull=True)} == {
        job_coach.pk,
        worker.pk,
    }
    with time_machine.travel(datetime.datetime.combine(TODAY, NOON), tick=False):
        pathway_actions.add_employer_contact(
            step=ips,
            recorded_by=acting(job_coach),
            contacted_on=TODAY,
            employer_name="Kahvila Kulma",
            kind="visit",
        )
    assert not alerts.filter(read_at__isnull=True).exists()
    assert alerts.count() == 2
    assert sweep_reminders(today=TODAY + DAY).total == 0


# Coaches off the care team


def _workshop_and_jobcenter(client, coach, work_coach) -> tuple[PathwayStep, PathwayStep]:
    """A youth workshop period ending on TODAY + 9 days and a Jobcenter period ending on
    TODAY + 3 days, both coached by `coach`, beside work coaching by `work_coach`; returns
    (workshop, Jobcenter period)."""
    workshop = step(
        client, "youth_workshop", TODAY - 90 * DAY, planned_end_on=TODAY + 9 * DAY, coach=coach
    )
    step(client, "work_coaching", TODAY - 90 * DAY, coach=work_coach)
    jobcenter = step(
        client, "jobcenter_paid_work", TODAY - 30 * DAY, planned_end_on=TODAY + 3 * DAY, coach=coach
    )
    return workshop, jobcenter


def test_a_coach_taken_off_the_team_is_not_reminded_of_the_client(rules, worker, client_of, unit):
    """The coach stays on the step, but reminders that name the client go only to a coach
    with a current care-team membership of the client; the responsible worker still gets
    them. A work coach on the team stands in for a Jobcenter period's own coach who left."""
    from clients.actions import end_membership
    from tests.conftest import acting

    coach = make_user(Role.JOB_COACH, unit)
    work_coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, work_coach, TeamRole.COACH)
    end_membership(membership=add_member(client_of, coach, TeamRole.COACH), ended_by=acting(worker))
    workshop, jobcenter = _workshop_and_jobcenter(client_of, coach, work_coach)
    ips = step(client_of, "supported_employment", TODAY - 40 * DAY, coach=coach)
    rehabilitation = step(
        client_of, "social_rehabilitation", TODAY - 80 * DAY, review_due=TODAY + DAY, coach=coach
    )

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == {
        (worker.pk, workshop.pk, TODAY + 9 * DAY)
    }
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == {
        (worker.pk, jobcenter.pk, TODAY + 3 * DAY),
        (work_coach.pk, jobcenter.pk, TODAY + 3 * DAY),
    }
    assert found(pathway_rules.IPS_NO_EMPLOYER_CONTACT) == {(worker.pk, ips.pk, TODAY - 10 * DAY)}
    assert found(pathway_rules.STEP_REVIEW_DUE) == {(worker.pk, rehabilitation.pk, TODAY + DAY)}
    assert not coach.reminders.exists()


def test_a_coach_taken_off_the_team_and_put_back_is_reminded_again(rules, worker, client_of, unit):
    """The coach's reminder that the step ends without a next one is put away as they leave
    the team; back on it, the next sweep asks them again, once."""
    from clients.actions import end_membership
    from tests.conftest import acting

    coach = make_user(Role.WORKSHOP_COACH, unit)
    membership = add_member(client_of, coach, TeamRole.COACH)
    end_on = TODAY + 10 * DAY
    step(client_of, "youth_workshop", TODAY - 90 * DAY, planned_end_on=end_on, coach=coach)
    sweep_reminders(today=TODAY)
    assert _unread(coach, pathway_rules.STEP_ENDING_WITHOUT_NEXT) == [end_on]

    end_membership(membership=membership, ended_by=acting(worker))
    sweep_reminders(today=TODAY)
    assert _unread(coach, pathway_rules.STEP_ENDING_WITHOUT_NEXT) == []

    add_member(client_of, coach, TeamRole.COACH)
    assert sweep_reminders(today=TODAY).created[pathway_rules.STEP_ENDING_WITHOUT_NEXT] == 1
    assert _unread(coach, pathway_rules.STEP_ENDING_WITHOUT_NEXT) == [end_on]
    assert sweep_reminders(today=TODAY).total == 0


def test_a_deactivated_coach_still_on_the_team_is_not_reminded(rules, worker, client_of, unit):
    """Deactivating an account ends no membership, so a coach who left stayed on the team
    and on the steps and kept getting the client's reminders. Now nobody inactive gets one,
    whatever the rule; a work coach on the team stands in for the Jobcenter period's."""
    coach = make_user(Role.JOB_COACH, unit)
    work_coach = make_user(Role.WORK_COACH, unit)
    add_member(client_of, coach, TeamRole.COACH)
    add_member(client_of, work_coach, TeamRole.COACH)
    type(coach).objects.filter(pk=coach.pk).update(is_active=False)
    workshop, jobcenter = _workshop_and_jobcenter(client_of, coach, work_coach)

    sweep_reminders(today=TODAY)
    assert found(pathway_rules.STEP_ENDING_WITHOUT_NEXT) == {
        (worker.pk, workshop.pk, TODAY + 9 * DAY)
    }
    assert found(pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT) == {
        (worker.pk, jobcenter.pk, TODAY + 3 * DAY),
        (work_coach.pk, jobcenter.pk, TODAY + 3 * DAY),
    }
    assert not coach.reminders.exists()


# All rules together


def _caseload(worker, unit, size: int) -> None:
    """`size` clients, each due for every rule on TODAY."""
    coach = make_user(Role.JOB_COACH, unit)
    for _ in range(size):
        # A responsible worker who left the unit: their client's managers are told.
        leaver = make_user(Role.SOCIAL_WORKER, unit)
        leaver.role_assignments.update(valid_to=TODAY - DAY)
        ClientFactory(created_by=leaver)
        client = ClientFactory(created_by=worker)
        make_plan(client, worker, next_review_on=TODAY + 2 * DAY)
        make_plan(client, worker, plan_type="activation_plan", next_review_on=TODAY - 2 * DAY)
        step(client, "rehabilitative_work_activity", datetime.date(2024, 3, 1))
        step(client, "youth_workshop", TODAY - 60 * DAY, planned_end_on=TODAY + 5 * DAY)
        step(client, "work_coaching", TODAY - 60 * DAY, coach=coach)
        step(client, "jobcenter_paid_work", TODAY - 20 * DAY, planned_end_on=TODAY + 3 * DAY)
        step(client, "supported_employment", TODAY - 40 * DAY, coach=coach)
        step(client, "social_rehabilitation", TODAY - 80 * DAY, review_due=TODAY + 3 * DAY)
        step(client, "work_trial", TODAY - 60 * DAY, planned_end_on=TODAY - 2 * DAY)
        membership = add_member(client, coach, TeamRole.COACH)
        membership.valid_until = TODAY + 4 * DAY
        membership.save()
        started_at = datetime.datetime.combine(TODAY, datetime.time(8), tzinfo=HELSINKI)
        BreakTheGlass.objects.create(
            client=client,
            user=coach,
            role=Role.JOB_COACH,
            unit=client.responsible_unit,
            reason="Testi",
            started_at=started_at,
            expires_at=started_at + datetime.timedelta(hours=1),
        )


def _sweep_queries(today) -> tuple[int, int]:
    for model in (ClientPlan, CareTeamMembership, BreakTheGlass, PathwayStep):
        ContentType.objects.get_for_model(model)  # cached for the process, as in a worker
    with CaptureQueriesContext(connection) as queries:
        created = sweep_reminders(today=today).total
    return created, len(queries)


def test_the_sweep_reads_in_batches_whatever_the_number_of_clients(rules, worker, unit):
    make_user(Role.MANAGER, unit)
    _caseload(worker, unit, 2)
    small_created, small_queries = _sweep_queries(TODAY)
    # plans 2, rehab 1, workshop 1, jobcenter 2, IPS 2, break-the-glass review 1, step review 1,
    # membership ending 1, planned end passed 1, the leaver's client 1
    assert small_created == 2 * 13
    Reminder.objects.all().delete()

    _caseload(worker, unit, 5)
    large_created, large_queries = _sweep_queries(TODAY)
    assert large_created == 7 * 13
    assert large_queries == small_queries


def test_a_second_sweep_creates_no_duplicates(rules, worker, unit):
    make_user(Role.MANAGER, unit)
    _caseload(worker, unit, 3)
    first = sweep_reminders(today=TODAY)
    assert first.failed == []
    assert set(first.created) == {
        client_rules.PLAN_REVIEW_DUE,
        client_rules.PLAN_REVIEW_OVERDUE,
        client_rules.BREAK_THE_GLASS_REVIEW,
        client_rules.MEMBERSHIP_ENDING,
        client_rules.RESPONSIBLE_WORKER_UNREACHABLE,
        pathway_rules.REHAB_MONTH_21,
        pathway_rules.STEP_ENDING_WITHOUT_NEXT,
        pathway_rules.JOBCENTER_ENDING_WITHOUT_NEXT,
        pathway_rules.IPS_NO_EMPLOYER_CONTACT,
        pathway_rules.STEP_REVIEW_DUE,
        pathway_rules.STEP_PLANNED_END_PASSED,
    }
    assert all(count > 0 for count in first.created.values()), first.created
    count = Reminder.objects.count()
    assert count == first.total > 0

    second = sweep_reminders(today=TODAY)
    assert second.total == 0
    assert Reminder.objects.count() == count


def test_titles_are_written_in_each_recipients_language(rules, worker, client_of, unit):
    job_coach = make_user(Role.JOB_COACH, unit, preferred_language="sv")
    add_member(client_of, job_coach, TeamRole.COACH)
    ips = step(client_of, "supported_employment", TODAY - 31 * DAY, coach=job_coach)
    sweep_reminders(today=TODAY)
    titles = dict(
        Reminder.objects.filter(
            rule=pathway_rules.IPS_NO_EMPLOYER_CONTACT, object_id=ips.pk
        ).values_list("recipient_id", "title")
    )
    assert titles[worker.pk].startswith("Tuetun työllistymisen työhönvalmennus (IPS)")
    # The service's name is the Swedish one; the sentence around it follows with its .po entry.
    assert titles[job_coach.pk].startswith("Arbetsträning för stödd sysselsättning (IPS)")
    assert titles[job_coach.pk].endswith("Silmu Suunnistaja")
