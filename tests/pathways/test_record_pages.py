"""Pathway pages that record facts of a step: each POST has its effect and its access-log row;
the step form's notices follow the rule set in force, not the service's code."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry
from pathways import actions
from pathways.factories import make_step
from pathways.models import (
    EmployerContact,
    InWorkSupport,
    JobcenterContract,
    PathwayStep,
    Placement,
    StepStatus,
)
from services.factories import ServiceRuleSetFactory, UnitFactory
from services.models import ServiceType
from tests.conftest import RANGE_ERROR, field_errors, login

NOT_A_WAGE = "Avotyön korvaus ei ole palkkaa"


def logged(client_, action) -> int:
    return AccessLogEntry.objects.filter(client_id=client_.uuid, action=action).count()


class TestNotAWageNotice:
    def test_shown_for_open_work_whose_rules_say_so(self, client, worker, client_of):
        client_ = client_of()
        login(client, worker)
        page = client.get(f"/clients/{client_.uuid}/steps/new/?type=open_work").content.decode()
        assert NOT_A_WAGE in page

    def test_follows_the_rule_set_flag_not_the_service_code(self, client, worker, client_of):
        # An organisation whose avotyö rules do not flag it, and whose disability work
        # activity rules do: the notice follows the flag. The worker's own: its register.
        organisation = worker.role_assignments.get().unit.organisation
        ServiceRuleSetFactory(
            service_type=ServiceType.objects.get(code="open_work"),
            organisation=organisation,
            compensation_is_not_wage=False,
            source="Kokeilukäytäntö",
        )
        ServiceRuleSetFactory(
            service_type=ServiceType.objects.get(code="disability_work_activity"),
            organisation=organisation,
            compensation_is_not_wage=True,
            source="Kokeilukäytäntö",
        )
        client_ = client_of(organisation=organisation)
        login(client, worker)
        base = f"/clients/{client_.uuid}/steps/new/?type="
        assert NOT_A_WAGE not in client.get(base + "open_work").content.decode()
        assert NOT_A_WAGE in client.get(base + "disability_work_activity").content.decode()

    @pytest.mark.parametrize(
        ("cap", "stated"),
        [
            (Decimal("9.00"), "verotonta enintään 9 euroon päivässä"),
            (Decimal("12.50"), "verotonta enintään 12,50 euroon päivässä"),
            (None, "Avotyön korvaus ei ole palkkaa eikä vaikuta asumistukeen"),
        ],
    )
    def test_names_the_cap_of_the_rule_set_in_force(
        self, client, worker, client_of, today, cap, stated
    ):
        """The tax-free cap is reference data: the organisation's own rule set in force for
        the start date entered names it (none named when it sets none), not a number in the
        page."""
        client_ = client_of()
        ServiceRuleSetFactory(
            service_type=ServiceType.objects.get(code="open_work"),
            organisation=client_.responsible_unit.organisation,
            compensation_is_not_wage=True,
            compensation_cap_per_day=cap,
            source="Kokeilukäytäntö",
        )
        login(client, worker)
        page = client.get(f"/clients/{client_.uuid}/steps/new/?type=open_work").content.decode()
        assert NOT_A_WAGE in page and stated in page
        assert "12 euroon" not in page

    def test_the_step_page_states_it_with_the_compensation(self, client, worker, client_of, today):
        client_ = client_of()
        step = make_step(
            client_,
            "open_work",
            created_by=worker,
            start_on=today - datetime.timedelta(days=10),
            daily_compensation=Decimal(10),
            effects_discussed_on=today,
        )
        assert step.rule_set.compensation_is_not_wage
        login(client, worker)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert "korvaus ei ole palkkaa" in page


@pytest.fixture
def ips(ips_step):
    return ips_step(ips_phase="job_search")


def job_start(step, recorded_by, started_on):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=recorded_by,
        kind="open_market_job",
        organisation_name="Kahvila Kulma",
        weekly_hours=Decimal(20),
        started_on=started_on,
    )


class TestIpsRecords:
    def test_the_coach_records_an_employer_contact(self, client, ips, job_coach, today):
        client_, step = ips
        login(client, job_coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/employer-contacts/new/",
            {
                "contacted_on": today.isoformat(),
                "employer_name": "Kahvila Kulma",
                "kind": "visit",
                "note": "Kysyi keittiöapulaisen paikkaa.",
            },
        )
        assert response.status_code == 302
        contact = EmployerContact.objects.get(step=step)
        assert (contact.employer_name, contact.recorded_by) == ("Kahvila Kulma", job_coach)
        assert logged(client_, "pathways.employer_contact.added") == 1

    @pytest.mark.parametrize(
        ("path", "field"),
        [("employer-contacts/new/", "contacted_on"), ("in-work-support/new/", "supported_on")],
    )
    def test_the_day_of_a_contact_or_support_is_today_unless_changed(
        self, client, ips, job_coach, today, path, field
    ):
        """As on the IPS phase and benefits counselling forms: most are recorded the same day."""
        client_, step = ips
        login(client, job_coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/{path}").content.decode()
        date_input = re.search(rf'<input type="date" name="{field}"[^>]*>', page).group(0)
        assert f'value="{today.isoformat()}"' in date_input

    def test_the_coach_records_in_work_support(self, client, ips, job_coach, today):
        client_, step = ips
        job_start(step, job_coach, today - datetime.timedelta(days=7))
        login(client, job_coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/in-work-support/new/",
            {"supported_on": today.isoformat(), "note": "Työpaikkakäynti esihenkilön kanssa."},
        )
        assert response.status_code == 302
        assert InWorkSupport.objects.get(step=step).recorded_by == job_coach
        assert logged(client_, "pathways.in_work_support.added") == 1

    def test_in_work_support_is_offered_and_taken_only_after_a_job_start(
        self, client, ips, job_coach, today
    ):
        """Before any job has begun (none recorded, or studies, or a job agreed to start later)
        the step page offers no in-work support and the form refuses it next to the day; a
        support dated before the job began is refused too."""
        client_, step = ips
        step_url = f"/clients/{client_.uuid}/steps/{step.pk}/"
        support_url = f"{step_url}in-work-support/new/"
        login(client, job_coach)
        week_ago = today - datetime.timedelta(days=7)
        actions.record_placement(
            client=client_,
            step=step,
            recorded_by=job_coach,
            kind="studies",
            organisation_name="Stadin AO",
            started_on=week_ago,
        )
        job_start(step, job_coach, today + datetime.timedelta(days=3))
        assert support_url not in client.get(step_url).content.decode()
        response = client.post(support_url, {"supported_on": today.isoformat(), "note": "Käynti"})
        assert response.status_code == 200
        assert "ennen työn alkamista" in field_errors(response.text, "supported_on")
        Placement.objects.filter(step=step).exclude(kind="studies").delete()
        response = client.post(support_url, {"supported_on": today.isoformat(), "note": "Käynti"})
        assert "Kirjaa ensin työllistyminen." in field_errors(response.text, "supported_on")
        assert not InWorkSupport.objects.exists()
        assert logged(client_, "pathways.in_work_support.added") == 0
        job_start(step, job_coach, week_ago)
        assert support_url in client.get(step_url).content.decode()
        day_before = week_ago - datetime.timedelta(days=1)
        response = client.post(
            support_url, {"supported_on": day_before.isoformat(), "note": "Käynti"}
        )
        assert f"ennen työn alkamista ({week_ago:%-d.%-m.%Y})" in field_errors(
            response.text, "supported_on"
        )
        response = client.post(
            support_url, {"supported_on": week_ago.isoformat(), "note": "Käynti"}
        )
        assert response.status_code == 302
        assert InWorkSupport.objects.filter(step=step).count() == 1

    def test_a_job_start_moves_the_step_to_in_work_support(self, client, ips, job_coach, today):
        client_, step = ips
        login(client, job_coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/",
            {
                "kind": "open_market_job",
                "organisation_name": "Kahvila Kulma",
                "weekly_hours": "20",
                "started_on": today.isoformat(),
            },
        )
        assert response.status_code == 302
        placement = Placement.objects.get(step=step)
        assert (placement.client, placement.weekly_hours) == (client_, Decimal(20))
        assert step.ips_phase_on(today) == "in_work_support"
        assert logged(client_, "pathways.placement.recorded") == 1
        # Weekly hours read as every other hours (config.numbers): "20", not "20,00".
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert "Kahvila Kulma (20 h/vko)" in page

    def test_studies_do_not_change_the_phase(self, client, ips, job_coach, today):
        client_, step = ips
        login(client, job_coach)
        client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/",
            {"kind": "studies", "organisation_name": "Stadin AO", "started_on": today.isoformat()},
        )
        assert step.ips_phase_on(today) == "job_search"
        assert Placement.objects.filter(step=step, kind="studies").exists()

    def test_a_job_start_without_weekly_hours_is_refused_next_to_the_field(
        self, client, ips, job_coach, today
    ):
        client_, step = ips
        login(client, job_coach)
        job = {
            "kind": "subsidised_job",
            "organisation_name": "Kahvila Kulma",
            "started_on": today.isoformat(),
        }
        response = client.post(f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/", job)
        assert response.status_code == 200
        assert "Kirjaa työn viikkotunnit." in field_errors(response.text, "weekly_hours")
        assert not Placement.objects.exists()
        assert step.ips_phase_on(today) == "job_search"  # nothing half-saved
        assert not step.phase_changes.exists()
        assert logged(client_, "pathways.placement.recorded") == 0

    def test_the_start_is_recorded_without_an_end(self, client, ips, job_coach, today):
        """The end comes when it comes, with its reason (tests/pathways/
        test_placement_end_and_cancel.py): an end date posted with the start is not taken."""
        client_, step = ips
        url = f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/"
        login(client, job_coach)
        assert 'name="ended_on"' not in client.get(url).content.decode()
        response = client.post(
            url,
            {
                "kind": "open_market_job",
                "organisation_name": "Kahvila Kulma",
                "weekly_hours": "20",
                "started_on": (today - datetime.timedelta(days=1)).isoformat(),
                "ended_on": today.isoformat(),
            },
        )
        assert response.status_code == 302
        placement = Placement.objects.get(step=step)
        assert (placement.ended_on, placement.end_reason) == (None, "")
        assert logged(client_, "pathways.placement.recorded") == 1


class TestRecordsWithinTheStep:
    """What a coach records happened during the step: not after its end (a certificate may be
    given at or after the end), not before its start, not in the future."""

    def test_contacts_and_support_after_the_end_are_refused(self, ips, job_coach, today):
        _client, step = ips
        ended_on = today - datetime.timedelta(days=5)
        job_start(step, job_coach, ended_on - datetime.timedelta(days=10))
        actions.end_step(
            step=step,
            ended_by=job_coach,
            ended_on=ended_on,
            end_reason="completed",
            exit_outcome="open_market_job",
        )
        step.refresh_from_db()
        after = ended_on + datetime.timedelta(days=1)
        message = f"Päivä ei voi olla jakson päättymisen ({ended_on:%-d.%-m.%Y}) jälkeen."
        with pytest.raises(ValidationError) as error:
            actions.add_employer_contact(
                step=step,
                recorded_by=job_coach,
                contacted_on=after,
                employer_name="Kahvila Kulma",
                kind="visit",
            )
        assert error.value.message_dict == {"contacted_on": [message]}
        with pytest.raises(ValidationError) as error:
            actions.add_in_work_support(
                step=step, recorded_by=job_coach, supported_on=after, note="Käynti"
            )
        assert error.value.message_dict == {"supported_on": [message]}
        assert not EmployerContact.objects.exists() and not InWorkSupport.objects.exists()
        # Recorded late, on the last day of the step: accepted.
        actions.add_employer_contact(
            step=step,
            recorded_by=job_coach,
            contacted_on=ended_on,
            employer_name="Kahvila Kulma",
            kind="visit",
        )
        actions.add_in_work_support(
            step=step, recorded_by=job_coach, supported_on=ended_on, note="Käynti"
        )

    def test_a_placement_before_its_step_is_refused_next_to_the_start(
        self, client, ips, job_coach, today
    ):
        """Not before the step's start (40 days ago)."""
        client_, step = ips
        login(client, job_coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/",
            {
                "kind": "studies",
                "organisation_name": "Stadin AO",
                "started_on": (today - datetime.timedelta(days=41)).isoformat(),
            },
        )
        assert field_errors(response.text, "started_on") == (
            f"Päivä ei voi olla ennen jakson alkamista ({step.start_on:%-d.%-m.%Y})."
        )
        assert not Placement.objects.exists()
        assert logged(client_, "pathways.placement.recorded") == 0

    def test_a_placement_after_the_end_of_another_service_is_refused_next_to_the_start(
        self, client, worker, client_of, today
    ):
        """An ended step of another service than IPS keeps its placement page (the outcome
        of a step comes at times after its end), but not after the end's date."""
        ended_on = today - datetime.timedelta(days=5)
        step = make_step(
            client_of(),
            "rehabilitative_work_activity",
            created_by=worker,
            status=StepStatus.ENDED,
            ended_on=ended_on,
            end_reason="completed",
            exit_outcome="studies",
        )
        login(client, worker)
        url = f"/clients/{step.client.uuid}/steps/{step.pk}/placements/new/"
        assert client.get(url).status_code == 200
        studies = {"kind": "studies", "organisation_name": "Stadin AO"}
        response = client.post(
            url, {**studies, "started_on": (ended_on + datetime.timedelta(days=1)).isoformat()}
        )
        assert field_errors(response.text, "started_on") == (
            f"Päivä ei voi olla jakson päättymisen ({ended_on:%-d.%-m.%Y}) jälkeen."
        )
        assert not Placement.objects.exists()
        assert client.post(url, {**studies, "started_on": ended_on.isoformat()}).status_code == 302
        assert Placement.objects.get().step == step

    def test_a_paused_ips_step_refuses_a_job_start_and_does_not_offer_it(
        self, client, ips, job_coach, today
    ):
        """As its phase: a job start moves the step to in-work support."""
        client_, step = ips
        step_page = f"/clients/{client_.uuid}/steps/{step.pk}/"
        url = f"{step_page}placements/new/"
        login(client, job_coach)
        assert url in client.get(step_page).content.decode()
        actions.set_step_status(
            step=step,
            status=StepStatus.PAUSED,
            changed_by=job_coach,
            paused_on=today - datetime.timedelta(days=3),
            reason="Sairausloma",
        )
        assert url not in client.get(step_page).content.decode()
        response = client.post(
            url,
            {
                "kind": "open_market_job",
                "organisation_name": "Kahvila Kulma",
                "weekly_hours": "20",
                "started_on": today.isoformat(),
            },
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            "IPS-jaksoon kirjataan vain, kun jakso on suunniteltu tai käynnissä."
        ]
        assert not Placement.objects.exists()
        assert not step.phase_changes.exists()
        assert logged(client_, "pathways.placement.recorded") == 0

    def test_an_ended_ips_step_has_no_placement_page(self, client, ips, worker, today):
        """As its other IPS record pages: 404, nothing recorded."""
        client_, step = ips
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today - datetime.timedelta(days=2),
            end_reason="interrupted",
            exit_outcome="dropped_out",
        )
        url = f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/"
        login(client, worker)
        assert client.get(url).status_code == 404
        response = client.post(
            url,
            {
                "kind": "open_market_job",
                "organisation_name": "Kahvila Kulma",
                "weekly_hours": "20",
                "started_on": (today - datetime.timedelta(days=3)).isoformat(),
            },
        )
        assert response.status_code == 404
        assert not Placement.objects.exists()
        assert not step.phase_changes.exists()

    def test_a_placement_out_of_range_is_refused_next_to_the_start(self, client, ips, job_coach):
        client_, step = ips
        login(client, job_coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/placements/new/",
            {"kind": "studies", "organisation_name": "Stadin AO", "started_on": "9999-12-31"},
        )
        assert field_errors(response.text, "started_on") == RANGE_ERROR
        assert not Placement.objects.exists()

    def test_a_job_agreed_may_be_recorded_before_it_starts(self, ips, job_coach, today):
        _client, step = ips
        placement = actions.record_placement(
            client=step.client,
            step=step,
            recorded_by=job_coach,
            kind="open_market_job",
            organisation_name="Kahvila Kulma",
            weekly_hours=Decimal(20),
            started_on=today + datetime.timedelta(days=7),
        )
        assert placement.pk

    def test_a_certificate_is_dated_within_reason(self, worker, client_of, today, workshop_unit):
        step = make_step(
            client_of(age=20),
            "youth_workshop",
            created_by=worker,
            start_on=today - datetime.timedelta(days=30),
            unit=workshop_unit,
        )

        def issue(day):
            return actions.issue_certificate(
                step=step, issued_by=worker, competences=["Puutyöt"], issued_on=day
            )

        with pytest.raises(ValidationError) as error:
            issue(today + datetime.timedelta(days=1))
        assert "issued_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            issue(today - datetime.timedelta(days=31))
        assert "issued_on" in error.value.message_dict
        assert not step.certificates.exists()
        assert issue(today - datetime.timedelta(days=30)).pk


class TestNothingIsRecordedInACancelledStep:
    """A step cancelled before it started never ran (it ends on its start date only as a
    mark): no certificate, job, contact or support is recorded in it once its start date
    has come."""

    def cancelled(self, worker, client_, code, **fields):
        start = timezone.localdate() - datetime.timedelta(days=3)
        return make_step(
            client_,
            code,
            created_by=worker,
            start_on=start,
            status=StepStatus.ENDED,
            ended_on=start,
            end_reason="cancelled",
            cancellation_reason="Asiakas aloitti opinnot",
            **fields,
        )

    def test_no_certificate_for_a_workshop_period_that_never_ran(
        self, worker, client_of, workshop_unit
    ):
        step = self.cancelled(worker, client_of(age=20), "youth_workshop", unit=workshop_unit)
        with pytest.raises(ValidationError, match="peruttu"):
            actions.issue_certificate(
                step=step, issued_by=worker, competences=["Puutyöt"], issued_on=step.start_on
            )
        assert not step.certificates.exists()

    def test_no_job_contact_or_support_in_an_ips_step_that_never_ran(
        self, worker, client_of, job_coach
    ):
        step = self.cancelled(worker, client_of(), "supported_employment", coach=job_coach)
        with pytest.raises(ValidationError, match="peruttu"):
            actions.record_placement(
                client=step.client,
                step=step,
                recorded_by=job_coach,
                kind="open_market_job",
                organisation_name="Kahvila Kulma",
                weekly_hours=Decimal(20),
                started_on=step.start_on,
            )
        with pytest.raises(ValidationError, match="peruttu"):
            actions.add_employer_contact(
                step=step,
                recorded_by=job_coach,
                contacted_on=step.start_on,
                employer_name="Kahvila Kulma",
                kind="visit",
            )
        assert not Placement.objects.exists() and not EmployerContact.objects.exists()
        assert not step.phase_changes.exists()


@pytest.fixture
def jobcenter(worker, client_of, today, coach):
    client_ = client_of()
    actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="rehabilitative_work_activity"),
        start_on=today - datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=200),
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Työelämään",
        support_given="Työvalmennus",
        coach=coach,
    )
    period = actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="jobcenter_paid_work"),
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=60),
        coach=coach,
    )
    return client_, period


class TestJobcenterContract:
    def contract(self, start, end):
        return {
            "employer_name": "Kaupunkiympäristö",
            "job_title": "Puistotyöntekijä",
            "weekly_hours": "30",
            "hourly_wage": "12.50",
            "contract_start": start.isoformat(),
            "contract_end": end.isoformat(),
        }

    def test_a_contract_within_the_period_is_saved(self, client, jobcenter, coach, today):
        client_, period = jobcenter
        login(client, coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{period.pk}/contract/",
            self.contract(period.start_on, period.planned_end_on),
        )
        assert response.status_code == 302
        contract = JobcenterContract.objects.get(step=period)
        assert (contract.job_title, contract.hourly_wage) == ("Puistotyöntekijä", Decimal("12.50"))
        assert logged(client_, "pathways.jobcenter_contract.saved") == 1

    def test_a_contract_past_the_period_is_refused(self, client, jobcenter, coach, today):
        client_, period = jobcenter
        login(client, coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{period.pk}/contract/",
            self.contract(period.start_on, period.planned_end_on + datetime.timedelta(days=1)),
        )
        assert response.status_code == 200
        assert "Jobcenter-jakson sisällä" in response.content.decode()
        assert not JobcenterContract.objects.exists()
        assert logged(client_, "pathways.jobcenter_contract.saved") == 0
        response = client.post(
            f"/clients/{client_.uuid}/steps/{period.pk}/contract/",
            self.contract(period.start_on - datetime.timedelta(days=1), period.planned_end_on),
        )
        assert response.status_code == 200
        assert not JobcenterContract.objects.exists()

    def test_a_new_contract_starts_and_ends_with_the_period(self, client, jobcenter, coach):
        """The paid job usually runs for the period, so a new contract's dates are the
        period's start and planned end; the worker changes them when the job is shorter."""
        client_, period = jobcenter
        login(client, coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{period.pk}/contract/").content.decode()
        start, end = (f"{day:%-d.%-m.%Y}" for day in (period.start_on, period.planned_end_on))
        assert re.search(rf'name="contract_start"[^>]*value="{period.start_on}"', page)
        assert re.search(rf'name="contract_end"[^>]*value="{period.planned_end_on}"', page)
        assert f"Jakso: {start}–{end}" in page

    def test_a_new_contract_names_the_periods_unit_as_the_employer(self, client, jobcenter, coach):
        """The unit the Jobcenter period takes place at is where the paid job is."""
        client_, period = jobcenter
        unit = UnitFactory(name_fi="Kaupungin palkkatyöpaikat")
        PathwayStep.objects.filter(pk=period.pk).update(unit=unit)
        login(client, coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{period.pk}/contract/").content.decode()
        assert re.search(rf'<option value="{unit.pk}" selected>', page)

    def test_a_saved_contract_keeps_its_own_dates(self, client, jobcenter, coach):
        client_, period = jobcenter
        start = period.start_on + datetime.timedelta(days=7)
        end = period.planned_end_on - datetime.timedelta(days=7)
        login(client, coach)
        client.post(
            f"/clients/{client_.uuid}/steps/{period.pk}/contract/", self.contract(start, end)
        )
        page = client.get(f"/clients/{client_.uuid}/steps/{period.pk}/contract/").content.decode()
        assert re.search(rf'name="contract_start"[^>]*value="{start}"', page)
        assert re.search(rf'name="contract_end"[^>]*value="{end}"', page)

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"weekly_hours": "41"}, "weekly_hours", "enintään 40"),
            ({"weekly_hours": "0"}, "weekly_hours", "enemmän kuin 0"),
            ({"hourly_wage": "0"}, "hourly_wage", "Tuntipalkan on oltava enemmän kuin 0 €."),
        ],
    )
    def test_hours_and_wage_out_of_range_are_refused_next_to_the_field(
        self, client, jobcenter, coach, change, field, message
    ):
        client_, period = jobcenter
        login(client, coach)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{period.pk}/contract/",
            {**self.contract(period.start_on, period.planned_end_on), **change},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in field_errors(page, field)
        assert "jobcenter_" not in page  # no constraint name reaches the user
        assert not JobcenterContract.objects.exists()


class TestStepPages:
    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            (
                {"planned_end_on": "past"},
                "planned_end_on",
                "Suunniteltu päättyminen ei voi olla ennen jakson alkamista.",
            ),
            ({"days_per_week": "9"}, "days_per_week", "Päiviä viikossa on 1–7."),
            ({"hours_per_day": "30"}, "hours_per_day", "enintään 24"),
        ],
    )
    def test_dates_and_schedule_out_of_range_are_refused_next_to_the_field(
        self, client, worker, client_of, today, fields, field, message
    ):
        client_ = client_of()
        login(client, worker)
        data = {
            "start_on": today.isoformat(),
            "planned_end_on": (today + datetime.timedelta(days=120)).isoformat(),
            "days_per_week": "3",
            "hours_per_day": "5",
            "goal": "Arjen rytmi",
            "support_given": "Työvalmennus",
            **fields,
        }
        if data["planned_end_on"] == "past":
            data["planned_end_on"] = (today - datetime.timedelta(days=1)).isoformat()
        response = client.post(
            f"/clients/{client_.uuid}/steps/new/?type=rehabilitative_work_activity", data
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert message in field_errors(page, field)
        assert "step_" not in page  # no constraint name reaches the user
        assert not PathwayStep.objects.filter(client=client_).exists()

    def test_planning_a_step_through_the_page(self, client, worker, client_of, today):
        client_ = client_of()
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/new/",
            {"type": "supported_employment", "start_on": today.isoformat()},
        )
        assert response.status_code == 302
        step = PathwayStep.objects.get(client=client_)
        assert step.service_type.code == "supported_employment"
        assert logged(client_, "pathways.step.planned") == 1

    def test_changing_a_step_through_the_page(self, client, worker, client_of, today):
        client_ = client_of()
        step = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="supported_employment"),
            start_on=today,
        )
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/edit/",
            {"start_on": today.isoformat(), "goal": "Kokoaikatyö"},
        )
        assert response.status_code == 302
        step.refresh_from_db()
        # The phase is the coach's record (test_ips_phase.py); planning leaves it as it was.
        assert (step.goal, step.ips_phase) == ("Kokoaikatyö", "agreement")
        assert logged(client_, "pathways.step.changed") == 1

    def test_pausing_a_step(self, client, worker, client_of, today):
        client_ = client_of()
        step = make_step(client_, "education", created_by=worker, start_on=today)
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/pause/",
            {"paused_on": today.isoformat(), "reason": "Sairausloma"},
        )
        assert response.status_code == 302
        step.refresh_from_db()
        assert (step.status, step.paused_on, step.pause_reason) == (
            StepStatus.PAUSED,
            today,
            "Sairausloma",
        )
        assert logged(client_, "pathways.step.status_changed") == 1

    def test_ending_a_step_through_the_page(self, client, worker, client_of, today):
        client_ = client_of()
        step = make_step(
            client_,
            "education",
            created_by=worker,
            start_on=today - datetime.timedelta(days=30),
            planned_end_on=today,
        )
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/end/",
            {"ended_on": today.isoformat(), "end_reason": "completed", "exit_outcome": "studies"},
        )
        assert response.status_code == 302
        step.refresh_from_db()
        assert (step.status, step.exit_outcome) == (StepStatus.ENDED, "studies")
        assert logged(client_, "pathways.step.ended") == 1


class TestCoachCaseload:
    """The caseload warning on the IPS step page: over 20 active clients per coach."""

    @pytest.mark.parametrize(("clients", "warned"), [(20, False), (21, True)])
    def test_warned_over_20(self, client, worker, client_of, today, job_coach, clients, warned):
        steps = [
            make_step(
                # Different birth dates: identity codes of one day could collide.
                client_of(age=20 + index),
                "supported_employment",
                created_by=worker,
                start_on=today - datetime.timedelta(days=5),
                coach=job_coach,
            )
            for index in range(clients)
        ]
        # An ended step does not count toward the caseload.
        make_step(
            client_of(age=50),
            "supported_employment",
            created_by=worker,
            start_on=today - datetime.timedelta(days=50),
            coach=job_coach,
            status=StepStatus.ENDED,
            ended_on=today,
            end_reason="completed",
            exit_outcome="open_market_job",
        )
        login(client, worker)
        page = client.get(f"/clients/{steps[0].client.uuid}/steps/{steps[0].pk}/").content
        text = page.decode()
        assert ("Valmentajalla on 21 aktiivista asiakasta" in text) is warned
        assert ("suositus on enintään 20" in text) is warned

    def test_the_limit_is_the_one_in_force_today_naming_its_source(
        self, client, worker, client_of, today, job_coach
    ):
        """The caseload is the coach's today, so the limit is the rule set in force today
        (the client's organisation's own, else the general one), not the one in force when
        the step happened to start: an IPS step has no end, and its start-date rules would
        hold the coach to an old limit on one client's page and a new one on another's."""
        organisation = worker.role_assignments.get().unit.organisation
        steps = [
            make_step(
                client_of(age=20 + index, organisation=organisation),
                "supported_employment",
                created_by=worker,
                start_on=today - datetime.timedelta(days=60),
                coach=job_coach,
            )
            for index in range(3)
        ]
        # The organisation's own limit from ten days ago: after the steps started.
        ServiceRuleSetFactory(
            service_type=ServiceType.objects.get(code="supported_employment"),
            organisation=organisation,
            valid_from=today - datetime.timedelta(days=10),
            coach_caseload_warning=2,
            source="Organisaation oma käytäntö",
        )
        assert steps[0].rule_set.coach_caseload_warning == 20
        login(client, worker)
        text = client.get(f"/clients/{steps[0].client.uuid}/steps/{steps[0].pk}/").content.decode()
        assert "Valmentajalla on 3 aktiivista asiakasta; suositus on enintään 2" in text
        assert "Organisaation oma käytäntö" in text


@pytest.mark.parametrize(
    ("field", "day"),
    [("start_on", "9999-12-31"), ("planned_end_on", "9999-12-31"), ("start_on", "0001-01-01")],
)
def test_a_step_date_out_of_range_is_refused_next_to_the_field(
    client, worker, client_of, today, field, day
):
    """A period's end is reckoned months from its start: a date out of range is refused before."""
    client_ = client_of()
    login(client, worker)
    response = client.post(
        f"/clients/{client_.uuid}/steps/new/",
        {
            "type": "rehabilitative_work_activity",
            "start_on": today.isoformat(),
            "planned_end_on": (today + datetime.timedelta(days=120)).isoformat(),
            "days_per_week": "3",
            "hours_per_day": "5",
            field: day,
        },
    )
    assert response.status_code == 200
    assert field_errors(response.text, field) == RANGE_ERROR
    assert not PathwayStep.objects.filter(client=client_).exists()


class TestAlongsideNotice:
    """The planning form says beforehand what the rules need beside the step, as plan_step
    treats it: a mutual companion is planned with it, anything else must come first."""

    def page(self, client, worker, client_, code):
        login(client, worker)
        return client.get(f"/clients/{client_.uuid}/steps/new/?type={code}").content.decode()

    def test_work_activity_brings_its_work_coaching(self, client, worker, client_of):
        page = self.page(client, worker, client_of(), "rehabilitative_work_activity")
        assert "Jakson rinnalle suunnitellaan samalla samoille päiville: Työvalmennus" in page
        assert "suunnittele ne ensin" not in page

    def test_a_jobcenter_period_needs_its_companions_planned_first(self, client, worker, client_of):
        page = self.page(client, worker, client_of(), "jobcenter_paid_work")
        assert "suunnitellaan samalla" not in page
        # Whether or not the client has it already: it is said as a condition.
        assert (
            "Jakso voi olla vain tämän rinnalla: Työvalmennus. Jos asiakkaalla ei vielä ole sitä, "
            "suunnittele se ensin." in page
        )
        assert "Työvalmennus" in page

    def test_a_service_with_no_companions_says_nothing(self, client, worker, client_of):
        page = self.page(client, worker, client_of(), "social_rehabilitation")
        assert "rinnalle" not in page and "rinnalla" not in page


class TestCertificateLink:
    """A competence certificate is given at or after the workshop period's end too: the ended
    period's page links to it; a period cancelled before it started has none."""

    def workshop(self, worker, client_of, workshop_unit, today, **fields):
        start = today - datetime.timedelta(days=30)
        return make_step(
            client_of(age=20),
            "youth_workshop",
            created_by=worker,
            start_on=start,
            unit=workshop_unit,
            status=StepStatus.ENDED,
            # A cancelled period ends on its start date, as the mark of the cancellation.
            ended_on=start if fields.get("end_reason") == "cancelled" else today,
            **fields,
        )

    def test_an_ended_workshop_period_links_to_its_certificate(
        self, client, worker, client_of, workshop_unit, today
    ):
        step = self.workshop(
            worker, client_of, workshop_unit, today, end_reason="completed", exit_outcome="studies"
        )
        login(client, worker)
        base = f"/clients/{step.client.uuid}/steps/{step.pk}/"
        assert f'href="{base}certificates/new/"' in client.get(base).content.decode()
        response = client.post(
            f"{base}certificates/new/", {"issued_on": today.isoformat(), "competences": "Puutyöt"}
        )
        assert response.status_code == 302
        assert step.certificates.get().issued_on == today

    def test_a_cancelled_workshop_period_has_no_link(
        self, client, worker, client_of, workshop_unit, today
    ):
        step = self.workshop(
            worker,
            client_of,
            workshop_unit,
            today,
            end_reason="cancelled",
            cancellation_reason="Asiakas aloitti opinnot",
        )
        login(client, worker)
        base = f"/clients/{step.client.uuid}/steps/{step.pk}/"
        assert f'href="{base}certificates/new/"' not in client.get(base).content.decode()
