"""The admin's delete pages name no client: deleting a user or a unit that clients, plans or
care-team memberships refer to is refused with counts of what refers to it, never a list of
those clients (an administrator never reads client data)."""

import pytest
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_with_a_client(unit):
    worker = make_user(Role.SOCIAL_WORKER, unit, first_name="Sanna", last_name="Lähtijä")
    ClientFactory(responsible_worker=worker, first_names="Salli", last_name="Salattunen")
    return worker


@pytest.fixture
def administrator(client, unit):
    return login(client, make_user(Role.ADMIN, unit))


def test_the_delete_page_of_a_user_counts_the_clients_without_naming_them(
    administrator, worker_with_a_client
):
    response = administrator.get(
        reverse("admin:accounts_user_delete", args=[worker_with_a_client.pk])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Salattunen" not in page
    assert "Asiakkaat: 1" in page  # what refers to the user, counted by kind
    assert "Sanna Lähtijä" in page  # the user themself is the admin's business


def test_the_delete_selected_action_names_no_client(administrator, worker_with_a_client):
    response = administrator.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [worker_with_a_client.pk]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Salattunen" not in page
    assert "Asiakkaat: 1" in page


def test_the_delete_page_of_a_unit_names_no_client(administrator, unit, worker_with_a_client):
    response = administrator.get(reverse("admin:services_unit_delete", args=[unit.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Salattunen" not in page
    assert "Asiakkaat: 1" in page


def test_a_user_no_one_refers_to_can_still_be_deleted(administrator, unit):
    mistyped = make_user(Role.WORK_COACH, unit, email="vaara.osoite@polku.test")
    response = administrator.post(
        reverse("admin:accounts_user_delete", args=[mistyped.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not type(mistyped).objects.filter(pk=mistyped.pk).exists()
