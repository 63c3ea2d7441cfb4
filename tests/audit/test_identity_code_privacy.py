"""The identity code never leaves the POST body: not in a URL, a log row or a log line."""

import logging

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from tests.audit.conftest import CODE, UNKNOWN_CODE
from tests.conftest import login

pytestmark = pytest.mark.django_db

FIND = reverse("audit:client_log_find")


def test_the_code_is_in_no_url_no_log_row_and_no_log_line(client, now, dpo, subject_client, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, dpo)
    requested = []
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
    assert all(CODE not in record.getMessage().upper() for record in caplog.records)


def test_a_not_found_code_is_not_logged_either(client, now, dpo, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, dpo)
    client.post(FIND, {"identity_code": UNKNOWN_CODE})
    assert not AccessLogEntry.objects.exists()
    assert all(UNKNOWN_CODE not in record.getMessage() for record in caplog.records)
