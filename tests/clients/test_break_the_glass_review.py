"""The break-the-glass review page: the reviewer's note, what the user did while the access
lasted, and a link to the client for the manager who sees the client."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from accounts.factories import make_user
from accounts.roles import Role
from audit.actions import log_access
from clients import actions
from clients.factories import ClientFactory
from clients.models import BreakTheGlass
from services.factories import UnitFactory
from tests.conftest import acting, login

pytestmark = pytest.mark.django_db

REVIEW = "/clients/break-the-glass/"


def _row(page: str, reason: str) -> str:
    """The table row of the event with this reason."""
    return next(row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if reason in row)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_reviewers_note_is_shown_with_the_review(client, team):
    event = actions.break_the_glass(
        client=team["client"], user=acting(team["counsellor"]), reason="Kiireellinen soitto."
    )
    login(client, team["manager"])
    client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "Peruste asiallinen."})
    row = _text(_row(client.get(REVIEW).content.decode(), "Kiireellinen soitto."))
    assert "Tarkastettu" in row and "Huomio: Peruste asiallinen." in row
    # The DPO sees the note too.
    login(client, make_user(Role.DPO, team["unit"]))
    row = _text(_row(client.get(REVIEW).content.decode(), "Kiireellinen soitto."))
    assert "Huomio: Peruste asiallinen." in row


def test_a_review_without_a_note_shows_no_empty_note(client, team):
    event = actions.break_the_glass(
        client=team["client"], user=acting(team["counsellor"]), reason="Kiireellinen soitto."
    )
    login(client, team["manager"])
    client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "  "})
    row = _text(_row(client.get(REVIEW).content.decode(), "Kiireellinen soitto."))
    assert "Tarkastettu" in row and "Huomio" not in row


def test_each_event_lists_what_its_user_did_while_the_access_lasted(client, team, settings):
    """The access-log rows of the event's user for the event's client between its start and
    its expiry, with readable labels; nothing before, after, by others or of other clients."""
    settings.POLKU_BREAK_THE_GLASS_MINUTES = 60
    counsellor, target = team["counsellor"], team["client"]
    other_client = ClientFactory(created_by=team["worker"], last_name="Muuasiakas")
    start = timezone.now().replace(microsecond=0)

    def logged(minutes, action, *, actor=counsellor, about=target):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            log_access(
                actor=acting(actor), client_id=about.uuid, action=action, basis="break_the_glass"
            )

    logged(-5, "clients.assessments.viewed")  # before the access
    with time_machine.travel(start, tick=False):
        login(client, counsellor)
        client.post(
            f"/clients/{target.uuid}/break-the-glass/", {"reason": "Asiakas soitti, kiire."}
        )
    with time_machine.travel(start + datetime.timedelta(minutes=3), tick=False):
        client.get(f"/clients/{target.uuid}/")
        client.get(f"/clients/{target.uuid}/notes/")
    logged(10, "clients.plan.viewed", actor=team["worker"])  # someone else
    logged(11, "clients.plan.viewed", about=other_client)  # another client
    logged(61, "clients.assessment.viewed")  # after the expiry

    login(client, team["manager"])
    row = _row(client.get(REVIEW).content.decode(), "Asiakas soitti, kiire.")
    items = [_text(item) for item in re.findall(r"<li>(.*?)</li>", row, re.S)]

    def at(minutes):
        return date_format(
            timezone.localtime(start + datetime.timedelta(minutes=minutes)),
            "SHORT_DATETIME_FORMAT",
        )

    assert items == [
        f"{at(0)} Avasi asiakkaan tiedot omatiimin ulkopuolelta",
        f"{at(3)} Avasi asiakkaan tiedot",
        f"{at(3)} Luki asiakaskirjaukset",
    ]


def test_an_event_with_nothing_logged_says_so(client, team):
    now = timezone.now()
    BreakTheGlass.objects.create(
        client=team["client"],
        user=team["counsellor"],
        role=Role.SOCIAL_COUNSELLOR,
        unit=team["unit"],
        reason="Kirjattu ilman lokia.",
        expires_at=now + datetime.timedelta(hours=1),
    )
    login(client, team["manager"])
    row = _text(_row(client.get(REVIEW).content.decode(), "Kirjattu ilman lokia."))
    assert "Ei merkintöjä käyttölokissa." in row


def test_the_manager_who_sees_the_client_gets_a_link_to_it(client, team):
    """The unit's manager sees the client (its responsible unit is theirs): a link. After the
    client moved to another unit, the manager still reviews the event but no longer sees the
    client: no link. The DPO never opens client pages: no link."""
    target = team["client"]
    actions.break_the_glass(
        client=target, user=acting(team["counsellor"]), reason="Kiireellinen soitto."
    )
    link = f'href="/clients/{target.uuid}/"'
    login(client, team["manager"])
    row = _row(client.get(REVIEW).content.decode(), "Kiireellinen soitto.")
    assert link in row
    assert client.get(f"/clients/{target.uuid}/").status_code == 200

    dpo = make_user(Role.DPO, team["unit"])
    login(client, dpo)
    row = _row(client.get(REVIEW).content.decode(), "Kiireellinen soitto.")
    assert "Suunnistaja" in row and link not in row

    unit_b = UnitFactory(organisation=team["unit"].organisation)
    actions.transfer_responsibility(
        client=target,
        to_user=make_user(Role.SOCIAL_WORKER, unit_b),
        to_unit=unit_b,
        transferred_by=acting(team["worker"]),
        handover_note="Muutti toiselle alueelle.",
    )
    login(client, team["manager"])
    row = _row(client.get(REVIEW).content.decode(), "Kiireellinen soitto.")
    assert "Suunnistaja" in row and link not in row
    assert client.get(f"/clients/{target.uuid}/").status_code == 404


def test_the_review_page_query_count_does_not_grow_with_events_and_their_activity(client, team):
    """One event or a full page of them, each over its own client with log rows during the
    access: the same number of queries."""
    counsellor, manager = team["counsellor"], team["manager"]
    now = timezone.now()

    def add_events(count):
        for n in range(count):
            opened = ClientFactory(created_by=team["worker"])
            started = now - datetime.timedelta(hours=n + 1)
            BreakTheGlass.objects.create(
                client=opened,
                user=counsellor,
                role=Role.SOCIAL_COUNSELLOR,
                unit=opened.responsible_unit,
                reason=f"Kiireellinen avaus {n}.",
                started_at=started,
                expires_at=started + datetime.timedelta(minutes=50),
                reviewed_at=now if n % 2 else None,
                reviewed_by=manager if n % 2 else None,
                review_note=f"Huomio {n}" if n % 2 else "",
            )
            for minutes in (1, 2):
                with time_machine.travel(started + datetime.timedelta(minutes=minutes)):
                    log_access(
                        actor=acting(counsellor),
                        client_id=opened.uuid,
                        action="clients.client.viewed",
                        basis="break_the_glass",
                    )

    login(client, manager)
    client.get("/")
    counts = []
    for count in (1, 24):
        BreakTheGlass.objects.all().delete()
        add_events(count)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(REVIEW).content.decode()
        assert page.count("Kiireellinen avaus") == count
        assert page.count("Avasi asiakkaan tiedot") == 2 * count
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_refused_review_keeps_the_note_and_tells_why_next_to_it(client, team):
    """A note over 2,000 characters is refused beside that event's field, the note kept (it
    was lost, and the reason shown above the whole list); the field also says its limit."""
    event = actions.break_the_glass(
        client=team["client"], user=acting(team["counsellor"]), reason="Kiireellinen soitto."
    )
    login(client, team["manager"])
    shown = client.get(REVIEW).content.decode()
    assert 'maxlength="2000"' in re.search(rf'<input[^>]*id="note-{event.pk}"[^>]*>', shown).group(
        0
    )
    note = "Peruste asiallinen. " * 101
    response = client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": note})
    page = response.content.decode()
    assert response.status_code == 200
    field = re.search(rf'<input[^>]*id="note-{event.pk}"[^>]*>', page).group(0)
    assert f'value="{note}"' in field and 'aria-invalid="true"' in field
    error = re.search(rf'<div[^>]*id="note-{event.pk}-error"[^>]*>(.*?)</div>', page, re.S)
    assert "enintään 2000 merkkiä" in error.group(1)
    event.refresh_from_db()
    assert event.reviewed_at is None


def test_a_refused_review_on_a_later_page_is_shown_on_that_page(client, team, monkeypatch):
    """The form is sent from page 2: the page shown again is the event's own, its note and
    error with it (it was page 1, without that event)."""
    monkeypatch.setattr("clients.views.team.BTG_REVIEW_PAGE_SIZE", 2)
    now = timezone.now()
    events = []
    for hours in (1, 2, 3):
        started = now - datetime.timedelta(hours=hours)
        events.append(
            BreakTheGlass.objects.create(
                client=team["client"],
                user=team["counsellor"],
                role=Role.SOCIAL_COUNSELLOR,
                unit=team["client"].responsible_unit,
                reason=f"Avaus {hours}.",
                started_at=started,
                expires_at=started + datetime.timedelta(minutes=50),
            )
        )
    oldest = events[-1]
    login(client, team["manager"])
    assert f'id="note-{oldest.pk}"' in client.get(f"{REVIEW}?page=2").content.decode()
    note = "Peruste asiallinen. " * 101
    response = client.post(f"/clients/break-the-glass/{oldest.pk}/review/", {"note": note})
    page = response.content.decode()
    assert response.context["page"].number == 2
    field = re.search(rf'<input[^>]*id="note-{oldest.pk}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "autofocus" in field
    assert f'id="note-{oldest.pk}-error"' in page
    oldest.refresh_from_db()
    assert oldest.reviewed_at is None
