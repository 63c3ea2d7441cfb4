"""Page titles (WCAG 2.4.2): a page about one client names the client in its title, so a worker
with several clients open in tabs, or a screen reader's list of windows, tells them apart.

Every HTML page of the permission matrix whose URL names a client (`client_url`) is opened
by a role allowed on it, with the world's objects (tests/world.py), as in
tests/e2e/test_every_page.py.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.permissions.matrix import EXPECTATIONS

pytestmark = pytest.mark.django_db

CLIENT_PAGES = sorted(
    name
    for name, row in EXPECTATIONS.items()
    if row.client_url
    and row.method == "GET"
    and row.allowed_status == 200
    and set(row.allowed) - set(row.special)
)


def _title(response) -> str | None:
    if not response["Content-Type"].startswith("text/html"):
        return None
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return " ".join(html.unescape(match.group(1)).split()) if match else None


# Asked by a user outside the client's team, the break-the-glass page withholds the name.
WITHHOLDS_THE_NAME = {"clients:break_the_glass"}


def test_every_page_about_a_client_names_the_client_in_its_title(world):
    checked, wrong = [], {}
    names = (world.client.display_name, world.client.full_name)
    for name in CLIENT_PAGES:
        row = EXPECTATIONS[name]
        role = sorted(set(row.allowed) - set(row.special))[0]
        user = world.users[role]
        world.current_assignment_id = user.role_assignments.get().pk
        browser = login(Client(), user)
        response = browser.get(reverse(name, kwargs=row.kwargs(world)))
        title = _title(response) if response.status_code == 200 else None
        if title is None:
            continue
        checked.append(name)
        named = any(client_name in title for client_name in names)
        if named == (name in WITHHOLDS_THE_NAME):
            wrong[name] = title
    assert wrong == {}
    assert {
        "clients:detail",
        "clients:break_the_glass",
        "pathways:step",
        "pathways:attendance",
    } <= set(checked), checked
