"""Journey (issues 4 and 7): a responsible worker plans a client's work pathway through the
pages, the coaches log its work, the worker ends steps with their follow-ons, and the
coordinator on the team prints a Swedish summary that a real Celery worker renders.

Every step checks the access-log rows it wrote and what the client page's timeline shows.
"""

import datetime
import io
import re
import time
import zoneinfo

import pytest
from django.test import Client as Browser
from django.utils import timezone
from pypdf import PdfReader

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, DisclosureLogEntry
from clients import identity
from clients.factories import ClientFactory, make_plan
from pathways import actions as pathway_actions
from pathways import printing
from pathways.factories import make_step
from pathways.models import PathwayStep, PrintedDocument, StepStatus
from services.calendar import add_months
from services.factories import UnitFactory
from tests.conftest import acting, field_errors, login
from tests.weeks import past_week_within_a_month

pytestmark = pytest.mark.django_db


def last_log_id() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def actions_since(mark: int, client) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(pk__gt=mark, client_id=client.uuid)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def as_user(user, language=None):
    browser = login(Browser(), user)
    if language:
        browser.cookies["django_language"] = language
    return browser


def timeline_table(page: str) -> str:
    return re.search(
        r'<table class="polku-table polku-timeline__table">.*?</table>', page, re.S
    ).group(0)


def pdf_text(document) -> str:
    reader = PdfReader(io.BytesIO(printing.stored_path(document.file_name).read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def iso(day: datetime.date) -> str:
    return day.isoformat()


def d(day: datetime.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def essote(db):
    from services.models import Organisation

    return Organisation.objects.get(slug="essote")


class TestRehabilitativeWorkActivity:
    def test_the_worker_plans_it_and_each_refusal_names_its_rule_next_to_the_field(
        self, world, today
    ):
        worker, coach = world.users[Role.SOCIAL_WORKER], world.users[Role.WORK_COACH]
        client_ = world.client
        browser = as_user(worker)
        base = f"/clients/{client_.uuid}/steps/new/"
        page = browser.get(base).content.decode()
        assert "?type=rehabilitative_work_activity" in page
        form = {
            "type": "rehabilitative_work_activity",
            "coach": coach.pk,
            "start_on": iso(today),
            "planned_end_on": iso(add_months(today, 2)),
            "days_per_week": 5,
            "hours_per_day": 3,
            "goal": "Päivärytmi ja työelämätaidot",
            "support_given": "Työvalmentaja viikoittain",
        }
        response = browser.post(base, form)
        assert response.status_code == 200
        page = response.content.decode()
        assert "vähintään 3 kuukautta" in field_errors(page, "planned_end_on")
        assert "189/2001" in field_errors(page, "planned_end_on")
        assert "1–4 päivänä viikossa" in field_errors(page, "days_per_week")
        assert "vähintään 4 tuntia" in field_errors(page, "hours_per_day")
        assert "aktivointisuunnitelma" in field_errors(page, "plan")
        assert not PathwayStep.objects.filter(client=client_).exists()

        response = browser.post(base, {**form, "planned_end_on": iso(add_months(today, 25))})
        page = response.content.decode()
        limit = add_months(today, 24) - datetime.timedelta(days=1)
        assert "enintään 24 kuukautta" in field_errors(page, "planned_end_on")
        assert d(limit) in field_errors(page, "planned_end_on")
        assert not PathwayStep.objects.filter(client=client_).exists()

        # In Swedish the same refusals are in Swedish, next to the same fields.
        page = as_user(worker, "sv").post(base, form).content.decode()
        assert "minst 3 månader" in field_errors(page, "planned_end_on")
        assert "1–4 dagar per vecka" in field_errors(page, "days_per_week")
        assert "minst 4 timmar" in field_errors(page, "hours_per_day")
        assert "aktiveringsplan" in field_errors(page, "plan")
        assert not PathwayStep.objects.filter(client=client_).exists()

    def test_planned_with_coaching_attended_paused_resumed_and_reviewed(self, world, today):
        worker, coach = world.users[Role.SOCIAL_WORKER], world.users[Role.WORK_COACH]
        client_ = world.client
        plan = make_plan(client_, worker, plan_type="activation_plan")
        browser = as_user(worker)
        # A six-month period that ends today: its review is due now (a step is ended on its
        # last day or later, never ahead of it).
        start = add_months(today, -6) + datetime.timedelta(days=1)
        end = today
        # At a work-activity unit of the client's organisation (the unit's kind fits the service).
        work_activity_unit = UnitFactory(
            organisation=world.unit.organisation, name_fi="Työtoimintayksikkö", kind="work_activity"
        )
        mark = last_log_id()
        response = browser.post(
            f"/clients/{client_.uuid}/steps/new/",
            {
                "type": "rehabilitative_work_activity",
                "coach": coach.pk,
                "unit": work_activity_unit.pk,
                "start_on": iso(start),
                "planned_end_on": iso(end),
                "days_per_week": 3,
                "hours_per_day": "5",
                "plan": plan.pk,
                "goal": "Päivärytmi ja työelämätaidot",
                "support_given": "Työvalmentaja viikoittain",
            },
        )
        assert response.status_code == 302, response.content.decode()
        activity = PathwayStep.objects.get(
            client=client_, service_type__code="rehabilitative_work_activity"
        )
        coaching = PathwayStep.objects.get(client=client_, service_type__code="work_coaching")
        assert activity.status == coaching.status == StepStatus.ACTIVE
        assert (coaching.coach, coaching.start_on, coaching.planned_end_on) == (coach, start, end)
        assert actions_since(mark, client_) == ["pathways.step.planned", "pathways.step.planned"]
        mark = last_log_id()
        page = browser.get(response["Location"]).content.decode()
        assert "Palvelujakso suunniteltu." in page
        detail = browser.get(f"/clients/{client_.uuid}/").content.decode()
        table = timeline_table(detail)
        assert "Työvalmennus" in table and "Kuntouttava työtoiminta" in table
        assert f"{d(start)}–{d(end)}" in table
        days_left = (end - today).days
        when = "tänään" if days_left == 0 else f"{days_left} päivän kuluttua"
        assert f"Jakso päättyy {when} ilman jatkopolkua." in table
        assert actions_since(mark, client_) == ["pathways.step.viewed", "clients.client.viewed"]

        # The coach records a week of attendance in the grid.
        coach_browser = as_user(coach)
        page = coach_browser.get(f"/clients/{client_.uuid}/steps/{activity.pk}/").content.decode()
        assert f"/clients/{client_.uuid}/steps/{activity.pk}/attendance/" in page
        # A past week within one month: its days sum up in one month's row below.
        monday, week = past_week_within_a_month(today)
        grid_url = f"/clients/{client_.uuid}/steps/{activity.pk}/attendance/?week={week}"
        mark = last_log_id()
        assert coach_browser.get(grid_url).status_code == 200
        assert actions_since(mark, client_) == ["pathways.attendance.viewed"]
        days = [monday + datetime.timedelta(days=n) for n in range(7)]
        post = {"week": week}
        for day in days[:3]:
            post.update({f"{iso(day)}-status": "present", f"{iso(day)}-hours": "5"})
        post.update({f"{iso(days[3])}-status": "absent", f"{iso(days[3])}-reason": "sick"})
        # Present without hours: refused next to that day, nothing of the week saved.
        response = coach_browser.post(grid_url, {**post, f"{iso(days[4])}-status": "present"})
        assert response.status_code == 200
        assert "Kirjaa läsnäolotunnit." in field_errors(
            response.content.decode(), f"{iso(days[4])}-hours"
        )
        assert not activity.attendance.exists()
        response = coach_browser.post(grid_url, post)
        assert response.status_code == 302
        assert activity.attendance.count() == 4
        assert actions_since(mark, client_) == [
            "pathways.attendance.viewed",
            "pathways.attendance.viewed",  # the refused week was shown again
            "pathways.attendance.recorded",
        ]
        page = coach_browser.get(f"/clients/{client_.uuid}/steps/{activity.pk}/").content.decode()
        summary = re.search(r"<h2>Läsnäolot kuukausittain</h2>.*?</table>", page, re.S).group(0)
        assert "<td>3</td><td>1</td><td>15</td>" in summary

        # The worker pauses the period from its page, since when and why, and resumes it.
        step_url = f"/clients/{client_.uuid}/steps/{activity.pk}/"
        page = browser.get(step_url).content.decode()
        assert f'href="{step_url}pause/"' in page
        mark = last_log_id()
        response = browser.post(
            f"{step_url}pause/", {"paused_on": iso(today), "reason": "Sairausloma"}
        )
        assert response.status_code == 302 and response["Location"] == step_url
        activity.refresh_from_db()
        assert (activity.status, activity.paused_on) == (StepStatus.PAUSED, today)
        page = browser.get(step_url).content.decode()
        assert "Jakson tila: Tauolla." in page
        # The page asks the day the period resumed (today unless dated back).
        assert f'action="{step_url}resume/"' in page and 'name="resumed_on"' in page
        assert "Sairausloma" in page
        # Its work coaching pauses with it.
        assert "Samalla keskeytyi tauolle: Työvalmennus." in page
        assert "Tauolla" in timeline_table(
            browser.get(f"/clients/{client_.uuid}/").content.decode()
        )
        assert "polku-bar--paused" in browser.get(f"/clients/{client_.uuid}/").content.decode()
        browser.post(f"{step_url}resume/", {"resumed_on": iso(today)})
        activity.refresh_from_db()
        assert (activity.status, activity.resumed_on) == (StepStatus.ACTIVE, today)
        assert actions_since(mark, client_) == [
            "pathways.step.status_changed",
            "pathways.step.status_changed",
            "pathways.step.viewed",
            "clients.client.viewed",
            "clients.client.viewed",
            "pathways.step.status_changed",
            "pathways.step.status_changed",
        ]

        # The review at the end: a decision is required, "continue" needs the new period.
        end_url = f"{step_url}end/"
        page = browser.get(end_url).content.decode()
        assert 'name="review_decision"' in page
        ending = {"ended_on": iso(end), "end_reason": "completed"}
        page = browser.post(end_url, {**ending, "exit_outcome": "other_service"}).content.decode()
        assert "arvioinnin päätös" in field_errors(page, "review_decision")
        page = browser.post(end_url, {**ending, "review_decision": "continue"}).content.decode()
        assert "suunnittele uusi kuntouttavan työtoiminnan jakso" in field_errors(
            page, "review_decision"
        )
        activity.refresh_from_db()
        assert activity.status == StepStatus.ACTIVE and activity.ended_on is None

        # At the review the activation plan is renewed: a new version of it.
        response = browser.post(
            f"/clients/{client_.uuid}/plans/{plan.pk}/revise/",
            {
                "status": "active",
                "client_view": "Haluan jatkaa ja kokeilla kokopäiväistä rytmiä.",
                "goals": "Kokopäiväinen rytmi",
            },
        )
        assert response.status_code == 302, response.content.decode()
        renewed = plan.superseded_by
        # The worker plans the new period from the day after, as the end page links.
        assert f'href="/clients/{client_.uuid}/steps/new/?follows={activity.pk}"' in page
        new_start = end + datetime.timedelta(days=1)
        new_end = add_months(new_start, 6) - datetime.timedelta(days=1)
        response = browser.post(
            f"/clients/{client_.uuid}/steps/new/",
            {
                "type": "rehabilitative_work_activity",
                "coach": coach.pk,
                "start_on": iso(new_start),
                "planned_end_on": iso(new_end),
                "days_per_week": 4,
                "hours_per_day": "6",
                "plan": renewed.pk,
                "goal": "Kokopäiväinen rytmi",
                "support_given": "Työvalmentaja viikoittain",
            },
        )
        assert response.status_code == 302, response.content.decode()
        new_period = PathwayStep.objects.get(
            client=client_, service_type__code="rehabilitative_work_activity", start_on=new_start
        )
        assert new_period.status == StepStatus.PLANNED
        assert PathwayStep.objects.filter(
            client=client_, service_type__code="work_coaching", start_on=new_start
        ).exists()
        page = browser.get(end_url).content.decode()
        assert f'<option value="{new_period.pk}">' in page
        mark = last_log_id()
        response = browser.post(
            end_url, {**ending, "review_decision": "continue", "next_step": new_period.pk}
        )
        assert response.status_code == 302
        activity.refresh_from_db()
        assert (activity.status, activity.review_decision, activity.next_step) == (
            StepStatus.ENDED,
            "continue",
            new_period,
        )
        # Its work coaching ends with it; the new period has its own.
        assert actions_since(mark, client_) == ["pathways.step.ended", "pathways.step.ended"]
        coachings = PathwayStep.objects.filter(client=client_, service_type__code="work_coaching")
        assert {c.start_on: c.status for c in coachings} == {
            activity.start_on: StepStatus.ENDED,
            new_start: StepStatus.PLANNED,
        }
        client_page = browser.get(f"/clients/{client_.uuid}/").content.decode()
        assert "Samalla päättyi: Työvalmennus." in client_page
        table = timeline_table(client_page)
        assert "Päättynyt<br>Jatkopolku: Kuntouttava työtoiminta" in table
        assert f"{d(new_start)}–{d(new_end)}" in table
        page = browser.get(step_url).content.decode()
        assert "Jatketaan uudella jaksolla ja suunnitelmalla" in page
        # Ended ahead of its last day: the coach still reaches the grid for the remaining days.
        page = coach_browser.get(step_url).content.decode()
        assert f"{step_url}attendance/" in page and f"{step_url}end/" not in page


def plan(browser, client_, code, **fields):
    return browser.post(f"/clients/{client_.uuid}/steps/new/", {"type": code, **fields})


class TestJobcenterPeriod:
    def test_planned_alongside_coached_work_activity_contracted_and_closed_with_a_follow_on(
        self, world, today
    ):
        worker, coach = world.users[Role.SOCIAL_WORKER], world.users[Role.WORK_COACH]
        client_ = world.client
        browser = as_user(worker)
        paid_start, paid_end = today - datetime.timedelta(days=30), today
        paid = {
            "coach": coach.pk,
            "start_on": iso(paid_start),
            "planned_end_on": iso(paid_end),
            "goal": "Palkkatyö kahvilassa",
        }
        # Without work activity and coaching: refused, naming the rule and its source.
        response = plan(browser, client_, "jobcenter_paid_work", **paid)
        page = response.content.decode()
        assert response.status_code == 200
        assert (
            "rinnalla on oltava käynnissä työvalmennus koko jakson ajan (Helsingin Jobcenter-malli"
            in page
        )
        assert "kuntouttava työtoiminta, vammaisten työtoiminta" in page
        assert not PathwayStep.objects.filter(client=client_).exists()

        activity_plan = make_plan(client_, worker, plan_type="activation_plan")
        # The work activity ends with the paid period: the wage-subsidised work that follows
        # may not run alongside it.
        start = today - datetime.timedelta(days=100)
        response = plan(
            browser,
            client_,
            "rehabilitative_work_activity",
            coach=coach.pk,
            start_on=iso(start),
            planned_end_on=iso(paid_end),
            days_per_week=4,
            hours_per_day="6",
            plan=activity_plan.pk,
            goal="Työelämävalmiudet",
            support_given="Työvalmennus",
        )
        assert response.status_code == 302
        mark = last_log_id()
        response = plan(browser, client_, "jobcenter_paid_work", **paid)
        assert response.status_code == 302, response.content.decode()
        step = PathwayStep.objects.get(client=client_, service_type__code="jobcenter_paid_work")
        step_url = f"/clients/{client_.uuid}/steps/{step.pk}/"
        assert response["Location"] == step_url
        assert actions_since(mark, client_) == ["pathways.step.planned"]

        # The work coach records the contract: outside the period refused, then saved.
        coach_browser = as_user(coach)
        page = coach_browser.get(step_url).content.decode()
        assert f"{step_url}contract/" in page
        # Running without its contract, the period is warned of, and ending it is refused.
        no_contract = "Työsopimusta ei ole kirjattu"
        assert no_contract in page
        page = coach_browser.post(
            f"{step_url}end/",
            {"ended_on": iso(today), "end_reason": "completed", "exit_outcome": "open_market_job"},
        ).content.decode()
        assert "ei ole kirjattu työsopimusta" in field_errors(page, "end_reason")
        assert f'href="{step_url}contract/"' in page
        contract = {
            "employer_name": "Kahvila Kaarna Oy",
            "job_title": "Kahvilatyöntekijä",
            "weekly_hours": "20",
            "hourly_wage": "12.50",
            "contract_start": iso(paid_start),
            "contract_end": iso(paid_end + datetime.timedelta(days=1)),
        }
        mark = last_log_id()
        page = coach_browser.post(f"{step_url}contract/", contract).content.decode()
        assert "Jobcenter-jakson sisällä" in field_errors(page, "contract_end")
        assert not hasattr(PathwayStep.objects.get(pk=step.pk), "jobcenter_contract")
        response = coach_browser.post(
            f"{step_url}contract/", {**contract, "contract_end": iso(paid_end)}
        )
        assert response.status_code == 302, response.content.decode()
        page = coach_browser.get(step_url).content.decode()
        assert (
            f"Kahvilatyöntekijä, Kahvila Kaarna Oy: 20 h/vko, 12,50 €/h, {d(paid_start)}–{d(paid_end)}"
            in page
        )
        assert no_contract not in page
        # The refused contract shows the step again (a read); the saved one is its own row.
        assert actions_since(mark, client_) == [
            "pathways.step.viewed",
            "pathways.jobcenter_contract.saved",
            "pathways.step.viewed",
        ]

        # Closing without a follow-on step is refused next to the follow-on field.
        end_url = f"{step_url}end/"
        ending = {
            "ended_on": iso(paid_end),
            "end_reason": "completed",
            "exit_outcome": "open_market_job",
        }
        page = coach_browser.post(end_url, ending).content.decode()
        assert "Jobcenter-jaksoa ei voi päättää ilman jatkopolkua" in field_errors(
            page, "next_step"
        )
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE and step.ended_on is None
        # The coach may not plan: the end page names who does instead of a link that gives 403.
        assert coach_browser.get(f"/clients/{client_.uuid}/steps/new/").status_code == 403
        assert f'href="/clients/{client_.uuid}/steps/new/"' not in page
        assert "Jatkopolun suunnittelee vastuutyöntekijä" in page
        assert (
            f'href="/clients/{client_.uuid}/steps/new/?follows={step.pk}"'
            in browser.get(end_url).content.decode()
        )

        # The responsible worker plans the follow-on; the coach closes the period with it.
        response = plan(
            browser,
            client_,
            "wage_subsidy",
            start_on=iso(paid_end + datetime.timedelta(days=1)),
            planned_end_on=iso(paid_end + datetime.timedelta(days=180)),
            goal="Palkkatuettu työ samassa kahvilassa",
        )
        assert response.status_code == 302, response.content.decode()
        follow_on = PathwayStep.objects.get(client=client_, service_type__code="wage_subsidy")
        table = timeline_table(browser.get(f"/clients/{client_.uuid}/").content.decode())
        assert "Palkkatuettu työ" in table and "Suunniteltu" in table
        mark = last_log_id()
        response = coach_browser.post(end_url, {**ending, "next_step": follow_on.pk})
        assert response.status_code == 302, response.content.decode()
        step.refresh_from_db()
        assert (step.status, step.next_step) == (StepStatus.ENDED, follow_on)
        assert actions_since(mark, client_) == ["pathways.step.ended"]
        table = timeline_table(browser.get(f"/clients/{client_.uuid}/").content.decode())
        assert "Päättynyt<br>Jatkopolku: Palkkatuettu työ" in table


class TestSupportedEmployment:
    def test_ips_without_end_date_phases_contacts_job_and_support(self, world, today):
        worker, job_coach = world.users[Role.SOCIAL_WORKER], world.users[Role.JOB_COACH]
        client_ = world.client
        browser = as_user(worker)
        start = today - datetime.timedelta(days=45)
        page = browser.get(
            f"/clients/{client_.uuid}/steps/new/?type=supported_employment"
        ).content.decode()
        assert 'name="planned_end_on"' not in page and "ei ole aikarajaa" in page
        mark = last_log_id()
        response = plan(
            browser,
            client_,
            "supported_employment",
            coach=job_coach.pk,
            start_on=iso(start),
            goal="Työ kaupan alalta",
        )
        assert response.status_code == 302, response.content.decode()
        step = PathwayStep.objects.get(client=client_, service_type__code="supported_employment")
        assert step.planned_end_on is None and step.ips_phase == "agreement"
        assert actions_since(mark, client_) == ["pathways.step.planned"]
        step_url = f"/clients/{client_.uuid}/steps/{step.pk}/"
        table = timeline_table(browser.get(f"/clients/{client_.uuid}/").content.decode())
        assert f"{d(start)}–toistaiseksi" in table
        assert "Ei työnantajakontaktia 45 päivään." in table

        coach_browser = as_user(job_coach)
        page = coach_browser.get(step_url).content.decode()
        for link in (
            "ips-phase/",
            "benefits-counselling/",
            "employer-contacts/new/",
            "placements/new/",
        ):
            assert f"{step_url}{link}" in page, link
        # In-work support is offered once a job has begun.
        assert f"{step_url}in-work-support/new/" not in page
        mark = last_log_id()
        for phase, days in (("profiling", 7), ("job_search", 14)):
            response = coach_browser.post(
                f"{step_url}ips-phase/",
                {"phase": phase, "entered_on": iso(start + datetime.timedelta(days=days))},
            )
            assert response.status_code == 302, response.content.decode()
        response = coach_browser.post(
            f"{step_url}benefits-counselling/",
            {"given_on": iso(start + datetime.timedelta(days=10))},
        )
        assert response.status_code == 302
        contact = {"employer_name": "Lähikauppa Oy", "kind": "visit", "note": "Esittely"}
        # A contact dated in the future would silence the no-contact alert: refused next to the date.
        page = coach_browser.post(
            f"{step_url}employer-contacts/new/",
            {**contact, "contacted_on": iso(today + datetime.timedelta(days=3))},
        ).content.decode()
        assert "ei voi olla tulevaisuudessa" in field_errors(page, "contacted_on")
        page = coach_browser.post(
            f"{step_url}employer-contacts/new/",
            {**contact, "contacted_on": iso(start - datetime.timedelta(days=1))},
        ).content.decode()
        assert "ennen jakson alkamista" in field_errors(page, "contacted_on")
        assert not step.employer_contacts.exists()
        response = coach_browser.post(
            f"{step_url}employer-contacts/new/",
            {**contact, "contacted_on": iso(today - datetime.timedelta(days=20))},
        )
        assert response.status_code == 302
        # The job starts: the step moves to in-work support.
        response = coach_browser.post(
            f"{step_url}placements/new/",
            {
                "kind": "open_market_job",
                "organisation_name": "Lähikauppa Oy",
                "weekly_hours": "25",
                "started_on": iso(today - datetime.timedelta(days=5)),
            },
        )
        assert response.status_code == 302, response.content.decode()
        assert step.ips_phase_on(today) == "in_work_support"
        assert f"{step_url}in-work-support/new/" in coach_browser.get(step_url).content.decode()
        page = coach_browser.post(
            f"{step_url}in-work-support/new/",
            {"supported_on": iso(today + datetime.timedelta(days=1)), "note": "Työpaikkakäynti"},
        ).content.decode()
        assert "ei voi olla tulevaisuudessa" in field_errors(page, "supported_on")
        response = coach_browser.post(
            f"{step_url}in-work-support/new/",
            {"supported_on": iso(today), "note": "Työpaikkakäynti"},
        )
        assert response.status_code == 302
        # Each refused form shows the step again: a read.
        assert actions_since(mark, client_) == [
            "pathways.ips_phase.recorded",
            "pathways.ips_phase.recorded",
            "pathways.benefits_counselling.recorded",
            "pathways.step.viewed",
            "pathways.step.viewed",
            "pathways.employer_contact.added",
            "pathways.placement.recorded",
            "pathways.step.viewed",
            "pathways.step.viewed",
            "pathways.in_work_support.added",
        ]
        page = coach_browser.get(step_url).content.decode()
        assert "<dt>Vaihe</dt><dd>Tuki työssä</dd>" in page
        assert (
            f"{d(today - datetime.timedelta(days=20))}: Lähikauppa Oy (Käynti työnantajan luona)"
            in page
        )
        assert f"{d(today)}: Työpaikkakäynti" in page
        assert "Työ avoimilla työmarkkinoilla, Lähikauppa Oy (25 h/vko)" in page
        table = timeline_table(browser.get(f"/clients/{client_.uuid}/").content.decode())
        assert "Ei työnantajakontaktia" not in table

        # Caseload: over 20 active IPS clients of the coach gives a warning on the step page.
        assert "aktiivista asiakasta" not in page
        for _n in range(20):
            other = ClientFactory(responsible_worker=worker)
            make_step(
                other, "supported_employment", created_by=worker, coach=job_coach, start_on=today
            )
        page = coach_browser.get(step_url).content.decode()
        assert (
            "Valmentajalla on 21 aktiivista asiakasta; suositus on enintään 20 "
            "(Tuetun työllistymisen laatukriteerit (IPS))." in page
        )


class TestOtherServices:
    def test_social_rehabilitation_by_decision_with_a_three_month_review(self, world, today):
        worker = world.users[Role.SOCIAL_WORKER]
        client_ = world.client
        browser = as_user(worker)
        make_plan(client_, worker, plan_type="client_plan")
        rehab = {
            "start_on": iso(today),
            "planned_end_on": iso(today + datetime.timedelta(days=200)),
            "days_per_week": 2,
            "hours_per_day": "3",
            "goal": "Arjen rytmi",
        }
        page = plan(browser, client_, "social_rehabilitation", **rehab).content.decode()
        assert "1301/2014, 17 §" in field_errors(page, "decision_reference")
        assert not PathwayStep.objects.filter(client=client_).exists()
        response = plan(
            browser,
            client_,
            "social_rehabilitation",
            decision_reference="SOS/2026/123",
            group_activity="on",
            **rehab,
        )
        assert response.status_code == 302, response.content.decode()
        step = PathwayStep.objects.get(client=client_, service_type__code="social_rehabilitation")
        assert step.review_due == add_months(today, 3)
        table = timeline_table(browser.get(f"/clients/{client_.uuid}/").content.decode())
        assert f"Arviointi {d(add_months(today, 3))}" in table
        page = browser.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert "<dd>SOS/2026/123</dd>" in page
        assert "<dt>Toimintamuoto</dt><dd>ryhmätoiminta</dd>" in page
        assert f"<dt>Seuraava arviointi</dt><dd>{d(add_months(today, 3))}</dd>" in page

    def test_youth_workshop_age_limits_and_certificate_printed_with_competences(
        self, world, today, settings, tmp_path
    ):
        settings.POLKU_PRIVATE_ROOT = tmp_path
        worker, workshop_coach = world.users[Role.SOCIAL_WORKER], world.users[Role.WORKSHOP_COACH]
        browser = as_user(worker)
        workshop = UnitFactory(
            organisation=world.unit.organisation, name_fi="Puutyöpaja", kind="youth_workshop"
        )
        start = today - datetime.timedelta(days=60)
        older = ClientFactory(responsible_worker=worker, birth=start.replace(year=start.year - 30))
        young = ClientFactory(responsible_worker=worker, birth=today.replace(year=today.year - 20))
        workshop_step = {
            "coach": workshop_coach.pk,
            "unit": workshop.pk,
            "start_on": iso(start),
            "planned_end_on": iso(today + datetime.timedelta(days=100)),
            "days_per_week": 4,
            "hours_per_day": "6",
            "goal": "Puutyön perustaidot",
        }
        page = plan(browser, older, "youth_workshop", **workshop_step).content.decode()
        assert "17–29-vuotiaille; asiakas on jakson alkaessa 30-vuotias (Nuorisolaki" in (
            field_errors(page, "start_on")
        )
        response = plan(browser, young, "youth_workshop", **workshop_step)
        assert response.status_code == 302, response.content.decode()
        step = PathwayStep.objects.get(client=young, service_type__code="youth_workshop")
        coach_browser = as_user(workshop_coach)
        step_url = f"/clients/{young.uuid}/steps/{step.pk}/"
        assert f"{step_url}certificates/new/" in coach_browser.get(step_url).content.decode()
        mark = last_log_id()
        response = coach_browser.post(
            f"{step_url}certificates/new/",
            {
                "issued_on": iso(today),
                "qualification": "Puuartesaanin tutkinnon osa",
                "competences": "Käsityökalujen turvallinen käyttö\nHuonekalun entisöinti\n",
            },
        )
        assert response.status_code == 302, response.content.decode()
        certificate = step.certificates.get()
        assert "Huonekalun entisöinti" in coach_browser.get(step_url).content.decode()
        response = coach_browser.post(
            f"{step_url}certificates/{certificate.pk}/print/", {"language": "fi"}
        )
        assert response.status_code == 302
        document = PrintedDocument.objects.get(certificate=certificate)
        document = pathway_actions.render_document(document_id=document.pk)
        text = pdf_text(document)
        assert "Osaamistodistus" in text and young.last_name in text
        assert "Käsityökalujen turvallinen käyttö" in text and "Huonekalun entisöinti" in text
        assert "Puutyöpaja" in text and "Puuartesaanin tutkinnon osa" in text
        assert actions_since(mark, young) == [
            "pathways.certificate.issued",
            "pathways.step.viewed",
            "pathways.certificate_pdf.requested",
        ]

    def test_open_work_compensation_cap_not_a_wage_and_effects_discussed(self, today, essote):
        essote_worker = make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=essote))
        client_ = ClientFactory(responsible_worker=essote_worker)
        browser = as_user(essote_worker)
        page = browser.get(f"/clients/{client_.uuid}/steps/new/?type=open_work").content.decode()
        assert "Avotyön korvaus ei ole palkkaa" in page
        open_work = {
            "start_on": iso(today - datetime.timedelta(days=14)),
            "planned_end_on": iso(today + datetime.timedelta(days=180)),
            "days_per_week": 3,
            "daily_compensation": "12.01",
            "goal": "Kahvilan avotyö",
        }
        page = plan(browser, client_, "open_work", **open_work).content.decode()
        assert "enintään 12 € päivässä (Essoten käytäntö)" in field_errors(
            page, "daily_compensation"
        )
        assert "asumistukeen ja eläkkeeseen" in field_errors(page, "effects_discussed_on")
        assert not PathwayStep.objects.filter(client=client_).exists()
        discussed = today - datetime.timedelta(days=20)
        response = plan(
            browser,
            client_,
            "open_work",
            **{**open_work, "daily_compensation": "12.00", "effects_discussed_on": iso(discussed)},
        )
        assert response.status_code == 302, response.content.decode()
        step = PathwayStep.objects.get(client=client_, service_type__code="open_work")
        step_url = f"/clients/{client_.uuid}/steps/{step.pk}/"
        page = browser.get(step_url).content.decode()
        assert "12,00 € päivässä – korvaus ei ole palkkaa" in page
        assert f"asumistukeen ja eläkkeeseen käyty läpi</dt><dd>{d(discussed)}</dd>" in page
        monday = today - datetime.timedelta(days=today.weekday() + 7)
        week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
        grid_url = f"{step_url}attendance/?week={week}"
        day = iso(monday)
        post = {
            "week": week,
            f"{day}-status": "present",
            f"{day}-hours": "4",
            f"{day}-compensation": "12.01",
        }
        page = browser.post(grid_url, post).content.decode()
        # The cap as the step form gave it above.
        assert "enintään 12 € päivässä (Essoten käytäntö)" in field_errors(
            page, f"{day}-compensation"
        )
        assert not field_errors(page, f"{day}-status")
        assert not step.attendance.exists()
        assert browser.post(grid_url, {**post, f"{day}-compensation": "12.00"}).status_code == 302
        page = browser.get(step_url).content.decode()
        summary = re.search(r"<h2>Läsnäolot kuukausittain</h2>.*?</table>", page, re.S).group(0)
        assert "<td>1</td><td>0</td><td>4</td><td>12,00</td>" in summary


class TestCatalogue:
    def test_every_staff_role_filters_the_catalogue_in_finnish_and_swedish(self, world):
        from services.demo.catalogue import seed_catalogue
        from services.demo.organisations import seed_organisations
        from services.models import CatalogueEntry

        seed_organisations()
        seed_catalogue()
        total = CatalogueEntry.objects.filter(is_active=True).count()
        assert total > 6
        for role in Role.values:
            page = as_user(world.users[role]).get("/services/").content.decode()
            assert f"{total} palvelua" in page, role
        browser = as_user(world.users[Role.WORK_COACH])
        expected = (
            CatalogueEntry.objects.filter(
                is_active=True, category="education", languages__contains=["sv"]
            )
            .exclude(min_age__gt=25)
            .exclude(max_age__lt=25)
        )
        page = browser.get(
            "/services/", {"category": "education", "age": 25, "language": "sv"}
        ).content.decode()
        assert expected.exists()
        assert f"{expected.count()} palvelu" in page
        assert "Poista rajaukset" in page
        page = browser.get("/services/", {"age": "abc"}).content.decode()
        assert "kokonaisluku" in field_errors(page, "age")
        part = browser.get("/services/", {"category": "education"}, HTTP_HX_REQUEST="true")
        assert part.status_code == 200 and b"<html" not in part.content
        sv = as_user(world.users[Role.SOCIAL_WORKER], "sv")
        page = sv.get("/services/", {"category": "education"}).content.decode()
        assert "Tjänsteutbud för personer med partiell arbetsförmåga" in page
        assert "Alla serviceproducenter" in page
        entry = CatalogueEntry.objects.filter(is_active=True, service_type__isnull=False).first()
        page = sv.get(f"/services/{entry.pk}/").content.decode()
        assert "Tillbaka till tjänsteutbudet" in page and entry.name_sv in page


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_prints_a_swedish_summary_rendered_by_a_real_worker(world, pdf_worker):
    today = timezone.localdate()
    worker, coordinator = world.users[Role.SOCIAL_WORKER], world.users[Role.COORDINATOR]
    client_ = world.client
    client_.address_non_disclosure = True
    client_.street_address = "Salainenkuja 7 B 12"
    client_.language = "sv"
    client_.save()
    make_plan(
        client_,
        worker,
        plan_type="client_plan",
        client_view="Jag vill lära mig baka och få hygienpass.",
        goals=("Jag tar hygienpasset", "Jag provar på bageriarbete"),
    )
    activity_start = today - datetime.timedelta(days=60)
    activity = make_step(
        client_,
        "rehabilitative_work_activity",
        created_by=worker,
        start_on=activity_start,
        days_per_week=3,
        hours_per_day=5,
        coach=world.users[Role.WORK_COACH],
    )
    education = make_step(
        client_,
        "education",
        created_by=worker,
        start_on=today + datetime.timedelta(days=100),
        planned_end_on=today + datetime.timedelta(days=300),
    )
    # A work coach on the team may not print; the coordinator (work pair) may.
    coach_browser = as_user(world.users[Role.WORK_COACH])
    assert (
        f"/clients/{client_.uuid}/summary/"
        not in coach_browser.get(f"/clients/{client_.uuid}/").content.decode()
    )
    assert coach_browser.get(f"/clients/{client_.uuid}/summary/").status_code == 403

    browser = as_user(coordinator, "sv")
    assert (
        f'href="/clients/{client_.uuid}/summary/"'
        in browser.get(f"/clients/{client_.uuid}/").content.decode()
    )
    mark = last_log_id()
    page = browser.get(f"/clients/{client_.uuid}/summary/").content.decode()
    assert 'value="sv" required id="id_language_1" checked' in page  # the client's language
    assert "Personbeteckningen och adressen skrivs inte ut." in page
    response = browser.post(
        f"/clients/{client_.uuid}/summary/",
        {"language": "sv", "sections": ["situation", "timeline", "dates"]},
    )
    assert response.status_code == 302
    document = PrintedDocument.objects.get(client=client_)
    assert document.sections == ["situation", "timeline", "dates"]
    page = browser.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "I kö…" in page or "PDF-filen skapas…" in page or "PDF-filen är klar." in page
    status_url = f"/clients/{client_.uuid}/documents/{document.uuid}/status/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        part = browser.get(status_url, HTTP_HX_REQUEST="true").content.decode()
        if "/download/" in part or 'role="alert"' in part:
            break
        time.sleep(0.3)
    assert "PDF-filen är klar." in part and "hx-trigger" not in part
    download = browser.get(f"/clients/{client_.uuid}/documents/{document.uuid}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        # The file is named in the document's language, as its title is.
        f'attachment; filename="sammanfattning-av-servicestigen-{today:%Y%m%d}.pdf"'
    )
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.trailer["/Root"].get("/Lang") == "sv"
    assert "Din servicestig" in text and "Dina mål" in text
    assert "Jag tar hygienpasset" in text and "Jag provar på bageriarbete" in text
    assert "Jag vill lära mig baka och få hygienpass." in text
    assert (
        f"Arbetsverksamhet i rehabiliteringssyfte: {d(activity_start)}–{d(activity.planned_end_on)}"
        in text
    )
    assert f"Utbildning och studier: {d(education.start_on)}–{d(education.planned_end_on)}" in text
    assert "Vem du kan kontakta" not in text  # a section not chosen
    code = identity.decrypt(client_.identity_code_encrypted)
    assert code not in text and code[:6] not in text
    assert "Salainenkuja" not in text
    assert actions_since(mark, client_) == [
        "pathways.summary_dialog.viewed",
        "pathways.summary.requested",
        "pathways.summary.viewed",
        "pathways.summary.printed",
    ]
    assert DisclosureLogEntry.objects.filter(
        client_id=client_.uuid, actor=coordinator, channel="pdf", basis="client_request"
    ).exists()


def test_the_download_is_named_by_the_helsinki_date_just_after_midnight(
    world, settings, tmp_path, time_machine
):
    settings.POLKU_PRIVATE_ROOT = tmp_path
    helsinki = zoneinfo.ZoneInfo("Europe/Helsinki")
    tonight = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=helsinki
    )
    time_machine.move_to(tonight, tick=False)
    # Acting as coordinator, the client's work pair, who reads the plans the dates name.
    coordinator = acting(world.users[Role.COORDINATOR])
    document = pathway_actions.request_pathway_summary(
        client=world.client, requested_by=coordinator, language="fi", sections=["dates"]
    )
    pathway_actions.render_document(document_id=document.pk)
    response = as_user(coordinator).get(
        f"/clients/{world.client.uuid}/documents/{document.uuid}/download/"
    )
    assert response.status_code == 200
    # 00:30 in Helsinki is the previous day in UTC; the name carries the Helsinki date.
    assert f"palvelupolun-yhteenveto-{tonight:%Y%m%d}.pdf" in response["Content-Disposition"]
