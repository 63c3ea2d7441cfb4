"""A goal's status is set on the plan page with htmx: in place, announced, focus kept; axe-clean."""

import pytest
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from clients.models import GoalStatus, PlanGoal
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_setting_a_goal_status_in_place_keeps_focus_and_announces_it(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(created_by=worker)
    plan = make_plan(client, worker, goals=("Hygieniapassi", "Työkokeilu"))
    goal = plan.goals.get(text="Hygieniapassi")
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/plans/{plan.pk}/")
    assert_accessible(page)
    page.get_by_label("Tavoitteen tila – Hygieniapassi").select_option("achieved")
    save = page.get_by_role("button", name="Tallenna tila – Hygieniapassi")
    save.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#goal-status-live")).to_have_text(
        "Tavoitteen tila tallennettu: Hygieniapassi"
    )
    expect(page.locator(f"#goal-{goal.pk}")).to_contain_text("(Saavutettu)")
    expect(page.locator(f"#goal-{goal.pk}-save")).to_be_focused()
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert PlanGoal.objects.get(pk=goal.pk).status == GoalStatus.ACHIEVED
    assert_accessible(page)
