"""The schedule rules of the rule set in force on recorded attendance: days per calendar week and
hours per day (DOMAIN.md: rehabilitative work activity 1–4 days a week, at least 4 hours a day),
through the action and through the weekly grid."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pathways import actions, step_rules
from pathways.factories import make_step
from pathways.models import Attendance, PathwayStep
from services.factories import ServiceRuleSetFactory
from tests.conftest import field_errors, login

REHAB = "rehabilitative_work_activity"
DAYS_RULE = (
    "Palvelua järjestetään 1–4 päivänä viikossa (Laki kuntouttavasta työtoiminnasta 189/2001)."
)
HOURS_RULE = (
    "Päivän on kestettävä vähintään 4 tuntia (Laki kuntouttavasta työtoiminnasta 189/2001)."
)


@pytest.fixture
def rehab(worker, client_of, monday):
    return make_step(
        client_of(),
        REHAB,
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        days_per_week=4,
        hours_per_day=Decimal(4),
        goal="Arjen rytmi",
        support_given="Työvalmennus",
    )


@pytest.fixture
def open_work(worker, client_of, monday, today):
    return make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        daily_compensation=Decimal(10),
        effects_discussed_on=today,
        days_per_week=5,
    )


def present(hours="4"):
    return {"present": True, "hours": Decimal(hours)}


def week_of(monday, *values):
    """The days from Monday on with the given values."""
    return {monday + datetime.timedelta(days=offset): value for offset, value in enumerate(values)}


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


class TestThroughTheAction:
    def test_four_present_days_of_four_hours_are_accepted(self, rehab, worker, monday):
        saved = actions.record_week_attendance(
            step=rehab, recorded_by=worker, days=week_of(monday, *[present("4")] * 4)
        )
        assert saved == 4
        assert rehab.attendance.filter(present=True).count() == 4

    def test_a_fifth_present_day_is_refused_on_that_day_and_nothing_is_saved(
        self, rehab, worker, monday
    ):
        days = week_of(monday, *[present()] * 5)
        errors = refusal(
            lambda: actions.record_week_attendance(step=rehab, recorded_by=worker, days=days)
        )
        friday = (monday + datetime.timedelta(days=4)).isoformat()
        assert errors == {f"{friday}-status": [DAYS_RULE]}
        assert not Attendance.objects.filter(step=rehab).exists()

    def test_absent_days_do_not_count(self, rehab, worker, monday):
        sick = {"present": False, "absence_reason": "sick"}
        days = week_of(monday, present(), sick, present(), present(), present(), sick)
        assert actions.record_week_attendance(step=rehab, recorded_by=worker, days=days) == 6
        assert rehab.attendance.filter(present=True).count() == 4

    def test_a_day_under_four_hours_is_refused_and_nothing_is_saved(self, rehab, worker, monday):
        days = week_of(monday, present("4"), present("3.5"), present("6"))
        errors = refusal(
            lambda: actions.record_week_attendance(step=rehab, recorded_by=worker, days=days)
        )
        assert errors == {
            f"{(monday + datetime.timedelta(days=1)).isoformat()}-hours": [HOURS_RULE]
        }
        assert not Attendance.objects.filter(step=rehab).exists()

    def test_a_day_both_short_and_over_the_limit_shows_both_rules(self, rehab, worker, monday):
        days = week_of(monday, *[present()] * 4, present("3"))
        errors = refusal(
            lambda: actions.record_week_attendance(step=rehab, recorded_by=worker, days=days)
        )
        friday = (monday + datetime.timedelta(days=4)).isoformat()
        assert errors == {f"{friday}-hours": [HOURS_RULE], f"{friday}-status": [DAYS_RULE]}

    def test_days_saved_earlier_in_the_week_count(self, rehab, worker, monday):
        actions.record_week_attendance(
            step=rehab, recorded_by=worker, days=week_of(monday, *[present()] * 4)
        )
        friday = monday + datetime.timedelta(days=4)
        errors = refusal(
            lambda: actions.record_week_attendance(
                step=rehab, recorded_by=worker, days={friday: present()}
            )
        )
        assert errors == {f"{friday.isoformat()}-status": [DAYS_RULE]}
        assert set(rehab.attendance.values_list("day", flat=True)) == set(
            week_of(monday, *[None] * 4)
        )
        # Clearing a saved day in the same recording makes room for Friday.
        actions.record_week_attendance(
            step=rehab, recorded_by=worker, days={monday: None, friday: present()}
        )
        assert rehab.attendance.filter(present=True).count() == 4
        assert not rehab.attendance.filter(day=monday).exists()

    def test_the_limit_is_per_calendar_week(self, rehab, worker, monday):
        actions.record_week_attendance(
            step=rehab, recorded_by=worker, days=week_of(monday, *[present()] * 4)
        )
        earlier = monday - datetime.timedelta(days=7)
        actions.record_week_attendance(
            step=rehab, recorded_by=worker, days=week_of(earlier, *[present()] * 4)
        )
        assert rehab.attendance.filter(present=True).count() == 8

    def test_the_week_is_shared_with_the_previous_period_of_the_same_service(
        self, worker, client_of, monday
    ):
        """A period ending on Wednesday and the next one starting on Thursday: the client
        is in rehabilitative work activity at most four days in that calendar week."""
        client = client_of()
        fields = {
            "days_per_week": 4,
            "hours_per_day": Decimal(4),
            "goal": "Arjen rytmi",
            "support_given": "Työvalmennus",
        }
        first = make_step(
            client,
            REHAB,
            created_by=worker,
            start_on=monday - datetime.timedelta(days=120),
            planned_end_on=monday + datetime.timedelta(days=2),
            **fields,
        )
        second = make_step(
            client,
            REHAB,
            created_by=worker,
            start_on=monday + datetime.timedelta(days=3),
            **fields,
        )
        actions.record_week_attendance(
            step=first, recorded_by=worker, days=week_of(monday, *[present()] * 3)
        )
        thursday, friday = monday + datetime.timedelta(days=3), monday + datetime.timedelta(days=4)
        errors = refusal(
            lambda: actions.record_week_attendance(
                step=second,
                recorded_by=worker,
                days={thursday: present(), friday: present()},
            )
        )
        assert errors == {f"{friday.isoformat()}-status": [DAYS_RULE]}
        assert not Attendance.objects.filter(step=second).exists()
        actions.record_week_attendance(step=second, recorded_by=worker, days={thursday: present()})
        assert Attendance.objects.filter(step__client=client, present=True).count() == 4

    def test_a_service_without_these_rules_accepts_five_short_days(self, open_work, worker, monday):
        days = {
            day: {**present("3"), "compensation": Decimal(10)}
            for day in week_of(monday, *[None] * 5)
        }
        assert actions.record_week_attendance(step=open_work, recorded_by=worker, days=days) == 5
        assert open_work.attendance.filter(present=True).count() == 5

    def test_the_messages_are_translated(self, rehab, worker, monday):
        days = week_of(monday, *[present()] * 4, present("3"))
        with translation.override("en"):
            errors = refusal(
                lambda: actions.record_week_attendance(step=rehab, recorded_by=worker, days=days)
            )
        friday = (monday + datetime.timedelta(days=4)).isoformat()
        text = " ".join(errors[f"{friday}-hours"] + errors[f"{friday}-status"])
        assert "A day must last at least 4 hours" in text
        assert "The service is provided on 1–4 days per week" in text

    def test_the_cap_reads_as_on_the_step_form_in_english(self, open_work, worker, monday):
        """The refusal gives the cap as the step form's same message does (`plain_number`),
        not as Finnish cents: "€12", not "€12,00"."""
        capped = ServiceRuleSetFactory(
            open_work=True,
            service_type=open_work.service_type,
            organisation=open_work.client.organisation,
        )
        PathwayStep.objects.filter(pk=open_work.pk).update(rule_set=capped)
        days = {monday: {**present("5"), "compensation": Decimal("12.50")}}
        with translation.override("en"):
            errors = refusal(
                lambda: actions.record_week_attendance(
                    step=open_work, recorded_by=worker, days=days
                )
            )
            open_work.daily_compensation = Decimal("12.50")
            [on_the_form] = [
                violation.message
                for violation in step_rules.check_step(open_work, capped, companions=[])
                if violation.field == "daily_compensation"
            ]
        assert errors[f"{monday.isoformat()}-compensation"] == [on_the_form]
        assert "The allowance can be at most €12 per day" in on_the_form


def grid_post(step, monday, rows):
    """The grid's POST: a status and hours for each day of the week ("" for not recorded)."""
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    data = {"week": week}
    for offset in range(7):
        key = (monday + datetime.timedelta(days=offset)).isoformat()
        hours = rows[offset] if offset < len(rows) else ""
        data[f"{key}-status"] = "present" if hours else ""
        data[f"{key}-hours"] = hours
        data[f"{key}-reason"] = ""
        if step.service_type.code == "open_work":
            data[f"{key}-compensation"] = "10" if hours else ""
    url = f"/clients/{step.client.uuid}/steps/{step.pk}/attendance/?week={week}"
    return url, data


class TestThroughTheGrid:
    def test_four_days_of_four_hours_are_saved(self, client, worker, rehab, monday):
        login(client, worker)
        url, data = grid_post(rehab, monday, ["4", "4", "4", "4"])
        assert client.post(url, data).status_code == 302
        assert rehab.attendance.filter(present=True).count() == 4

    def test_a_fifth_day_is_refused_next_to_it(self, client, worker, rehab, monday):
        login(client, worker)
        url, data = grid_post(rehab, monday, ["4", "4", "4", "4", "4"])
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        friday = (monday + datetime.timedelta(days=4)).isoformat()
        assert DAYS_RULE in field_errors(page, f"{friday}-status")
        assert not field_errors(page, f"{monday.isoformat()}-status")
        assert not Attendance.objects.filter(step=rehab).exists()

    def test_a_short_day_is_refused_next_to_it(self, client, worker, rehab, monday):
        login(client, worker)
        url, data = grid_post(rehab, monday, ["4", "3.5", "4"])
        response = client.post(url, data)
        assert response.status_code == 200
        tuesday = (monday + datetime.timedelta(days=1)).isoformat()
        page = response.content.decode()
        assert HOURS_RULE in field_errors(page, f"{tuesday}-hours")
        assert not field_errors(page, f"{tuesday}-status")
        assert not Attendance.objects.filter(step=rehab).exists()

    def test_an_absence_without_a_reason_is_refused_next_to_the_reason(
        self, client, worker, rehab, monday
    ):
        login(client, worker)
        url, data = grid_post(rehab, monday, [])
        data[f"{monday.isoformat()}-status"] = "absent"
        page = client.post(url, data).content.decode()
        assert field_errors(page, f"{monday.isoformat()}-reason") == "Valitse poissaolon syy."
        assert not field_errors(page, f"{monday.isoformat()}-status")
        select = re.search(rf'<select[^>]*id="id_{monday.isoformat()}-reason"[^>]*>', page)
        assert 'aria-invalid="true"' in select.group(0)

    def test_an_avotyo_amount_over_the_cap_is_refused_next_to_the_amount(
        self, client, worker, open_work, monday
    ):
        capped = ServiceRuleSetFactory(
            open_work=True,
            service_type=open_work.service_type,
            organisation=open_work.client.organisation,
        )
        PathwayStep.objects.filter(pk=open_work.pk).update(rule_set=capped)
        login(client, worker)
        url, data = grid_post(open_work, monday, ["5"])
        data[f"{monday.isoformat()}-compensation"] = "12.50"
        page = client.post(url, data).content.decode()
        assert "enintään 12 € päivässä" in field_errors(page, f"{monday.isoformat()}-compensation")
        assert not field_errors(page, f"{monday.isoformat()}-status")
        assert not Attendance.objects.filter(step=open_work).exists()

    def test_hours_typed_without_a_status_are_not_dropped_as_saved(
        self, client, worker, rehab, monday
    ):
        login(client, worker)
        url, data = grid_post(rehab, monday, ["4"])
        data[f"{monday.isoformat()}-status"] = ""
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert field_errors(page, f"{monday.isoformat()}-status") == (
            "Valitse, oliko asiakas läsnä vai poissa."
        )
        assert 'value="4"' in page
        assert not Attendance.objects.filter(step=rehab).exists()

    def test_an_avotyo_amount_on_a_day_absent_is_refused_next_to_it(
        self, client, worker, open_work, monday
    ):
        login(client, worker)
        url, data = grid_post(open_work, monday, [])
        key = monday.isoformat()
        data.update({f"{key}-status": "absent", f"{key}-reason": "sick"})
        data[f"{key}-compensation"] = "10"
        page = client.post(url, data).content.decode()
        assert "Poissaolopäivältä ei makseta korvausta." in field_errors(
            page, f"{key}-compensation"
        )
        assert not Attendance.objects.filter(step=open_work).exists()

    def test_a_reason_on_a_day_present_or_hours_on_a_day_absent_are_refused_next_to_them(
        self, client, worker, rehab, monday
    ):
        """They would be dropped on saving: the user is told instead of the week said saved."""
        login(client, worker)
        url, data = grid_post(rehab, monday, ["4"])
        key = monday.isoformat()
        tuesday = (monday + datetime.timedelta(days=1)).isoformat()
        data[f"{key}-reason"] = "sick"
        data.update(
            {f"{tuesday}-status": "absent", f"{tuesday}-reason": "agreed", f"{tuesday}-hours": "4"}
        )
        response = client.post(url, data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Läsnäolopäivälle ei kirjata poissaolon syytä." in field_errors(
            page, f"{key}-reason"
        )
        assert "Poissaolopäivälle ei kirjata tunteja." in field_errors(page, f"{tuesday}-hours")
        assert not field_errors(page, f"{key}-status")
        assert not Attendance.objects.filter(step=rehab).exists()

    def test_a_saved_day_switched_to_the_other_status_drops_its_old_value(
        self, client, worker, rehab, monday
    ):
        """The grid shows a saved day's reason or hours again; switching its status leaves that
        value in the field. It is not what the user typed: the day is saved without it."""
        key = monday.isoformat()
        tuesday = monday + datetime.timedelta(days=1)
        actions.record_week_attendance(
            step=rehab,
            recorded_by=worker,
            days={
                monday: {"present": False, "absence_reason": "sick"},
                tuesday: {"present": True, "hours": Decimal(4)},
            },
        )
        login(client, worker)
        url, data = grid_post(rehab, monday, [])
        data.update(
            {
                f"{key}-status": "present",
                f"{key}-hours": "5",
                f"{key}-reason": "sick",  # as the grid shows it again
                f"{tuesday.isoformat()}-status": "absent",
                f"{tuesday.isoformat()}-hours": "4.00",  # as the grid shows it again
                f"{tuesday.isoformat()}-reason": "agreed",
            }
        )
        for row in Attendance.objects.filter(step=rehab):  # the days as the grid shows them
            data[f"{row.day.isoformat()}-shown"] = row.grid_state
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()
        saved = {a.day: a for a in Attendance.objects.filter(step=rehab)}
        assert (saved[monday].present, saved[monday].hours, saved[monday].absence_reason) == (
            True,
            Decimal(5),
            "",
        )
        assert (saved[tuesday].present, saved[tuesday].hours, saved[tuesday].absence_reason) == (
            False,
            None,
            "agreed",
        )

    def test_an_amount_too_large_to_store_is_refused_next_to_it_not_a_server_error(
        self, client, worker, open_work, monday
    ):
        """The general avotyö rules set no cap (12 € a day is Essote's): the amount is still
        refused in the form where it exceeds what a day's compensation holds (9 999,99 €)."""
        login(client, worker)
        url, data = grid_post(open_work, monday, ["5"])
        data[f"{monday.isoformat()}-compensation"] = "10000"
        response = client.post(url, data)
        assert response.status_code == 200
        assert field_errors(response.content.decode(), f"{monday.isoformat()}-compensation")
        assert not Attendance.objects.filter(step=open_work).exists()

    def test_open_work_accepts_five_days(self, client, worker, open_work, monday):
        login(client, worker)
        url, data = grid_post(open_work, monday, ["5", "5", "5", "5", "5"])
        assert client.post(url, data).status_code == 302
        assert open_work.attendance.filter(present=True).count() == 5


class TestOpenWorkPayment:
    """An avotyö day present is a day paid (DOMAIN.md: attendance drives avotyö payments)."""

    def test_a_day_present_without_an_amount_is_paid_the_agreed_compensation(
        self, worker, open_work, monday
    ):
        actions.record_week_attendance(
            step=open_work,
            recorded_by=worker,
            days={
                monday: present("5"),
                monday + datetime.timedelta(days=1): {**present("5"), "compensation": Decimal(0)},
                monday + datetime.timedelta(days=2): {
                    "present": False,
                    "absence_reason": "sick",
                },
            },
        )
        paid = dict(Attendance.objects.filter(step=open_work).values_list("day", "compensation"))
        assert paid == {
            monday: Decimal(10),
            monday + datetime.timedelta(days=1): Decimal(0),
            monday + datetime.timedelta(days=2): None,
        }

    def test_with_no_agreed_compensation_the_amount_is_asked_for(self, worker, open_work, monday):
        PathwayStep.objects.filter(pk=open_work.pk).update(daily_compensation=None)
        open_work.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            actions.record_week_attendance(
                step=open_work, recorded_by=worker, days={monday: present("5")}
            )
        assert error.value.message_dict == {
            f"{monday.isoformat()}-compensation": ["Kirjaa päivän korvaus."]
        }
        assert not Attendance.objects.filter(step=open_work).exists()

    def test_the_grid_saves_the_agreed_compensation_and_says_so(
        self, client, worker, open_work, monday
    ):
        login(client, worker)
        iso = monday.isocalendar()
        url = (
            f"/clients/{open_work.client.uuid}/steps/{open_work.pk}/attendance/"
            f"?week={iso.year}-W{iso.week:02d}"
        )
        page = client.get(url).content.decode()
        assert "Läsnäolopäivän korvaus on sovittu 10,00 €" in page
        key = monday.isoformat()
        response = client.post(
            url, {f"{key}-status": "present", f"{key}-hours": "5", f"{key}-compensation": ""}
        )
        assert response.status_code == 302
        assert Attendance.objects.get(step=open_work, day=monday).compensation == Decimal(10)


def test_the_week_heading_names_its_days_and_year(client, worker, rehab):
    """Around the new year "Viikko 1" alone does not tell which January it is."""
    login(client, worker)
    url = f"/clients/{rehab.client.uuid}/steps/{rehab.pk}/attendance/?week=2026-W53"
    PathwayStep.objects.filter(pk=rehab.pk).update(start_on=datetime.date(2026, 12, 1))
    page = client.get(url).content.decode()
    heading = re.search(r'<h2 id="week-heading"[^>]*>(.*?)</h2>', page, re.S).group(1)
    assert heading.strip() == "Viikko 53, 28.12.–3.1.2027"


class TestMonthlySummary:
    """The monthly table names what the days are for: avotyö days are paid, other services'
    days are expense-allowance days, which have no amount column."""

    def test_a_workshop_period_shows_no_avotyo_wording_nor_an_empty_amount_column(
        self, client, worker, client_of, monday
    ):
        workshop = make_step(
            client_of(age=20),
            "youth_workshop",
            created_by=worker,
            start_on=monday - datetime.timedelta(days=30),
        )
        actions.record_week_attendance(step=workshop, recorded_by=worker, days={monday: present()})
        login(client, worker)
        base = f"/clients/{workshop.client.uuid}/steps/{workshop.pk}/"
        for url in (base, f"{base}attendance/"):
            page = client.get(url).content.decode()
            assert "<caption>Kulukorvauspäivät kuukausittain</caption>" in page
            assert "avotyö" not in page.lower()
            assert "Korvaukset €" not in page

    def test_an_avotyo_period_shows_its_days_and_amounts(self, client, worker, open_work, monday):
        actions.record_week_attendance(
            step=open_work, recorded_by=worker, days={monday: present("5")}
        )
        login(client, worker)
        page = client.get(f"/clients/{open_work.client.uuid}/steps/{open_work.pk}/").content
        page = page.decode()
        assert "<caption>Avotyöpäivät ja korvaukset kuukausittain</caption>" in page
        assert "<td>1</td><td>0</td><td>5</td><td>10,00</td>" in page
