"""What axe and the walk of every page (test_every_page.py) miss because the world has no such
data: a client page with a timeline and an inbox task with a long title at 320 CSS px
(WCAG 1.4.10), and what the client search says to a screen reader as the user types (4.1.3)."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from notifications.factories import TaskFactory
from pathways.factories import make_step
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# What is wider than the window, outside the boxes that scroll on their own.
OVERFLOW = """() => ({
  width: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.closest(".polku-table-scroll, .polku-timeline"))
    .slice(0, 3).map(e => e.outerHTML.slice(0, 80)),
})"""


def test_a_client_page_with_a_timeline_and_an_inbox_with_a_long_task_reflow_at_320_px(
    new_page, unit
):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker)
    make_step(client, "rehabilitative_work_activity", created_by=worker)
    TaskFactory(
        assignee=worker,
        title="Lähetä suostumuksen peruutus Kelaan suojatulla sähköpostilla viimeistään huomenna",
    )
    page = new_page(worker)
    page.set_viewport_size({"width": 320, "height": 800})

    # The timeline's drawing is 40rem wide at least: it scrolls in its own box, the page does not.
    page.goto(f"/clients/{client.uuid}/")
    timeline = page.locator("figure.polku-timeline")
    expect(timeline).to_be_visible()
    assert timeline.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.evaluate(OVERFLOW) == {"width": 320, "wide": []}

    # A check-off field's label names the task in visually hidden text, in a cell scrolled out
    # of sight: it stays inside the table's box.
    page.goto("/inbox/")
    expect(
        page.get_by_label("Tehty päivänä – Lähetä suostumuksen peruutus", exact=False)
    ).to_be_attached()
    assert page.evaluate(OVERFLOW) == {"width": 320, "wide": []}


def test_the_client_search_announces_how_many_were_found_not_the_whole_table(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    for first_names in ("Tuisku", "Taimi"):
        ClientFactory(responsible_worker=worker, first_names=first_names, last_name="Tietävä")
    ClientFactory(responsible_worker=worker, first_names="Silmu", last_name="Suunnistaja")
    page = new_page(worker)
    page.goto("/clients/")
    status = page.locator("#client-results-status")
    expect(status).to_have_text("")  # nothing is read when the page opens
    assert page.locator("#client-results").get_attribute("aria-live") is None

    search = page.get_by_role("searchbox", name="Hae nimellä")
    search.fill("tiet")
    expect(page.get_by_role("status")).to_have_text("2 asiakasta löytyi.")
    expect(page.get_by_role("link", name="Tietävä, Tuisku")).to_be_visible()
    expect(search).to_be_focused()
    search.fill("suunn")
    expect(status).to_have_text("1 asiakas löytyi.")
    search.fill("ei ketään")
    expect(status).to_have_text(
        "Hakuehdoilla ei löytynyt asiakkaita, joiden tietoihin sinulla on pääsy."
    )
    expect(search).to_be_focused()
    assert_accessible(page)


# WCAG 1.4.12's text spacing, as its bookmarklet sets it; a constructed style sheet, which the
# CSP (style-src 'self') lets a script add where it refuses a <style> element.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: .12em !important;
    word-spacing: .16em !important; } p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


def test_the_attendance_grid_reflows_at_320_px_with_text_spacing(new_page, unit):
    """The avotyö grid with its compensation column and monthly summary, refused and then
    saved through htmx, at 320 CSS px with WCAG 1.4.12's text spacing: only the tables scroll."""
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker)
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    step = make_step(
        client,
        "open_work",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        daily_compensation=Decimal(10),
        effects_discussed_on=today,
        days_per_week=5,
    )
    page = new_page(worker)
    page.set_viewport_size({"width": 320, "height": 800})
    year, week, _weekday = monday.isocalendar()
    page.goto(f"/clients/{client.uuid}/steps/{step.pk}/attendance/?week={year}-W{week:02d}")
    page.evaluate(TEXT_SPACING)
    assert page.evaluate(OVERFLOW) == {"width": 320, "wide": []}
    page.locator(f"#id_{monday.isoformat()}-hours").fill("5")
    page.get_by_role("button", name="Tallenna viikko").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert page.evaluate(OVERFLOW) == {"width": 320, "wide": []}
    page.locator(f"#id_{monday.isoformat()}-status").select_option("present")
    page.get_by_role("button", name="Tallenna viikko").click()
    expect(page.get_by_role("status").filter(has_text="tallennettu")).to_be_focused()
    assert page.evaluate(OVERFLOW) == {"width": 320, "wide": []}
