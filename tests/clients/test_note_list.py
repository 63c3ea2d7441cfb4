"""Every case note stays readable: the client page shows the newest, the notes page all of
them a page at a time, with the same need-to-know rules, and the read is logged."""

import datetime
import itertools
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import add_member, make_note
from clients.models import CaseNote, TeamRole
from tests.conftest import acting, login


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
    assert "Muiden kirjoittamat terveystietoja sisältävät kirjaukset eivät näy roolissasi." in page
    login(client, team["worker"])
    assert "Lääkärin lausunto saapunut." in client.get(notes_url(team["client"])).content.decode()


def test_a_note_its_author_marks_health_related_stays_theirs_to_read_and_edit(client, team):
    """A work coach reads no health-related notes, yet writes their own notes and may mark
    one health-related: they keep reading it and editing it within its 24 hours, the
    health-note readers read it, and another coach still does not."""
    base = notes_url(team["client"])
    login(client, team["coach"])
    form = client.get(f"{base}new/").content.decode()
    assert (
        "Terveystietoja sisältävän kirjauksen näkevät vain sen kirjoittaja sekä "
        "sosiaalityöntekijä, sosiaaliohjaaja, terveydenhuollon ammattilainen ja "
        "työkykykoordinaattori." in form
    )
    today = timezone.localdate().isoformat()
    response = client.post(
        f"{base}new/",
        {
            "written_on": today,
            "kind": "meeting",
            "text": "Kertoi unilääkkeistä.",
            "health_related": "on",
        },
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(author=team["coach"])
    assert note.health_related is True

    for url in (base, f"/clients/{team['client'].uuid}/"):
        assert "Kertoi unilääkkeistä." in client.get(url).content.decode(), url
    edit = client.get(f"{base}{note.pk}/edit/")
    assert edit.status_code == 200 and "Kertoi unilääkkeistä." in edit.content.decode()
    response = client.post(
        f"{base}{note.pk}/edit/",
        {
            "written_on": today,
            "kind": "meeting",
            "text": "Kertoi unilääkityksestään.",
            "health_related": "on",
        },
    )
    assert response.status_code == 302
    assert CaseNote.objects.get(pk=note.pk).text == "Kertoi unilääkityksestään."
    assert list(
        AccessLogEntry.objects.filter(
            client_id=team["client"].uuid, action__in=["clients.note.added", "clients.note.edited"]
        )
        .order_by("pk")
        .values_list("action", "object_id", "actor_id")
    ) == [
        ("clients.note.added", str(note.pk), team["coach"].pk),
        ("clients.note.edited", str(note.pk), team["coach"].pk),
    ]
    # Past its 24 hours the author amends it, from the note they still read.
    amend = client.get(f"{base}new/?amends={note.pk}")
    assert amend.status_code == 200 and f'name="amends" value="{note.pk}"' in amend.content.decode()

    login(client, team["worker"])
    assert "Kertoi unilääkityksestään." in client.get(base).content.decode()
    other_coach = make_user(Role.WORK_COACH, team["unit"])
    add_member(team["client"], other_coach, TeamRole.COACH)
    login(client, other_coach)
    for url in (base, f"/clients/{team['client'].uuid}/"):
        assert "Kertoi unilääkityksestään." not in client.get(url).content.decode(), url
    assert client.get(f"{base}new/?amends={note.pk}").status_code == 404


def test_readable_by_adds_ones_own_health_related_notes_only(team):
    coach, worker = acting(team["coach"]), acting(team["worker"])
    own = make_note(team["client"], coach, health_related=True)
    others = make_note(team["client"], worker, health_related=True)
    ordinary = make_note(team["client"], worker)
    assert set(CaseNote.objects.readable_by(coach)) == {own, ordinary}
    assert set(CaseNote.objects.readable_by(worker)) == {own, others, ordinary}


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
    main = page[page.index("<main") : page.index("</main>")]
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
