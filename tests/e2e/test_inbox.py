"""The inbox and the bell in headless Chromium with the CSP on: htmx actions, focus, and axe.

Belongs in tests/e2e/ (as test_inbox.py), whose conftest provides the
browser fixtures: a second session-wide Playwright elsewhere cannot start.
Until it is moved, run it with
`DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=. pytest -p tests.e2e.conftest
tests/notifications/browser_inbox.py`.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.factories import ReminderFactory, TaskFactory
from notifications.models import Reminder, Task
from tests.e2e.conftest import assert_accessible, collect_csp_errors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_inbox_actions_with_htmx_keep_focus_and_pass_axe(new_page, social_worker):
    today = timezone.localdate()
    task = TaskFactory(assignee=social_worker, title="Lähetä peruutus Kelalle", overdue=True)
    TaskFactory(assignee=social_worker, title="Ilmoita työllisyyspalveluille", due_date=today)
    ReminderFactory(recipient=social_worker, title="Suunnitelman tarkistus", due_date=today)
    ReminderFactory(recipient=social_worker, title="Jakso päättyy")
    page = new_page(social_worker)
    csp_errors = collect_csp_errors(page)
    page.goto("/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saapuneet")
    assert_accessible(page)

    # A date in the future: the error appears next to the field, the task stays open.
    tomorrow = today + datetime.timedelta(days=1)
    page.get_by_label("Tehty päivänä – Lähetä peruutus Kelalle").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Tehty – Lähetä peruutus Kelalle").click()
    expect(page.locator("#inbox-tasks")).to_contain_text("Päivämäärä ei voi olla tulevaisuudessa.")
    # The error summary takes the focus and is read out; its link goes to the field.
    summary = page.locator("#inbox-tasks [role=alert]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Päivämäärä ei voi olla tulevaisuudessa.")
    summary.get_by_role("link", name="Tehty päivänä – Lähetä peruutus Kelalle").click()
    expect(page.get_by_label("Tehty päivänä – Lähetä peruutus Kelalle")).to_be_focused()
    assert_accessible(page)

    # A date typed into another row, not sent, stays as typed when this row is sent.
    yesterday = today - datetime.timedelta(days=1)
    other_row = page.get_by_label("Tehty päivänä – Ilmoita työllisyyspalveluille")
    other_row.fill(yesterday.isoformat())
    page.get_by_label("Tehty päivänä – Lähetä peruutus Kelalle").fill(today.isoformat())
    page.get_by_role("button", name="Tehty – Lähetä peruutus Kelalle").click()
    status = page.locator("#inbox-tasks [role=status]")
    expect(status).to_have_text("Tehtävä merkitty tehdyksi: Lähetä peruutus Kelalle")
    expect(status).to_be_focused()
    expect(page.get_by_role("heading", name="Avoimet tehtävät (1)")).to_be_visible()
    expect(other_row).to_have_value(yesterday.isoformat())

    page.get_by_role("button", name="Luettu – Suunnitelman tarkistus").click()
    expect(page.get_by_role("heading", name="Lukemattomat muistutukset (1)")).to_be_visible()
    page.get_by_role("button", name="Merkitse kaikki luetuiksi").click()
    expect(page.locator("#inbox-reminders")).to_contain_text("Ei lukemattomia muistutuksia.")
    assert_accessible(page)

    assert page.url.split("#")[0].endswith("/inbox/")  # htmx swapped sections; no navigation
    assert csp_errors == []
    task.refresh_from_db()
    assert task.done_on == today
    assert not Reminder.objects.unread().exists()
    assert Task.objects.open().count() == 1


def test_the_bell_loads_its_count_and_refreshes_after_a_change(new_page, social_worker):
    ReminderFactory.create_batch(2, recipient=social_worker)
    page = new_page(social_worker)
    page.goto("/saavutettavuus/")
    bell = page.get_by_role("link", name="Saapuneet, 2 lukematonta")
    expect(bell).to_have_attribute("href", "/inbox/")
    assert page.locator("[aria-live=polite] #polku-bell-link").count() == 1
    # htmx listens on swapped-in content only once it has settled: it drops `htmx-added` from
    # the swapped top-level element (the live region around the link) and then processes it.
    expect(page.locator("#polku-bell")).not_to_have_class(re.compile(r"\bhtmx-added\b"))

    # Nothing changed: the answer is 204 and the link stays as it was.
    with page.expect_response(lambda r: "/inbox/bell/?shown=2" in r.url) as unchanged:
        page.evaluate("document.body.dispatchEvent(new Event('inboxChanged'))")
    assert unchanged.value.status == 204
    expect(bell).to_be_visible()
    expect(bell).not_to_have_class(re.compile(r"\bhtmx-added\b"))

    ReminderFactory(recipient=social_worker)
    with page.expect_response(lambda r: "/inbox/bell/?shown=2" in r.url) as changed:
        page.evaluate("document.body.dispatchEvent(new Event('inboxChanged'))")
    assert changed.value.status == 200
    expect(page.get_by_role("link", name="Saapuneet, 3 lukematonta")).to_be_visible()
    assert page.locator("#polku-bell-link").get_attribute("hx-get") == "/inbox/bell/?shown=3"
    assert_accessible(page)
