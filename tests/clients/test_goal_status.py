"""A goal's status is set on the plan page: htmx in place, a plain form as fallback; logged."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AccessLogEntry
from clients import actions
from clients.factories import add_member, make_plan
from clients.models import GoalStatus, PlanGoal, TeamRole
from tests.conftest import acting, login


@pytest.fixture
def plan(team):
    return make_plan(team["client"], team["worker"], goals=("Hygieniapassi", "Työkokeilu"))


def _url(team, plan, goal):
    return f"/clients/{team['client'].uuid}/plans/{plan.pk}/goals/{goal.pk}/status/"


def _goal(plan, text="Hygieniapassi"):
    return plan.goals.get(text=text)


def test_the_plan_page_offers_a_labelled_status_control_per_goal(client, team, plan):
    login(client, team["worker"])
    text = client.get(f"/clients/{team['client'].uuid}/plans/{plan.pk}/").content.decode()
    goal = _goal(plan)
    assert f'<label for="goal-{goal.pk}-status">' in text
    assert f'id="goal-{goal.pk}-status"' in text
    assert f'action="{_url(team, plan, goal)}"' in text
    assert f'hx-post="{_url(team, plan, goal)}"' in text
    assert 'id="goal-status-live"' in text and 'role="status"' in text


def test_a_team_member_who_only_reads_the_plan_gets_no_control(client, team, plan):
    login(client, team["coach"])
    text = client.get(f"/clients/{team['client'].uuid}/plans/{plan.pk}/").content.decode()
    assert "Hygieniapassi" in text
    assert "/goals/" not in text


def test_the_form_post_sets_the_status_logs_it_and_returns_to_the_goal(client, team, plan):
    goal = _goal(plan)
    login(client, team["worker"])
    response = client.post(_url(team, plan, goal), {"status": GoalStatus.ACHIEVED})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{team['client'].uuid}/plans/{plan.pk}/#goal-{goal.pk}"
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert _goal(plan, "Työkokeilu").status == GoalStatus.OPEN
    entry = AccessLogEntry.objects.get(action="clients.goal.changed")
    assert (entry.client_id, entry.actor, entry.object_id, entry.detail) == (
        team["client"].uuid,
        team["worker"],
        str(goal.pk),
        GoalStatus.ACHIEVED,
    )
    assert "Tavoitteen tila tallennettu" in client.get(response["Location"]).content.decode()


def test_the_saved_message_naming_the_goal_stays_out_of_the_browsers_cookies(client, team, plan):
    """The message after a plain form post names the goal: it waits in the server-side
    session for the next page, not in a `messages` cookie the browser keeps readable
    (config.settings.MESSAGE_STORAGE)."""
    goal = _goal(plan)
    login(client, team["worker"])
    response = client.post(_url(team, plan, goal), {"status": GoalStatus.ACHIEVED})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "messages" not in client.cookies
    assert all("Hygieniapassi" not in morsel.value for morsel in client.cookies.values())
    page = client.get(response["Location"]).content.decode()
    assert "Tavoitteen tila tallennettu: Hygieniapassi" in page
    # Shown once: the next page has it no more.
    again = client.get(response["Location"]).content.decode()
    assert "Tavoitteen tila tallennettu" not in again


def test_htmx_swaps_the_goal_in_place_and_announces_it(client, team, plan):
    goal = _goal(plan)
    login(client, team["worker"])
    response = client.post(
        _url(team, plan, goal), {"status": GoalStatus.IN_PROGRESS}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert text.strip().startswith(f'<li id="goal-{goal.pk}">')
    assert '<option value="in_progress" selected>' in text
    assert 'hx-swap-oob="innerHTML:#goal-status-live"' in text
    assert "Tavoitteen tila tallennettu: Hygieniapassi" in text
    # The control keeps its id, so htmx gives focus back to it after the swap.
    assert f'id="goal-{goal.pk}-save"' in text
    assert PlanGoal.objects.get(pk=goal.pk).status == GoalStatus.IN_PROGRESS


def test_an_unknown_status_is_refused_in_place(client, team, plan):
    goal = _goal(plan)
    login(client, team["worker"])
    response = client.post(
        _url(team, plan, goal), {"status": "done"}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert 'aria-invalid="true"' in text and f'id="goal-{goal.pk}-error"' in text
    assert PlanGoal.objects.get(pk=goal.pk).status == GoalStatus.OPEN
    assert not AccessLogEntry.objects.filter(action="clients.goal.changed").exists()


def test_the_sote_contact_person_may_set_it_and_the_coach_may_not(client, team, plan):
    from accounts.factories import make_user
    from accounts.roles import Role

    sote = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    add_member(team["client"], sote, TeamRole.SOTE_CONTACT)
    goal = _goal(plan)
    login(client, team["coach"])
    assert client.post(_url(team, plan, goal), {"status": "achieved"}).status_code == 403
    client.logout()
    login(client, sote)
    assert client.post(_url(team, plan, goal), {"status": "achieved"}).status_code == 302
    assert PlanGoal.objects.get(pk=goal.pk).status == GoalStatus.ACHIEVED


def test_a_goal_of_an_old_version_is_not_changed(client, team, plan):
    worker = acting(team["worker"])
    actions.revise_plan(
        plan=plan, revised_by=worker, goals=["Hygieniapassi"], client_view="Uusi näkemys."
    )
    goal = _goal(plan)
    with pytest.raises(ValidationError) as error:
        actions.set_goal_status(goal=goal, status=GoalStatus.ACHIEVED, changed_by=worker)
    assert "uusimmassa versiossa" in error.value.messages[0]
    with translation.override("sv"), pytest.raises(ValidationError) as error:
        actions.set_goal_status(goal=goal, status=GoalStatus.ACHIEVED, changed_by=worker)
    assert error.value.messages == [
        "Det finns redan en nyare version av planen. Ändra målets status i den senaste versionen."
    ]
    login(client, team["worker"])
    response = client.post(_url(team, plan, goal), {"status": "achieved"})
    assert response.status_code == 302
    assert PlanGoal.objects.get(pk=goal.pk).status == GoalStatus.OPEN
    page = client.get(response["Location"]).content.decode()
    assert "uusimmassa versiossa" in page
    assert f'id="goal-{goal.pk}-status"' not in page


def test_a_goal_under_another_plans_url_answers_404(client, team, plan):
    other = make_plan(team["client"], team["worker"], plan_type="activation_plan", goals=("X",))
    login(client, team["worker"])
    goal = _goal(plan)
    url = f"/clients/{team['client'].uuid}/plans/{other.pk}/goals/{goal.pk}/status/"
    assert client.post(url, {"status": "achieved"}).status_code == 404
    assert PlanGoal.objects.get(pk=goal.pk).status == GoalStatus.OPEN


def _reads():
    return list(
        AccessLogEntry.objects.filter(action="clients.plan.viewed").values_list(
            "client_id", "actor", "object_id"
        )
    )


def test_a_refused_status_shown_again_in_place_is_logged_as_a_read_of_the_plan(client, team, plan):
    # The fragment shows the goal's text again and the action wrote nothing: as the plan
    # page logs its read (clients.access.log_shown_again).
    goal = _goal(plan)
    login(client, team["worker"])
    response = client.post(
        _url(team, plan, goal), {"status": "done"}, headers={"HX-Request": "true"}
    )
    assert "Hygieniapassi" in response.content.decode()
    assert _reads() == [(team["client"].uuid, team["worker"].pk, str(plan.pk))]


def test_an_unchanged_status_shown_in_place_is_logged_as_a_read_of_the_plan(client, team, plan):
    goal = _goal(plan)
    login(client, team["worker"])
    response = client.post(
        _url(team, plan, goal), {"status": GoalStatus.OPEN}, headers={"HX-Request": "true"}
    )
    assert "Hygieniapassi" in response.content.decode()
    assert not AccessLogEntry.objects.filter(action="clients.goal.changed").exists()
    assert _reads() == [(team["client"].uuid, team["worker"].pk, str(plan.pk))]


def test_a_changed_status_in_place_writes_only_the_change(client, team, plan):
    goal = _goal(plan)
    login(client, team["worker"])
    client.post(
        _url(team, plan, goal), {"status": GoalStatus.ACHIEVED}, headers={"HX-Request": "true"}
    )
    assert AccessLogEntry.objects.filter(action="clients.goal.changed").count() == 1
    assert _reads() == []
