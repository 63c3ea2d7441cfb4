"""The client page shows each plan as it is in force (ClientPlan.in_force): a draft revision
being written is named as a draft, never shown as the plan."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.factories import make_plan
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _panel(client, team) -> str:
    login(client, team["worker"])
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    return page[page.index('class="polku-plan"') : page.index("Laadi suunnitelma")]


def test_a_draft_revision_leaves_the_agreed_version_on_the_page(client, team):
    agreed = make_plan(team["client"], team["worker"], status="agreed", goals=("Hygieniapassi",))
    draft = make_plan(team["client"], team["worker"], status="draft", goals=("Kesken oleva",))
    panel = _panel(client, team)
    assert "Hygieniapassi" in panel and "Kesken oleva" not in panel
    assert "Versio 1, Sovittu asiakkaan kanssa." in panel
    assert "Uutta versiota 2 laaditaan luonnoksena." in panel
    assert f'href="/clients/{team["client"].uuid}/plans/{agreed.pk}/"' in panel
    assert f'href="/clients/{team["client"].uuid}/plans/{draft.pk}/"' in panel


def test_the_version_in_force_says_so_on_its_page_while_a_draft_is_written(client, team):
    agreed = make_plan(team["client"], team["worker"], status="agreed")
    make_plan(team["client"], team["worker"], status="draft")
    login(client, team["worker"])
    url = f"/clients/{team['client'].uuid}/plans/{agreed.pk}/"
    page = client.get(url).content.decode()
    assert "Tämä versio on voimassa." in page and "Tämä on aiempi versio." not in page
    make_plan(team["client"], team["worker"], status="active")
    page = client.get(url).content.decode()
    assert "Tämä on aiempi versio." in page and "Tämä versio on voimassa." not in page


def test_a_first_draft_is_shown_as_a_draft_not_in_force(client, team):
    make_plan(team["client"], team["worker"], status="draft", goals=("Ensimmäinen tavoite",))
    panel = _panel(client, team)
    assert "Ensimmäinen tavoite" in panel
    assert "Luonnos: suunnitelma ei ole vielä voimassa." in panel
    assert "laaditaan luonnoksena" not in panel


def test_a_decided_revision_replaces_the_version_on_the_page(client, team):
    make_plan(team["client"], team["worker"], status="agreed", goals=("Vanha tavoite",))
    make_plan(team["client"], team["worker"], status="active", goals=("Uusi tavoite",))
    panel = _panel(client, team)
    assert "Uusi tavoite" in panel and "Vanha tavoite" not in panel
    assert "Versio 2, Voimassa." in panel and "luonnos" not in panel.lower()


def test_a_closed_plan_is_shown_closed(client, team):
    make_plan(team["client"], team["worker"], status="active", goals=("Tavoite",))
    make_plan(team["client"], team["worker"], status="closed", goals=("Tavoite",))
    panel = _panel(client, team)
    assert "Versio 2, Päättynyt." in panel and "Versio 1" not in panel


def _queries(client, team) -> int:
    login(client, team["worker"])
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/clients/{team['client'].uuid}/")
    return len(queries)


def test_the_panel_asks_as_many_queries_for_one_plan_as_for_many_with_drafts(client, team):
    make_plan(team["client"], team["worker"], status="agreed")
    _queries(client, team)  # the first request of a session asks more
    few = _queries(client, team)
    for plan_type in ("activation_plan", "work_ability_support_plan", "client_plan"):
        for status in ("agreed", "draft", "draft"):
            make_plan(team["client"], team["worker"], plan_type=plan_type, status=status)
    assert _queries(client, team) == few
    assert len(re.findall("laaditaan luonnoksena", _panel(client, team))) == 3


def test_a_plan_whose_review_day_has_passed_is_marked_late(client, team):
    """As the overdue reminder counts it: from the day after the review day."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    plan = make_plan(team["client"], team["worker"], status="active", next_review_on=today)
    assert "(myöhässä)" not in _panel(client, team)
    plan.next_review_on = today - datetime.timedelta(days=1)
    plan.save(update_fields=["next_review_on"])
    assert "Seuraava arviointi" in (panel := _panel(client, team)) and "(myöhässä)" in panel
