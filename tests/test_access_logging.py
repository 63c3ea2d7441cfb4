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
