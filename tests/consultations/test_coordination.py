"""The coordinator's pages through HTTP: networks and members, scheduling in Helsinki time
(also across daylight saving), changing a session with its agenda, guests."""

import datetime
import re
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory, make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from consultations.forms import MAX_GUESTS, NewSessionForm
from consultations.ics import HELSINKI
from consultations.models import ConsultationRequest, Network, NetworkMember, Session
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login


@pytest.fixture
def coordinator(client, hki):
    return login(client, hki.coordinator)


@pytest.fixture(autouse=True)
def no_broker():
    """Invitations are enqueued on commit, which a test transaction never reaches; make
    sure nothing talks to a broker anyway."""
    with mock.patch.object(send_invitations_task, "delay"):
        yield


def test_a_coordinator_sets_up_a_network_of_their_own_organisation(coordinator, hki):
    form = coordinator.get(reverse("consultations:network_create")).content.decode()
    assert str(hki.sote) in form and str(hki.employment) not in form
    response = coordinator.post(
        reverse("consultations:network_create"),
        {"name_fi": "Oma verkosto", "convening_organisation": hki.sote.pk},
    )
    network = Network.objects.get(name_fi="Oma verkosto")
    assert response.status_code == 302
    assert network.convening_organisation == hki.sote and not network.members.exists()
    assert coordinator.get(reverse("consultations:network", args=[network.pk])).status_code == 200


def test_a_coordinator_cannot_convene_a_network_for_another_organisation(coordinator, hki):
    """A network convened "for" another organisation would bring that organisation's
    unassigned requests into the coordinator's queue (the client's organisation convenes
    it): only the organisation of the active role may convene, in the form and the action."""
    from clients.factories import ClientFactory
    from consultations import actions
    from consultations.factories import make_request
    from services.factories import OrganisationFactory, UnitFactory

    essote = OrganisationFactory(slug="essote", name_fi="Essote")
    worker = make_user(
        Role.SOCIAL_WORKER, UnitFactory(organisation=essote), first_name="Eila", last_name="Essi"
    )
    waiting = make_request(ClientFactory(responsible_worker=worker), worker)
    response = coordinator.post(
        reverse("consultations:network_create"),
        {"name_fi": "Essoten verkosto", "convening_organisation": essote.pk},
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "convening_organisation")
    with pytest.raises(ValidationError) as error:
        actions.create_network(
            created_by=hki.coordinator, name_fi="Essoten verkosto", convening_organisation=essote
        )
    assert "jonka roolissa toimit nyt" in error.value.message_dict["convening_organisation"][0]
    assert not Network.objects.filter(name_fi="Essoten verkosto").exists()
    assert not ConsultationRequest.objects.in_queue_of(hki.coordinator).filter(pk=waiting.pk)
    triage = reverse("consultations:triage", kwargs={"request_id": waiting.pk})
    assert coordinator.get(triage).status_code == 404


def test_members_are_added_once_per_period_and_ended(coordinator, hki):
    url = reverse("consultations:member_add", args=[hki.network.pk])
    data = {"email": hki.nurse.email, "expertise": "Terveydenhoitaja", "active_from": "2026-01-01"}
    assert coordinator.post(url, data).status_code == 302
    member = NetworkMember.objects.get(network=hki.network, user=hki.nurse)
    assert member.organisation == hki.health
    response = coordinator.post(url, data)
    assert response.status_code == 400
    assert "jo verkoston jäsen" in field_errors(response.content.decode(), "email")
    assert NetworkMember.objects.filter(network=hki.network, user=hki.nurse).count() == 1
    response = coordinator.post(url, {**data, "email": "ei.ketaan@example.fi"})
    assert "Polussa ei ole käyttäjää" in response.content.decode()
    coordinator.post(reverse("consultations:member_end", args=[hki.network.pk, member.pk]))
    member.refresh_from_db()
    assert member.active_until is not None


def test_a_membership_not_yet_begun_is_withdrawn_not_ended_on_its_first_day(coordinator, hki):
    """Ending a nomination that begins next week on its first day would still make the
    person a member (and a participant of any session) that day: it is withdrawn."""
    start = timezone.localdate() + datetime.timedelta(days=7)
    url = reverse("consultations:member_add", args=[hki.network.pk])
    data = {"email": hki.nurse.email, "expertise": "Terveydenhoitaja", "active_from": start}
    assert coordinator.post(url, data).status_code == 302
    member = NetworkMember.objects.get(network=hki.network, user=hki.nurse)
    page = coordinator.get(reverse("consultations:network", args=[hki.network.pk]))
    assert "Peru jäsenyys" in page.content.decode()

    response = coordinator.post(
        reverse("consultations:member_end", args=[hki.network.pk, member.pk]), follow=True
    )
    assert "Jäsenyys peruttu ennen alkamistaan." in response.content.decode()
    assert not NetworkMember.objects.filter(pk=member.pk).exists()
    assert not NetworkMember.objects.active_on(start).filter(user=hki.nurse).exists()
    # Its history keeps the nomination and says who withdrew it.
    events = apps.get_model("consultations", "NetworkMemberEvent").objects
    deleted = events.get(pgh_obj_id=member.pk, pgh_label="delete")
    assert deleted.pgh_context.metadata["user"] == hki.coordinator.pk
    assert deleted.pgh_context.metadata["action"] == "consultations.member.ended"


def test_a_member_is_nominated_only_by_an_organisation_they_hold_a_role_in(coordinator, hki):
    """The nominating organisation decides whose consent coverage counts: a Kela liaison
    added "for" employment services would see cases named under an employment-services
    consent, and the disclosure log would name the wrong recipient."""
    url = reverse("consultations:member_add", args=[hki.network.pk])
    data = {
        "email": hki.outsider.email,
        "expertise": "Kelan etuudet",
        "active_from": "2026-01-01",
        "organisation": hki.employment.pk,
    }
    response = coordinator.post(url, data)
    assert response.status_code == 400
    assert "ei ole voimassa olevaa roolia" in field_errors(
        response.content.decode(), "organisation"
    )
    assert not NetworkMember.objects.filter(network=hki.network, user=hki.outsider).exists()

    # A role assignment there that has ended does not count either.
    RoleAssignment.objects.create(
        user=hki.outsider,
        role=Role.EMPLOYMENT_EXPERT,
        unit=hki.expert.active_assignment.unit,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    assert coordinator.post(url, data).status_code == 400

    # Their own organisation, chosen or by the empty choice, is accepted.
    assert coordinator.post(url, {**data, "organisation": hki.kela.pk}).status_code == 302
    member = NetworkMember.objects.get(network=hki.network, user=hki.outsider)
    assert member.organisation == hki.kela


def test_the_empty_choice_is_refused_when_the_person_works_in_no_unit_of_their_own(
    coordinator, hki
):
    hki.outsider.role_assignments.update(
        valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31)
    )
    url = reverse("consultations:member_add", args=[hki.network.pk])
    response = coordinator.post(
        url, {"email": hki.outsider.email, "expertise": "Kela", "active_from": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "ei ole voimassa olevaa roolia" in field_errors(
        response.content.decode(), "organisation"
    )


def _next_year(month: int, day: int | None = None) -> str:
    """13.00 on the day of next year's month; without a day, on its last Sunday (in March the
    day summer time begins): always ahead, as a new session's time must be."""
    year = datetime.date.today().year + 1
    if day is None:
        last = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        day = (last - datetime.timedelta(days=(last.weekday() + 1) % 7)).day
    return f"{year}-{month:02d}-{day:02d}T13:00"


@pytest.mark.parametrize(
    ("local", "utc_hour"),
    [(_next_year(1, 15), 11), (_next_year(6, 15), 10), (_next_year(3), 10)],
)
def test_times_are_entered_in_helsinki(coordinator, hki, local, utc_hour):
    response = coordinator.post(
        reverse("consultations:session_create", args=[hki.network.pk]),
        {
            "starts_at": local,
            "duration_minutes": "90",
            "place": "Huone 4",
            "chair": hki.coordinator.pk,
            "members": [hki.expert.pk],
            "guest_emails": hki.nurse.email,
        },
    )
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert session.starts_at.astimezone(datetime.UTC).hour == utc_hour
    assert session.duration_minutes == 90
    invited = set(session.participants.values_list("user", flat=True))
    assert invited == {hki.coordinator.pk, hki.expert.pk, hki.nurse.pk}
    nurse = session.participants.get(user=hki.nurse)
    assert nurse.kind == "guest" and nurse.organisation == hki.health
    edit = coordinator.get(reverse("consultations:session_edit", args=[session.pk]))
    assert f'value="{local}"' in edit.content.decode()


def test_a_double_booking_shows_on_the_form(coordinator, hki):
    local = hki.session.starts_at.astimezone(HELSINKI) + datetime.timedelta(minutes=30)
    response = coordinator.post(
        reverse("consultations:session_create", args=[hki.network.pk]),
        {
            "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "place": "Huone 4",
            "chair": hki.coordinator.pk,
        },
    )
    assert response.status_code == 200
    assert "Koordinaattorilla on jo istunto samaan aikaan" in response.content.decode()


def _new_session(hki, guest_emails: list[str]) -> dict:
    starts_at = hki.session.starts_at + datetime.timedelta(days=7)
    return {
        "starts_at": starts_at.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "place": "Huone 4",
        "chair": hki.coordinator.pk,
        "guest_emails": "\n".join(guest_emails),
    }


def _new_session_form(hki, guest_emails: list[str]) -> NewSessionForm:
    return NewSessionForm(
        _new_session(hki, guest_emails), network=hki.network, coordinator=hki.coordinator
    )


def _queries_to_validate(form) -> int:
    with CaptureQueriesContext(connection) as context:
        assert form.is_valid(), form.errors
    return len(context)


def test_guest_addresses_are_looked_up_in_one_query(hki):
    few = [hki.nurse.email, hki.outsider.email.upper()]
    many = [*few, *(UserFactory().email for _ in range(MAX_GUESTS - 2))]
    baseline = _queries_to_validate(_new_session_form(hki, []))

    assert _queries_to_validate(_new_session_form(hki, few)) == baseline + 1
    form = _new_session_form(hki, [*many, hki.nurse.email])  # a repeat counts once
    assert _queries_to_validate(form) == baseline + 1
    assert form.cleaned_data["guest_emails"][:2] == [hki.nurse, hki.outsider]
    assert len(form.cleaned_data["guest_emails"]) == MAX_GUESTS


def test_a_new_session_invites_at_most_thirty_guests_at_once(coordinator, hki):
    emails = [f"vieras{n}@example.fi" for n in range(MAX_GUESTS + 1)]
    with CaptureQueriesContext(connection) as context:
        response = coordinator.post(
            reverse("consultations:session_create", args=[hki.network.pk]),
            _new_session(hki, emails),
        )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "guest_emails") == (
        "Kutsu enintään 30 vierasta kerralla. Lisää muut istunnon sivulta."
    )
    assert not any("vieras0@example.fi" in query["sql"] for query in context.captured_queries)
    assert not Session.objects.exclude(pk=hki.session.pk).exists()


def test_moving_a_session_moves_its_agenda(coordinator, hki):
    start = hki.session.starts_at + datetime.timedelta(hours=1)
    response = coordinator.post(
        reverse("consultations:session_edit", args=[hki.session.pk]),
        {
            "starts_at": start.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "120",
            "place": "Huone 5",
            "chair": hki.coordinator.pk,
        },
    )
    assert response.status_code == 302
    hki.session.refresh_from_db()
    hki.item.refresh_from_db()
    assert hki.session.starts_at == start and hki.session.sequence == 1
    assert hki.item.starts_at == start


def test_guests_are_invited_and_removed(coordinator, hki):
    url = reverse("consultations:guest_add", args=[hki.session.pk])
    assert coordinator.post(url, {"email": hki.nurse.email}).status_code == 302
    participant = hki.session.participants.get(user=hki.nurse)
    coordinator.post(
        reverse("consultations:participant_remove", args=[hki.session.pk, participant.pk]),
        {"confirmed": "1"},
    )
    participant.refresh_from_db()
    assert participant.removed_at is not None
    chair = hki.session.participants.get(user=hki.coordinator)
    coordinator.post(
        reverse("consultations:participant_remove", args=[hki.session.pk, chair.pk]),
        {"confirmed": "1"},
    )
    chair.refresh_from_db()
    assert chair.removed_at is None


def test_a_refused_cancellation_shows_its_error_next_to_the_reason(coordinator, hki):
    """The reason is kept and its error is next to it, on the session's page shown again:
    empty, or naming the client of a case on the agenda (the cancellation is e-mailed)."""
    url = reverse("consultations:session_cancel", args=[hki.session.pk])
    response = coordinator.post(url, {"reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert field_errors(page, "reason") == "Tämä kenttä vaaditaan."
    assert 'aria-invalid="true"' in page and "Esityslista" in page

    response = coordinator.post(url, {"reason": "Kaarina Koivisto sairastui"})
    page = response.content.decode()
    assert response.status_code == 400
    assert field_errors(page, "reason").startswith("Kutsu lähtee sähköpostilla")
    assert 'value="Kaarina Koivisto sairastui"' in page
    hki.session.refresh_from_db()
    assert not hki.session.is_cancelled


def _language_next(page: str) -> str:
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', page, re.S).group(0)
    return re.search(r'name="next" value="([^"]*)"', form).group(1)


def test_switching_language_on_a_refused_cancellation_returns_to_the_session(coordinator, hki):
    """The cancel address takes POST only: the language switch on its refused form returns to
    the session's page the form was sent from, not to the cancel address (a 405 in the browser)."""
    session_url = reverse("consultations:session", args=[hki.session.pk])
    url = reverse("consultations:session_cancel", args=[hki.session.pk])
    assert coordinator.get(url).status_code == 405
    page = coordinator.post(
        url, {"reason": ""}, HTTP_REFERER=f"http://testserver{session_url}"
    ).content.decode()
    back = _language_next(page)
    assert back == f"http://testserver{session_url}"
    response = coordinator.post(reverse("set_language"), {"language": "sv", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    swedish = coordinator.get(session_url)
    assert swedish.status_code == 200 and '<html lang="sv">' in swedish.text
    # Without a Referer of this site, the home page; a page asked for returns to itself.
    page = coordinator.post(
        url, {"reason": ""}, HTTP_REFERER="https://elsewhere.example/x"
    ).content.decode()
    assert _language_next(page) == "/"
    assert _language_next(coordinator.get(f"{session_url}?a=1").text) == f"{session_url}?a=1"


def test_a_refused_guest_shows_the_error_next_to_the_address(coordinator, hki):
    url = reverse("consultations:guest_add", args=[hki.session.pk])
    response = coordinator.post(url, {"email": "ei.ketaan@example.fi"})
    assert response.status_code == 400
    assert (
        field_errors(response.content.decode(), "email")
        == "Polussa ei ole käyttäjää tällä sähköpostiosoitteella."
    )
    # Refused by the action: the expert takes part already.
    response = coordinator.post(url, {"email": hki.expert.email, "expertise": "Työllisyys"})
    page = response.content.decode()
    assert response.status_code == 400
    assert field_errors(page, "email") == "Henkilö on jo kutsuttu istuntoon."
    assert 'value="Työllisyys"' in page
    assert hki.session.participants.filter(user=hki.expert).count() == 1


def test_a_guests_expertise_naming_a_client_of_the_agenda_is_refused_next_to_it(coordinator, hki):
    """Every participant reads the expertise, also those who see the cases pseudonymously."""
    guest = make_user(Role.SOCIAL_WORKER, hki.social_work)
    url = reverse("consultations:guest_add", args=[hki.session.pk])
    expertise = f"{hki.client.last_name}n perheen tuttu"
    response = coordinator.post(url, {"email": guest.email, "expertise": expertise})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), "expertise").startswith(
        "Tekstissä on esityslistan asiakkaan nimi"
    )
    assert not hki.session.participants.filter(user=guest).exists()
    response = coordinator.post(url, {"email": guest.email, "expertise": "Aikuissosiaalityö"})
    assert hki.session.participants.filter(user=guest, expertise="Aikuissosiaalityö").exists()


def test_no_one_joins_or_leaves_a_session_that_has_been_held(hki):
    """Who took part is a record once the session is over: named cases were shown to them."""
    from django.core.exceptions import ValidationError

    from consultations import actions

    guest = hki.session.participants.get(user=hki.expert)
    with time_machine.travel(hki.session.ends_at + datetime.timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="jo pidetty"):
            actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=hki.nurse)
        with pytest.raises(ValidationError, match="jo pidetty"):
            actions.remove_participant(participant=guest, removed_by=hki.coordinator)
    guest.refresh_from_db()
    assert guest.removed_at is None
    assert not hki.session.participants.filter(user=hki.nurse).exists()


def test_a_held_session_is_not_changed(hki):
    from django.core.exceptions import ValidationError

    from consultations import actions

    session = hki.session
    with (
        time_machine.travel(session.ends_at + datetime.timedelta(minutes=1)),
        pytest.raises(ValidationError, match="jo pidetty"),
    ):
        actions.change_session(
            session=session,
            changed_by=hki.coordinator,
            starts_at=session.starts_at + datetime.timedelta(days=7),
            duration_minutes=session.duration_minutes,
            chair=hki.coordinator,
            place=session.place or "Kokoushuone",
            video_link=session.video_link,
        )
    session.refresh_from_db()
    assert session.sequence == 0


def test_a_held_session_offers_no_change(coordinator, hki):
    """Its page links to no change form, and the form's address says why there is none
    rather than a form every submit of which is refused."""
    from consultations.factories import make_session

    held = make_session(
        hki.network, hki.coordinator, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    edit = reverse("consultations:session_edit", kwargs={"session_id": held.pk})
    page = coordinator.get(reverse("consultations:session", kwargs={"session_id": held.pk}))
    assert edit not in page.content.decode()
    response = coordinator.get(edit, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "consultations:session", kwargs={"session_id": held.pk}
    )
    assert "Istunto on jo pidetty: sitä ei enää muuteta." in response.content.decode()
    upcoming = coordinator.get(
        reverse("consultations:session", kwargs={"session_id": hki.session.pk})
    )
    assert reverse("consultations:session_edit", kwargs={"session_id": hki.session.pk}) in (
        upcoming.content.decode()
    )


@pytest.mark.parametrize(
    "after", [datetime.timedelta(minutes=1), datetime.timedelta(hours=3)], ids=["started", "held"]
)
def test_a_session_that_has_started_is_not_cancelled(coordinator, hki, after):
    """The page offers no cancelling once the session has started, and the action refuses it
    too: its cases stay on the agenda and no one is told it was cancelled."""
    with time_machine.travel(hki.session.starts_at + after, tick=False):
        from consultations import actions

        with pytest.raises(ValidationError, match="jo alkanut"):
            actions.cancel_session(session=hki.session, cancelled_by=hki.coordinator, reason="X")
        response = coordinator.post(
            reverse("consultations:session_cancel", args=[hki.session.pk]),
            {"reason": "Jälkikäteen"},
        )
        assert response.status_code == 302
        page = coordinator.get(response.url).content.decode()
    assert "Istunto on jo alkanut, joten sitä ei voi enää perua." in page
    hki.session.refresh_from_db()
    hki.request.refresh_from_db()
    assert not hki.session.is_cancelled and hki.session.sequence == 0
    assert hki.request.status == "scheduled" and hki.request.agenda_items.exists()


def test_a_session_not_yet_started_is_cancelled(hki):
    from consultations import actions

    with time_machine.travel(hki.session.starts_at - datetime.timedelta(minutes=1), tick=False):
        actions.cancel_session(session=hki.session, cancelled_by=hki.coordinator, reason="Lakko")
    hki.session.refresh_from_db()
    assert hki.session.is_cancelled


@pytest.fixture
def left(hki):
    """Someone whose only role, in their own organisation, has ended."""
    user = make_user(
        Role.HEALTH_PROFESSIONAL,
        hki.nurse.role_assignments.get().unit,
        first_name="Laura",
        last_name="Lähtenyt",
    )
    user.role_assignments.update(
        valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 12, 31)
    )
    return user


def test_a_guest_takes_part_only_for_an_organisation_they_work_in(hki, left):
    """A guest takes part for their own organisation, whose consent coverage then decides how
    they see a case: as for a member's nominating organisation, they must hold a current
    role there. Refused next to the field that invites them, on scheduling, inviting and
    changing the chair; someone working there is invited for it."""
    from consultations import actions

    with pytest.raises(ValidationError) as error:
        actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=left)
    assert "Laura Lähtenyt" in error.value.message_dict["email"][0]
    assert not hki.session.participants.filter(user=left).exists()

    with pytest.raises(ValidationError) as error:
        actions.schedule_session(
            network=hki.network,
            scheduled_by=hki.coordinator,
            starts_at=hki.session.starts_at + datetime.timedelta(days=7),
            duration_minutes=60,
            chair=hki.coordinator,
            place="Huone 2",
            guests=[left, hki.nurse],
        )
    assert list(error.value.message_dict) == ["guest_emails"]
    assert "Laura Lähtenyt" in error.value.message_dict["guest_emails"][0]
    assert "Terhi Terveys" not in str(error.value)
    assert Session.objects.count() == 1

    chair = make_user(Role.SOCIAL_WORKER, hki.social_work, first_name="Paavo", last_name="Puhe")
    chair.role_assignments.update(valid_to=datetime.date(2025, 12, 31), valid_from="2025-01-01")
    with pytest.raises(ValidationError) as error:
        actions.change_session(
            session=hki.session,
            changed_by=hki.coordinator,
            starts_at=hki.session.starts_at,
            duration_minutes=hki.session.duration_minutes,
            chair=chair,
            place=hki.session.place,
        )
    assert "Paavo Puhe" in error.value.message_dict["chair"][0]
    hki.session.refresh_from_db()
    assert hki.session.chair == hki.coordinator and hki.session.sequence == 0

    guest = actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=hki.nurse)
    assert (guest.organisation, guest.kind) == (hki.health, "guest")


def test_the_coordinator_takes_part_for_the_organisation_of_their_active_role(hki):
    """A coordinator who holds roles in two organisations schedules the network of the one
    they act in: they take part for it, not for their home organisation."""
    from consultations import actions
    from consultations.factories import NetworkFactory

    employment_role = RoleAssignment.objects.create(
        user=hki.worker, role=Role.COORDINATOR, unit=hki.expert.role_assignments.get().unit
    )
    hki.worker.active_assignment = employment_role
    network = NetworkFactory(
        name_fi="Työllisyyden verkosto",
        convening_organisation=hki.employment,
        created_by=hki.worker,
    )
    session = actions.schedule_session(
        network=network,
        scheduled_by=hki.worker,
        starts_at=hki.session.starts_at + datetime.timedelta(days=7),
        duration_minutes=60,
        chair=hki.expert,
        place="Huone 2",
    )
    assert session.participants.get(user=hki.worker).organisation == hki.employment
    assert session.participants.get(user=hki.expert).organisation == hki.employment


def test_a_new_chair_who_is_a_member_takes_part_as_a_member(hki):
    """Changing the chair invites them as scheduling would have: a member of the network on
    the session's day as a member for their nominating organisation, with their expertise;
    anyone else (a member only from a later day too) as a guest for their own organisation."""
    from consultations import actions

    def change_chair(chair):
        hki.session.refresh_from_db()
        actions.change_session(
            session=hki.session,
            changed_by=hki.coordinator,
            starts_at=hki.session.starts_at,
            duration_minutes=hki.session.duration_minutes,
            chair=chair,
            place=hki.session.place,
        )
        participant = hki.session.participants.get(user=chair)
        return participant.kind, participant.organisation, participant.expertise

    day = timezone.localdate(hki.session.starts_at)
    member = make_user(Role.SOCIAL_WORKER, hki.social_work, first_name="Paavo", last_name="Puhe")
    actions.add_member(
        network=hki.network,
        added_by=hki.coordinator,
        user=member,
        organisation=hki.sote,
        expertise="Aikuissosiaalityö",
    )
    assert change_chair(member) == ("member", hki.sote, "Aikuissosiaalityö")

    later = make_user(Role.SOCIAL_WORKER, hki.social_work, first_name="Liisa", last_name="Myöhä")
    actions.add_member(
        network=hki.network,
        added_by=hki.coordinator,
        user=later,
        organisation=hki.sote,
        expertise="Sosiaaliohjaus",
        active_from=day + datetime.timedelta(days=1),
    )
    assert change_chair(later) == ("guest", hki.sote, "")


def test_the_chair_comes_from_the_convening_organisation(coordinator, hki):
    """The network is convened by the social services: its employment expert, though a
    member, is refused as chair when scheduling and when changing a session, next to the
    chair, and the form does not offer them; nothing is scheduled or changed."""
    from consultations import actions

    starts_at = hki.session.starts_at + datetime.timedelta(days=7)
    with pytest.raises(ValidationError) as error:
        actions.schedule_session(
            network=hki.network,
            scheduled_by=hki.coordinator,
            starts_at=starts_at,
            duration_minutes=60,
            chair=hki.expert,
            place="Huone 2",
        )
    assert list(error.value.message_dict) == ["chair"]
    assert "Helsingin sosiaali- ja terveystoimi" in error.value.message_dict["chair"][0]
    assert not Session.objects.exclude(pk=hki.session.pk).exists()

    with pytest.raises(ValidationError) as error:
        actions.change_session(
            session=hki.session,
            changed_by=hki.coordinator,
            starts_at=hki.session.starts_at,
            duration_minutes=hki.session.duration_minutes,
            chair=hki.expert,
            place=hki.session.place or "Huone 2",
        )
    assert list(error.value.message_dict) == ["chair"]
    hki.session.refresh_from_db()
    assert hki.session.chair == hki.coordinator and hki.session.sequence == 0

    response = coordinator.post(
        reverse("consultations:session_create", args=[hki.network.pk]),
        {**_new_session(hki, []), "chair": hki.expert.pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page, "chair").startswith("Valitse oikea vaihtoehto")
    chair_select = re.search(r'<select name="chair".*?</select>', page, re.S).group(0)
    assert f'value="{hki.coordinator.pk}"' in chair_select
    assert f'value="{hki.expert.pk}"' not in chair_select
    assert not Session.objects.exclude(pk=hki.session.pk).exists()
