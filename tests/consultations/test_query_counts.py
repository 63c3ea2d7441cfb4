"""The calendar, the session page and the other lists read with the same number of queries
at 2 and at 20 cases (CONVENTIONS.md 11): no N+1 hides behind a short agenda."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.factories import ClientFactory
from consultations.factories import make_request, make_session, put_on_agenda
from tests.conftest import login


def grow(hki, size: int) -> None:
    """`size` cases on the session and `size` sessions in its week, each case of its own client."""
    have = hki.session.agenda.count()
    for n in range(have, size):
        client = ClientFactory(responsible_worker=hki.worker)
        request = make_request(client, hki.worker)
        put_on_agenda(request, hki.session, minutes=4)  # after the last case
        if n:
            # Another session of the network that week, run by someone else at its own time.
            start = hki.session.ends_at + datetime.timedelta(minutes=30 * n)
            other = make_session(
                hki.network,
                hki.worker,
                participants=[hki.expert, hki.kela_liaison],
                starts_at=start,
                minutes=30,
                chair=hki.coordinator,
            )
            put_on_agenda(make_request(client, hki.worker), other, minutes=10)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def day(hki):
    return hki.session.starts_at.date().isoformat()


PAGES = {
    "calendar (week)": lambda hki: reverse("consultations:calendar") + f"?day={day(hki)}",
    "calendar (month)": lambda hki: (
        reverse("consultations:calendar") + f"?view=month&day={day(hki)}"
    ),
    "session": lambda hki: reverse("consultations:session", kwargs={"session_id": hki.session.pk}),
    "home": lambda hki: reverse("consultations:index"),
    "dashboard": lambda hki: reverse("dashboard"),
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", ["coordinator", "kela_liaison"])
def test_the_same_queries_at_2_and_20_cases(client, hki, page, role):
    user = getattr(hki, role)
    login(client, user)
    url = PAGES[page](hki)
    grow(hki, 2)
    client.get(url)  # warm: session, role and content types
    at_two = queries(client, url)
    grow(hki, 20)
    assert hki.session.agenda.count() == 20
    assert queries(client, url) == at_two, f"{page} as {role}"


def test_the_queue_at_2_and_20_waiting_requests(client, hki):
    login(client, hki.coordinator)
    url = reverse("consultations:queue")

    def add(count):
        for _ in range(count):
            make_request(ClientFactory(responsible_worker=hki.worker), hki.worker)

    add(2)
    client.get(url)
    at_two = queries(client, url)
    add(18)
    assert queries(client, url) == at_two


def test_my_requests_and_the_client_panel_at_2_and_20(client, hki):
    login(client, hki.worker)
    urls = [
        reverse("consultations:my_requests"),
        reverse("clients:detail", kwargs={"client_id": hki.client.uuid}),
    ]

    def add(count):
        for _ in range(count):
            request = make_request(hki.client, hki.worker)
            put_on_agenda(request, hki.session, minutes=4)

    add(1)
    for url in urls:
        client.get(url)
    at_two = [queries(client, url) for url in urls]
    add(18)
    assert [queries(client, url) for url in urls] == at_two


def test_the_request_forms_preview_at_2_and_12_networks(client, hki):
    """With no network chosen the preview shows every active network, each with its
    organisations named or pseudonymous: the care team and the consents are read once."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from consultations.factories import NetworkFactory, add_network_member
    from consultations.models import Network
    from services.factories import OrganisationFactory, UnitFactory

    def networks(count):
        for n in range(Network.objects.count(), count):
            network = NetworkFactory(
                name_fi=f"Verkosto {n}", convening_organisation=hki.sote, created_by=hki.coordinator
            )
            unit = UnitFactory(organisation=OrganisationFactory(slug=f"kumppani-{n}"))
            add_network_member(
                network,
                make_user(
                    Role.EMPLOYMENT_EXPERT, unit, first_name="Eero", last_name=f"Asiantuntija{n}"
                ),
            )
            add_network_member(network, hki.kela_liaison)

    login(client, hki.worker)
    url = reverse("consultations:request_create", kwargs={"client_id": hki.client.uuid})
    networks(2)
    client.get(url)
    at_two = queries(client, url)
    networks(12)
    page = client.get(url).content.decode()
    assert "Verkosto 11" in page and "Asiantuntija11" in page
    assert queries(client, url) == at_two
