"""The identity code never leaves the POST body: not in a URL, a log row or a log line."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessLogEntry
from clients import identity
from tests.audit.conftest import CODE, UNKNOWN_CODE
from tests.conftest import login

pytestmark = pytest.mark.django_db

FIND = reverse("audit:client_log_find")


def test_the_code_is_in_no_url_no_log_row_and_no_log_line(client, now, dpo, subject_client, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")  # "django" is at INFO
    login(client, dpo)
    requested = []
    # The test client writes no request log line; Django's query log (on while queries are
    # captured) stands in for it as proof that the requests' log lines were captured.
    with CaptureQueriesContext(connection):
        response = client.post(FIND, {"identity_code": CODE}, follow=True)
        requested += [url for url, _status in response.redirect_chain]
        requested.append(response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"])
        response = client.post(
            FIND, {"identity_code": CODE, "start": "2020-01-01", "reason": "Tietopyyntö"}
        )
    assert response.status_code == 200
    requested.append(response.request["PATH_INFO"])
    html = response.content.decode()
    export = reverse("audit:client_log_export", args=[subject_client.uuid])
    assert f'action="{export}"' in html
    requested.append(export)

    assert len(requested) == 4
    for url in requested:
        assert CODE not in url.upper()
    assert AccessLogEntry.objects.filter(action="audit.client_log.viewed").count() == 2
    for entry in AccessLogEntry.objects.all():
        for value in (entry.action, entry.detail, entry.object_type, entry.object_id):
            assert CODE not in value.upper()
    logged = [record.getMessage() for record in caplog.records]
    # Positive controls: the lookups by the code's keyed hash and the report's log rows are
    # among the captured lines, so the check below has lines to look at.
    assert sum(identity.search_hash(CODE) in message for message in logged) >= 2
    assert any("audit.client_log.viewed" in message for message in logged)
    assert all(CODE not in message.upper() for message in logged)


def test_a_not_found_code_is_not_logged_either(client, now, dpo, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    login(client, dpo)
    with CaptureQueriesContext(connection):
        client.post(FIND, {"identity_code": UNKNOWN_CODE})
    assert not AccessLogEntry.objects.exists()
    logged = [record.getMessage() for record in caplog.records]
    # Positive control: the lookup by the code's keyed hash is among the captured lines.
    assert any(identity.search_hash(UNKNOWN_CODE) in message for message in logged)
    assert all(UNKNOWN_CODE not in message.upper() for message in logged)
