"""Every case note stays readable: the client page shows the newest, the notes page all of
them a page at a time, with the same need-to-know rules, and the read is logged."""

import datetime
import itertools
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.factories import make_note
from tests.conftest import login


def notes_url(client_):
    return f"/clients/{client_.uuid}/notes/"


def test_the_oldest_note_is_reached_from_the_client_page(client, team):
    today = timezone.localdate()
    for days_ago in range(45):
        make_note(
            team["client"],
            team["worker"],
            text=f"Kirjaus {days_ago} päivää sitten.",
            written_on=today - datetime.timedelta(days=days_ago),
        )
    login(client, team["worker"])
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    assert "Kirjaus 0 päivää sitten." in page and "Kirjaus 44 päivää sitten." not in page
    assert f'href="{notes_url(team["client"])}"' in page

    first = client.get(notes_url(team["client"])).content.decode()
    assert "Kirjaus 0 päivää sitten." in first and "Kirjaus 29 päivää sitten." in first
    assert "Kirjaus 30 päivää sitten." not in first
    assert "Sivu 1 / 2" in first
    second = client.get(notes_url(team["client"]), {"page": 2}).content.decode()
    assert "Kirjaus 44 päivää sitten." in second and "Kirjaus 0 päivää sitten." not in second
    assert (
        AccessLogEntry.objects.filter(
            action="clients.notes.viewed", client_id=team["client"].uuid
        ).count()
        == 2
    )


def test_the_client_page_has_no_link_when_every_note_is_on_it(client, team):
    make_note(team["client"], team["worker"])
    login(client, team["worker"])
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    assert f'href="{notes_url(team["client"])}"' not in page


def test_health_related_notes_stay_with_their_readers(client, team):
    make_note(
        team["client"], team["worker"], text="Lääkärin lausunto saapunut.", health_related=True
    )
    make_note(team["client"], team["worker"], text="Tavattiin toimistolla.")
    login(client, team["coach"])
    page = client.get(notes_url(team["client"])).content.decode()
    assert "Tavattiin toimistolla." in page and "Lääkärin lausunto" not in page
    assert "Terveystietoja sisältävät kirjaukset eivät näy roolissasi." in page
    login(client, team["worker"])
    assert "Lääkärin lausunto saapunut." in client.get(notes_url(team["client"])).content.decode()


def test_a_user_outside_the_team_gets_404(client, team):
    make_note(team["client"], team["worker"])
    login(client, team["counsellor"])
    assert client.get(notes_url(team["client"])).status_code == 404
    assert not AccessLogEntry.objects.filter(action="clients.notes.viewed").exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_notes(client, team):
    login(client, team["worker"])
    for _ in range(3):
        make_note(team["client"], team["worker"])
    client.get(notes_url(team["client"]))  # the session's first request reads more
    few = _queries(client, notes_url(team["client"]))
    for _ in range(27):
        make_note(team["client"], team["coach"])
    assert _queries(client, notes_url(team["client"])) == few


def _heading_levels(page: str) -> list[int]:
    main = page[page.index("<main") :]
    return [int(level) for level in re.findall(r"<h([1-6])\b", main)]


def test_headings_step_down_one_level_at_a_time_on_both_pages(client, team):
    """A note is headed h2 under the notes page's h1, and h3 under the notes panel's h2 on
    the client page: no level is skipped for a screen reader's list of headings."""
    make_note(team["client"], team["worker"], text="Tavattiin toimistolla.")
    login(client, team["worker"])
    for url in (notes_url(team["client"]), f"/clients/{team['client'].uuid}/"):
        levels = _heading_levels(client.get(url).content.decode())
        assert levels[0] == 1, url
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (url, levels)
    notes_page = client.get(notes_url(team["client"])).content.decode()
    assert _heading_levels(notes_page) == [1, 2]
