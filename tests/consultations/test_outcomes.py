"""Minutes, recommendations as tasks of the responsible worker (only), closing, and the
work-pair offer that the responsible worker accepts or declines."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.access import relation_to
from clients.models import CareTeamMembership, Client, TeamRole
from consultations import actions
from consultations.factories import add_presenter
from consultations.models import Recommendation, RequestStatus, WorkPairOffer
from notifications.actions import complete_task
from notifications.models import Task
from tests.conftest import field_errors, login


@pytest.fixture
def during(hki):
    """The session is on."""
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=10), tick=False):
        yield


def case_url(hki, name="case"):
    return reverse(
        f"consultations:{name}", kwargs={"session_id": hki.session.pk, "item_id": hki.item.pk}
    )


def test_a_recommendation_becomes_a_task_of_the_responsible_worker_only(client, hki, during):
    hki.request.asked_by = hki.coach  # asked on the worker's behalf
    hki.request.save()
    login(client, hki.coordinator)
    due = hki.session.starts_at.date() + datetime.timedelta(days=30)
    response = client.post(
        case_url(hki, "recommendation_add"),
        {"text": "Ohjataan työkykyselvitykseen; Kelan kuntoutus selvitetään.", "due_date": due},
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    task = Task.objects.get()
    assert recommendation.task == task
    assert task.assignee == hki.worker
    assert task.kind == "consultations.recommendation"
    assert task.due_date == due and task.client_id == hki.client.uuid
    assert task.link == reverse(
        "consultations:request_detail",
        kwargs={"client_id": hki.client.uuid, "request_id": hki.request.pk},
    )
    assert hki.request.reference in task.title
    for user in (hki.coach, hki.coordinator, hki.expert, hki.kela_liaison):
        assert not Task.objects.filter(assignee=user).exists()
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.DISCUSSED
    assert AccessLogEntry.objects.filter(action="consultations.recommendation.created").exists()


def test_the_change_history_names_the_coordinators_recommendation_not_the_task(client, hki, during):
    """create_task runs inside add_recommendation: the recommendation and its task are one
    change by the coordinator, under the recommendation's label, in the request's URL."""
    login(client, hki.coordinator)
    response = client.post(
        case_url(hki, "recommendation_add"),
        {"text": "Ohjataan työkykyselvitykseen.", "due_date": datetime.date(2030, 1, 31)},
    )
    assert response.status_code == 302
    recommendation, task = Recommendation.objects.get(), Task.objects.get()
    contexts = {event.pgh_context for event in (*recommendation.events.all(), *task.events.all())}
    assert [context.metadata for context in contexts] == [
        {
            "user": hki.coordinator.pk,
            "url": case_url(hki, "recommendation_add"),
            "action": "consultations.recommendation.created",
        }
    ]


def test_a_recommendation_handed_over_reads_in_the_new_workers_language(client, hki, during):
    """Written for the Finnish-speaking worker, the task moves with responsibility to one who
    reads Polku in Swedish: its title reads in Swedish, the coordinator's words as written."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.actions import transfer_responsibility
    from consents.factories import acting

    recommendation = actions.add_recommendation(
        item=hki.item,
        recommended_by=hki.coordinator,
        text="Ohjataan työkykyselvitykseen.",
        due_date=datetime.date(2030, 1, 31),
    )
    task = recommendation.task
    finnish = f"Konsultaation suositus: Kaija Koivisto ({hki.request.reference})"
    assert task.title == finnish
    successor = acting(make_user(Role.SOCIAL_WORKER, hki.social_work, preferred_language="sv"))
    transfer_responsibility(
        client=hki.client,
        to_user=successor,
        to_unit=hki.social_work,
        transferred_by=hki.worker,
        handover_note="Suositus seurattavana.",
    )
    task.refresh_from_db()
    assert task.assignee == successor
    login(client, successor)
    html = client.get(reverse("notifications:inbox")).content.decode()
    swedish = f"Konsultationens rekommendation: Kaija Koivisto ({hki.request.reference})"
    assert swedish in html and finnish not in html
    assert "Ohjataan työkykyselvitykseen." in html
    my_requests = client.get(reverse("consultations:my_requests")).content.decode()
    assert swedish in my_requests


def test_a_repeated_recommendation_task_key_creates_one_task(hki, during):
    item = hki.item
    item.session = hki.session
    recommendation = actions.add_recommendation(
        item=item, recommended_by=hki.coordinator, text="Suositus", due_date=datetime.date.today()
    )
    from notifications.actions import create_task

    again = create_task(
        assignee=hki.worker,
        kind="consultations.recommendation",
        title="x",
        key=f"consultations.recommendation:{recommendation.pk}",
    )
    assert again == recommendation.task and Task.objects.count() == 1


def test_a_recommendation_sent_twice_is_recorded_once(client, hki, during):
    """A double submit: the second post finds the first under the agenda item's lock and
    says it was recorded already; the responsible worker gets one task."""
    login(client, hki.coordinator)
    due = hki.session.starts_at.date() + datetime.timedelta(days=30)
    data = {"text": "Ohjataan työkyvyn arvioon.", "due_date": due.isoformat()}
    first = client.post(case_url(hki, "recommendation_add"), data, follow=True)
    assert first.redirect_chain[-1][0] == case_url(hki)
    second = client.post(case_url(hki, "recommendation_add"), data, follow=True)
    assert second.redirect_chain[-1][0] == case_url(hki)
    told = [str(message) for message in get_messages(second.wsgi_request)]
    assert told == ["Sama suositus on jo tallennettu tälle tapaukselle."]
    assert Recommendation.objects.count() == 1
    assert (
        Task.objects.filter(kind="consultations.recommendation", assignee=hki.worker).count() == 1
    )
    assert AccessLogEntry.objects.filter(action="consultations.recommendation.created").count() == 1


def test_the_same_text_with_another_follow_up_date_is_another_recommendation(hki, during):
    today = datetime.date.today()
    for due_date in (today, today + datetime.timedelta(days=14)):
        actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text="Seurataan.", due_date=due_date
        )
    with pytest.raises(ValidationError):
        actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text=" Seurataan. ", due_date=today
        )
    assert Recommendation.objects.count() == 2 and Task.objects.count() == 2


def test_no_recommendation_before_the_session_starts(client, hki):
    login(client, hki.coordinator)
    response = client.post(
        case_url(hki, "recommendation_add"), {"text": "Liian aikaisin", "due_date": "2030-01-01"}
    )
    assert response.status_code == 400
    assert not Recommendation.objects.exists() and not Task.objects.exists()


def test_a_follow_up_date_before_today_is_refused_next_to_it(client, hki, during):
    """A recommendation's task would be overdue the moment it was made."""
    login(client, hki.coordinator)
    yesterday = hki.session.starts_at.date() - datetime.timedelta(days=1)
    response = client.post(
        case_url(hki, "recommendation_add"),
        {"text": "Haetaan kuntoutusta.", "due_date": yesterday.isoformat()},
    )
    assert response.status_code == 400
    assert (
        field_errors(response.content.decode(), "due_date")
        == "Seurantapäivä voi olla aikaisintaan tänään."
    )
    assert not Recommendation.objects.exists() and not Task.objects.exists()
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.SCHEDULED
    # Today is the earliest follow-up date.
    item = hki.item
    item.session = hki.session
    recommendation = actions.add_recommendation(
        item=item,
        recommended_by=hki.coordinator,
        text="Haetaan kuntoutusta.",
        due_date=hki.session.starts_at.date(),
    )
    assert recommendation.task.due_date == hki.session.starts_at.date()


def test_the_worker_sees_the_task_on_the_dashboard_and_the_client_page(client, hki, during):
    item = hki.item
    item.session = hki.session
    actions.add_recommendation(
        item=item,
        recommended_by=hki.coordinator,
        text="Haetaan osatyökyvyttömyyseläkettä.",
        due_date=datetime.date(2027, 1, 15),
    )
    task = Task.objects.get(kind="consultations.recommendation")
    # The title names the client and the case; the recommendation is the description.
    assert task.title == (
        f"Konsultaation suositus: {hki.client.display_name} ({hki.request.reference})"
    )
    assert task.description == "Haetaan osatyökyvyttömyyseläkettä."
    login(client, hki.worker)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Haetaan osatyökyvyttömyyseläkettä." in dashboard
    assert dashboard.count("Haetaan osatyökyvyttömyyseläkettä.") == 1
    page = client.get(reverse("clients:detail", kwargs={"client_id": hki.client.uuid}))
    html = page.content.decode()
    assert "Tapauskonsultaatiot" in html and "Haetaan osatyökyvyttömyyseläkettä." in html
    assert "Vastuu säilyy vastuutyöntekijällä." in html
    mine = client.get(reverse("consultations:my_requests")).content.decode()
    assert hki.request.reference in mine and "Haetaan osatyökyvyttömyyseläkettä." in mine


def test_my_requests_names_no_client_out_of_the_active_roles_reach(client, hki, during):
    """As the inbox: the worker's recommendation task names the client while they act as
    the client's social worker (logged as a showing), and not while they act in a Kela role
    they also hold, where they do not reach the client."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role
    from audit.models import AccessLogEntry
    from notifications.access import CLIENTS_SHOWN

    item = hki.item
    item.session = hki.session
    actions.add_recommendation(
        item=item,
        recommended_by=hki.coordinator,
        text="Haetaan osatyökyvyttömyyseläkettä.",
        due_date=datetime.date(2027, 1, 15),
    )
    kela_role = RoleAssignment.objects.create(
        user=hki.worker, role=Role.KELA_LIAISON, unit=hki.kela_liaison.role_assignments.get().unit
    )
    login(client, hki.worker)
    url = reverse("consultations:my_requests")
    mine = client.get(url).content.decode()
    assert hki.client.display_name in mine and "Haetaan osatyökyvyttömyyseläkettä." in mine
    assert AccessLogEntry.objects.filter(
        actor=hki.worker, action=CLIENTS_SHOWN, client_id=hki.client.uuid
    ).exists()

    assert client.post(reverse("switch_role"), {"assignment": kela_role.pk}).status_code == 302
    before = AccessLogEntry.objects.filter(client_id=hki.client.uuid).count()
    mine = client.get(url).content.decode()
    assert hki.client.display_name not in mine and hki.client.last_name not in mine
    assert "Haetaan osatyökyvyttömyyseläkettä." not in mine
    assert "Koskee asiakasta, jonka tietoihin sinulla ei ole pääsyä nykyisessä roolissasi" in mine
    assert AccessLogEntry.objects.filter(client_id=hki.client.uuid).count() == before


def test_the_worker_checks_the_recommendation_off_on_the_request_page(client, hki, during):
    """The dashboard's task leads to the request page: the task is checked off there, and the
    worker stays on the page; the coach sees no button for the worker's task."""
    item = hki.item
    item.session = hki.session
    actions.add_recommendation(
        item=item,
        recommended_by=hki.coordinator,
        text="Ohjataan työkokeiluun.",
        due_date=datetime.date(2027, 1, 15),
    )
    task = Task.objects.get(kind="consultations.recommendation")
    detail = reverse(
        "consultations:request_detail",
        kwargs={"client_id": hki.client.uuid, "request_id": hki.request.pk},
    )
    login(client, hki.coach)
    assert "Merkitse tehdyksi tänään" not in client.get(detail).content.decode()
    login(client, hki.worker)
    assert "Merkitse tehdyksi tänään" in client.get(detail).content.decode()

    response = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": task.pk}), {"next": detail}
    )

    assert response.status_code == 302 and response["Location"] == detail
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == hki.worker
    page = client.get(detail).content.decode()
    assert "(tehty)" in page and "Merkitse tehdyksi tänään" not in page


def _recommended_to_the_worker(http, hki):
    """A recommendation on the case, the responsible worker's task, and they signed in."""
    actions.add_recommendation(
        item=hki.item,
        recommended_by=hki.coordinator,
        text="Ohjataan työkokeiluun.",
        due_date=datetime.date(2027, 1, 15),
    )
    login(http, hki.worker)
    return Task.objects.get(kind="consultations.recommendation")


def test_a_check_off_never_leads_off_polku(client, hki, during):
    task = _recommended_to_the_worker(client, hki)
    response = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": task.pk}),
        {"next": "//evil.example/"},
    )
    assert response["Location"] == reverse("notifications:inbox")


def test_checking_a_recommendation_off_in_the_inbox_logs_the_client_its_answer_names(
    client, hki, during
):
    """Its completion hook only withdraws the reminders; the confirmation repeats the
    title, which names the client, so the inbox logs the client as a list hit."""
    from audit.models import AccessLogEntry
    from notifications.access import CLIENTS_SHOWN

    task = _recommended_to_the_worker(client, hki)
    page = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": task.pk}),
        {"done_on": ""},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert hki.client.display_name in page
    shown = AccessLogEntry.objects.filter(actor=hki.worker, client_id=hki.client.uuid)
    assert list(shown.filter(action=CLIENTS_SHOWN).values_list("basis", flat=True)) == ["care_team"]


def test_minutes_then_close(client, hki, during):
    login(client, hki.coordinator)
    response = client.post(case_url(hki, "minutes"), {"minutes": "Käytiin läpi tilanne."})
    assert response.status_code == 302
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.DISCUSSED
    # What closing means is said before the button, which names it as its description.
    page = client.get(case_url(hki)).content.decode()
    assert 'aria-describedby="close-consultation-note"' in page
    assert "Päätetyn konsultaation muistiota ei voi enää korjata" in page
    assert client.post(case_url(hki, "close")).status_code == 302
    hki.request.refresh_from_db()
    assert hki.request.status == RequestStatus.CLOSED and hki.request.closed_at
    assert "Käytiin läpi tilanne." in client.get(case_url(hki)).content.decode()


def test_a_closed_consultations_minutes_are_not_rewritten(client, hki, during):
    login(client, hki.coordinator)
    client.post(case_url(hki, "minutes"), {"minutes": "Käytiin läpi tilanne."})
    assert client.post(case_url(hki, "close")).status_code == 302
    page = client.get(case_url(hki)).content.decode()
    assert case_url(hki, "minutes") not in page  # no form to correct them

    response = client.post(case_url(hki, "minutes"), {"minutes": "Toisin muistettu."})

    assert response.status_code == 400
    assert "Konsultaatio on päättynyt." in response.content.decode()
    hki.item.refresh_from_db()
    assert hki.item.minutes == "Käytiin läpi tilanne."
    assert AccessLogEntry.objects.filter(action="consultations.minutes.recorded").count() == 1


def test_a_recommendation_read_before_the_close_is_refused_once_it_is_closed(hki, during):
    """The page was opened while the case was under discussion; it is closed before the
    recommendation is saved. The status is read again under the request's lock."""
    item = hki.item
    stale = item.request  # read while open
    actions.record_minutes(item=item, recorded_by=hki.coordinator, minutes="Käytiin läpi.")
    closed = actions.close_request(
        request=type(stale).objects.get(pk=stale.pk), closed_by=hki.coordinator
    )
    assert closed.status == RequestStatus.CLOSED and stale.status != RequestStatus.CLOSED
    with pytest.raises(ValidationError, match="Konsultaatio on päättynyt"):
        actions.add_recommendation(
            item=item,
            recommended_by=hki.coordinator,
            text="Suositus",
            due_date=datetime.date.today(),
        )
    assert not Recommendation.objects.exists() and not Task.objects.exists()


UNNAMED_MATCH = (
    "Tekstissä on asiakkaan tunnistetietoja (nimi, henkilötunnus, syntymäaika tai ikä). Kaikki "
    "osallistujat näkevät tekstin: kirjoita se niin, ettei ketään asiakasta voi tunnistaa."
)


def test_minutes_and_recommendations_naming_the_client_are_refused(client, hki, during):
    """Every participant reads them, the Kela liaison who sees the case pseudonymously too.
    The coordinator writing them may see the case pseudonymously: the refusal confirms no
    guessed name (it does not say what matched)."""
    login(client, hki.coordinator)
    response = client.post(case_url(hki, "minutes"), {"minutes": "Kaarinan tilanne käytiin läpi."})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "minutes") == UNNAMED_MATCH
    response = client.post(
        case_url(hki, "recommendation_add"),
        {"text": "Koivisto hakee eläkettä.", "due_date": "2030-01-01"},
    )
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "text") == UNNAMED_MATCH
    assert "Koivisto" not in field_errors(response.content.decode(), "text")
    hki.item.refresh_from_db()
    assert hki.item.minutes == ""
    assert not Recommendation.objects.exists() and not Task.objects.exists()
    assert not AccessLogEntry.objects.filter(
        action__in=["consultations.minutes.recorded", "consultations.recommendation.created"]
    ).exists()


def test_a_discussed_case_cannot_leave_the_agenda_nor_the_session_be_cancelled(hki, during):
    item = hki.item
    item.session = hki.session
    actions.record_minutes(item=item, recorded_by=hki.coordinator, minutes="Muistio")
    with pytest.raises(Exception, match="Käsiteltyä"):
        actions.remove_from_agenda(item=item, removed_by=hki.coordinator)
    with pytest.raises(Exception, match="muistio"):
        actions.cancel_session(session=hki.session, cancelled_by=hki.coordinator, reason="x")


# The work pair


def offer(client, hki):
    login(client, hki.coordinator)
    response = client.post(case_url(hki, "offer_work_pair"))
    assert response.status_code == 302
    client.logout()
    return WorkPairOffer.objects.get()


def answer_url(hki, offer, verb):
    return reverse(
        f"consultations:work_pair_{verb}",
        kwargs={"client_id": hki.client.uuid, "offer_id": offer.pk},
    )


def test_an_offer_is_a_pending_membership_and_a_task_for_the_worker(client, hki, during):
    pending = offer(client, hki)
    membership = pending.membership
    assert membership.role == TeamRole.WORK_PAIR and membership.user == hki.coordinator
    assert membership.accepted_at is None and membership.ended_on is None
    assert not relation_to(hki.coordinator, hki.client).on_team  # no access until accepted
    task = pending.task
    assert task.assignee == hki.worker and task.kind == "consultations.work_pair_offer"
    # The worker with many clients sees whose consultation it is.
    assert task.title == (
        f"Työparitarjous: {hki.client.display_name} ({hki.request.reference}). "
        f"{hki.coordinator.get_full_name()} tarjoutuu työpariksi."
    )
    assert task.client_id == hki.client.uuid
    login(client, hki.coordinator)
    client.post(case_url(hki, "offer_work_pair"))  # a second offer while one waits
    assert WorkPairOffer.objects.count() == 1


def test_an_offer_is_answered_on_the_request_page_not_ticked_off_in_the_inbox(client, hki, during):
    """A tick in the inbox would put the offer away unanswered, the coordinator waiting
    for ever: the inbox links to the answer instead, and a check-off is refused."""
    pending = offer(client, hki)
    login(client, hki.worker)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    row = inbox.split(pending.task.link)[2][:300]  # the title, then the answer button
    assert "Vastaa tarjoukseen" in row
    complete = reverse("notifications:complete_task", args=[pending.task.pk])
    assert complete not in inbox
    response = client.post(complete, {"done_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "Tehtävä on tehty, kun vastaat sen sivulla: Vastaa tarjoukseen." in (
        response.content.decode()
    )
    pending.task.refresh_from_db()
    assert pending.task.done_at is None
    assert client.post(answer_url(hki, pending, "decline")).status_code == 302
    pending.task.refresh_from_db()
    assert pending.task.done_at is not None


def test_no_offer_from_a_closed_consultation(client, hki, during):
    """Once the consultation is closed, the responsible worker adds a work pair directly."""
    login(client, hki.coordinator)
    client.post(case_url(hki, "minutes"), {"minutes": "Käytiin läpi tilanne."})
    client.post(case_url(hki, "close"))
    assert "Tarjoudu työpariksi" not in client.get(case_url(hki)).content.decode()

    response = client.post(case_url(hki, "offer_work_pair"), follow=True)

    assert "Konsultaatio on päättynyt." in response.content.decode()
    assert not WorkPairOffer.objects.exists()
    assert not CareTeamMembership.objects.filter(user=hki.coordinator).exists()
    assert not Task.objects.filter(kind="consultations.work_pair_offer").exists()


def test_the_worker_accepts_and_responsibility_stays(client, hki, during):
    pending = offer(client, hki)
    login(client, hki.worker)
    detail = reverse(
        "consultations:request_detail",
        kwargs={"client_id": hki.client.uuid, "request_id": hki.request.pk},
    )
    assert "Hyväksy työpari" in client.get(detail).content.decode()
    response = client.post(answer_url(hki, pending, "accept"))
    assert response.status_code == 302
    pending.refresh_from_db()
    pending.membership.refresh_from_db()
    assert pending.accepted is True and pending.decided_by == hki.worker
    assert pending.membership.accepted_at is not None
    hki.client.__dict__.pop("_relations", None)
    assert relation_to(hki.coordinator, hki.client).on_team
    responsible = CareTeamMembership.objects.current().get(
        client=hki.client, role=TeamRole.RESPONSIBLE_WORKER
    )
    assert responsible.user == hki.worker
    pending.task.refresh_from_db()
    assert pending.task.done_at is not None
    assert AccessLogEntry.objects.filter(action="consultations.work_pair.accepted").exists()


def test_the_work_pair_is_not_offered_the_offer_again(client, hki, during):
    """Once the responsible worker has accepted, the coordinator is the client's work pair:
    the case page no longer offers a button that could only be refused."""
    pending = offer(client, hki)
    actions.accept_work_pair(offer=pending, accepted_by=hki.worker)
    login(client, hki.coordinator)

    page = client.get(case_url(hki)).content.decode()

    assert "hyväksytty" in page
    assert "Tarjoudu työpariksi" not in page
    assert "Työparitarjouksia ei ole." not in page


def test_a_work_pair_added_directly_is_not_offered_the_offer(client, hki, during):
    from clients.actions import add_team_member

    add_team_member(
        client=hki.client, user=hki.coordinator, role=TeamRole.WORK_PAIR, added_by=hki.worker
    )
    login(client, hki.coordinator)

    page = client.get(case_url(hki)).content.decode()

    assert "Tarjoudu työpariksi" not in page
    assert "Olet jo asiakkaan työpari." in page


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_answering_on_the_client_page_returns_to_the_client_page(client, hki, during, verb):
    """The worker answers the offer where it was shown: on the client page they stay there
    (and see the team change); on the request page they stay on the request page."""
    pending = offer(client, hki)
    login(client, hki.worker)
    client_page = reverse("clients:detail", kwargs={"client_id": hki.client.uuid})
    page = client.get(client_page).content.decode()
    assert 'name="back" value="client"' in page

    response = client.post(answer_url(hki, pending, verb), {"back": "client"})

    assert response.status_code == 302
    assert response["Location"] == client_page + "#panel-consultations-requests"


def test_answering_on_the_request_page_stays_there(client, hki, during):
    pending = offer(client, hki)
    login(client, hki.worker)
    detail = reverse(
        "consultations:request_detail",
        kwargs={"client_id": hki.client.uuid, "request_id": hki.request.pk},
    )
    assert 'name="back"' not in client.get(detail).content.decode()

    response = client.post(answer_url(hki, pending, "decline"), {"back": "elsewhere"})

    assert response["Location"] == detail


def test_a_coordinator_on_the_team_as_other_member_becomes_the_work_pair(hki, during):
    """ "Other member" is for someone with no other role in the team: accepting the offer
    ends it (logged), and the coordinator stays on the team as work pair. (A coordinator
    joins as other member no longer, clients.team_scope: one from before, which gives no
    access, is ended as well.)"""
    from clients.factories import add_member

    other = add_member(hki.client, hki.coordinator, TeamRole.OTHER)
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)

    actions.accept_work_pair(offer=pending, accepted_by=hki.worker)

    other.refresh_from_db()
    assert other.ended_on is not None
    held = CareTeamMembership.objects.filter(client=hki.client, user=hki.coordinator).on_team()
    assert list(held.values_list("role", flat=True)) == [TeamRole.WORK_PAIR]
    ended = AccessLogEntry.objects.get(action="clients.membership.ended")
    assert (ended.actor, ended.object_id, ended.detail) == (
        hki.worker,
        str(other.pk),
        "superseded by work_pair",
    )


def test_accepting_the_work_pair_settles_the_coordinators_request_for_access(hki, during):
    """The coordinator asked for access to the client and offered to be the work pair: once
    accepted, they are on the team, and the request waits in no inbox."""
    from clients.actions import request_access

    asked = request_access(
        client=hki.client, requested_by=hki.coordinator, reason="Tarvitsen pääsyn työparina."
    )
    assert asked.is_open
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)

    actions.accept_work_pair(offer=pending, accepted_by=hki.worker)

    asked.refresh_from_db()
    assert not asked.is_open and asked.done_by == hki.worker


def test_declining_leaves_the_other_membership(hki, during):
    from clients.factories import add_member

    other = add_member(hki.client, hki.coordinator, TeamRole.OTHER)
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    actions.decline_work_pair(offer=pending, declined_by=hki.worker)
    other.refresh_from_db()
    assert other.ended_on is None


def test_the_worker_declines_and_the_membership_ends(client, hki, during):
    pending = offer(client, hki)
    login(client, hki.worker)
    client.post(answer_url(hki, pending, "decline"))
    pending.membership.refresh_from_db()
    assert pending.membership.ended_on is not None and pending.membership.accepted_at is None
    assert not relation_to(hki.coordinator, hki.client).on_team


def test_only_the_responsible_worker_answers(client, hki, during):
    pending = offer(client, hki)
    login(client, hki.coach)  # on the team, not responsible
    assert client.post(answer_url(hki, pending, "accept")).status_code == 403
    client.logout()
    login(client, hki.expert)  # a participant, not on the team
    assert client.post(answer_url(hki, pending, "accept")).status_code == 404
    pending.refresh_from_db()
    assert pending.accepted is None


@pytest.mark.parametrize("covered", [False, True])
def test_a_work_pair_of_another_organisation_joins_only_as_the_clients_consent_allows(
    hki, during, covered
):
    """Employment services' coordinator offers to co-work: accepting gives them the client's
    data, a disclosure that the client's consent (with health data, as coordinators read
    health-related notes) must cover, and that is logged."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from audit.models import DisclosureLogEntry
    from consents.factories import ConsentFactory
    from services.factories import UnitFactory
    from tests.conftest import acting

    theirs = acting(make_user(Role.COORDINATOR, UnitFactory(organisation=hki.employment)))
    pending = actions.offer_work_pair(request=hki.request, offered_by=theirs)
    if covered:
        ConsentFactory(client=hki.client, parties=[hki.employment], with_health=True)
        actions.accept_work_pair(offer=pending, accepted_by=hki.worker)
        disclosure = DisclosureLogEntry.objects.get()
        assert (disclosure.recipient_user, disclosure.recipient_organisation) == (
            theirs,
            hki.employment,
        )
    else:
        with pytest.raises(ValidationError, match="suostumus ei kata"):
            actions.accept_work_pair(offer=pending, accepted_by=hki.worker)
        assert not DisclosureLogEntry.objects.exists()
    pending.refresh_from_db()
    pending.membership.refresh_from_db()
    assert (pending.membership.accepted_at is not None) is covered
    assert pending.accepted is (True if covered else None)
    hki.client.__dict__.pop("_relations", None)
    assert relation_to(theirs, hki.client).on_team is covered


def test_a_pending_offer_waits_for_its_answer_through_the_nightly_run(hki, during):
    """An offer from another organisation's coordinator made before any consent is not the
    sweep's to end: the consent is decided when the worker accepts."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from consents.factories import ConsentFactory
    from consents.team_coverage import end_uncovered_memberships
    from services.factories import UnitFactory
    from tests.conftest import acting

    theirs = acting(make_user(Role.COORDINATOR, UnitFactory(organisation=hki.employment)))
    pending = actions.offer_work_pair(request=hki.request, offered_by=theirs)
    assert end_uncovered_memberships() == 0
    ConsentFactory(client=hki.client, parties=[hki.employment], with_health=True)
    actions.accept_work_pair(offer=pending, accepted_by=hki.worker)
    pending.membership.refresh_from_db()
    assert pending.membership.ended_on is None and pending.membership.accepted_at is not None
    assert not Task.objects.filter(kind="consents.member_uncovered").exists()


# What partners do not see: social services' own follow-up


def test_partners_do_not_see_whether_the_worker_checked_a_recommendation_off(client, hki, during):
    """The recommendation is the network's and every participant reads it; whether the
    responsible worker has done it is the worker's task, seen by the care team and the
    coordinator who runs the session, not by the network's partners (PERMISSIONS.md)."""
    recommendation = actions.add_recommendation(
        item=hki.item,
        recommended_by=hki.coordinator,
        text="Ohjataan työkokeiluun.",
        due_date=datetime.date(2027, 1, 15),
    )
    complete_task(task=recommendation.task, by=hki.worker)
    for partner in (hki.expert, hki.kela_liaison):
        login(client, partner)
        page = client.get(case_url(hki)).content.decode()
        assert "Ohjataan työkokeiluun." in page
        assert "(tehty)" not in page
        client.logout()
    for insider in (hki.coordinator, hki.worker, hki.coach):
        if insider is not hki.coordinator:
            add_presenter(hki.session, insider)
        login(client, insider)
        assert "(tehty)" in client.get(case_url(hki)).content.decode()
        client.logout()


@pytest.mark.parametrize("answer", [None, True, False])
def test_partners_do_not_see_the_work_pair_offer_nor_its_answer(client, hki, during, answer):
    """The coordinator's offer to join the care team and the responsible worker's answer are
    social services' own matter: the network's partners see no trace of them."""
    pending = offer(client, hki)
    if answer is True:
        actions.accept_work_pair(offer=pending, accepted_by=hki.worker)
    elif answer is False:
        actions.decline_work_pair(offer=pending, declined_by=hki.worker)
    for partner in (hki.expert, hki.kela_liaison):
        login(client, partner)
        page = client.get(case_url(hki)).content.decode()
        assert 'id="work-pair-heading"' not in page and "Työparitarjouksia ei ole." not in page
        assert "tarjoutui" not in page and "hyväksytty" not in page
        assert "odottaa vastuutyöntekijän vastausta" not in page
        client.logout()
    login(client, hki.coordinator)
    page = client.get(case_url(hki)).content.decode()
    assert 'id="work-pair-heading"' in page and "tarjoutui työpariksi" in page
    assert {
        None: "odottaa vastuutyöntekijän vastausta",
        True: "hyväksytty",
        False: "ei hyväksytty",
    }[answer] in page


@pytest.mark.parametrize("first, then", [(False, True), (True, False)])
def test_an_offer_answered_already_keeps_its_answer_and_says_so(client, hki, during, first, then):
    """An answer from a stale tab: the offer keeps the first answer, and the page tells it
    as a warning instead of the second answer's success."""
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    if first:
        actions.accept_work_pair(offer=pending, accepted_by=hki.worker)
    else:
        actions.decline_work_pair(offer=pending, declined_by=hki.worker)
    login(client, hki.worker)
    name = "work_pair_accept" if then else "work_pair_decline"
    response = client.post(
        reverse(
            f"consultations:{name}", kwargs={"client_id": hki.client.uuid, "offer_id": pending.pk}
        )
    )
    told = [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]
    expected = "hyväksytty" if first else "ei hyväksytty"
    assert told == [("warning", f"Tarjoukseen on jo vastattu: {expected}.")]
    pending.refresh_from_db()
    assert pending.accepted is first


def test_the_same_answer_again_is_told_as_that_answer(client, hki, during):
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    actions.decline_work_pair(offer=pending, declined_by=hki.worker)
    login(client, hki.worker)
    response = client.post(
        reverse(
            "consultations:work_pair_decline",
            kwargs={"client_id": hki.client.uuid, "offer_id": pending.pk},
        )
    )
    told = [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]
    assert told == [("success", "Työparitarjous hylätty.")]


def test_a_closed_client_s_team_takes_no_work_pair(client, hki, during):
    """A closed client's team takes nobody new (clients.actions.check_open_for_new_members):
    an offer made before the closing is not accepted, only declined, and no new one is
    made. (Closed here on the row alone: the closing's own conditions are not the point.)"""
    pending = actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
    Client.objects.filter(pk=hki.client.pk).update(
        closed_on=timezone.localdate(), closure_reason="Siirtyi opiskelemaan"
    )

    login(client, hki.worker)
    response = client.post(answer_url(hki, pending, "accept"))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Asiakkuus on päätetty: avaa asiakkuus uudelleen ennen kuin lisäät tiimiin jäseniä."
    ]
    pending.refresh_from_db()
    pending.membership.refresh_from_db()
    assert pending.accepted is None and pending.membership.accepted_at is None
    assert not relation_to(hki.coordinator, hki.client).on_team

    actions.decline_work_pair(offer=pending, declined_by=hki.worker)
    pending.membership.refresh_from_db()
    assert pending.membership.ended_on is not None
    with pytest.raises(ValidationError, match="työpariksi voi tarjoutua, kun asiakkuus"):
        actions.offer_work_pair(request=hki.request, offered_by=hki.coordinator)
