"""IDOR in consultations: one object put inside another object's URL.

A case of session B under session A's URL, a request or a work-pair offer of another
client under this client's URL, a session of a network the coordinator does not run
in the placing form, a case of a session the Kela liaison takes no part in: each
answers 404 (or the form refuses) and changes nothing, while the same user reaches
the same objects under their own URLs."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, DisclosureLogEntry
from clients.factories import ClientFactory, add_member
from clients.models import CareTeamMembership, TeamRole
from consents.factories import acting
from consultations import actions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    make_request,
    make_session,
    next_weekday_at,
    put_on_agenda,
)
from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Recommendation,
    RequestStatus,
    Session,
    WorkPairOffer,
)
from notifications.models import Task
from services.factories import UnitFactory
from tests.conftest import login


def state(*, access_log: bool = True) -> dict:
    """Everything a refused request must leave as it was."""
    snapshot = {
        "items": list(
            AgendaItem.objects.order_by("pk").values_list(
                "pk", "session_id", "request_id", "starts_at", "minutes", "minutes_recorded_by_id"
            )
        ),
        "requests": list(
            ConsultationRequest.objects.order_by("pk").values_list(
                "pk", "status", "network_id", "triaged_at", "closed_at"
            )
        ),
        "sessions": list(Session.objects.order_by("pk").values_list("pk", "sequence")),
        "recommendations": list(Recommendation.objects.values_list("pk", flat=True)),
        "offers": list(
            WorkPairOffer.objects.order_by("pk").values_list("pk", "accepted", "decided_by_id")
        ),
        "memberships": list(
            CareTeamMembership.objects.order_by("pk").values_list("pk", "accepted_at", "ended_on")
        ),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "done_at")),
        "disclosures": DisclosureLogEntry.objects.count(),
    }
    if access_log:
        snapshot["access_log"] = AccessLogEntry.objects.count()
    return snapshot


def case_url(name: str, session, item) -> str:
    return reverse(f"consultations:{name}", kwargs={"session_id": session.pk, "item_id": item.pk})


def session_url(session) -> str:
    return reverse("consultations:session", kwargs={"session_id": session.pk})


def request_url(client, consultation) -> str:
    return reverse(
        "consultations:request_detail",
        kwargs={"client_id": client.uuid, "request_id": consultation.pk},
    )


def answer_url(verb: str, client, offer) -> str:
    return reverse(
        f"consultations:work_pair_{verb}", kwargs={"client_id": client.uuid, "offer_id": offer.pk}
    )


def switch(client, user):
    client.logout()
    return login(client, user)


@pytest.fixture
def other_client(hki):
    """A second client of the same responsible worker and coach: the team sees both."""
    other = ClientFactory(
        responsible_worker=hki.worker, first_names="Onni Olavi", last_name="Orava"
    )
    add_member(other, hki.coach, TeamRole.COACH)
    return other


@pytest.fixture
def b(hki, other_client):
    """Session B: the same network and coordinator as session A, later the same day; the
    employment expert takes part, the Kela liaison does not. Another client's case is on
    its agenda."""
    session = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert],
        starts_at=hki.session.ends_at + datetime.timedelta(hours=1),
    )
    item = put_on_agenda(make_request(other_client, hki.worker), session)
    return SimpleNamespace(session=session, item=item)


# a) A case of session B under session A's URL, as the coordinator who runs both.


def test_a_case_of_another_session_under_this_sessions_url_answers_404(client, hki, b):
    login(client, hki.coordinator)
    # The coordinator opens both cases under their own sessions' URLs...
    assert client.get(case_url("case", hki.session, hki.item)).status_code == 200
    assert client.get(case_url("case", b.session, b.item)).status_code == 200
    before = state()
    # ...but neither under the other session's.
    assert client.get(case_url("case", hki.session, b.item)).status_code == 404
    assert client.get(case_url("case", b.session, hki.item)).status_code == 404
    assert state() == before  # not even an access-log row


def _discussed(item):
    ConsultationRequest.objects.filter(pk=item.request_id).update(status=RequestStatus.DISCUSSED)


def _minutes_recorded(item) -> bool:
    return AgendaItem.objects.get(pk=item.pk).minutes == "Muistio tapauksesta."


def _recommended(item) -> bool:
    return Recommendation.objects.filter(agenda_item=item).exists()


def _offered(item) -> bool:
    return WorkPairOffer.objects.filter(request_id=item.request_id).exists()


def _closed(item) -> bool:
    return ConsultationRequest.objects.get(pk=item.request_id).status == RequestStatus.CLOSED


def _removed(item) -> bool:
    return not AgendaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    ("name", "data", "prepare", "done"),
    [
        pytest.param("minutes", {"minutes": "Muistio tapauksesta."}, None, _minutes_recorded),
        pytest.param(
            "recommendation_add",
            {"text": "Ohjataan työkykyselvitykseen.", "due_date": "DUE"},
            None,
            _recommended,
        ),
        pytest.param("offer_work_pair", {}, None, _offered),
        pytest.param("close", {}, _discussed, _closed),
        pytest.param("agenda_remove", {"confirmed": "1"}, None, _removed),
    ],
)
def test_a_post_on_a_case_of_another_session_answers_404_and_changes_nothing(
    client, hki, b, name, data, prepare, done
):
    # During session B: session A has been held, B is on, so each POST would take effect.
    now = b.session.starts_at + datetime.timedelta(minutes=10)
    if data.get("due_date") == "DUE":
        data = {**data, "due_date": (now + datetime.timedelta(days=30)).date().isoformat()}
    for item in (hki.item, b.item):
        if prepare:
            prepare(item)
    with time_machine.travel(now, tick=False):
        login(client, hki.coordinator)
        before = state()
        for session, item in ((hki.session, b.item), (b.session, hki.item)):
            response = client.post(case_url(name, session, item), data)
            assert response.status_code == 404, f"{name}: item {item.pk} under {session.pk}"
        assert state() == before
        assert not done(b.item) and not done(hki.item)
        # The same POST under the case's own session's URL does what it says.
        client.post(case_url(name, b.session, b.item), data)
        assert done(b.item), name


# b) A request or a work-pair offer of another client under this client's URL, by a user
# on the team of both clients.


def test_another_clients_request_under_this_clients_url_answers_404(client, hki, other_client):
    theirs = make_request(other_client, hki.worker)
    for user in (hki.worker, hki.coach):  # the responsible worker and a team member of both
        switch(client, user)
        assert client.get(request_url(hki.client, hki.request)).status_code == 200
        assert client.get(request_url(other_client, theirs)).status_code == 200
        before = state()
        assert client.get(request_url(hki.client, theirs)).status_code == 404, user
        assert client.get(request_url(other_client, hki.request)).status_code == 404, user
        # Nothing changed, and nothing was logged: a refused page shows no client data.
        assert state() == before


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_another_clients_work_pair_offer_under_this_clients_url_answers_404(
    client, hki, other_client, verb
):
    theirs = actions.offer_work_pair(
        request=make_request(
            other_client, hki.worker, status=RequestStatus.TRIAGED, network=hki.network
        ),
        offered_by=hki.coordinator,
    )
    ours = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    login(client, hki.worker)  # the responsible worker of both clients
    before = state()
    assert client.post(answer_url(verb, hki.client, theirs)).status_code == 404
    assert client.post(answer_url(verb, other_client, ours)).status_code == 404
    assert state() == before
    # Under their own clients' URLs the same worker answers both.
    assert client.post(answer_url(verb, other_client, theirs)).status_code == 302
    assert client.post(answer_url(verb, hki.client, ours)).status_code == 302
    for offer in (theirs, ours):
        offer.refresh_from_db()
        assert offer.accepted is (verb == "accept") and offer.decided_by == hki.worker


# c) A coordinator places a request onto a session of a network they do not run.


@pytest.fixture
def foreign_session(hki):
    """A session of employment services' own network, which the Helsinki coordinator
    neither convenes nor is a member of."""
    coordinator = acting(
        make_user(
            Role.COORDINATOR,
            UnitFactory(organisation=hki.employment),
            first_name="Toini",
            last_name="Toinen",
        )
    )
    network = NetworkFactory(
        name_fi="Työllisyyspalvelujen konsultaatio",
        convening_organisation=hki.employment,
        created_by=coordinator,
    )
    add_network_member(network, coordinator)
    add_network_member(network, hki.expert)
    return make_session(
        network, coordinator, participants=[hki.expert], starts_at=next_weekday_at(9, 10)
    )


def test_a_coordinator_cannot_place_a_request_on_a_session_of_a_network_they_do_not_run(
    client, hki, foreign_session
):
    waiting = make_request(hki.client, hki.worker, preferred_network=hki.network)
    place = reverse("consultations:place", kwargs={"request_id": waiting.pk})
    login(client, hki.coordinator)
    assert client.get(session_url(foreign_session)).status_code == 404  # not theirs to see
    before = state(access_log=False)
    response = client.post(place, {"session": foreign_session.pk, "minutes": "30"})
    assert response.status_code == 400
    assert "session" in response.context["place_form"].errors
    assert state(access_log=False) == before
    assert not AgendaItem.objects.filter(request=waiting).exists()
    assert not AgendaItem.objects.filter(session=foreign_session).exists()
    # The same request onto a session of the coordinator's own network.
    assert client.post(place, {"session": hki.session.pk, "minutes": "30"}).status_code == 302
    assert AgendaItem.objects.get(request=waiting).session == hki.session


def test_a_coordinator_cannot_triage_a_request_to_a_network_they_do_not_run(
    client, hki, foreign_session
):
    waiting = make_request(hki.client, hki.worker, preferred_network=hki.network)
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    login(client, hki.coordinator)
    before = state(access_log=False)
    response = client.post(triage, {"network": foreign_session.network_id, "note": ""})
    assert response.status_code == 400
    assert "network" in response.context["triage_form"].errors
    assert state(access_log=False) == before
    assert client.post(triage, {"network": hki.network.pk, "note": ""}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.TRIAGED and waiting.network == hki.network


def test_a_request_of_a_network_the_coordinator_does_not_run_answers_404(
    client, hki, foreign_session
):
    ours = make_request(hki.client, hki.worker, preferred_network=hki.network)
    theirs = make_request(hki.client, hki.worker, preferred_network=foreign_session.network)
    login(client, hki.coordinator)
    assert client.get(reverse("consultations:triage", args=[ours.pk])).status_code == 200
    before = state()
    assert client.get(reverse("consultations:triage", args=[theirs.pk])).status_code == 404
    for session in (foreign_session, hki.session):
        response = client.post(
            reverse("consultations:place", args=[theirs.pk]),
            {"session": session.pk, "minutes": "30"},
        )
        assert response.status_code == 404
    assert state() == before


# d) A Kela liaison taking part in session A opens a case of session B.


def test_a_kela_liaison_of_one_session_does_not_open_a_case_of_another(client, hki, b):
    login(client, hki.kela_liaison)
    assert client.get(session_url(hki.session)).status_code == 200
    assert client.get(case_url("case", hki.session, hki.item)).status_code == 200
    before = state()
    assert client.get(session_url(b.session)).status_code == 404
    for session, item in (
        (b.session, b.item),  # the case under its own session
        (hki.session, b.item),  # under the liaison's session
        (b.session, hki.item),  # the liaison's case under the other session
    ):
        assert client.get(case_url("case", session, item)).status_code == 404, (session, item)
    assert state() == before  # no access-log nor disclosure row of session B's client
    # Session B's case opens for its participants.
    switch(client, hki.expert)
    assert client.get(case_url("case", b.session, b.item)).status_code == 200


# e) A request left for "the coordinator chooses" (no network, none preferred).


def test_an_unassigned_request_is_not_open_to_a_coordinator_of_another_organisation(
    client, hki, foreign_session
):
    """Employment services' coordinator runs a network in which the client's organisation
    (social services) takes no part: the request is not in their queue and its pages
    answer 404 with nothing changed; once a social-services worker is a member of that
    network, it is. The Helsinki coordinator of the client's own organisation sees it."""
    waiting = make_request(hki.client, hki.worker)
    assert waiting.network is None and waiting.preferred_network is None
    other = foreign_session.coordinator
    assert other.active_assignment.unit.organisation == hki.employment
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    login(client, other)
    assert waiting.reference not in client.get(reverse("consultations:queue")).content.decode()
    before = state()
    assert client.get(triage).status_code == 404
    assert client.post(triage, {"network": foreign_session.network_id}).status_code == 404
    response = client.post(
        reverse("consultations:place", kwargs={"request_id": waiting.pk}),
        {"session": foreign_session.pk, "minutes": "30"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("consultations:decline", kwargs={"request_id": waiting.pk}), {"reason": "Ei meille"}
    )
    assert response.status_code == 404
    assert state() == before  # no access-log row of the client either

    # A social-services worker whom they added to their network themselves does not
    # make social services take part: it did not nominate them.
    member = actions.add_member(
        network=foreign_session.network,
        added_by=other,
        user=hki.coach,
        organisation=hki.sote,
        expertise="Työvalmennus",
    )
    assert waiting.reference not in client.get(reverse("consultations:queue")).content.decode()
    assert client.get(triage).status_code == 404
    assert state() == before

    # Nominated by social services (added by someone acting there), they do: a network of
    # theirs in which social services takes part brings it to their queue.
    member.delete()
    actions.add_member(
        network=foreign_session.network,
        added_by=hki.coordinator,
        user=hki.coach,
        organisation=hki.sote,
        expertise="Työvalmennus",
    )
    assert waiting.reference in client.get(reverse("consultations:queue")).content.decode()
    assert client.get(triage).status_code == 200

    switch(client, hki.coordinator)
    assert waiting.reference in client.get(reverse("consultations:queue")).content.decode()
    assert client.get(triage).status_code == 200


def test_an_unassigned_request_is_in_the_queue_of_the_clients_own_coordinators_only(hki):
    waiting = make_request(hki.client, hki.worker)
    elsewhere = acting(
        make_user(Role.COORDINATOR, UnitFactory(), first_name="Vilja", last_name="Vantaa")
    )
    NetworkFactory(name_fi="Vantaan verkosto", convening_organisation=elsewhere.organisation)
    same_organisation = acting(
        make_user(
            Role.COORDINATOR,
            UnitFactory(organisation=hki.sote),
            first_name="Sami",
            last_name="Samasta",
        )
    )
    assert not ConsultationRequest.objects.in_queue_of(elsewhere).filter(pk=waiting.pk).exists()
    assert ConsultationRequest.objects.in_queue_of(same_organisation).filter(pk=waiting.pk).exists()
    assert ConsultationRequest.objects.in_queue_of(hki.coordinator).filter(pk=waiting.pk).exists()
