"""Team members who read but do not write read a service-need assessment in full: its page
(clients.read_plan, logged as its read), linked from the client page, and the list of all of
the client's assessments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.models import ServiceNeedAssessment
from tests.conftest import login

pytestmark = pytest.mark.django_db

LONG_CONCLUSION = " ".join(f"sana{i}" for i in range(60)) + " viimeinen"


def _assessment(team, days_ago=30, **fields):
    started = timezone.localdate() - datetime.timedelta(days=days_ago)
    defaults = {
        "started_on": started,
        "completed_on": started + datetime.timedelta(days=7),
        "conclusion": LONG_CONCLUSION,
        "client_view": "Asiakkaan oma näkemys palvelutarpeesta.",
    }
    return ServiceNeedAssessment.objects.create(
        client=team["client"], author=team["worker"], **{**defaults, **fields}
    )


def test_a_coach_on_the_team_reads_the_whole_conclusion(client, team):
    assessment = _assessment(team)
    login(client, team["coach"])
    detail = f"/clients/{team['client'].uuid}/assessments/{assessment.pk}/"
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    assert f'href="{detail}"' in page
    assert "viimeinen" not in page  # the client page shows the beginning
    assert f"/assessments/{assessment.pk}/edit/" not in page  # the coach does not write
    mark = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.get(detail)
    text = response.content.decode()
    assert response.status_code == 200
    assert "sana0" in text and "viimeinen" in text
    assert team["worker"].get_full_name() in text
    assert "Muokkaa arviota" not in text
    entry = AccessLogEntry.objects.filter(pk__gt=mark).get()
    assert (entry.action, entry.object_id, entry.actor_id, entry.basis) == (
        "clients.assessment.viewed",
        str(assessment.pk),
        team["coach"].pk,
        "care_team",
    )


def test_an_assessment_in_progress_says_so(client, team):
    assessment = _assessment(team, completed_on=None, conclusion="")
    login(client, team["coach"])
    text = client.get(f"/clients/{team['client'].uuid}/assessments/{assessment.pk}/")
    assert "Arvio on kesken." in text.content.decode()


def test_the_writer_gets_the_edit_link_and_the_edit_form_at_its_own_address(client, team):
    # In progress: a completed one is not edited (tests/clients/test_completed_assessment.py).
    assessment = _assessment(team, completed_on=None, conclusion="")
    login(client, team["worker"])
    base = f"/clients/{team['client'].uuid}/assessments/{assessment.pk}/"
    assert f'href="{base}edit/"' in client.get(base).content.decode()
    assert client.get(f"{base}edit/").status_code == 200
    login(client, team["coach"])
    assert client.get(f"{base}edit/").status_code == 403


def test_older_assessments_are_on_the_list_beyond_the_panel(client, team):
    for days_ago in range(10, 80, 10):  # seven assessments, the panel shows five
        _assessment(team, days_ago=days_ago, conclusion=f"Arvio {days_ago} päivää sitten.")
    login(client, team["coach"])
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    listing = f"/clients/{team['client'].uuid}/assessments/"
    assert f'href="{listing}"' in page
    assert "Arvio 70 päivää sitten." not in page
    text = client.get(listing).content.decode()
    assert all(f"Arvio {d} päivää sitten." in text for d in range(10, 80, 10))
    assert text.index("Arvio 10 päivää") < text.index("Arvio 70 päivää")  # newest first
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.actor_id) == ("clients.assessments.viewed", team["coach"].pk)


def _list_queries(client, team) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/clients/{team['client'].uuid}/assessments/")
    return len(queries)


def test_the_list_asks_as_many_queries_for_3_and_30_assessments(client, team):
    login(client, team["coach"])
    client.get(f"/clients/{team['client'].uuid}/assessments/")  # the session's first request
    for days_ago in range(3):
        _assessment(team, days_ago=days_ago * 10 + 10)
    few = _list_queries(client, team)
    for days_ago in range(3, 30):
        _assessment(team, days_ago=days_ago * 10 + 10)
    assert _list_queries(client, team) == few
