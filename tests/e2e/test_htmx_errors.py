"""An htmx action answered by an error page (a stale form token, a missing object) in headless
Chromium: the error page is shown in place of the page, its heading focused, instead of
htmx dropping the answer and leaving the user to believe the action was saved."""

import pytest
from playwright.sync_api import expect

from notifications.factories import TaskFactory
from notifications.models import Task
from tests.e2e.conftest import assert_accessible, collect_csp_errors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_check_off_with_a_stale_form_token_shows_the_error_page(new_page, social_worker):
    task = TaskFactory(assignee=social_worker, title="Lähetä peruutus Kelalle", overdue=True)
    page = new_page(social_worker)
    csp_errors = collect_csp_errors(page)
    page.goto("/inbox/")
    # The token the page holds no longer matches, as after signing out and in again elsewhere.
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "csrftoken"]
    page.context.add_cookies([{**cookie, "value": "x" * 32}])
    page.get_by_role("button", name="Tehty – Lähetä peruutus Kelalle").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Lomakkeen lähetys ei onnistunut")
    expect(heading).to_be_focused()
    expect(page.locator("main")).to_contain_text("Tietoja ei tallennettu.")
    expect(page).to_have_title("Lomakkeen lähetys ei onnistunut – Polku")
    assert page.url.endswith("/inbox/")
    assert_accessible(page)
    assert csp_errors == []
    task.refresh_from_db()
    assert task.done_on is None


def test_a_check_off_of_a_task_gone_meanwhile_shows_the_not_found_page(new_page, social_worker):
    task = TaskFactory(assignee=social_worker, title="Lähetä peruutus Kelalle", overdue=True)
    page = new_page(social_worker)
    page.goto("/inbox/")
    Task.objects.filter(pk=task.pk).delete()
    page.get_by_role("button", name="Tehty – Lähetä peruutus Kelalle").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Sivua ei löytynyt")
    expect(heading).to_be_focused()
    expect(page.locator("#inbox-tasks")).to_have_count(0)
