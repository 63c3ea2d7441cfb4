"""The pathway in headless Chromium: a social worker plans rehabilitative work activity (work
coaching comes with it) and a Jobcenter paid period; the work coach records a week of
attendance, the job contract, is refused ending the paid period without a follow-on step, asks
the social worker for one (a task in the inbox) and ends it once the follow-on is planned; the
timeline shows it. axe on every page and error state."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.models import User
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan
from clients.models import Client
from notifications.models import Task
from pathways import actions
from pathways.actions.follow_ons import FOLLOW_ON_REQUESTED_TASK
from pathways.factories import make_step
from pathways.models import Attendance, PathwayStep
from services import demo
from services.models import CatalogueEntry, ServiceType, Unit
from tests.e2e.conftest import assert_accessible, collect_csp_errors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team():
    demo.seed()  # browser tests run on a flushed database: load units and rule sets again
    worker = make_user(
        Role.SOCIAL_WORKER,
        Unit.objects.get(slug="hki-aikuissosiaalityo"),
        first_name="Sanna",
        last_name="Sosiaalinen",
    )
    coach = make_user(
        Role.WORK_COACH,
        Unit.objects.get(slug="hki-tyotoiminta-itakeskus"),
        first_name="Veikko",
        last_name="Valmentaja",
    )
    today = datetime.date.today()
    client = ClientFactory(
        created_by=worker,
        first_names="Silmu",
        last_name="Suunnistaja",
        birth=today.replace(year=today.year - 23) - datetime.timedelta(days=40),
    )
    return worker, coach, client


def iso_week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def test_rehabilitation_attendance_and_a_jobcenter_period_closed_with_a_follow_on(new_page, team):
    worker, coach, client = team
    plan = make_plan(client, worker, plan_type="activation_plan")
    today = datetime.date.today()
    start = today - datetime.timedelta(days=100)
    # The period ends with the paid period in it, a week from today: the studies that follow
    # may not run alongside it.
    rehab_end = today + datetime.timedelta(days=7)
    work_activity = Unit.objects.get(slug="hki-tyotoiminta-itakeskus")

    # The catalogue, then rehabilitative work activity planned from the client page.
    page = new_page(worker)
    page.goto("/services/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Palveluvalikko osatyökykyisille")
    assert_accessible(page)
    page.goto(f"/clients/{client.uuid}/")
    page.get_by_role("link", name="Suunnittele palvelujakso").click()
    page.get_by_role("link", name="Kuntouttava työtoiminta", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uusi jakso: Kuntouttava työtoiminta")
    # What the act demands is marked required before anything is sent; the rest is not.
    for required in ("start_on", "planned_end_on", "goal", "support_given", "days_per_week"):
        expect(page.locator(f"#id_{required}")).to_have_attribute("required", "")
    expect(page.locator("label[for=id_hours_per_day] .hds-text-input__required")).to_have_text("*")
    for optional in ("unit", "coach", "plan"):
        expect(page.locator(f"#id_{optional}")).not_to_have_attribute("required", "")
    page.locator("#id_unit").select_option(str(work_activity.pk))
    page.locator("#id_coach").select_option(str(coach.pk))
    page.locator("#id_start_on").fill(start.isoformat())
    page.locator("#id_planned_end_on").fill(rehab_end.isoformat())
    page.locator("#id_plan").select_option(str(plan.pk))
    page.locator("#id_goal").fill("Selvittää, sopiiko opiskelu vai työ; hygieniapassi.")
    page.locator("#id_support_given").fill("Työvalmentaja tukee viikoittain.")
    page.locator("#id_days_per_week").fill("5")
    page.locator("#id_hours_per_day").fill("5")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("#id_days_per_week_error")).to_contain_text("1–4 päivänä viikossa")
    assert_accessible(page)
    assert not PathwayStep.objects.exists()

    page.locator("#id_days_per_week").fill("3")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kuntouttava työtoiminta")
    rehab = PathwayStep.objects.get(service_type__code="rehabilitative_work_activity")
    coaching = PathwayStep.objects.get(service_type__code="work_coaching")
    assert (coaching.start_on, coaching.planned_end_on, coaching.coach) == (
        rehab.start_on,
        rehab.planned_end_on,
        coach,
    )

    # The work coach records last week in the grid: a missing hour count is refused first.
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    days = [monday + datetime.timedelta(days=offset) for offset in range(4)]
    coach_page = new_page(coach)
    coach_page.goto(f"/clients/{client.uuid}/steps/{rehab.pk}/")
    coach_page.get_by_role("link", name="Läsnäolot").click()
    # Moving a week by keyboard swaps the grid; the focus lands on the new week's heading.
    coach_page.get_by_role("link", name="Edellinen viikko").focus()
    coach_page.keyboard.press("Enter")
    expect(coach_page.locator("#week-heading")).to_be_focused()
    coach_page.goto(f"/clients/{client.uuid}/steps/{rehab.pk}/attendance/?week={iso_week(monday)}")
    sunday = monday + datetime.timedelta(days=6)
    expect(coach_page.locator("#week-heading")).to_have_text(
        f"Viikko {monday.isocalendar()[1]}, {monday.day}.{monday.month}.–"
        f"{sunday.day}.{sunday.month}.{sunday.year}"
    )
    for day in (days[0], days[1], days[3]):
        coach_page.locator(f"#id_{day.isoformat()}-status").select_option("present")
    coach_page.locator(f"#id_{days[0].isoformat()}-hours").fill("5")
    coach_page.locator(f"#id_{days[1].isoformat()}-hours").fill("5")
    coach_page.locator(f"#id_{days[2].isoformat()}-status").select_option("absent")
    coach_page.locator(f"#id_{days[2].isoformat()}-reason").select_option("sick")
    coach_page.get_by_role("button", name="Tallenna viikko").click()
    expect(coach_page.get_by_role("alert")).to_contain_text("Tarkista merkityt päivät.")
    expect(coach_page.get_by_role("alert")).to_be_focused()
    expect(coach_page.locator(f"#id_{days[3].isoformat()}-hours_error")).to_contain_text(
        "Kirjaa läsnäolotunnit."
    )
    expect(coach_page.locator(f"#id_{days[3].isoformat()}-hours")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(coach_page)
    assert not Attendance.objects.exists()

    coach_page.locator(f"#id_{days[3].isoformat()}-hours").fill("4")
    coach_page.get_by_role("button", name="Tallenna viikko").click()
    expect(coach_page.get_by_role("status").filter(has_text="tallennettu")).to_be_focused()
    summary = coach_page.get_by_role("table", name="Kulukorvauspäivät kuukausittain")
    present = Counter((day.month, day.year) for day in (days[0], days[1], days[3]))
    for (month, year), count in present.items():
        row = summary.get_by_role("row").filter(has_text=f"{month}/{year}")
        expect(row.get_by_role("cell").first).to_have_text(str(count))
    assert_accessible(coach_page)
    assert Attendance.objects.filter(step=rehab, present=True).count() == 3
    assert Attendance.objects.filter(step=rehab, present=False, absence_reason="sick").count() == 1

    # The social worker plans the Jobcenter paid period at a city unit, ending next week.
    city = Unit.objects.get(slug="hki-kaupungin-tyopaikat")
    paid_start, paid_end = today - datetime.timedelta(days=14), today + datetime.timedelta(days=7)
    page.goto(f"/clients/{client.uuid}/steps/new/?type=jobcenter_paid_work")
    page.locator("#id_unit").select_option(str(city.pk))
    page.locator("#id_coach").select_option(str(coach.pk))
    page.locator("#id_start_on").fill(paid_start.isoformat())
    page.locator("#id_planned_end_on").fill(paid_end.isoformat())
    page.locator("#id_goal").fill("Palkkatyökokemus keittiössä.")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Työtoiminnan täsmätyö (Jobcenter-malli)"
    )
    expect(page.locator("main")).to_contain_text("7 päivän kuluttua ilman jatkopolkua")
    paid = PathwayStep.objects.get(service_type__code="jobcenter_paid_work")

    # The work coach records the contract and tries to end the period without a follow-on.
    coach_page.goto(f"/clients/{client.uuid}/steps/{paid.pk}/")
    coach_page.get_by_role("link", name="Työsopimus").click()
    coach_page.locator("#id_employer_unit").select_option(str(city.pk))
    coach_page.locator("#id_job_title").fill("Keittiöapulainen")
    coach_page.locator("#id_weekly_hours").fill("20")
    coach_page.locator("#id_hourly_wage").fill("12.40")
    coach_page.locator("#id_contract_start").fill(paid_start.isoformat())
    # The work ends today, a week before the period's planned end (the period covers it).
    coach_page.locator("#id_contract_end").fill(today.isoformat())
    coach_page.get_by_role("button", name="Tallenna").click()
    expect(coach_page.get_by_role("heading", level=2, name="Jobcenter-työsopimus")).to_be_visible()
    expect(coach_page.locator("main")).to_contain_text("Keittiöapulainen")

    coach_page.get_by_role("link", name="Päätä jakso").click()
    coach_page.locator("#id_end_reason").select_option("completed")
    coach_page.get_by_role("button", name="Päätä jakso").click()
    expect(coach_page.locator("#id_next_step_error")).to_contain_text(
        "Jobcenter-jaksoa ei voi päättää ilman jatkopolkua"
    )
    assert_accessible(coach_page)
    paid.refresh_from_db()
    assert (paid.status, paid.ended_on, paid.next_step) == ("active", None, None)

    # The coach may not plan steps: from the end page they ask the responsible worker to.
    paid_name = "Työtoiminnan täsmätyö (Jobcenter-malli)"
    ask = coach_page.get_by_role(
        "button", name="Pyydä vastuutyöntekijää suunnittelemaan jatkopolku"
    )
    ask.click()
    expect(coach_page.get_by_role("heading", level=1)).to_have_text(f"Päätä jakso: {paid_name}")
    expect(coach_page.locator("main")).to_contain_text(
        "Vastuutyöntekijää pyydettiin suunnittelemaan jatkopolku."
    )
    expect(coach_page.locator("main")).to_contain_text(
        "Vastuutyöntekijää on pyydetty suunnittelemaan jatkopolku"
    )
    expect(ask).to_have_count(0)
    assert_accessible(coach_page)
    request = Task.objects.get(kind=FOLLOW_ON_REQUESTED_TASK)
    assert (request.assignee, request.created_by, request.done_at) == (worker, coach, None)

    # The social worker finds the request in the inbox and plans the follow-on from the
    # step it links to: studies after the paid period.
    page.goto("/inbox/")
    asked = page.get_by_role(
        "link", name=f"Suunnittele jatkopolku jaksolle {paid_name}: Silmu Suunnistaja"
    )
    expect(asked).to_be_visible()
    expect(page.locator("#inbox-tasks")).to_contain_text(
        "Veikko Valmentaja pyytää suunnittelemaan jatkopolun"
    )
    assert_accessible(page)
    asked.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(paid_name)
    page.locator("main").get_by_role("link", name="Suunnittele jatkopolku", exact=True).click()
    page.get_by_role("link", name="Koulutus ja opinnot", exact=True).click()
    page.locator("#id_start_on").fill((paid_end + datetime.timedelta(days=1)).isoformat())
    page.locator("#id_catalogue_entry").select_option(
        str(CatalogueEntry.objects.get(slug="ammatillinen-koulutus-ja-oppisopimus").pk)
    )
    page.locator("#id_goal").fill("Ravintola- ja catering-alan perustutkinto.")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Koulutus ja opinnot")
    studies = PathwayStep.objects.get(service_type__code="education")
    # Planned as the paid period's follow-on, it answers the request.
    paid.refresh_from_db()
    request.refresh_from_db()
    assert (paid.next_step, request.done_by) == (studies, worker)

    # Now the work coach ends the paid period with the studies as its follow-on.
    coach_page.goto(f"/clients/{client.uuid}/steps/{paid.pk}/end/")
    coach_page.locator("#id_end_reason").select_option("completed")
    coach_page.locator("#id_next_step").select_option(str(studies.pk))
    coach_page.get_by_role("button", name="Päätä jakso").click()
    expect(coach_page.get_by_role("heading", level=1)).to_have_text("Silmu Suunnistaja")
    paid.refresh_from_db()
    assert (paid.status, paid.ended_on, paid.next_step) == ("ended", today, studies)

    # The client page draws the pathway as an SVG timeline with a table alternative.
    page.goto(f"/clients/{client.uuid}/")
    timeline = page.locator("svg[role=img]")
    expect(timeline).to_be_visible()
    expect(timeline.locator("title")).to_have_text("Palvelupolun aikajana")
    expect(timeline.locator("text.polku-timeline__label")).to_have_count(4)
    table = page.get_by_role("table", name="Palvelujaksot")
    for name in (
        "Kuntouttava työtoiminta",
        "Työvalmennus",
        "Työtoiminnan täsmätyö (Jobcenter-malli)",
        "Koulutus ja opinnot",
    ):
        expect(table.get_by_role("rowheader").filter(has_text=name)).to_have_count(1)
    paid_row = table.get_by_role("row").filter(has_text="Jobcenter-malli")
    expect(paid_row).to_contain_text("Päättynyt")
    expect(paid_row).to_contain_text("Jatkopolku: Koulutus ja opinnot")
    assert_accessible(page)


@pytest.mark.parametrize(
    ("code", "error", "message"),
    [
        ("rehabilitative_work_activity", "#id_planned_end_on_error", "suunniteltu päättymispäivä"),
        ("jobcenter_paid_work", "[role=alert]", "rinnalla on oltava käynnissä työvalmennus"),
        ("supported_employment", "#id_start_on_error", ""),
        ("open_work", "#id_daily_compensation_error", "päiväkohtainen korvaus"),
        ("youth_workshop", "#id_unit_error", "Valitse työpaja"),
        ("social_rehabilitation", "#id_decision_reference_error", "päätöksen tunnus"),
        ("work_coaching", "[role=alert]", "rinnalla on oltava käynnissä"),
        ("work_trial", "#id_start_on_error", ""),
        ("disability_work_activity", "#id_start_on_error", ""),
    ],
)
def test_step_forms_with_errors_are_accessible(new_page, team, code, error, message):
    """Each form submitted as it opens; a service without rules to break gets no start date."""
    worker, _coach, client = team
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/steps/new/?type={code}")
    if code in ("supported_employment", "work_trial", "disability_work_activity"):
        page.locator("#id_start_on").fill("")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator(error)).to_be_visible()
    expect(page.locator(error)).to_contain_text(message)
    assert_accessible(page)
    assert not PathwayStep.objects.exists()


def test_demo_pathways_are_accessible(new_page):
    """The demo's richest pages: Silmu's timeline with warnings, Onni's avotyö grid with payments."""
    call_command("seed_demo", stdout=io.StringIO())
    silmu = Client.objects.get(first_names="Silmu", last_name="Suunnistaja")
    page = new_page(User.objects.get(email="work_coach@demo.polku.test"))
    page.goto(f"/clients/{silmu.uuid}/")
    table = page.get_by_role("table", name="Palvelujaksot")
    expect(table.get_by_role("row").filter(has_text="Jobcenter-malli")).to_contain_text(
        "7 päivän kuluttua ilman jatkopolkua"
    )
    assert_accessible(page)

    onni = PathwayStep.objects.get(client__first_names="Onni", service_type__code="open_work")
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    page = new_page(User.objects.get(email="kalle.kipina@demo.polku.test"))
    page.goto(f"/clients/{onni.client.uuid}/steps/{onni.pk}/attendance/?week={iso_week(monday)}")
    expect(page.get_by_role("columnheader", name="Korvaus €")).to_be_visible()
    expect(page.locator(f"#id_{monday.isoformat()}-compensation")).to_have_value("10.00")
    expect(
        page.get_by_role("table", name="Avotyöpäivät ja korvaukset kuukausittain")
    ).to_be_visible()
    assert_accessible(page)


def test_the_coach_records_an_ips_phase_with_an_error_first(new_page, team):
    """The IPS phase form with a refused date, then the step page's phase table: axe on both."""
    worker, coach, client = team
    today = datetime.date.today()
    step = actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="supported_employment"),
        start_on=today - datetime.timedelta(days=20),
        coach=coach,
    )
    page = new_page(coach)
    page.goto(f"/clients/{client.uuid}/steps/{step.pk}/")
    page.get_by_role("link", name="Kirjaa IPS-vaihe").click()
    page.locator("#id_phase").select_option("profiling")
    page.locator("#id_entered_on").fill((today + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("#id_entered_on_error")).to_contain_text("tulevaisuudessa")
    assert_accessible(page)
    page.locator("#id_entered_on").fill(today.isoformat())
    page.get_by_role("button", name="Tallenna").click()
    phases = page.get_by_role("table").filter(has_text="Vaihe alkoi")
    expect(
        phases.get_by_role("row").filter(has_text="Urasuunnittelu ja profilointi")
    ).to_contain_text(f"{today.day}.{today.month}.{today.year}")
    assert_accessible(page)
    assert step.ips_phase_on(today) == "profiling"


def test_record_forms_with_errors_are_accessible(new_page, team):
    """The Jobcenter contract, the placement and the competence certificate, each submitted
    empty: the errors stand at their fields and axe finds nothing."""
    worker, _coach, client = team
    today = datetime.date.today()
    started = today - datetime.timedelta(days=20)
    paid = make_step(client, "jobcenter_paid_work", created_by=worker, start_on=started)
    workshop = make_step(client, "youth_workshop", created_by=worker, start_on=started)
    page = new_page(worker)
    for path, field in (
        (f"steps/{paid.pk}/contract/", "#id_employer_name_error"),
        (f"steps/{paid.pk}/placements/new/", "#id_kind_error"),
        (f"steps/{workshop.pk}/certificates/new/", "#id_competences_error"),
    ):
        page.goto(f"/clients/{client.uuid}/{path}")
        page.get_by_role("button", name="Tallenna").click()
        expect(page.locator(field)).to_be_visible()
        assert_accessible(page)


def test_more_record_and_step_forms_with_errors_are_accessible(new_page, team):
    """The IPS employer contact, in-work support and benefits counselling, the Jobcenter
    period's income clarification, cancelling a planned step, changing a step, pausing a
    running one and cancelling studies agreed to begin later, each refused: the errors stand
    at their fields and axe finds nothing."""
    worker, _coach, client = team
    today = datetime.date.today()
    started = today - datetime.timedelta(days=20)
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    ips = make_step(client, "supported_employment", created_by=worker, start_on=started)
    paid = make_step(client, "jobcenter_paid_work", created_by=worker, start_on=started)
    planned = make_step(
        client, "education", created_by=worker, start_on=today + datetime.timedelta(days=30)
    )
    agreed = actions.record_placement(
        client=client,
        step=ips,
        recorded_by=worker,
        kind="studies",
        organisation_name="Stadin AO",
        started_on=today + datetime.timedelta(days=7),
    )
    page = new_page(worker)
    for path, fill, button, field in (
        (f"steps/{ips.pk}/employer-contacts/new/", {}, "Tallenna", "#id_employer_name_error"),
        (f"steps/{ips.pk}/in-work-support/new/", {}, "Tallenna", "#id_note_error"),
        (
            f"steps/{ips.pk}/benefits-counselling/",
            {"#id_given_on": tomorrow},
            "Tallenna",
            "#id_given_on_error",
        ),
        (
            f"steps/{paid.pk}/income-clarification/",
            {},
            "Tallenna",
            "#id_income_clarification_error",
        ),
        (f"steps/{planned.pk}/cancel/", {}, "Peru jakso", "#id_reason_error"),
        (
            f"steps/{planned.pk}/edit/",
            {"#id_planned_end_on": today.isoformat()},
            "Tallenna",
            "#id_planned_end_on_error",
        ),
        (f"steps/{ips.pk}/pause/", {}, "Keskeytä jakso tauolle", "#id_reason_error"),
        (
            f"steps/{ips.pk}/placements/{agreed.pk}/cancel/",
            {},
            "Peru työ tai opinnot",
            "#id_reason_error",
        ),
    ):
        page.goto(f"/clients/{client.uuid}/{path}")
        for selector, value in fill.items():
            page.locator(selector).fill(value)
        page.get_by_role("button", name=button).click()
        expect(page.locator(field)).to_be_visible()
        assert_accessible(page)
    ips.refresh_from_db()
    agreed.refresh_from_db()
    assert (ips.status, agreed.is_cancelled) == ("active", False)


def test_a_pause_resumed_on_a_day_dated_back_after_a_refusal(new_page, team):
    """The responsible worker records on the step page that studies paused last week resumed
    on a day of it: a day in the future first, refused next to the date on the resume page;
    the page with the resume form and the refusal are accessible."""
    worker, _coach, client = team
    today = datetime.date.today()
    paused_on = today - datetime.timedelta(days=7)
    studies = make_step(
        client,
        "education",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        status="paused",
        paused_on=paused_on,
        pause_reason="Sairausloma",
    )
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/steps/{studies.pk}/")
    assert_accessible(page)
    page.get_by_label("Jatkui tauon jälkeen").fill((today + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Jatka jaksoa tauon jälkeen").click()
    expect(page.locator("#id_resumed_on_error")).to_contain_text("ei voi olla tulevaisuudessa")
    assert_accessible(page)
    resumed_on = paused_on + datetime.timedelta(days=3)
    page.get_by_label("Jatkui tauon jälkeen").fill(resumed_on.isoformat())
    page.get_by_role("button", name="Jatka jaksoa tauon jälkeen").click()
    expect(page.get_by_text(f"jatkui {resumed_on:%-d.%-m.%Y}")).to_be_visible()
    studies.refresh_from_db()
    assert (studies.status, studies.resumed_on) == ("active", resumed_on)


def test_a_step_edit_saved_over_a_change_made_meanwhile_is_refused(new_page, team):
    """Two tabs open the edit form of the same step; the second save is refused above the
    form, accessible, with what was typed kept, and the first change stays."""
    worker, _coach, client = team
    today = datetime.date.today()
    studies = make_step(
        client, "education", created_by=worker, start_on=today + datetime.timedelta(days=30)
    )
    first, second = new_page(worker), new_page(worker)
    for page in (first, second):
        page.goto(f"/clients/{client.uuid}/steps/{studies.pk}/edit/")
    first.locator("#id_goal").fill("Ensimmäisen tavoite")
    first.get_by_role("button", name="Tallenna").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text("Koulutus")
    second.locator("#id_goal").fill("Toisen tavoite")
    second.get_by_role("button", name="Tallenna").click()
    expect(second.locator("[role=alert]")).to_contain_text("Joku muu muutti jaksoa")
    expect(second.locator("#id_goal")).to_have_value("Toisen tavoite")
    assert_accessible(second)
    studies.refresh_from_db()
    assert studies.goal == "Ensimmäisen tavoite"


def test_a_job_ended_and_another_cancelled_from_the_step_page(new_page, team):
    """The responsible worker ends studies that began (refused first without a reason: the
    error summary takes the focus) and cancels a job agreed to begin next week, each from its
    link on the IPS step's page, which is accessible before and after; the step stays in its
    phase."""
    from decimal import Decimal

    from pathways.models import Placement

    worker, _coach, client = team
    today = datetime.date.today()
    ips = make_step(
        client,
        "supported_employment",
        created_by=worker,
        start_on=today - datetime.timedelta(days=60),
        ips_phase="job_search",
    )
    for kind, name, hours, start in (
        ("studies", "Stadin AO", None, -20),
        ("open_market_job", "Leipomo Lämmin", Decimal(20), 7),
    ):
        actions.record_placement(
            client=client,
            step=ips,
            recorded_by=worker,
            kind=kind,
            organisation_name=name,
            weekly_hours=hours,
            started_on=today + datetime.timedelta(days=start),
        )
    page = new_page(worker)
    page.goto(f"/clients/{client.uuid}/steps/{ips.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Kirjaa päättyminen (Stadin AO)").click()
    page.get_by_role("button", name="Kirjaa päättyminen").click()
    expect(page.locator("#id_end_reason_error")).to_be_visible()
    expect(page.locator(".polku-error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Päättymisen syy").select_option("resigned")
    page.get_by_role("button", name="Kirjaa päättyminen").click()
    expect(page.get_by_text("Työn tai opintojen päättyminen kirjattu.")).to_be_visible()
    page.get_by_role("link", name="Peru (Leipomo Lämmin)").click()
    expect(page.get_by_text("jakso jatkuu vaiheessa Nopea työnhaku")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Perumisen syy").fill("Työnantaja perui työpaikan.")
    page.get_by_role("button", name="Peru työ tai opinnot").click()
    expect(page.get_by_text("Työ tai opinnot peruttu.")).to_be_visible()
    assert_accessible(page)
    ended = Placement.objects.get(organisation_name="Stadin AO")
    assert (ended.ended_on, ended.end_reason) == (today, "resigned")
    assert Placement.objects.get(organisation_name="Leipomo Lämmin").is_cancelled
    assert not ips.phase_changes.exists()


def test_saving_the_attendance_grid_through_htmx_breaks_no_csp(new_page, team):
    """A refused week, a saved one and another week, each swapped in by htmx, with no inline
    style refused by the CSP. The grid's fields first get a style attribute through the CSSOM,
    which the CSP allows and the browser, an extension or a test tool may do: htmx settled it
    onto the swapped-in fields with setAttribute, refused once per field."""
    worker, _coach, client = team
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    step = make_step(
        client,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
    )
    page = new_page(worker)
    csp_errors = collect_csp_errors(page)
    page.goto(f"/clients/{client.uuid}/steps/{step.pk}/attendance/?week={iso_week(monday)}")
    page.evaluate(
        """() => document.querySelectorAll("#attendance-grid input, #attendance-grid select")
            .forEach((field) => {
              field.style.setProperty("outline-offset", "0px");
              field.style.removeProperty("outline-offset");
            })"""
    )
    expect(page.locator("#attendance-grid [style]").first).to_be_attached()

    page.locator(f"#id_{monday.isoformat()}-hours").fill("5")
    page.get_by_role("button", name="Tallenna viikko").click()
    expect(page.get_by_role("alert")).to_contain_text("Tarkista merkityt päivät.")
    expect(page.locator(f"#id_{monday.isoformat()}-status_error")).to_be_visible()
    assert not Attendance.objects.exists()

    page.locator(f"#id_{monday.isoformat()}-status").select_option("present")
    page.get_by_role("button", name="Tallenna viikko").click()
    expect(page.get_by_role("status").filter(has_text="tallennettu")).to_be_focused()
    assert Attendance.objects.get(step=step).day == monday

    page.get_by_role("link", name="Edellinen viikko").click()
    expect(page.locator("#week-heading")).to_be_focused()
    # The week is in the address: a reload (or Back and Forward) shows the same week.
    expect(page).to_have_url(re.compile(r"\?week="))
    shown_week = page.locator("#week-heading").inner_text()
    page.reload()
    expect(page.locator("#week-heading")).to_have_text(shown_week)
    assert csp_errors == []
