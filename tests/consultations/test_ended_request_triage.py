"""A request that ended before any session (declined, withdrawn) no longer shows its client
named on the coordinator's triage page: the need to know ended with it. The page shows it
pseudonymously and writes an access-log row but no disclosure, even where the consent
covers the coordinator's organisation. A request on a session keeps showing as its
session's participants see it."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from consents.factories import ConsentFactory
from consultations import actions
from consultations.factories import make_request, make_session
from consultations.log_labels import REQUEST_TRIAGE_VIEWED
from consultations.models import ConsultationRequest, RequestStatus
from consultations.tasks import send_invitations_task
from tests.conftest import login
from tests.consultations.test_case_view import NAME, named, pseudonymous

REASON = "Tilanne selvisi omassa tiimissä."


@pytest.fixture
def waiting(hki):
    """A request waiting for the coordinator; the client's consent covers social services,
    the coordinator's organisation."""
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.sote])
    return make_request(hki.client, hki.worker)


def triage_page(client, hki, request) -> str:
    client.logout()
    login(client, hki.coordinator)
    response = client.get(reverse("consultations:triage", kwargs={"request_id": request.pk}))
    assert response.status_code == 200
    return response.content.decode()


def viewed(request) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(
            action=REQUEST_TRIAGE_VIEWED, detail__startswith=request.reference
        ).order_by("pk")
    )


def test_an_open_request_shows_named_where_the_consent_covers(client, hki, waiting):
    assert named(triage_page(client, hki, waiting))
    assert DisclosureLogEntry.objects.filter(recipient_user=hki.coordinator).count() == 1


def test_a_declined_request_shows_pseudonymously_with_no_disclosure(client, hki, waiting):
    actions.decline_request(request=waiting, declined_by=hki.coordinator, reason=REASON)
    html = triage_page(client, hki, waiting)
    assert pseudonymous(html)
    assert "pyyntö päättyi ennen istuntoa" in html
    assert f"Ei otettu käsittelyyn: {REASON}" in html
    assert not DisclosureLogEntry.objects.exists()
    (row,) = viewed(waiting)
    assert (row.actor, row.client_id, row.basis) == (
        hki.coordinator,
        hki.client.uuid,
        Basis.CONSULTATION,
    )
    assert row.detail == f"{waiting.reference} pseudonymous"


def test_a_request_withdrawn_from_the_agenda_shows_pseudonymously(client, hki, waiting):
    """On a session the coordinator running it saw it named; withdrawn, it has left the
    agenda and its client is no longer named to them."""
    session = make_session(
        hki.network, hki.coordinator, starts_at=hki.session.starts_at + datetime.timedelta(days=14)
    )
    with mock.patch.object(send_invitations_task, "delay"):
        actions.place_on_session(request=waiting, session=session, placed_by=hki.coordinator)
    assert named(triage_page(client, hki, waiting))
    disclosed = DisclosureLogEntry.objects.count()
    assert disclosed == 1
    with mock.patch.object(send_invitations_task, "delay"):
        actions.withdraw_request(request=waiting, withdrawn_by=hki.worker, reason=REASON)

    html = triage_page(client, hki, waiting)
    assert pseudonymous(html) and "Sanna Sosiaali perui pyynnön" in html
    assert DisclosureLogEntry.objects.count() == disclosed
    assert viewed(waiting)[-1].detail == f"{waiting.reference} pseudonymous"


def test_the_coordinator_on_the_clients_team_still_sees_it_named_without_a_disclosure(
    client, hki, waiting
):
    from clients.factories import add_member
    from clients.models import TeamRole

    add_member(hki.client, hki.coordinator, TeamRole.WORK_PAIR)
    actions.decline_request(request=waiting, declined_by=hki.coordinator, reason=REASON)
    html = triage_page(client, hki, waiting)
    assert named(html) and "olet asiakkaan omatiimissä" in html
    assert not DisclosureLogEntry.objects.exists()
    assert viewed(waiting)[-1].basis == Basis.CARE_TEAM


def test_a_closed_request_shows_as_its_session_shows_it(client, hki, waiting):
    """Closed after its session: the session's coordinator sees it as on the case page."""
    ConsultationRequest.objects.filter(pk=hki.request.pk).update(status=RequestStatus.CLOSED)
    html = triage_page(client, hki, hki.request)
    assert named(html) and NAME in html
    assert DisclosureLogEntry.objects.filter(recipient_user=hki.coordinator).count() == 1
