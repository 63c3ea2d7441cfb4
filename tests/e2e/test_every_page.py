"""axe on every page: each HTML page of the permission matrix, opened in headless Chromium
by a role allowed on it, with the world's objects (tests/world.py).

The matrix names every URL of Polku, so a new page is checked here the day it joins the
matrix. Fragments (htmx partials), files (PDF, CSV, iCalendar) and redirects are not
pages and are left to the tests of their own flows. The 404 and 403 pages are checked too.
"""

import pytest
from django.test import Client
from django.urls import reverse

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


def test_every_page_passes_axe(new_page, world):
    browser_pages = {}
    checked, failures = [], {}
    for name in PAGES:
        row = EXPECTATIONS[name]
        role = _role_for(row)
        user = world.users[role]
        world.current_assignment_id = user.role_assignments.get().pk
        url = reverse(name, kwargs=row.kwargs(world))
        probe = Client()
        probe.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        if not _is_page(probe.get(url)):
            continue
        page = browser_pages.get(role) or browser_pages.setdefault(role, new_page(user))
        response = page.goto(url)
        assert response.status == 200, f"{name} as {role}: {response.status}"
        checked.append(name)
        violations = axe_violations(page)
        if violations:
            failures[f"{name} as {role}"] = violations
    assert failures == {}
    # The walk reached the pages that matter: the client's own pages among them.
    assert {"clients:detail", "consents:list", "pathways:step_create"} <= set(checked), checked
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
