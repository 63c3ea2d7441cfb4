"""Every view that shows a client's data writes exactly its access-log row (one test walks them all)."""

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from tests.conftest import login
from tests.permissions.matrix import EXPECTATIONS

# Pages that answer some role with 200; a download of a finished document has its own logging test.
CLIENT_PAGES = sorted(
    name
    for name, row in EXPECTATIONS.items()
    if row.client_url and row.method == "GET" and row.allowed
)


def test_every_client_page_states_its_log_row():
    missing = [name for name in CLIENT_PAGES if EXPECTATIONS[name].logs is None]
    assert missing == [], "client pages without an expected access-log row (Row.logs)"


@pytest.mark.parametrize("name", CLIENT_PAGES)
def test_each_client_page_writes_exactly_its_log_row(client, world, name):
    row = EXPECTATIONS[name]
    role = sorted(row.allowed)[0]
    user = world.users[role]
    login(client, user)
    url = reverse(name, kwargs=row.kwargs(world))
    before = AccessLogEntry.objects.count()
    response = client.get(url)
    assert response.status_code == row.allowed_status
    new = list(AccessLogEntry.objects.order_by("pk")[before:])
    if row.logs == "":
        assert new == []
        return
    assert [(entry.action, entry.client_id, entry.actor_id) for entry in new] == [
        (row.logs, world.client.uuid, user.pk)
    ]
    assert new[0].basis and new[0].actor_role == role and new[0].request_id


# Pages outside a client's URL that still name clients: each client shown is one list hit.
def _btg_review(world, role):
    from django.utils import timezone

    from clients.models import BreakTheGlass

    for reason in ("Asiakas soitti kiireellisesti.", "Asiakas soitti uudestaan illalla."):
        BreakTheGlass.objects.create(
            client=world.client,
            user=world.users["social_counsellor"],
            role="social_counsellor",
            unit=world.client.responsible_unit,
            reason=reason,
            expires_at=timezone.now() + timezone.timedelta(hours=1),
        )
    return {}, {"manager": "manager", "dpo": "data_protection"}[role]


def _handover(world, role):
    return {"from": world.users["social_worker"].pk}, "manager"


LIST_PAGES = {
    "clients:break_the_glass_review": (_btg_review, ["manager", "dpo"]),
    "clients:handover": (_handover, ["manager"]),
}


def test_every_clients_list_page_with_a_log_row_is_walked():
    listed = {
        name
        for name, row in EXPECTATIONS.items()
        if name.startswith("clients:") and not row.client_url and row.logs
    }
    assert listed - {"clients:list"} == set(LIST_PAGES)


@pytest.mark.parametrize(
    ("name", "role"), [(name, role) for name, (_, roles) in LIST_PAGES.items() for role in roles]
)
def test_each_list_page_logs_one_list_hit_per_client_shown(client, world, name, role):
    setup, _ = LIST_PAGES[name]
    params, basis = setup(world, role)
    user = world.users[role]
    login(client, user)
    before = AccessLogEntry.objects.count()
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    assert world.client.last_name in response.content.decode()
    new = list(AccessLogEntry.objects.order_by("pk")[before:])
    assert [(entry.action, entry.client_id, entry.actor_id) for entry in new] == [
        (EXPECTATIONS[name].logs, world.client.uuid, user.pk)
    ]
    assert new[0].basis == basis and new[0].actor_role == role and new[0].request_id


def test_the_handover_page_without_a_worker_chosen_lists_no_client(client, world):
    login(client, world.users["manager"])
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("clients:handover"))
    assert response.status_code == 200
    assert world.client.last_name not in response.content.decode()
    assert AccessLogEntry.objects.count() == before


@pytest.mark.parametrize("name", CLIENT_PAGES)
def test_a_refused_post_that_shows_the_page_again_writes_the_pages_log_row(client, world, name):
    """An empty form is refused: the page rendered again shows the client's data as its GET
    does, so it writes the GET's row (and no action ran). A page without a form answers 405."""
    row = EXPECTATIONS[name]
    role = sorted(row.allowed)[0]
    user = world.users[role]
    login(client, user)
    url = reverse(name, kwargs=row.kwargs(world))
    before = AccessLogEntry.objects.count()
    response = client.post(url, {})
    new = [
        (e.action, e.client_id, e.actor_id) for e in AccessLogEntry.objects.order_by("pk")[before:]
    ]
    if response.status_code == 405 or row.logs == "":
        assert new == []
        return
    # The consultation pages answer a refused form 400, the others 200.
    assert response.status_code in (200, 400), response.status_code
    assert new == [(row.logs, world.client.uuid, user.pk)]
