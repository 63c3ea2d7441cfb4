"""The dashboard's client panel says whose clients it counts: a worker's own (their care
teams'), a manager's those of the unit they manage."""

from django.urls import reverse

from accounts.factories import make_user
from clients.factories import ClientFactory
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
