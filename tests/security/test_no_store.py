"""Pages are never kept by the browser's or a proxy's cache: on a shared workstation a
client's page or a revealed identity code must not come back after sign-out."""

import pytest
from django.http import HttpResponse
from django.urls import reverse

from config.middleware import NoStoreMiddleware
from tests.conftest import login
from tests.security.test_csp import _client_pages

pytestmark = pytest.mark.django_db


def test_client_pages_and_a_revealed_identity_code_are_not_stored(client, world):
    worker, paths = _client_pages(world)
    login(client, worker)
    reveal = reverse("clients:reveal_identity_code", kwargs={"client_id": world.client.uuid})
    responses = [client.get(path) for path in paths] + [client.post(reveal)]
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]
        assert "private" in response["Cache-Control"], response.request["PATH_INFO"]


def test_the_sign_in_page_is_not_stored_either(client):
    assert "no-store" in client.get(reverse("account_login"))["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(client):
    """The middleware only fills in what a view left unsaid (static files are WhiteNoise's)."""

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=60"
        return response

    response = NoStoreMiddleware(view)(None)
    assert response["Cache-Control"] == "public, max-age=60"
