"""Fields set in a row or a table cell (a goal's status on the plan page, the attendance grid)
look like the form's other fields and are as easy to hit: a visible border and a height of at
least 44 px, not the browser's 19 px select left bare by an HDS class without its wrapper."""

import datetime

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from pathways.factories import make_step
from services import demo
from services.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)

MIN_HEIGHT = 44


def _looks(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        """(field) => {
            const style = getComputedStyle(field);
            return {height: field.getBoundingClientRect().height,
                    border: parseFloat(style.borderTopWidth), colour: style.borderTopColor};
        }"""
    )


def test_a_goals_status_and_the_attendance_grid_have_full_sized_fields(new_page):
    demo.seed()  # browser tests run on a flushed database: units and rule sets again
    worker = make_user(Role.SOCIAL_WORKER, Unit.objects.get(slug="hki-aikuissosiaalityo"))
    client = ClientFactory(created_by=worker)
    plan = make_plan(client, worker, goals=("Hygieniapassi",))
    step = make_step(
        client,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=datetime.date.today() - datetime.timedelta(days=30),
    )
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/plans/{plan.pk}/")
    goal = _looks(page, "select[name=status]")
    assert goal["height"] >= MIN_HEIGHT and goal["border"] >= 2, goal
    page.goto(f"/clients/{client.uuid}/steps/{step.pk}/attendance/")
    for selector in ("select[name$='-status']", "input[name$='-hours']", "select[name$='-reason']"):
        field = _looks(page, f"#attendance-grid {selector}")
        assert field["height"] >= MIN_HEIGHT and field["border"] >= 2, (selector, field)
