"""axe on every page: each HTML page of the permission matrix, opened in headless Chromium
by a role allowed on it, with the world's objects (tests/world.py).

The matrix names every URL of Polku, so a new page is checked here the day it joins the
matrix. Fragments (htmx partials), files (PDF, CSV, iCalendar) and redirects are not
pages and are left to the tests of their own flows. The 404 and 403 pages are checked too.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.e2e.conftest import axe_violations
from tests.permissions.matrix import EXPECTATIONS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAGES = sorted(
    name
    for name, row in EXPECTATIONS.items()
    if row.method == "GET" and row.allowed_status == 200 and set(row.allowed) - set(row.special)
)


def _role_for(row) -> str:
    return sorted(set(row.allowed) - set(row.special))[0]


def _is_page(response) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and response.content.lstrip().lower().startswith(b"<!doctype html")
    )


def _walk(new_page, world, *, width: int | None = None):
    """Opens every HTML page of the matrix in Chromium as a role allowed on it; yields (name, page)."""
    browser_pages = {}
    for name in PAGES:
        row = EXPECTATIONS[name]
        role = _role_for(row)
        user = world.users[role]
        world.current_assignment_id = user.role_assignments.get().pk
        url = reverse(name, kwargs=row.kwargs(world))
        probe = login(Client(), user)
        if not _is_page(probe.get(url)):
            continue
        page = browser_pages.get(role)
        if page is None:
            page = browser_pages[role] = new_page(user)
            if width:
                page.set_viewport_size({"width": width, "height": 800})
        response = page.goto(url)
        assert response.status == 200, f"{name} as {role}: {response.status}"
        yield name, page


def test_every_page_passes_axe(new_page, world):
    checked, failures = [], {}
    for name, page in _walk(new_page, world):
        checked.append(name)
        violations = axe_violations(page)
        if violations:
            failures[name] = violations
    assert failures == {}
    # The walk reached the pages that matter: the client's own pages among them.
    assert {"clients:detail", "consents:list", "pathways:step_create"} <= set(checked), checked
    assert len(checked) >= 40, checked


# What is wider than the window, and for a scroll box whether it can be reached by keyboard.
OVERFLOW = """() => ({
  width: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map(e => e.outerHTML.slice(0, 80)),
  unreachable: [...document.querySelectorAll("body *")]
    .filter(e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX))
    .filter(e => e.scrollWidth > e.clientWidth && e.tabIndex < 0 && !e.querySelector("a, button, input, select, textarea"))
    .map(e => e.outerHTML.slice(0, 80)),
})"""


def test_every_page_reflows_at_320_css_pixels(new_page, world):
    """WCAG 1.4.10: at 320 px the page scrolls only vertically; a wide table or the timeline
    scrolls in its own box, which takes keyboard focus so it can be scrolled without a mouse."""
    checked, failures = [], {}
    for name, page in _walk(new_page, world, width=320):
        checked.append(name)
        found = page.evaluate(OVERFLOW)
        if found["width"] > 320 or found["unreachable"]:
            failures[name] = found
    assert failures == {}
    assert len(checked) >= 40, checked


def test_the_error_pages_pass_axe(new_page, social_worker):
    page = new_page(social_worker)
    response = page.goto("/ei-tallaista-sivua/")
    assert response.status == 404
    checked = [page.title()]
    assert axe_violations(page) == []
    response = page.goto(reverse("audit:index"))  # the DPO's, not a social worker's
    assert response.status == 403
    checked.append(page.title())
    assert axe_violations(page) == []
    assert len(set(checked)) == 2, checked
