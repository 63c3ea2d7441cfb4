import csv
import datetime
import io

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Basis
from tests.audit.conftest import NOW, access, disclosure
from tests.conftest import login

pytestmark = pytest.mark.django_db


def export_url(client_):
    return reverse("audit:client_log_export", args=[client_.uuid])


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_csv_has_both_logs_for_excel(
    client, now, dpo, worker, outsider, subject_client, other_client
):
    access(worker, subject_client, at=datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.UTC))
    access(worker, other_client, at=datetime.datetime(2026, 3, 1, 7, 6, tzinfo=datetime.UTC))
    disclosure(
        worker,
        subject_client,
        at=datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC),
        recipient_organisation=outsider.organisation,
        what='=HYPERLINK("x")',
        basis=Basis.CONSENT,
        consent_id=7,
        channel="print",
    )
    login(client, dpo)
    response = client.get(export_url(subject_client))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="lokiraportti-20240615-20260615.csv"'
    )
    header, *rows = read_csv(response)
    assert header[:6] == [
        "Tyyppi",
        "Aika",
        "Käyttäjä tai luovuttaja",
        "Organisaatio",
        "Rooli",
        "Toiminto tai luovutetut tiedot",
    ]
    assert rows == [
        [
            "Käsittely",
            "1.3.2026 9.05",
            "Sanna Sosiaali",
            str(worker.organisation),
            "Sosiaalityöntekijä",
            "Avasi asiakkaan tiedot",
            "clients.client.viewed",
            "",
            "",
            "Omatiimin jäsenyys",
            "",
            "",
        ],
        [
            "Luovutus",
            "2.3.2026 10.00",
            "Sanna Sosiaali",
            "",
            "",
            # A cell a spreadsheet would run as a formula is quoted.
            '\'=HYPERLINK("x")',
            "",
            str(outsider.organisation),
            "",
            "Asiakkaan suostumus",
            "suostumus nro 7",
            "print",
        ],
    ]


def test_the_export_takes_the_same_period_and_reason_and_is_logged(
    client, now, dpo, worker, subject_client
):
    access(worker, subject_client, at=datetime.datetime(2023, 1, 10, 10, 0, tzinfo=datetime.UTC))
    login(client, dpo)
    # Without a reason the older period is refused and nothing is exported.
    response = client.post(export_url(subject_client), {"start": "2022-01-01"})
    assert response["Content-Type"].startswith("text/html")
    assert not AccessLogEntry.objects.filter(action="audit.client_log.exported").exists()

    response = client.post(
        export_url(subject_client),
        {"start": "2022-01-01", "end": "2026-06-15", "reason": "Oikeuden pyyntö"},
    )
    _, *rows = read_csv(response)
    # The refused attempt named the client on its page, so it is in the report too.
    assert [row[1] for row in rows] == ["15.6.2026 12.00", "10.1.2023 12.00"]
    entry = AccessLogEntry.objects.get(action="audit.client_log.exported")
    assert entry.detail == "period=2022-01-01..2026-06-15; reason=Oikeuden pyyntö"
    assert entry.client_id == subject_client.uuid
    assert entry.basis == Basis.DATA_PROTECTION


def test_the_report_page_offers_the_export_with_its_period(client, now, dpo, subject_client):
    login(client, dpo)
    html = client.get(
        reverse("audit:client_log", args=[subject_client.uuid]),
        {"start": "2025-01-01", "end": "2025-12-31"},
    ).content.decode()
    assert f'action="{export_url(subject_client)}"' in html
    assert 'name="start" value="2025-01-01"' in html
    assert 'name="end" value="2025-12-31"' in html


@pytest.mark.parametrize("size", [3, 30])
def test_the_export_query_count_does_not_grow_with_its_rows(
    client, now, dpo, worker, subject_client, size, django_assert_num_queries
):
    for n in range(size):
        access(worker, subject_client, at=NOW - datetime.timedelta(days=n + 1))
    login(client, dpo)
    url = export_url(subject_client)
    client.get(url)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(url)
    # The rows written so far and the first export's own row.
    assert len(read_csv(response)) == 1 + size + 1


# Session user, MFA check, role assignments; the client; access rows; disclosure rows; log row.
EXPORT_QUERIES = 7
