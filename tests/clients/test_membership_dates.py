"""Care-team memberships are valid from a day and, when set, up to a day: access follows
the dates, a daily task records the end, and bad dates are refused next to the field."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from audit.reports import ReportPeriod, client_access_rows
from clients import actions
from clients.access import get_client_for_user
from clients.models import CareTeamMembership, Client, TeamRole
from clients.tasks import end_lapsed_memberships_task
from pathways.actions.steps import ensure_coach_membership
from tests.conftest import RANGE_ERROR, field_errors, login

DAY = datetime.timedelta(days=1)


def visible(user, client) -> bool:
    user.active_assignment = user.role_assignments.get()
    return Client.objects.for_user(user).filter(pk=client.pk).exists()


@pytest.fixture
def other(team):
    return make_user(Role.SOCIAL_COUNSELLOR, team["unit"], first_name="Olli", last_name="Ohjaaja")


def test_a_membership_from_a_later_day_gives_access_from_that_day(team, other):
    client, today = team["client"], timezone.localdate()
    actions.add_team_member(
        client=client,
        user=other,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        started_on=today + 7 * DAY,
    )
    assert not visible(other, client)
    with time_machine.travel(today + 7 * DAY):
        assert visible(other, client)


def test_access_ends_after_the_valid_until_day_and_the_task_records_the_end(team, other):
    client, today = team["client"], timezone.localdate()
    membership = actions.add_team_member(
        client=client,
        user=other,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        valid_until=today + 30 * DAY,
    )
    assert visible(other, client)
    with time_machine.travel(today + 30 * DAY):
        assert visible(other, client)
        assert end_lapsed_memberships_task.run() == 0
    with time_machine.travel(today + 31 * DAY):
        assert not visible(other, client)
        other.active_assignment = other.role_assignments.get()
        with pytest.raises(Http404):
            get_client_for_user(other, client.uuid, log_action=None)
        assert end_lapsed_memberships_task.run() == 1
        assert end_lapsed_memberships_task.run() == 0  # safe to repeat
    membership.refresh_from_db()
    assert membership.ended_on == today + 30 * DAY
    # The end is on the client's access log once, as the system's on the statutory basis;
    # the client's log report names Polku as the one who processed it.
    entry = AccessLogEntry.objects.get(action="clients.membership.lapsed")
    assert (entry.actor, entry.basis, entry.object_id) == (None, "statute", str(membership.pk))
    period = ReportPeriod(today, today + 31 * DAY)
    row = next(r for r in client_access_rows(client.uuid, period) if r.action_code == entry.action)
    assert row.user == "Polku (automaattinen käsittely)"


def test_ending_a_lapsed_membership_records_its_valid_until_day(team, other):
    """Before the daily task has run, ending a membership whose last day has passed records
    that day, not today: the team's history says when access ended."""
    client, today = team["client"], timezone.localdate()
    membership = actions.add_team_member(
        client=client,
        user=other,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        valid_until=today + 5 * DAY,
    )
    with time_machine.travel(today + 12 * DAY):
        ended = actions.end_membership(membership=membership, ended_by=team["worker"])
    assert ended.ended_on == today + 5 * DAY


def test_a_member_whose_membership_lapsed_can_be_added_again(team, other):
    client, today = team["client"], timezone.localdate()
    actions.add_team_member(
        client=client,
        user=other,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        valid_until=today + 2 * DAY,
    )
    with time_machine.travel(today + 5 * DAY):
        again = actions.add_team_member(
            client=client, user=other, role=TeamRole.OTHER, added_by=team["worker"]
        )
        assert again.started_on == today + 5 * DAY and visible(other, client)
    assert CareTeamMembership.objects.filter(client=client, user=other).count() == 2


@pytest.mark.parametrize(
    ("field", "started", "until", "message"),
    [
        ("started_on", -1, None, "Jäsenyys voi alkaa aikaisintaan tänään"),
        ("valid_until", 3, 2, "Voimassaolo ei voi päättyä ennen jäsenyyden alkamista."),
    ],
)
def test_bad_dates_are_refused_next_to_the_field_and_nothing_is_saved(
    client, team, other, field, started, until, message
):
    today = timezone.localdate()
    login(client, team["worker"])
    data = {
        "assignment": other.role_assignments.get().pk,
        "role": TeamRole.OTHER,
        "started_on": (today + started * DAY).isoformat(),
        "valid_until": (today + until * DAY).isoformat() if until is not None else "",
    }
    response = client.post(f"/clients/{team['client'].uuid}/team/add/", data)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    shown = re.search(rf'id="id_{field}_error"><p>([^<]*)</p>', page)
    assert shown and message in shown.group(1)
    assert not CareTeamMembership.objects.filter(user=other).exists()


@pytest.mark.parametrize("field", ["started_on", "valid_until"])
def test_a_membership_date_out_of_range_is_refused_next_to_the_field(client, team, other, field):
    login(client, team["worker"])
    data = {
        "assignment": other.role_assignments.get().pk,
        "role": TeamRole.OTHER,
        "started_on": "",
        "valid_until": "",
        field: "9999-12-31",
    }
    response = client.post(f"/clients/{team['client'].uuid}/team/add/", data)
    assert field_errors(response.content.decode(), field) == RANGE_ERROR
    assert not CareTeamMembership.objects.filter(user=other).exists()


def test_the_team_panel_shows_the_dates(client, team, other):
    today = timezone.localdate()
    login(client, team["worker"])
    response = client.post(
        f"/clients/{team['client'].uuid}/team/add/",
        {
            "assignment": other.role_assignments.get().pk,
            "role": TeamRole.OTHER,
            "started_on": (today + 3 * DAY).isoformat(),
            "valid_until": (today + 90 * DAY).isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Tiimin jäsen lisätty." in page
    assert f"alkaa {today + 3 * DAY:%-d.%-m.%Y}" in page
    assert f"voimassa {today + 90 * DAY:%-d.%-m.%Y} asti" in page


def test_the_responsible_worker_has_no_end_date(team):
    membership = CareTeamMembership.objects.get(
        client=team["client"], role=TeamRole.RESPONSIBLE_WORKER
    )
    membership.valid_until = timezone.localdate() + 10 * DAY
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_a_coach_membership_from_a_later_day_starts_when_the_coach_takes_a_step(team):
    client, coach, today = team["client"], team["coach"], timezone.localdate()
    CareTeamMembership.objects.filter(client=client, user=coach).update(ended_on=today)
    later = actions.add_team_member(
        client=client,
        user=coach,
        role=TeamRole.COACH,
        added_by=team["worker"],
        started_on=today + 10 * DAY,
    )
    ensure_coach_membership(client, coach, team["worker"])
    later.refresh_from_db()
    assert later.started_on == today and visible(coach, client)


def test_the_responsible_worker_extends_a_membership_before_it_lapses(client, team, other):
    today = timezone.localdate()
    membership = actions.add_team_member(
        client=team["client"],
        user=other,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        valid_until=today + 5 * DAY,
    )
    login(client, team["worker"])
    panel = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    url = f"/clients/{team['client'].uuid}/team/{membership.pk}/period/"
    assert f'href="{url}"' in panel
    form = client.get(url).content.decode()
    assert f'value="{today + 5 * DAY:%Y-%m-%d}"' in form
    response = client.post(url, {"valid_until": (today + 60 * DAY).isoformat()}, follow=True)
    assert "Jäsenyyden voimassaolo muutettu." in response.content.decode()
    membership.refresh_from_db()
    assert membership.valid_until == today + 60 * DAY
    row = AccessLogEntry.objects.get(action="clients.membership.changed")
    assert (row.actor, row.object_id) == (team["worker"], str(membership.pk))
    # Made open-ended again.
    client.post(url, {"valid_until": ""})
    membership.refresh_from_db()
    assert membership.valid_until is None


def test_a_day_already_past_is_refused_next_to_the_field(client, team, other):
    membership = actions.add_team_member(
        client=team["client"], user=other, role=TeamRole.OTHER, added_by=team["worker"]
    )
    login(client, team["worker"])
    url = f"/clients/{team['client'].uuid}/team/{membership.pk}/period/"
    yesterday = timezone.localdate() - DAY
    page = client.post(url, {"valid_until": yesterday.isoformat()}).content.decode()
    shown = re.search(r'id="id_valid_until_error"><p>([^<]*)</p>', page)
    assert shown and "aikaisintaan tänään" in shown.group(1)
    membership.refresh_from_db()
    assert membership.valid_until is None


def test_the_responsible_workers_membership_has_no_period_to_change(team):
    membership = CareTeamMembership.objects.get(
        client=team["client"], role=TeamRole.RESPONSIBLE_WORKER
    )
    with pytest.raises(ValidationError):
        actions.set_membership_valid_until(
            membership=membership,
            valid_until=timezone.localdate() + 10 * DAY,
            changed_by=team["worker"],
        )


def _future_member(team, other):
    return actions.add_team_member(
        client=team["client"],
        user=other,
        role=TeamRole.OTHER,
        added_by=team["worker"],
        started_on=timezone.localdate() + 10 * DAY,
    )


def test_ending_a_membership_before_it_starts_cancels_it_today(team, other):
    """The history never records an end in the future: a membership that has not started
    ends today, before its first day, marked cancelled, and is logged as cancelled."""
    membership = _future_member(team, other)
    ended = actions.end_membership(membership=membership, ended_by=team["worker"])
    today = timezone.localdate()
    assert (ended.ended_on, ended.cancelled) == (today, True)
    stored = CareTeamMembership.objects.get(pk=membership.pk)
    assert (stored.ended_on, stored.cancelled, stored.started_on) == (
        today,
        True,
        today + 10 * DAY,
    )
    event = CareTeamMembership.pgh_event_model.objects.filter(pgh_obj=stored).order_by("pgh_id")
    assert (event.last().ended_on, event.last().cancelled) == (today, True)
    assert event.last().pgh_context.metadata["action"] == "clients.membership.cancelled"
    log = AccessLogEntry.objects.order_by("-pk").first()
    assert (log.action, log.object_id) == ("clients.membership.cancelled", str(membership.pk))
    with time_machine.travel(today + 10 * DAY):
        assert not visible(other, team["client"])
    # The same person may be added again.
    assert _future_member(team, other).ended_on is None


def test_ending_a_started_membership_is_no_cancellation(team, other):
    membership = actions.add_team_member(
        client=team["client"], user=other, role=TeamRole.OTHER, added_by=team["worker"]
    )
    ended = actions.end_membership(membership=membership, ended_by=team["worker"])
    assert (ended.ended_on, ended.cancelled) == (timezone.localdate(), False)
    assert AccessLogEntry.objects.order_by("-pk").first().action == "clients.membership.ended"


@pytest.mark.parametrize(
    ("ended", "cancelled"),
    [
        (-1, False),  # ended before it started, not cancelled
        (0, True),  # cancelled, yet ended on its first day
        (3, True),  # cancelled, yet ended after its start
        (None, True),  # cancelled without an end
    ],
)
def test_the_database_keeps_a_cancellation_before_the_start(team, other, ended, cancelled):
    membership = _future_member(team, other)
    start = membership.started_on
    with pytest.raises(IntegrityError, match="membership_period"), transaction.atomic():
        CareTeamMembership.objects.filter(pk=membership.pk).update(
            ended_on=None if ended is None else start + ended * DAY, cancelled=cancelled
        )


def test_the_team_panel_offers_to_cancel_a_membership_that_has_not_started(client, team, other):
    membership = _future_member(team, other)
    login(client, team["worker"])
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    assert "Peru jäsenyys<span" in page
    end = f"/clients/{team['client'].uuid}/team/{membership.pk}/end/"
    assert f'href="{end}"' in page
    assert "Perutaanko henkilön Olli Ohjaaja jäsenyys" in client.get(end).content.decode()
    response = client.post(end, {"confirm": "True"}, follow=True)
    assert "Jäsenyys peruttiin ennen sen alkamista." in response.content.decode()
    assert CareTeamMembership.objects.get(pk=membership.pk).cancelled
