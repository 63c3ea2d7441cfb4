"""The attendance grid, sent by htmx in a role that ended while it was open: the refusal page
takes the whole page's place (not the grid's, not the dashboard), shows back the week typed,
takes the focus to its heading, keeps the address, and passes axe."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from pathways.factories import make_step
from pathways.models import Attendance
from services import demo
from services.factories import UnitFactory
from services.models import Unit
from tests.e2e.conftest import assert_accessible, collect_csp_errors

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_week_sent_in_an_ended_role_is_shown_back_in_place_of_the_page(new_page):
    demo.seed()  # browser tests run on a flushed database: load units and rule sets again
    worker = make_user(Role.SOCIAL_WORKER, Unit.objects.get(slug="hki-aikuissosiaalityo"))
    home = worker.role_assignments.get()
    RoleAssignment.objects.create(
        user=worker, role=Role.SOCIAL_WORKER, unit=UnitFactory(name_fi="Toisen kunnan aikuistyö")
    )
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    client = ClientFactory(
        created_by=worker, birth=today.replace(year=today.year - 30) - datetime.timedelta(days=9)
    )
    make_plan(client, worker, plan_type="activation_plan")
    step = make_step(
        client,
        "open_work",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        daily_compensation=Decimal(10),
        effects_discussed_on=monday - datetime.timedelta(days=30),
    )
    page = new_page(worker)
    page.goto("/")
    page.get_by_label("Rooli", exact=True).select_option(str(home.pk))
    page.get_by_role("button", name="Vaihda").click()
    year, week, _weekday = monday.isocalendar()
    address = f"/clients/{client.uuid}/steps/{step.pk}/attendance/?week={year}-W{week:02d}"
    page.goto(address)
    errors = collect_csp_errors(page)
    tuesday = monday + datetime.timedelta(days=1)
    page.locator(f"#id_{monday.isoformat()}-status").select_option("present")
    page.locator(f"#id_{monday.isoformat()}-hours").fill("4.5")
    page.locator(f"#id_{tuesday.isoformat()}-status").select_option("absent")
    page.locator(f"#id_{tuesday.isoformat()}-reason").select_option("sick")

    # The role ends while the grid is open.
    yesterday = today - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(pk=home.pk).update(
        valid_from=yesterday - datetime.timedelta(days=7), valid_to=yesterday
    )
    page.get_by_role("button", name="Tallenna viikko").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Lomaketta ei tallennettu")
    expect(heading).to_be_focused()
    expect(page).to_have_title("Lomaketta ei tallennettu – Polku")
    expect(page.locator("#attendance-grid")).to_have_count(0)
    texts = page.locator("textarea[readonly]")
    expect(texts.first).to_be_visible()
    shown = [texts.nth(i).input_value() for i in range(texts.count())]
    assert "4.5" in shown
    assert "sick" in shown
    assert page.url.endswith(address)
    assert not Attendance.objects.exists()
    assert_accessible(page)
    assert errors == []
