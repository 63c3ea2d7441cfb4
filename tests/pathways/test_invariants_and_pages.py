"""Database invariants of pathways (ORM writes that must raise) and the pathway pages."""

import datetime
import re
from decimal import Decimal

import pgtrigger
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLogEntry
from pathways import actions
from pathways.factories import make_step
from pathways.models import (
    Attendance,
    CompetenceCertificate,
    DocumentKind,
    JobcenterContract,
    PathwayStep,
    Placement,
    PrintedDocument,
    StepStatus,
)
from services.factories import CatalogueEntryFactory
from services.models import ServiceType
from tests.conftest import login, scroll_regions
from tests.weeks import past_week_within_a_month


def integrity(call, constraint: str):
    """The ORM write `call` is refused by the database, by the named constraint."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        call()


class TestInvariants:
    def test_overlapping_steps_of_one_service_are_refused_by_the_database(
        self, worker, client_of, today
    ):
        client = client_of()
        make_step(client, "supported_employment", created_by=worker, start_on=today)
        integrity(
            lambda: make_step(
                client,
                "supported_employment",
                created_by=worker,
                start_on=today + datetime.timedelta(days=400),
            ),
            "step_no_overlap_per_client_and_service",
        )
        # Another service may run at the same time.
        make_step(client, "volunteering", created_by=worker, start_on=today)

    def test_non_overlapping_periods_are_allowed(self, worker, client_of, today):
        client = client_of()
        first = make_step(
            client,
            "education",
            created_by=worker,
            start_on=today,
            planned_end_on=today + datetime.timedelta(days=10),
        )
        make_step(
            client,
            "education",
            created_by=worker,
            start_on=first.planned_end_on + datetime.timedelta(days=1),
            planned_end_on=today + datetime.timedelta(days=30),
        )

    def test_dates_and_schedule(self, worker, client_of, today):
        step = make_step(
            client_of(),
            "education",
            created_by=worker,
            start_on=today,
            planned_end_on=today + datetime.timedelta(days=10),
        )
        rows = PathwayStep.objects.filter(pk=step.pk)
        integrity(
            lambda: rows.update(planned_end_on=today - datetime.timedelta(days=1)),
            "step_planned_end_after_start",
        )
        integrity(lambda: rows.update(days_per_week=8), "step_days_per_week")
        integrity(lambda: rows.update(hours_per_day=Decimal(25)), "step_hours_per_day")
        integrity(
            lambda: rows.update(daily_compensation=Decimal(-1)), "step_compensation_not_negative"
        )

    def test_an_ended_step_has_a_reason_and_a_continuation(self, worker, client_of, today):
        step = make_step(
            client_of(),
            "education",
            created_by=worker,
            start_on=today,
            planned_end_on=today + datetime.timedelta(days=10),
        )
        rows = PathwayStep.objects.filter(pk=step.pk)
        integrity(
            lambda: rows.update(status=StepStatus.ENDED, ended_on=today, end_reason="completed"),
            "step_ended_has_reason_and_continuation",
        )
        integrity(
            lambda: rows.update(status=StepStatus.ENDED, ended_on=today, exit_outcome="studies"),
            "step_ended_has_reason_and_continuation",
        )
        integrity(lambda: rows.update(ended_on=today), "step_end_date_only_when_ended")
        rows.update(
            status=StepStatus.ENDED, ended_on=today, end_reason="completed", exit_outcome="studies"
        )

    def test_a_jobcenter_period_ends_only_with_a_follow_on_step(self, worker, client_of, today):
        """DOMAIN.md: a Jobcenter paid-work period cannot be closed without a follow-on step;
        an exit outcome, enough for other services, is not."""
        client = client_of()
        period = make_step(
            client,
            "jobcenter_paid_work",
            created_by=worker,
            start_on=today - datetime.timedelta(days=20),
            planned_end_on=today,
        )
        rows = PathwayStep.objects.filter(pk=period.pk)
        ended = {"status": StepStatus.ENDED, "ended_on": today, "end_reason": "completed"}
        integrity(
            lambda: rows.update(**ended, exit_outcome="open_market_job"),
            "step_jobcenter_ends_with_follow_on",
        )
        integrity(
            lambda: make_step(
                client,
                "jobcenter_paid_work",
                created_by=worker,
                start_on=today - datetime.timedelta(days=60),
                planned_end_on=today - datetime.timedelta(days=40),
                **{**ended, "ended_on": today - datetime.timedelta(days=40)},
                exit_outcome="studies",
            ),
            "step_jobcenter_ends_with_follow_on",
        )
        follow_on = make_step(client, "youth_workshop", created_by=worker, start_on=today)
        rows.update(**ended, next_step=follow_on)
        # Once ended, the period keeps its follow-on.
        integrity(lambda: rows.update(next_step=None), "step_jobcenter_ends_with_follow_on")
        # A period cancelled before it started never ran: it needs none.
        planned = make_step(
            client,
            "jobcenter_paid_work",
            created_by=worker,
            start_on=today + datetime.timedelta(days=10),
            planned_end_on=today + datetime.timedelta(days=20),
        )
        PathwayStep.objects.filter(pk=planned.pk).update(
            status=StepStatus.ENDED,
            ended_on=planned.start_on,
            end_reason="cancelled",
            cancellation_reason="Asiakas aloitti opinnot.",
        )
        # Other services may still end with an outcome alone.
        other = make_step(client, "education", created_by=worker, start_on=today)
        PathwayStep.objects.filter(pk=other.pk).update(**ended, exit_outcome="studies")

    def test_a_jobcenter_period_ended_before_the_rule_can_still_be_changed(
        self, worker, client_of, today
    ):
        """The follow-on rule refuses the write that ends a period without one, not every
        later write of a period that ended with an exit outcome before the rule existed."""
        client = client_of()
        period = make_step(
            client,
            "jobcenter_paid_work",
            created_by=worker,
            start_on=today - datetime.timedelta(days=60),
            planned_end_on=today - datetime.timedelta(days=40),
        )
        rows = PathwayStep.objects.filter(pk=period.pk)
        ended_on = today - datetime.timedelta(days=40)
        # As rows were written before the trigger existed.
        with pgtrigger.ignore("pathways.PathwayStep:step_jobcenter_follow_on"):
            rows.update(
                status=StepStatus.ENDED,
                ended_on=ended_on,
                end_reason="completed",
                exit_outcome="open_market_job",
            )
        review_due = today + datetime.timedelta(days=5)
        rows.update(review_due=review_due)
        assert rows.get().review_due == review_due
        # Giving it a follow-on is allowed, and then it keeps it.
        follow_on = make_step(client, "youth_workshop", created_by=worker, start_on=today)
        rows.update(next_step=follow_on)
        integrity(lambda: rows.update(next_step=None), "step_jobcenter_ends_with_follow_on")
        # A period that was cancelled cannot become one ended without a follow-on.
        planned = make_step(
            client,
            "jobcenter_paid_work",
            created_by=worker,
            start_on=today + datetime.timedelta(days=10),
            planned_end_on=today + datetime.timedelta(days=20),
        )
        cancelled = PathwayStep.objects.filter(pk=planned.pk)
        cancelled.update(
            status=StepStatus.ENDED,
            ended_on=planned.start_on,
            end_reason="cancelled",
            cancellation_reason="Asiakas aloitti opinnot.",
        )
        integrity(
            lambda: cancelled.update(end_reason="completed", exit_outcome="studies"),
            "step_jobcenter_ends_with_follow_on",
        )

    def test_attendance_is_present_with_hours_or_absent_with_a_reason(
        self, worker, client_of, today
    ):
        step = make_step(
            client_of(), "open_work", created_by=worker, start_on=today - datetime.timedelta(days=5)
        )
        day = today - datetime.timedelta(days=1)
        integrity(
            lambda: Attendance.objects.create(step=step, day=day, present=True, recorded_by=worker),
            "attendance_present_or_absent_with_reason",
        )
        integrity(
            lambda: Attendance.objects.create(
                step=step, day=day, present=False, recorded_by=worker
            ),
            "attendance_present_or_absent_with_reason",
        )
        integrity(
            lambda: Attendance.objects.create(
                step=step,
                day=day,
                present=False,
                absence_reason="sick",
                compensation=Decimal(10),
                recorded_by=worker,
            ),
            "attendance_compensation_only_when_present",
        )
        Attendance.objects.create(
            step=step, day=day, present=True, hours=Decimal(4), recorded_by=worker
        )
        integrity(
            lambda: Attendance.objects.create(
                step=step, day=day, present=True, hours=Decimal(4), recorded_by=worker
            ),
            "attendance_one_row_per_day",
        )

    def test_a_certificate_names_at_least_one_competence(self, worker, client_of, today):
        step = make_step(client_of(age=20), "youth_workshop", created_by=worker, start_on=today)
        integrity(
            lambda: CompetenceCertificate.objects.create(
                step=step, issued_on=today, competences=[], issued_by=worker
            ),
            "certificate_names_competences",
        )

    def test_an_end_date_is_not_before_the_start(self, worker, client_of, today):
        step = make_step(client_of(), "education", created_by=worker, start_on=today)
        rows = PathwayStep.objects.filter(pk=step.pk)
        ended = {"status": StepStatus.ENDED, "end_reason": "completed", "exit_outcome": "studies"}
        integrity(
            lambda: rows.update(ended_on=today - datetime.timedelta(days=1), **ended),
            "step_end_after_start",
        )
        rows.update(ended_on=today, **ended)

    def test_a_step_is_not_its_own_follow_on(self, worker, client_of, today):
        step = make_step(client_of(), "education", created_by=worker, start_on=today)
        integrity(
            lambda: PathwayStep.objects.filter(pk=step.pk).update(next_step=step),
            "step_not_its_own_follow_on",
        )

    def test_a_follow_on_step_follows_one_step_only(self, worker, client_of, today):
        client = client_of()
        first = make_step(client, "education", created_by=worker, start_on=today)
        second = make_step(client, "volunteering", created_by=worker, start_on=today)
        follow_on = make_step(client, "work_trial", created_by=worker, start_on=today)
        PathwayStep.objects.filter(pk=first.pk).update(next_step=follow_on)
        # The one-to-one link's unique constraint.
        integrity(
            lambda: PathwayStep.objects.filter(pk=second.pk).update(next_step=follow_on),
            "next_step_id_key",
        )

    @pytest.mark.parametrize(
        ("change", "constraint"),
        [
            ({"contract_end_days": -1}, "jobcenter_contract_period"),
            ({"weekly_hours": Decimal(0)}, "jobcenter_hours"),
            ({"weekly_hours": Decimal("40.5")}, "jobcenter_hours"),
            ({"hourly_wage": Decimal(0)}, "jobcenter_wage_positive"),
            ({"employer_name": ""}, "jobcenter_employer_named"),
        ],
    )
    def test_jobcenter_contract(self, worker, client_of, today, change, constraint):
        step = make_step(
            client_of(),
            "jobcenter_paid_work",
            created_by=worker,
            start_on=today,
            planned_end_on=today + datetime.timedelta(days=30),
        )
        fields = {
            "step": step,
            "employer_name": "Kaupunkiympäristö",
            "job_title": "Puistotyöntekijä",
            "weekly_hours": Decimal(40),
            "hourly_wage": Decimal("0.01"),
            "contract_start": today,
            "contract_end": today,
        }
        end_days = change.pop("contract_end_days", 0)
        bad = {
            **fields,
            **change,
            "contract_end": today + datetime.timedelta(days=end_days),
        }
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            JobcenterContract.objects.create(**bad)
        # The allowed edge: one day, 40 hours, a cent an hour, a named employer.
        JobcenterContract.objects.create(**fields)

    def test_placement_period_and_hours(self, worker, client_of, today):
        client = client_of()
        fields = {
            "client": client,
            "kind": "open_market_job",
            "organisation_name": "Kahvila Kulma",
            "started_on": today,
            "recorded_by": worker,
        }
        with pytest.raises(IntegrityError, match="placement_period"), transaction.atomic():
            Placement.objects.create(**fields, ended_on=today - datetime.timedelta(days=1))
        for hours in (Decimal(0), Decimal("60.5")):
            with pytest.raises(IntegrityError, match="placement_hours"), transaction.atomic():
                Placement.objects.create(**fields, weekly_hours=hours)
        Placement.objects.create(**fields, ended_on=today, weekly_hours=Decimal(60))

    def test_a_printed_certificate_names_its_certificate(self, worker, client_of, today):
        client = client_of(age=20)
        step = make_step(client, "youth_workshop", created_by=worker, start_on=today)
        certificate = CompetenceCertificate.objects.create(
            step=step, issued_on=today, competences=["Käsityökalujen käyttö"], issued_by=worker
        )
        fields = {
            "client": client,
            "kind": DocumentKind.COMPETENCE_CERTIFICATE,
            "language": "fi",
            "requested_by": worker,
            "template_version": "1",
        }
        with (
            pytest.raises(IntegrityError, match="document_certificate_named"),
            transaction.atomic(),
        ):
            PrintedDocument.objects.create(**fields)
        PrintedDocument.objects.create(**fields, certificate=certificate)
        # A pathway summary names no certificate.
        PrintedDocument.objects.create(**{**fields, "kind": DocumentKind.PATHWAY_SUMMARY})

    @pytest.mark.parametrize("missing", ["file_name", "checksum", "rendered_at"])
    def test_a_ready_print_has_its_file(self, worker, client_of, missing):
        fields = {
            "client": client_of(),
            "kind": DocumentKind.PATHWAY_SUMMARY,
            "language": "fi",
            "requested_by": worker,
            "template_version": "1",
            "status": "ready",
            "file_name": "yhteenveto.pdf",
            "checksum": "a" * 64,
            "rendered_at": timezone.now(),
        }
        empty = {"file_name": "", "checksum": "", "rendered_at": None}[missing]
        with pytest.raises(IntegrityError, match="document_ready_has_file"), transaction.atomic():
            PrintedDocument.objects.create(**{**fields, missing: empty})
        PrintedDocument.objects.create(**fields)
        # A queued print has no file yet.
        PrintedDocument.objects.create(
            **{**fields, "status": "queued", "file_name": "", "checksum": "", "rendered_at": None}
        )

    def test_catalogue_entry_ages_and_languages(self, db):
        with (
            pytest.raises(IntegrityError, match="catalogue_entry_age_order"),
            transaction.atomic(),
        ):
            CatalogueEntryFactory(slug="ika", min_age=30, max_age=29)
        with (
            pytest.raises(IntegrityError, match="catalogue_entry_languages_known"),
            transaction.atomic(),
        ):
            CatalogueEntryFactory(slug="kieli", languages=["fi", "de"])
        CatalogueEntryFactory(slug="kelpaa", min_age=29, max_age=29, languages=["fi", "sv", "en"])


@pytest.mark.parametrize("count", [1, 30])
def test_client_page_query_count_does_not_grow_with_steps(
    client, worker, client_of, today, count, django_assert_max_num_queries
):
    queries = {}
    for size in (1, count):
        target = client_of()
        codes = list(ServiceType.objects.values_list("code", flat=True))
        for index in range(size):
            start = today - datetime.timedelta(days=20 * (size - index))
            make_step(
                target,
                codes[index % len(codes)],
                created_by=worker,
                start_on=start,
                planned_end_on=start + datetime.timedelta(days=15),
                status=StepStatus.ACTIVE,
            )
        login(client, worker)
        client.get("/")
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"/clients/{target.uuid}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('class="polku-bar') == size
        queries[size] = len(context.captured_queries)
    assert queries[1] == queries[count]


def open_work_last_week(client_, worker, today):
    """An avotyö step running since before a past week within one month (last week, unless
    it spans two months): its Monday, the step and the ISO week."""
    monday, week = past_week_within_a_month(today)
    step = make_step(
        client_,
        "open_work",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        daily_compensation=Decimal(10),
        effects_discussed_on=today,
        days_per_week=3,
    )
    return monday, step, week


def test_attendance_grid_saves_a_week_and_sums_months(client, worker, client_of, today):
    client_ = client_of()
    monday, step, week = open_work_last_week(client_, worker, today)
    login(client, worker)
    url = f"/clients/{client_.uuid}/steps/{step.pk}/attendance/?week={week}"
    data = {"week": week}
    for offset, status in enumerate(["present", "present", "absent", "", "present", "", ""]):
        key = (monday + datetime.timedelta(days=offset)).isoformat()
        data[f"{key}-status"] = status
        data[f"{key}-hours"] = "5" if status == "present" else ""
        data[f"{key}-reason"] = "sick" if status == "absent" else ""
        data[f"{key}-compensation"] = "10" if status == "present" else ""
    response = client.post(url, data)
    assert response.status_code == 302
    assert Attendance.objects.filter(step=step, present=True).count() == 3
    assert Attendance.objects.filter(step=step, present=False, absence_reason="sick").count() == 1
    page = client.get(url).content.decode()
    assert "30,00" in page or "30.00" in page
    assert (
        AccessLogEntry.objects.filter(
            action="pathways.attendance.recorded", client_id=client_.uuid
        ).count()
        == 1
    )


def test_attendance_errors_show_next_to_the_day_and_save_nothing(
    client, worker, client_of, today, essote
):
    client_ = client_of(organisation=essote)  # Essote's avotyö cap: 12 € a day
    monday, step, week = open_work_last_week(client_, worker, today)
    login(client, worker)
    data = {
        "week": week,
        f"{monday.isoformat()}-status": "present",
        f"{monday.isoformat()}-hours": "5",
        f"{monday.isoformat()}-compensation": "12.50",
        f"{(monday + datetime.timedelta(days=1)).isoformat()}-status": "absent",
    }
    response = client.post(f"/clients/{client_.uuid}/steps/{step.pk}/attendance/?week={week}", data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "enintään 12 €" in text and "Valitse poissaolon syy" in text
    assert not Attendance.objects.filter(step=step).exists()


def test_a_value_the_form_refuses_is_explained_at_its_own_field(client, worker, client_of, today):
    """Hours or compensation out of range: the message stands in that field's cell, and the
    input's aria-describedby names it (not only the summary "check the marked days")."""
    client_ = client_of()
    monday, step, week = open_work_last_week(client_, worker, today)
    login(client, worker)
    day = monday.isoformat()
    data = {
        "week": week,
        f"{day}-status": "present",
        f"{day}-hours": "30",
        f"{day}-compensation": "-1",
    }
    response = client.post(f"/clients/{client_.uuid}/steps/{step.pk}/attendance/?week={week}", data)
    text = response.content.decode()
    assert response.status_code == 200
    for field, message in (("hours", "24"), ("compensation", "0")):
        assert f'aria-describedby="id_{day}-{field}_error"' in text
        error = re.search(rf'id="id_{day}-{field}_error"><p>([^<]*)</p>', text)
        assert error and message in error.group(1), field
    assert not Attendance.objects.filter(step=step).exists()


def test_the_attendance_pages_scrolling_tables_are_named_by_their_captions(
    client, worker, client_of, today
):
    """Each scrolling table is a region landmark: named "scrollable table" alike, the week's
    grid and the monthly summary could not be told apart in a list of landmarks."""
    client_ = client_of()
    monday, step, week = open_work_last_week(client_, worker, today)
    actions.record_week_attendance(
        step=step,
        recorded_by=worker,
        days={
            monday: {
                "present": True,
                "hours": Decimal(5),
                "absence_reason": "",
                "compensation": None,
            }
        },
    )
    login(client, worker)
    url = f"/clients/{client_.uuid}/steps/{step.pk}/attendance/?week={week}"
    number = monday.isocalendar().week
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get(url, **extra).content.decode()
        assert scroll_regions(page) == [
            (f"Läsnäolot viikolla {number}", f"Läsnäolot viikolla {number}"),
            ("Avotyöpäivät ja korvaukset kuukausittain",) * 2,
        ]


def error_summary_links(page: str) -> list[tuple[str, str]]:
    """The error summary's links: (target, text)."""
    summary = re.search(r'<ul class="polku-error-summary__list">(.*?)</ul>', page, re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary.group(1)) if summary else []


@pytest.mark.parametrize("htmx", [False, True])
def test_the_attendance_error_summary_links_each_refused_day_to_its_first_refused_field(
    client, worker, client_of, today, htmx
):
    """Refused by the form (Monday's hours and compensation, Wednesday's hours without a
    status) and then by the action (Tuesday absent without a reason, Friday present without
    hours): the summary names each day, in the grid's order, and links to its first field
    with an error, as the other forms' summaries link to their fields."""
    client_ = client_of()
    monday, step, week = open_work_last_week(client_, worker, today)
    days = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    mon, tue, wed, _thu, fri = (day.isoformat() for day in days[:5])

    def link(field, weekday, day):
        return (f"id_{field}", f"{weekday} {day.day}.{day.month}.")

    login(client, worker)
    url = f"/clients/{client_.uuid}/steps/{step.pk}/attendance/?week={week}"
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {
        "week": week,
        f"{mon}-status": "present",
        f"{mon}-hours": "30",
        f"{mon}-compensation": "-1",
        f"{wed}-hours": "5",
    }
    page = client.post(url, data, **extra).content.decode()
    assert "Tarkista merkityt päivät." in page
    assert error_summary_links(page) == [
        link(f"{mon}-hours", "maanantai", days[0]),
        link(f"{wed}-status", "keskiviikko", days[2]),
    ]
    for target, _text in error_summary_links(page):
        field = re.search(rf'<(?:input|select)\b[^>]*\bid="{target}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in field

    data = {"week": week, f"{tue}-status": "absent", f"{fri}-status": "present"}
    page = client.post(url, data, **extra).content.decode()
    assert error_summary_links(page) == [
        link(f"{tue}-reason", "tiistai", days[1]),
        link(f"{fri}-hours", "perjantai", days[4]),
    ]
    assert not Attendance.objects.filter(step=step).exists()


def test_ending_a_jobcenter_period_without_a_follow_on_is_refused_in_the_form(
    client, worker, client_of, today
):
    client_ = client_of()
    make_step(
        client_,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        days_per_week=3,
        hours_per_day=5,
    )
    make_step(
        client_, "work_coaching", created_by=worker, start_on=today - datetime.timedelta(days=30)
    )
    period = make_step(
        client_,
        "jobcenter_paid_work",
        created_by=worker,
        start_on=today - datetime.timedelta(days=10),
        planned_end_on=today + datetime.timedelta(days=5),
    )
    login(client, worker)
    response = client.post(
        f"/clients/{client_.uuid}/steps/{period.pk}/end/",
        {
            "ended_on": today.isoformat(),
            "end_reason": "completed",
            "exit_outcome": "open_market_job",
        },
    )
    assert response.status_code == 200
    assert "ilman jatkopolkua" in response.content.decode()
    period.refresh_from_db()
    assert period.status == StepStatus.ACTIVE


def test_the_timeline_warns_of_a_paid_period_ending_without_a_follow_on(
    client, worker, client_of, today
):
    client_ = client_of()
    make_step(
        client_,
        "jobcenter_paid_work",
        created_by=worker,
        start_on=today - datetime.timedelta(days=20),
        planned_end_on=today + datetime.timedelta(days=6),
    )
    make_step(
        client_,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=today - datetime.timedelta(days=640),
        planned_end_on=today + datetime.timedelta(days=60),
        days_per_week=3,
        hours_per_day=5,
    )
    login(client, worker)
    page = client.get(f"/clients/{client_.uuid}/").content.decode()
    assert "Palkkajakso päättyy 6 päivän kuluttua ilman jatkopolkua." in page
    assert "Kuukausi 22/24" in page or "Kuukausi 21/24" in page
    assert 'role="img"' in page and "<title" in page
