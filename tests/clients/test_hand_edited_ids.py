"""An id typed into the address by hand answers 404, not a server error."""

import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "1x", "-1"])
def test_a_handover_from_a_worker_that_is_no_number_is_not_found(client, world, value):
    login(client, world.users["manager"])
    assert client.get(reverse("clients:handover"), {"from": value}).status_code == 404


@pytest.mark.parametrize("value", ["abc", "1x", "-1"])
def test_amending_a_note_that_is_no_number_is_not_found(client, world, value):
    login(client, world.users["social_worker"])
    url = reverse("clients:note_create", kwargs={"client_id": world.client.uuid})
    assert client.get(url, {"amends": value}).status_code == 404
