"""Change history by pghistory triggers, with the acting user as context."""

from accounts.factories import make_user
from accounts.roles import Role
from clients import actions
from clients.factories import add_member, make_plan
from clients.models import (
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    GoalStatus,
    PlanGoal,
    ServiceNeedAssessment,
    TeamRole,
)
from tests.conftest import acting, login


def test_a_change_through_the_page_is_in_the_history_with_the_acting_user(client, team):
    target = team["client"]
    login(client, team["worker"])
    response = client.post(
        f"/clients/{target.uuid}/edit/",
        {
            "first_names": target.first_names,
            "last_name": "Uusinimi",
            "language": "fi",
            "relationship_home": "social_services",
            "phone": "040 7654321",
        },
    )
    assert response.status_code == 302
    events = Client.pgh_event_model.objects.filter(pgh_obj=target).order_by("pgh_id")
    last = events.last()
    assert last.last_name == "Uusinimi"
    assert last.pgh_context.metadata["user"] == team["worker"].pk
    assert "identity_code_encrypted" not in {f.name for f in Client.pgh_event_model._meta.fields}


# Plans, goals, notes, memberships and assessments: each write is in the history with its user.


def _last_event(model, obj):
    event = model.pgh_event_model.objects.filter(pgh_obj=obj).order_by("pgh_id").last()
    assert event is not None, f"no history for {model.__name__}"
    return event


def _context(event):
    return event.pgh_context.metadata


def test_plan_and_goal_writes_are_in_the_history_with_the_acting_user(team):

    worker = acting(team["worker"])
    plan = actions.create_plan(
        client=team["client"],
        written_by=worker,
        plan_type="client_plan",
        goals=["Hygieniapassi"],
        client_view="Haluan töihin.",
    )
    created = _last_event(ClientPlan, plan)
    assert _context(created) == {"user": worker.pk, "action": "clients.plan.created"}
    goal = plan.goals.get()
    assert _context(_last_event(PlanGoal, goal))["user"] == worker.pk

    sote = acting(_sote_contact(team))
    actions.set_goal_status(goal=goal, status=GoalStatus.IN_PROGRESS, changed_by=sote)
    changed = _last_event(PlanGoal, goal)
    assert changed.status == GoalStatus.IN_PROGRESS
    assert _context(changed) == {"user": sote.pk, "action": "clients.goal.changed"}

    revised = actions.revise_plan(
        plan=plan, revised_by=sote, goals=["Hygieniapassi"], client_view="Haluan keittiöön."
    )
    event = _last_event(ClientPlan, revised)
    assert (event.version, event.client_view) == (2, "Haluan keittiöön.")
    assert _context(event) == {"user": sote.pk, "action": "clients.plan.revised"}


def _sote_contact(team):

    sote = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    add_member(team["client"], sote, TeamRole.SOTE_CONTACT)
    return sote


def test_note_writes_are_in_the_history_with_the_acting_user(team):

    coach = acting(team["coach"])
    note = actions.add_note(client=team["client"], author=coach, text="Tapaaminen työpaikalla.")
    assert _context(_last_event(CaseNote, note)) == {
        "user": coach.pk,
        "action": "clients.note.added",
    }
    actions.edit_note(note=note, edited_by=coach, text="Tapaaminen työpaikalla, sovittiin jatko.")
    event = _last_event(CaseNote, note)
    assert event.text == "Tapaaminen työpaikalla, sovittiin jatko."
    assert _context(event) == {"user": coach.pk, "action": "clients.note.edited"}


def test_membership_writes_are_in_the_history_with_the_acting_user(team):

    worker = acting(team["worker"])
    pair = make_user(Role.COORDINATOR, team["unit"])
    membership = actions.add_team_member(
        client=team["client"], user=pair, role=TeamRole.WORK_PAIR, added_by=worker
    )
    assert _context(_last_event(CareTeamMembership, membership)) == {
        "user": worker.pk,
        "action": "clients.membership.added",
    }
    manager = acting(team["manager"])
    actions.end_membership(membership=membership, ended_by=manager)
    event = _last_event(CareTeamMembership, membership)
    assert event.ended_on is not None
    assert _context(event) == {"user": manager.pk, "action": "clients.membership.ended"}


def test_a_transfer_is_in_the_membership_history_with_the_acting_user(team):

    manager = acting(team["manager"])
    old = CareTeamMembership.objects.get(
        client=team["client"], role=TeamRole.RESPONSIBLE_WORKER, ended_on__isnull=True
    )
    new = actions.transfer_responsibility(
        client=team["client"],
        to_user=team["counsellor"],
        to_unit=team["unit"],
        transferred_by=manager,
        handover_note="Siirto sovitusti.",
    )
    for membership in (old, new):
        assert _context(_last_event(CareTeamMembership, membership)) == {
            "user": manager.pk,
            "action": "clients.responsibility.transferred",
        }


def test_an_assessment_is_in_the_history_with_the_acting_user(team):

    worker = acting(team["worker"])
    assessment = actions.save_assessment(client=team["client"], written_by=worker)
    assert _context(_last_event(ServiceNeedAssessment, assessment)) == {
        "user": worker.pk,
        "action": "clients.assessment.saved",
    }


def test_a_goal_status_set_through_the_page_is_in_the_history(client, team):

    plan = make_plan(team["client"], team["worker"], goals=("Hygieniapassi",))
    goal = plan.goals.get()
    login(client, team["worker"])
    client.post(
        f"/clients/{team['client'].uuid}/plans/{plan.pk}/goals/{goal.pk}/status/",
        {"status": "achieved"},
    )
    event = _last_event(PlanGoal, goal)
    assert event.status == "achieved"
    assert _context(event)["user"] == team["worker"].pk
