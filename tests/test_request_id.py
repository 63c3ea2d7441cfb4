"""The request id on logs and access-log rows: made up per request unless the deployment
trusts its proxy's X-Request-ID, and even then only an id-shaped value is kept."""

import re

import pytest

pytestmark = pytest.mark.django_db

PROXY_ID = "3f2a9c1e5b7d4f60a1b2c3d4e5f60718"


def test_a_request_id_from_the_user_is_not_taken(client, settings):
    settings.POLKU_TRUST_PROXY_REQUEST_ID = False
    response = client.get("/healthz", headers={"X-Request-ID": PROXY_ID})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert response["X-Request-ID"] != PROXY_ID


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        (PROXY_ID, True),
        ("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", True),
        ("010594Y9021", False),  # an identity code is no request id
        ("anything the user likes", False),
        ("", False),
    ],
)
def test_behind_a_trusted_proxy_only_an_id_shaped_value_is_kept(client, settings, incoming, kept):
    settings.POLKU_TRUST_PROXY_REQUEST_ID = True
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert (response["X-Request-ID"] == incoming) is kept
    assert re.fullmatch(r"[0-9A-Fa-f-]{16,64}", response["X-Request-ID"])
