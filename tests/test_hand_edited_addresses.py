"""A value typed into an address by hand is never a server error: a NUL character, a digit
that is no ASCII digit ("²"), a date or ISO week outside the years datetime and PostgreSQL
can reckon with. Each answer is the page for no such value or a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from pathways.factories import make_step
from tests.conftest import RANGE_ERROR, field_errors, login

pytestmark = pytest.mark.django_db

REHAB = "rehabilitative_work_activity"


def _rehab(world):
    return make_step(
        world.client,
        REHAB,
        created_by=world.users[Role.SOCIAL_WORKER],
        start_on=timezone.localdate() - datetime.timedelta(days=30),
        days_per_week=3,
        hours_per_day=5,
    )


def _client_list(world):
    return reverse("clients:list")


def _step_create(world):
    return reverse("pathways:step_create", kwargs={"client_id": world.client.uuid})


def _note_create(world):
    return reverse("clients:note_create", kwargs={"client_id": world.client.uuid})


def _handover(world):
    return reverse("clients:handover")


def _calendar(world):
    return reverse("consultations:calendar")


def _reports(world):
    return reverse("reports:index")


def _report_csv(world):
    return reverse("reports:export")


def _attendance(world):
    step = _rehab(world)
    return reverse(
        "pathways:attendance", kwargs={"client_id": world.client.uuid, "step_id": step.pk}
    )


# (role, address, query, status): 404 for an id that is no number; a NUL character is
# dropped; a date out of range is no date (the page's default), or an error in a form.
CASES = {
    "A1 name search with NUL": (Role.SOCIAL_WORKER, _client_list, {"q": "\x00"}, 200),
    "A1 name search with NUL inside": (Role.SOCIAL_WORKER, _client_list, {"q": "Vir\x00ta"}, 200),
    "A2 service type NUL": (Role.SOCIAL_WORKER, _step_create, {"type": "\x00"}, 200),
    "A2 service type with NUL": (Role.SOCIAL_WORKER, _step_create, {"type": "open\x00work"}, 404),
    "A3 amends superscript": (Role.SOCIAL_WORKER, _note_create, {"amends": "²"}, 404),
    "A3 amends NUL": (Role.SOCIAL_WORKER, _note_create, {"amends": "\x00"}, 200),
    "A4 follows superscript": (Role.SOCIAL_WORKER, _step_create, {"follows": "²"}, 404),
    "A4 follows NUL": (Role.SOCIAL_WORKER, _step_create, {"follows": "1\x00"}, 404),
    "A5 handover superscript": (Role.MANAGER, _handover, {"from": "²"}, 404),
    "A5 handover Arabic-Indic": (Role.MANAGER, _handover, {"from": "٣"}, 404),
    "A6 calendar last day": (Role.COORDINATOR, _calendar, {"day": "9999-12-31"}, 200),
    "A6 calendar first day": (Role.COORDINATOR, _calendar, {"day": "0001-01-01"}, 200),
    "A6 calendar month": (Role.COORDINATOR, _calendar, {"view": "month", "day": "9999-12-15"}, 200),
    "A6 calendar month first": (
        Role.COORDINATOR,
        _calendar,
        {"view": "month", "day": "0001-01-01"},
        200,
    ),
    "A6 calendar NUL": (Role.COORDINATOR, _calendar, {"day": "\x00"}, 200),
    "A7 report end": (Role.MANAGER, _reports, {"end": "0001-01-01"}, 200),
    "A7 report start": (Role.MANAGER, _reports, {"start": "0001-01-01"}, 200),
    "A7 report CSV end": (Role.MANAGER, _report_csv, {"end": "0001-01-01"}, 400),
    "A8 attendance first week": (Role.SOCIAL_WORKER, _attendance, {"week": "0001-W01"}, 200),
    "A8 attendance last week": (Role.SOCIAL_WORKER, _attendance, {"week": "9999-W52"}, 200),
    "A8 attendance superscript": (Role.SOCIAL_WORKER, _attendance, {"week": "²⁰²⁶-W01"}, 200),
    "A8 attendance NUL": (Role.SOCIAL_WORKER, _attendance, {"week": "\x00"}, 200),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_hand_edited_address_is_no_server_error(client, world, case):
    role, address, query, status = case
    login(client, world.users[role])
    response = client.get(address(world), query)
    assert response.status_code == status


def test_a_nul_character_is_dropped_from_the_name_search(client, world):
    login(client, world.users[Role.SOCIAL_WORKER])
    response = client.get(_client_list(world), {"q": "Vir\x00ta"})
    assert response.context["query"] == "Virta"


def test_a_service_type_of_only_nul_is_no_choice_yet(client, world):
    login(client, world.users[Role.SOCIAL_WORKER])
    response = client.get(_step_create(world), {"type": "\x00"})
    assert [t.name for t in response.context["types"]] and "form" not in response.context


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "²"])
@pytest.mark.parametrize("view", ["week", "month"])
def test_the_calendar_shows_today_for_a_day_out_of_range(client, world, view, day):
    login(client, world.users[Role.COORDINATOR])
    grid = client.get(_calendar(world), {"view": view, "day": day}).context["grid"]
    assert (grid.view, grid.day) == (view, timezone.localdate())


def test_the_calendar_reaches_the_first_and_last_days_polku_accepts(client, world):
    login(client, world.users[Role.COORDINATOR])
    first = client.get(_calendar(world), {"view": "month", "day": "1900-01-01"}).context["grid"]
    last = client.get(_calendar(world), {"view": "month", "day": "2100-12-31"}).context["grid"]
    assert (first.first, last.last) == (datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))


@pytest.mark.parametrize("address", [_reports, _report_csv])
def test_a_report_period_out_of_range_is_an_error_next_to_the_field(client, world, address):
    login(client, world.users[Role.MANAGER])
    response = client.get(address(world), {"start": "2026-01-01", "end": "0001-01-01"})
    assert field_errors(response.content.decode(), "end") == RANGE_ERROR
    assert response.context["form"].period is None


class TestAttendanceWeeks:
    """The attendance grid shows a week of the step, whatever week the address names."""

    @pytest.fixture
    def step(self, world):
        today = timezone.localdate()
        return make_step(
            world.client,
            REHAB,
            created_by=world.users[Role.SOCIAL_WORKER],
            start_on=today - datetime.timedelta(days=60),
            planned_end_on=today + datetime.timedelta(days=60),
            days_per_week=3,
            hours_per_day=5,
        )

    def _week(self, client, world, step, week):
        login(client, world.users[Role.SOCIAL_WORKER])
        url = reverse(
            "pathways:attendance", kwargs={"client_id": world.client.uuid, "step_id": step.pk}
        )
        return client.get(url, {"week": week})

    @pytest.mark.parametrize("week", ["1999-W01", "1900-W01"])
    def test_a_week_before_the_step_shows_its_first_week(self, client, world, step, week):
        response = self._week(client, world, step, week)
        assert response.context["week_label"] == iso_week(step.start_on)
        assert response.context["previous_week"] is None
        assert "Edellinen viikko" not in response.content.decode()
        assert response.context["next_week"] == iso_week(step.start_on + WEEK)

    @pytest.mark.parametrize("week", ["2099-W01", "2100-W52"])
    def test_a_week_after_the_step_shows_its_last_week(self, client, world, step, week):
        response = self._week(client, world, step, week)
        assert response.context["week_label"] == iso_week(step.planned_end_on)
        assert response.context["next_week"] is None
        assert "Seuraava viikko" not in response.content.decode()
        assert response.context["previous_week"] == iso_week(step.planned_end_on - WEEK)

    @pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "2026-W99", "²⁰²⁶-W01"])
    def test_a_week_out_of_range_is_this_week(self, client, world, step, week):
        response = self._week(client, world, step, week)
        assert response.context["week_label"] == iso_week(timezone.localdate())

    def test_a_week_within_the_step_is_shown_with_both_links(self, client, world, step):
        week = iso_week(timezone.localdate() - WEEK)
        response = self._week(client, world, step, week)
        assert response.context["week_label"] == week
        page = response.content.decode()
        assert "Edellinen viikko" in page and "Seuraava viikko" in page


WEEK = datetime.timedelta(days=7)


def iso_week(day: datetime.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"
