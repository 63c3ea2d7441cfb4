"""The manager's report counts the organisation's client records past their retention
(clients.retention), as aggregates with small groups hidden, on the page and in the CSV."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from tests.conftest import login
from tests.reports.conftest import make_clients
from tests.reports.test_views import rows_of, value

pytestmark = pytest.mark.django_db

CUTOFF = datetime.date(2016, 6, 15)  # ten years before the reports' TODAY
SAMPLE_DAY_BIRTH = datetime.date(1960, 1, 8)
OTHER_BIRTH = datetime.date(1960, 1, 9)


def closed(worker, n, *, birth, closed_on=CUTOFF):
    return make_clients(worker, n, birth=birth, closed_on=closed_on, closure_reason="Muutti")


def test_the_page_and_the_csv_count_records_to_archive_and_to_destroy(
    client, manager, worker, outsider
):
    archived = closed(worker, 5, birth=SAMPLE_DAY_BIRTH)
    destroyed = closed(worker, 6, birth=OTHER_BIRTH, closed_on=datetime.date(2009, 2, 1))
    closed(worker, 7, birth=OTHER_BIRTH, closed_on=CUTOFF + datetime.timedelta(days=1))
    closed(outsider, 5, birth=OTHER_BIRTH)
    login(client, manager)
    text = client.get(reverse("reports:index")).text
    assert "Säilytysaikansa päättäneet asiakasasiakirjat" in text
    assert '<th scope="row">Säilytysaika päättynyt</th><td>11</td>' in text
    assert '<th scope="row">Säilytetään pysyvästi: siirretään arkistoon</th><td>5</td>' in text
    assert '<th scope="row">Hävitetään</th><td>6</td>' in text
    assert "päättyivät viimeistään 15.6.2016" in text
    assert "kuukauden päivistä: 8, 18, 28." in text
    for record in archived + destroyed:
        assert str(record.uuid) not in text and record.last_name not in text
    rows = rows_of(client.get(reverse("reports:export")))
    assert value(rows, "Säilytysaikansa päättäneet", "Säilytysaika päättynyt") == "11"
    assert value(rows, "Säilytysaikansa päättäneet", "Hävitetään") == "6"
    assert not AccessLogEntry.objects.exists()


def test_a_small_group_is_hidden(client, manager, worker):
    closed(worker, 6, birth=OTHER_BIRTH)
    closed(worker, 2, birth=SAMPLE_DAY_BIRTH)
    login(client, manager)
    rows = rows_of(client.get(reverse("reports:export")))
    assert value(rows, "Säilytysaikansa päättäneet", "Säilytysaika päättynyt") == "8"
    # Two to the archive are hidden, and so the six to destroy, which would give them away.
    assert (
        value(rows, "Säilytysaikansa päättäneet", "Säilytetään pysyvästi: siirretään arkistoon")
        == "alle 5"
    )
    assert value(rows, "Säilytysaikansa päättäneet", "Hävitetään") != "6"


def test_without_a_permanent_sample_the_page_does_not_mention_one(client, manager, settings):
    settings.POLKU_PERMANENTLY_KEPT_BIRTH_DAYS = []
    login(client, manager)
    text = client.get(reverse("reports:index")).text
    assert "Säilytysaika päättynyt" in text and "kuukauden päivistä" not in text
