"""The dashboard's client panel says whose clients it counts: a worker's own (their care
teams'), a manager's those of the unit they manage."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from clients.factories import ClientFactory, make_plan
from tests.conftest import login


def _panel(page: str) -> str:
    start = page.index('aria-labelledby="panel-my-clients"')
    return page[start : page.index("</section>", start)]


def test_a_worker_sees_their_own_clients_counted_as_theirs(client, unit):
    worker = make_user("social_worker", unit)
    ClientFactory.create_batch(2, responsible_worker=worker)
    login(client, worker)
    panel = _panel(client.get(reverse("dashboard")).text)
    assert "Asiakkaani" in panel
    assert "2 aktiivista asiakasta" in panel


def test_a_manager_sees_the_units_clients_named_as_the_units(client, unit):
    worker = make_user("social_worker", unit)
    ClientFactory.create_batch(3, responsible_worker=worker)
    manager = make_user("manager", unit)
    login(client, manager)
    panel = _panel(client.get(reverse("dashboard")).text)
    assert "Asiakkaani" not in panel
    assert "Yksikön asiakkaat" in panel
    assert "3 aktiivista asiakasta" in panel


def test_the_overdue_reviews_are_counted_as_clients_and_said_so(client, unit):
    """A client with two plans overdue counts once, and the text counts clients."""
    worker = make_user("social_worker", unit)
    first, second, _on_time = ClientFactory.create_batch(3, responsible_worker=worker)
    overdue = timezone.localdate() - datetime.timedelta(days=1)
    make_plan(first, worker, status="agreed", next_review_on=overdue)
    make_plan(first, worker, plan_type="activation_plan", status="active", next_review_on=overdue)
    login(client, worker)
    panel = _panel(client.get(reverse("dashboard")).text)
    assert "1 asiakkaalla on suunnitelman arviointi myöhässä." in panel
    make_plan(second, worker, status="agreed", next_review_on=overdue)
    panel = _panel(client.get(reverse("dashboard")).text)
    assert "2 asiakkaalla on suunnitelman arviointi myöhässä." in panel
    assert "suunnitelman arviointia" not in panel
