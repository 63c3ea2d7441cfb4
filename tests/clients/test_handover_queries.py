"""The caseload handover page reads the unit's colleagues once, for every client's choice
and its validation: its queries do not grow with the caseload, shown or shown again with
errors (tests at 3 and 30 clients, all on the page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from clients.models import CareTeamMembership, TeamRole
from tests.conftest import field_errors, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(client, team):
    """The leaving worker's caseload grown to `size` clients, of both relationship homes (an
    employment expert is offered for the employment-services ones only)."""
    leaving = team["worker"]
    make_user(Role.EMPLOYMENT_EXPERT, team["unit"])
    login(client, team["manager"])
    client.get(f"/clients/handover/?from={leaving.pk}")  # the session's first request

    def grow_to(size):
        held = CareTeamMembership.objects.current().filter(
            user=leaving, role=TeamRole.RESPONSIBLE_WORKER
        )
        for index in range(held.count(), size):
            home = "employment_services" if index % 2 else "social_services"
            ClientFactory(responsible_worker=leaving, relationship_home=home)
        assert held.count() == size
        return leaving

    return grow_to


def _queries(client, leaving, post=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        if post is None:
            response = client.get(f"/clients/handover/?from={leaving.pk}")
        else:
            response = client.post("/clients/handover/", {"from": leaving.pk, **post})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_handover_page_asks_as_many_queries_for_3_and_30_clients(client, team, caseload):
    leaving = caseload(3)
    few, _ = _queries(client, leaving)
    refused_few, _ = _queries(client, leaving, {"handover_note": "Lähtee."})
    leaving = caseload(30)
    many, page = _queries(client, leaving)
    assert page.count('name="client_') == 30
    assert many == few
    refused_many, refused = _queries(client, leaving, {"handover_note": "Lähtee."})
    assert refused_many == refused_few
    assert refused.count('name="client_') == 30  # each client's choice is shown again


def test_a_colleague_not_offered_for_the_client_is_refused(client, team):
    """Validated against the same list the choice shows: a manager, or an employment expert
    for a social-services client, is not a choice."""
    expert = make_user(Role.EMPLOYMENT_EXPERT, team["unit"])
    login(client, team["manager"])
    leaving = team["worker"]
    field = f"client_{team['client'].pk}"
    for refused in (expert, team["manager"]):
        response = client.post(
            "/clients/handover/",
            {
                "from": leaving.pk,
                field: refused.role_assignments.get().pk,
                "handover_note": "Lähtee.",
            },
        )
        assert response.status_code == 200
        assert "Valitse oikea vaihtoehto" in field_errors(response.content.decode(), field)
    response = client.post(
        "/clients/handover/",
        {
            "from": leaving.pk,
            field: team["counsellor"].role_assignments.get().pk,
            "handover_note": "Lähtee.",
        },
    )
    assert response.status_code == 302
