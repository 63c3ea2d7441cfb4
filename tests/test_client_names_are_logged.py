"""Any page that names a client writes an access-log row on that client.

tests/test_access_logging.py checks the log rows each page declares (Row.logs). This
test does not trust the declarations: it opens every GET page of the permission matrix
as every role allowed on it, with the world's client named in its tasks, reminders and
an expiring consent as well, and wherever the client's name appears in the answer, it
requires a row on that client by that user from that request.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from tests.conftest import login
from tests.permissions.matrix import EXPECTATIONS

pytestmark = pytest.mark.django_db

FIRST_NAMES, LAST_NAME = "Ilmari Testaaja", "Lokitettava-Ainutlaatuinen"

GET_PAGES = sorted(
    name
    for name, row in EXPECTATIONS.items()
    if row.method == "GET" and set(row.allowed) - {role for role, s in row.special.items()}
)


def _name_the_client_everywhere(world):
    """The world's client gets a name no user has, and appears on the dashboards and inboxes."""
    from clients.models import Client
    from consents.factories import ConsentFactory, kela
    from notifications.factories import ReminderFactory, TaskFactory

    Client.objects.filter(pk=world.client.pk).update(first_names=FIRST_NAMES, last_name=LAST_NAME)
    world.client.refresh_from_db()
    ConsentFactory(
        client=world.client,
        recorded_by=world.users["social_worker"],
        parties=[kela()],
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    for user in world.users.values():
        TaskFactory(assignee=user, title=f"Soita: {LAST_NAME}", client_id=world.client.uuid)
        ReminderFactory(
            recipient=user, title=f"Muistutus: {LAST_NAME}", client_id=world.client.uuid
        )


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_page_naming_the_client_logs_it(client, world, name):
    row = EXPECTATIONS[name]
    _name_the_client_everywhere(world)
    unlogged = []
    for role in sorted(set(row.allowed) - set(row.special)):
        user = world.users[role]
        world.current_assignment_id = user.role_assignments.get().pk
        client.logout()
        login(client, user)
        url = reverse(name, kwargs=row.kwargs(world))
        before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            ("text/html", "text/csv", "text/calendar", "application/json")
        ):
            continue
        if LAST_NAME not in response.content.decode():
            continue
        logged = AccessLogEntry.objects.filter(
            pk__gt=before, client_id=world.client.uuid, actor=user
        ).exists()
        if not logged:
            unlogged.append(role)
    assert unlogged == [], f"{name} names the client without an access-log row as {unlogged}"
