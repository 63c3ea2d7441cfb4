"""The new-session form offers the network's members of today and those joining later (their
dates in the label) and ticks today's (or, given a start, that day's); the session invites as
members only those who are members on its own day. One ticked whose membership has ended by
then, or not yet begun, is refused by name next to the member list (by the form, and by the
action too), unless the coordinator invites them as a guest: nobody is turned into a guest
without the coordinator knowing. The chair must be a member on the session's day or the
coordinator."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.factories import make_user
from accounts.roles import Role
from consents.factories import acting
from consultations.factories import add_network_member, next_weekday_at
from consultations.forms import DATETIME_LOCAL, NewSessionForm, SessionForm
from consultations.ics import HELSINKI
from consultations.models import NetworkMember, ParticipantKind, Session, SessionParticipant
from consultations.tasks import send_invitations_task
from tests.conftest import field_errors, login


@pytest.fixture(autouse=True)
def no_broker():
    with mock.patch.object(send_invitations_task, "delay"):
        yield


@pytest.fixture
def leaving(hki):
    """The Kela liaison's membership ends in five days, before the session to be scheduled."""
    NetworkMember.objects.filter(network=hki.network, user=hki.kela_liaison).update(
        active_until=timezone.localdate() + datetime.timedelta(days=5)
    )
    return hki.kela_liaison


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def joining(hki):
    """A nurse of the health centre joins the network in ten days."""
    NetworkMember.objects.filter(network=hki.network, user=hki.nurse).delete()
    add_network_member(hki.network, hki.nurse, expertise="Terveys", active_from=in_days(10))
    return hki.nurse


@pytest.fixture
def future_chair(hki):
    """A social worker of the convening organisation who joins the network in ten days."""
    user = acting(
        make_user(
            Role.SOCIAL_WORKER, hki.social_work, first_name="Paula", last_name="Puheenjohtaja"
        )
    )
    add_network_member(hki.network, user, expertise="Sosiaalityö", active_from=in_days(10))
    return user


def create_url(hki):
    return reverse("consultations:session_create", kwargs={"network_id": hki.network.pk})


def session_data(hki, members, guest_emails="", *, days_ahead=20, chair=None):
    starts = next_weekday_at(10, days_ahead=days_ahead)
    return {
        "starts_at": starts.astimezone(HELSINKI).strftime(DATETIME_LOCAL),
        "duration_minutes": 90,
        "place": "Huone 1",
        "chair": (chair or hki.coordinator).pk,
        "members": members,
        "guest_emails": guest_emails,
    }


def post(client, hki, members, guest_emails="", **kwargs):
    return client.post(create_url(hki), session_data(hki, members, guest_emails, **kwargs))


def short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def participants(session):
    return dict(SessionParticipant.objects.filter(session=session).values_list("user_id", "kind"))


def test_a_member_leaving_before_the_session_is_refused_by_name_when_ticked(client, hki, leaving):
    login(client, hki.coordinator)
    form = client.get(create_url(hki)).context["form"]
    ticked = form.fields["members"].initial
    assert leaving.pk in ticked  # a member today
    labels = {value.value: str(label) for value, label in form.fields["members"].choices}
    assert labels[leaving.pk] == f"Kerttu Kelalainen ({hki.kela}), jäsen {short(in_days(5))} asti"
    sessions = Session.objects.count()

    response = post(client, hki, ticked)

    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "members")
    assert "Kerttu Kelalainen ei ole verkoston jäsen istunnon päivänä" in errors
    assert "Tero Työllinen" not in errors
    assert Session.objects.count() == sessions


def test_unticked_the_leaving_member_is_not_invited(client, hki, leaving):
    login(client, hki.coordinator)
    response = post(client, hki, [hki.expert.pk, hki.coordinator.pk])
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert participants(session) == {
        hki.coordinator.pk: ParticipantKind.MEMBER,
        hki.expert.pk: ParticipantKind.MEMBER,
    }


def test_ticked_and_listed_as_a_guest_the_leaving_member_comes_as_a_guest(client, hki, leaving):
    login(client, hki.coordinator)
    response = post(
        client, hki, [hki.expert.pk, leaving.pk, hki.coordinator.pk], guest_emails=leaving.email
    )
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert participants(session) == {
        hki.coordinator.pk: ParticipantKind.MEMBER,
        hki.expert.pk: ParticipantKind.MEMBER,
        leaving.pk: ParticipantKind.GUEST,
    }
    guest = SessionParticipant.objects.get(session=session, user=leaving)
    assert guest.organisation_id == leaving.organisation_id


def test_the_form_itself_refuses_the_leaving_member(hki, leaving):
    form = NewSessionForm(
        session_data(hki, [hki.expert.pk, leaving.pk]),
        network=hki.network,
        coordinator=hki.coordinator,
    )
    assert not form.is_valid()
    assert form.errors["members"] == [
        f"Kerttu Kelalainen ei ole verkoston jäsen istunnon päivänä "
        f"{short(form.cleaned_data['starts_at'].astimezone(HELSINKI).date())}. Poista "
        "valinta, tai kutsu hänet vieraaksi."
    ]


def test_a_member_joining_later_is_offered_with_the_date_but_not_ticked(client, hki, joining):
    login(client, hki.coordinator)
    form = client.get(create_url(hki)).context["form"]
    labels = {value.value: str(label) for value, label in form.fields["members"].choices}
    assert labels[joining.pk] == f"Terhi Terveys ({hki.health}), jäsen {short(in_days(10))} alkaen"
    assert labels[hki.expert.pk] == f"Tero Työllinen ({hki.employment})"
    assert joining.pk not in form.fields["members"].initial
    assert hki.expert.pk in form.fields["members"].initial


def test_given_a_start_the_members_of_that_day_are_ticked(client, hki, joining, leaving):
    login(client, hki.coordinator)
    starts_at = session_data(hki, [])["starts_at"]  # in 20 days
    response = client.get(create_url(hki), {"starts_at": starts_at})
    ticked = set(response.context["form"].fields["members"].initial)
    assert ticked == {hki.coordinator.pk, hki.expert.pk, joining.pk}
    assert f'value="{starts_at}"' in response.content.decode()


def test_a_member_joining_before_the_session_is_invited_as_a_member(client, hki, joining):
    login(client, hki.coordinator)
    response = post(client, hki, [hki.expert.pk, joining.pk])
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert participants(session)[joining.pk] == ParticipantKind.MEMBER


def test_a_member_joining_after_the_session_is_refused_by_name(client, hki, joining):
    login(client, hki.coordinator)
    sessions = Session.objects.count()
    response = post(client, hki, [hki.expert.pk, joining.pk], days_ahead=3)
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "members")
    assert "Terhi Terveys ei ole verkoston jäsen istunnon päivänä" in errors
    assert "Tero" not in errors
    assert Session.objects.count() == sessions


def test_the_chair_must_be_a_member_on_the_session_day(client, hki, future_chair):
    login(client, hki.coordinator)
    form = client.get(create_url(hki)).context["form"]
    assert future_chair in form.fields["chair"].queryset
    sessions = Session.objects.count()

    response = post(client, hki, [hki.expert.pk], days_ahead=3, chair=future_chair)

    assert response.status_code == 200
    assert field_errors(response.content.decode(), "chair").startswith(
        "Paula Puheenjohtaja ei ole verkoston jäsen istunnon päivänä"
    )
    assert Session.objects.count() == sessions
    response = post(client, hki, [hki.expert.pk], days_ahead=20, chair=future_chair)
    assert response.status_code == 302
    assert Session.objects.latest("pk").chair == future_chair


def test_a_changed_session_keeps_its_chair_but_takes_a_new_one_only_on_their_day(hki, future_chair):
    data = session_data(hki, [], days_ahead=3, chair=future_chair)  # a member in ten days

    def form(present_chair):
        return SessionForm(
            data, network=hki.network, coordinator=hki.coordinator, present_chair=present_chair
        )

    kept = form(present_chair=future_chair)
    assert kept.is_valid(), kept.errors
    changed = form(present_chair=hki.coordinator)
    assert not changed.is_valid()
    assert changed.errors["chair"][0].startswith(
        "Paula Puheenjohtaja ei ole verkoston jäsen istunnon päivänä"
    )


def test_the_members_are_checked_in_one_query_however_many_are_ticked(hki, joining):
    def queries(members) -> int:
        form = NewSessionForm(
            session_data(hki, members), network=hki.network, coordinator=hki.coordinator
        )
        with CaptureQueriesContext(connection) as context:
            assert form.is_valid(), form.errors
        return len(context)

    assert queries([hki.expert.pk]) == queries(
        [hki.expert.pk, hki.kela_liaison.pk, joining.pk, hki.coordinator.pk]
    )
