import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Basis
from tests.audit.conftest import access
from tests.conftest import login

pytestmark = pytest.mark.django_db

STATISTICS = reverse("audit:statistics")


def test_counts_per_action_and_basis_for_the_organisation_in_the_period(
    client, now, dpo, worker, coach, outsider, subject_client, outsiders_client
):
    march = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    for _ in range(3):
        access(worker, subject_client, at=march)
    access(coach, subject_client, at=march, action="clients.note.added")
    access(worker, subject_client, at=march, basis=Basis.BREAK_THE_GLASS)
    # Another organisation's rows and rows outside the period are not counted.
    access(outsider, outsiders_client, at=march, action="clients.client.closed")
    access(
        worker,
        subject_client,
        at=datetime.datetime(2025, 1, 1, 9, 0, tzinfo=datetime.UTC),
        action="clients.client.changed",
    )
    login(client, dpo)
    response = client.get(STATISTICS, {"start": "2026-01-01", "end": "2026-06-15"})
    statistics = response.context["statistics"]
    assert statistics.total == 5
    assert [(c.code, c.count) for c in statistics.by_action] == [
        ("clients.client.viewed", 4),
        ("clients.note.added", 1),
    ]
    assert [(c.code, c.count) for c in statistics.by_basis] == [
        ("care_team", 4),
        ("break_the_glass", 1),
    ]
    html = response.content.decode()
    assert "<tr><td>Avasi asiakkaan tiedot</td><td>4</td></tr>" in html
    assert "<tr><td>Murtautuminen perustellusta syystä</td><td>1</td></tr>" in html
    assert "Päätti asiakkuuden" not in html
    entry = AccessLogEntry.objects.get(action="audit.statistics.viewed")
    assert entry.detail == "period=2026-01-01..2026-06-15"
    assert entry.basis == Basis.DATA_PROTECTION


def test_the_index_links_the_three_reports(client, now, dpo):
    login(client, dpo)
    html = client.get(reverse("audit:index")).content.decode()
    for name in ("audit:client_log_find", "audit:user_find", "audit:statistics"):
        assert f'href="{reverse(name)}"' in html
