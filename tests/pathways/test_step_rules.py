"""Each rule of a pathway step at its allowed edge and its refused edge; the rule set in force decides."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from clients.factories import make_plan
from clients.models import ClientPlan
from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from pathways.step_rules import period_end_limit, period_month, period_month_start
from services import actions as service_actions
from services.factories import UnitFactory
from services.models import ServiceRuleSet, ServiceType, UnitKind
from tests.conftest import field_errors, login
from tests.pathways.conftest import save_contract

REHAB = "rehabilitative_work_activity"


def service(code):
    return ServiceType.objects.get(code=code)


def rehab_fields(start, **overrides):
    fields = {
        "service_type": service(REHAB),
        "start_on": start,
        "planned_end_on": period_end_limit(start, 6),
        "days_per_week": 3,
        "hours_per_day": Decimal(5),
        "goal": "Arjen rytmi",
        "support_given": "Työvalmennus",
    }
    return {**fields, **overrides}


def refused(field_or_text, call):
    with pytest.raises(ValidationError) as error:
        call()
    text = " ".join(error.value.messages)
    assert field_or_text in text or field_or_text in getattr(error.value, "error_dict", {}), text
    return text


class TestRehabilitativeWorkActivity:
    def test_the_goal_and_the_support_each_say_what_they_lack(self, worker, client_of, today):
        with pytest.raises(ValidationError) as error:
            actions.plan_step(
                client=client_of(),
                planned_by=worker,
                **{**rehab_fields(today), "goal": "", "support_given": ""},
            )
        errors = error.value.message_dict
        assert errors["goal"][0].startswith("Kirjaa jakson tavoite aktivointisuunnitelman")
        assert errors["support_given"][0].startswith("Kirjaa annettava tuki aktivointisuunnitelman")

    def test_24_months_accepted_24_months_and_a_day_refused(self, worker, client_of, today):
        client = client_of()
        start = today
        step = actions.plan_step(
            client=client,
            planned_by=worker,
            **rehab_fields(start, planned_end_on=period_end_limit(start, 24)),
        )
        assert step.pk and step.rule_set.max_duration_months == 24
        other = client_of()
        text = refused(
            "24 kuukautta",
            lambda: actions.plan_step(
                client=other,
                planned_by=worker,
                **rehab_fields(
                    start, planned_end_on=period_end_limit(start, 24) + datetime.timedelta(days=1)
                ),
            ),
        )
        assert "(Laki kuntouttavasta työtoiminnasta 189/2001)" in text
        assert not PathwayStep.objects.filter(client=other).exists()

    def test_the_refusal_names_the_statute_in_the_readers_language(self, worker, client_of, today):
        too_long = rehab_fields(
            today, planned_end_on=period_end_limit(today, 24) + datetime.timedelta(days=1)
        )
        expected = {
            "sv": "(Lag om arbetsverksamhet i rehabiliteringssyfte 189/2001)",
            "en": "(Act on Rehabilitative Work Activity 189/2001)",
        }
        for language, statute in expected.items():
            with translation.override(language):
                text = refused(
                    statute,
                    lambda: actions.plan_step(client=client_of(), planned_by=worker, **too_long),
                )
            assert "Laki kuntouttavasta" not in text
        # A source an administrator writes is not in the catalogue and is shown as written.
        rule_set = ServiceRuleSet.objects.in_force(service(REHAB), None, today)
        rule_set.source = "Kaupunginhallituksen päätös 12/2026"
        with translation.override("sv"):
            assert rule_set.translated_source == "Kaupunginhallituksen päätös 12/2026"

    def test_at_least_3_months(self, worker, client_of, today):
        refused(
            "vähintään 3 kuukautta",
            lambda: actions.plan_step(
                client=client_of(),
                planned_by=worker,
                **rehab_fields(
                    today, planned_end_on=period_end_limit(today, 3) - datetime.timedelta(days=1)
                ),
            ),
        )
        assert actions.plan_step(
            client=client_of(),
            planned_by=worker,
            **rehab_fields(today, planned_end_on=period_end_limit(today, 3)),
        )

    @pytest.mark.parametrize(("days", "ok"), [(1, True), (4, True), (5, False)])
    def test_1_to_4_days_a_week(self, worker, client_of, today, days, ok):
        call = lambda: actions.plan_step(
            client=client_of(), planned_by=worker, **rehab_fields(today, days_per_week=days)
        )
        if ok:
            assert call().days_per_week == days
        else:
            refused("1–4 päivänä viikossa", call)

    @pytest.mark.parametrize(("hours", "ok"), [(Decimal("4"), True), (Decimal("3.75"), False)])
    def test_at_least_4_hours_a_day(self, worker, client_of, today, hours, ok):
        call = lambda: actions.plan_step(
            client=client_of(), planned_by=worker, **rehab_fields(today, hours_per_day=hours)
        )
        if ok:
            assert call()
        else:
            refused("vähintään 4 tuntia", call)

    def test_needs_an_activation_plan(self, worker, client_of, today):
        refused(
            "suunnitelmaa",
            lambda: actions.plan_step(
                client=client_of(plan=False), planned_by=worker, **rehab_fields(today)
            ),
        )

    def test_a_draft_revision_of_the_plan_leaves_the_agreed_plan_in_force(
        self, worker, client_of, today
    ):
        client = client_of()  # has an active activation plan
        make_plan(client, worker, plan_type="activation_plan", status="draft")
        assert actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))

    def test_the_plan_named_on_the_step_must_be_the_required_one(self, worker, client_of, today):
        client = client_of()  # has a current activation plan
        activation = client.plans.current().get(plan_type="activation_plan")
        other = make_plan(client, worker, plan_type="client_plan")
        refused(
            "suunnitelmaa",
            lambda: actions.plan_step(
                client=client, planned_by=worker, **rehab_fields(today, plan=other)
            ),
        )
        assert not PathwayStep.objects.filter(client=client).exists()
        step = actions.plan_step(
            client=client, planned_by=worker, **rehab_fields(today, plan=activation)
        )
        assert step.plan == activation

    def test_work_coaching_is_planned_with_it(self, worker, client_of, today, coach):
        client = client_of()
        actions.plan_step(client=client, planned_by=worker, coach=coach, **rehab_fields(today))
        codes = sorted(
            PathwayStep.objects.filter(client=client).values_list("service_type__code", flat=True)
        )
        assert codes == [REHAB, "work_coaching"]
        assert client.memberships.filter(user=coach, role="coach", ended_on__isnull=True).exists()

    def test_a_period_cannot_just_run_out(self, worker, client_of, today):
        step = actions.plan_step(client=client_of(), planned_by=worker, **rehab_fields(today))
        refused(
            "arvioinnin päätös",
            lambda: actions.end_step(
                step=step,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                exit_outcome="other_service",
            ),
        )
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            exit_outcome="other_service",
            review_decision="move",
        )

    def test_a_later_rule_set_changes_the_outcome_for_steps_starting_after_it(
        self, worker, client_of, today
    ):
        current = ServiceRuleSet.objects.in_force(REHAB, None, today)
        change_on = today + datetime.timedelta(days=10)
        service_actions.supersede_rule_set(
            current=current,
            valid_from=change_on,
            changes={"max_duration_months": 12, "warning_month": 10},
            by=worker,
        )
        before = today + datetime.timedelta(days=9)
        after = today + datetime.timedelta(days=10)
        assert actions.plan_step(
            client=client_of(),
            planned_by=worker,
            **rehab_fields(before, planned_end_on=period_end_limit(before, 18)),
        )
        refused(
            "12 kuukautta",
            lambda: actions.plan_step(
                client=client_of(),
                planned_by=worker,
                **rehab_fields(after, planned_end_on=period_end_limit(after, 18)),
            ),
        )


class TestJobcenter:
    def jobcenter(self, today, **overrides):
        return {
            "service_type": service("jobcenter_paid_work"),
            "start_on": today,
            "planned_end_on": today + datetime.timedelta(days=30),
            **overrides,
        }

    def with_contract(self, worker, client_of, today, contract_end):
        """A paid period from today with its contract to `contract_end` and studies planned
        to follow it: (the period, the follow-on, the contract's fields)."""
        client_ = client_of()
        actions.plan_step(client=client_, planned_by=worker, **rehab_fields(today))
        period = actions.plan_step(client=client_, planned_by=worker, **self.jobcenter(today))
        contract = {
            "employer_name": "Kaupunkiympäristö",
            "job_title": "Puistotyöntekijä",
            "weekly_hours": Decimal(30),
            "hourly_wage": Decimal("12.50"),
            "contract_start": today,
            "contract_end": contract_end,
        }
        actions.save_jobcenter_contract(step=period, saved_by=worker, **contract)
        # Studies follow once the work activity has ended: they may not run alongside it.
        follow_on = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=service("education"),
            start_on=period_end_limit(today, 6) + datetime.timedelta(days=1),
        )
        return period, follow_on, contract

    def test_needs_work_activity_with_work_coaching(self, worker, client_of, today):
        client = client_of()
        text = refused(
            "rinnalla",
            lambda: actions.plan_step(client=client, planned_by=worker, **self.jobcenter(today)),
        )
        assert "työvalmennus" in text.lower()
        actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
        assert actions.plan_step(client=client, planned_by=worker, **self.jobcenter(today))

    def test_income_clarification_for_disability_services_clients(self, worker, client_of, today):
        client = client_of()
        make_step(
            client,
            "disability_work_activity",
            created_by=worker,
            start_on=today - datetime.timedelta(days=5),
            planned_end_on=today + datetime.timedelta(days=200),
            days_per_week=3,
            hours_per_day=5,
        )
        make_step(
            client,
            "work_coaching",
            created_by=worker,
            start_on=today - datetime.timedelta(days=5),
            planned_end_on=today + datetime.timedelta(days=200),
        )
        refused(
            "tuloselvitys",
            lambda: actions.plan_step(client=client, planned_by=worker, **self.jobcenter(today)),
        )
        assert actions.plan_step(
            client=client,
            planned_by=worker,
            income_clarification="Palkka 600 €/kk: ei vaikuta eläkkeeseen.",
            **self.jobcenter(today),
        )

    def test_cannot_close_without_a_follow_on_step(self, worker, client_of, today):
        client = client_of()
        actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
        period = actions.plan_step(client=client, planned_by=worker, **self.jobcenter(today))
        save_contract(period, worker, today, today)
        refused(
            "jatkopolkua",
            lambda: actions.end_step(
                step=period,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                exit_outcome="open_market_job",
            ),
        )
        period.refresh_from_db()
        assert period.status == StepStatus.ACTIVE and period.ended_on is None
        # Studies follow once the work activity has ended: they may not run alongside it.
        follow_on = actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=service("education"),
            start_on=period_end_limit(today, 6) + datetime.timedelta(days=1),
        )
        ended = actions.end_step(
            step=period,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            next_step=follow_on,
        )
        assert ended.status == StepStatus.ENDED and ended.next_step == follow_on

    def test_a_period_has_a_planned_end(self, worker, client_of, today):
        client = client_of()
        actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
        text = refused(
            "planned_end_on",
            lambda: actions.plan_step(
                client=client, planned_by=worker, **self.jobcenter(today, planned_end_on=None)
            ),
        )
        assert "lyhyt palkkatyöjakso" in text

    def test_the_period_keeps_covering_its_recorded_contract(self, worker, client_of, today):
        client = client_of()
        actions.plan_step(client=client, planned_by=worker, **rehab_fields(today))
        period = actions.plan_step(client=client, planned_by=worker, **self.jobcenter(today))
        actions.save_jobcenter_contract(
            step=period,
            saved_by=worker,
            employer_name="Kaupunkiympäristö",
            job_title="Puistotyöntekijä",
            weekly_hours=Decimal(30),
            hourly_wage=Decimal("12.50"),
            contract_start=today,
            contract_end=period.planned_end_on,
        )
        text = refused(
            "Muuta ensin työsopimusta",
            lambda: actions.update_step(
                step=period,
                changed_by=worker,
                planned_end_on=period.planned_end_on - datetime.timedelta(days=1),
            ),
        )
        assert f"{today:%-d.%-m.%Y}–" in text
        period.refresh_from_db()
        assert period.planned_end_on == today + datetime.timedelta(days=30)

    def test_a_period_ending_before_its_contract_has_the_contract_corrected_first(
        self, worker, client_of, today
    ):
        """The work ended early: the contract's recorded end is corrected first, so the period
        and the contract agree (nothing can be corrected on an ended period's contract)."""
        last = today + datetime.timedelta(days=10)
        period, follow_on, contract = self.with_contract(worker, client_of, today, last)
        end = {"ended_by": worker, "ended_on": today, "end_reason": "completed"}
        text = refused(
            "ended_on", lambda: actions.end_step(step=period, next_step=follow_on, **end)
        )
        assert text == (
            f"Työsopimus on kirjattu päättymään {last:%-d.%-m.%Y}. Jos työ päättyi aiemmin, "
            "muuta ensin työsopimuksen päättymispäivä: jakso kattaa työsopimuksen."
        )
        period.refresh_from_db()
        assert period.status != StepStatus.ENDED
        actions.save_jobcenter_contract(
            step=period, saved_by=worker, **{**contract, "contract_end": today}
        )
        assert actions.end_step(step=period, next_step=follow_on, **end).ended_on == today

    def test_an_ended_periods_contract_stays_as_it_was(self, client, worker, client_of, today):
        # The work ended the day it began: the period ends then.
        period, follow_on, contract = self.with_contract(worker, client_of, today, today)
        actions.end_step(
            step=period,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            next_step=follow_on,
        )
        refused(
            "Päättyneen jakson työsopimusta ei voi muuttaa.",
            lambda: actions.save_jobcenter_contract(
                step=period, saved_by=worker, **{**contract, "weekly_hours": Decimal(35)}
            ),
        )
        period.refresh_from_db()
        assert period.jobcenter_contract.weekly_hours == 30
        login(client, worker)
        url = f"/clients/{period.client.uuid}/steps/{period.pk}/contract/"
        assert client.get(url).status_code == 404


class TestOtherServices:
    def test_supported_employment_has_no_end_date(self, worker, client_of, today):
        step = actions.plan_step(
            client=client_of(),
            planned_by=worker,
            service_type=service("supported_employment"),
            start_on=today,
        )
        assert step.planned_end_on is None

    def test_social_rehabilitation_needs_a_decision_reference(self, worker, client_of, today):
        fields = {"service_type": service("social_rehabilitation"), "start_on": today}
        client = client_of()
        make_plan(client, worker, plan_type="client_plan")
        refused(
            "päätöksen tunnus",
            lambda: actions.plan_step(client=client, planned_by=worker, **fields),
        )
        assert actions.plan_step(
            client=client, planned_by=worker, decision_reference="SOS-2026-118", **fields
        )

    @pytest.mark.parametrize(
        ("code", "field", "fields", "statute"),
        [
            (
                "social_rehabilitation",
                "decision_reference",
                {},
                "(Sosiaalihuoltolaki 1301/2014, 17 §)",
            ),
            (
                REHAB,
                "goal",
                {"goal": "", "support_given": ""},
                "(Laki kuntouttavasta työtoiminnasta 189/2001)",
            ),
        ],
    )
    def test_what_must_be_recorded_names_the_rule_sets_source(
        self, worker, client_of, today, code, field, fields, statute
    ):
        """The reference rule sets name the statute; a rule set superseding them with
        another source is what a refusal after its start names."""
        later = today + datetime.timedelta(days=10)

        def plan(start):
            client = client_of()
            make_plan(client, worker, plan_type="client_plan")
            base = rehab_fields(start) if code == REHAB else {"start_on": start}
            with pytest.raises(ValidationError) as error:
                actions.plan_step(
                    client=client,
                    planned_by=worker,
                    **{**base, "service_type": service(code), **fields},
                )
            return " ".join(error.value.message_dict[field])

        assert statute in plan(today)
        service_actions.supersede_rule_set(
            current=ServiceRuleSet.objects.in_force(code, None, today),
            valid_from=later,
            changes={"source": "Hyvinvointialueen ohje 2026"},
            by=worker,
        )
        assert statute in plan(later - datetime.timedelta(days=1))
        text = plan(later)
        assert "(Hyvinvointialueen ohje 2026)" in text and statute not in text

    @pytest.mark.parametrize(("age", "ok"), [(17, True), (29, True), (16, False), (30, False)])
    def test_youth_workshop_is_for_ages_17_to_29(
        self, worker, client_of, today, age, ok, workshop_unit
    ):
        fields = {
            "service_type": service("youth_workshop"),
            "start_on": today,
            "unit": workshop_unit,
            "planned_end_on": period_end_limit(today, 6),
            "days_per_week": 4,
            "hours_per_day": Decimal(6),
        }
        call = lambda: actions.plan_step(client=client_of(age=age), planned_by=worker, **fields)
        if ok:
            assert call()
        else:
            refused("17–29", call)

    def test_youth_workshop_takes_place_in_a_workshop(
        self, worker, client_of, today, unit, workshop_unit
    ):
        fields = {
            "service_type": service("youth_workshop"),
            "start_on": today,
            "planned_end_on": period_end_limit(today, 6),
            "days_per_week": 4,
            "hours_per_day": Decimal(6),
        }
        client = client_of(age=20)
        refused(
            "Valitse työpaja",
            lambda: actions.plan_step(client=client, planned_by=worker, unit=unit, **fields),
        )
        assert actions.plan_step(client=client, planned_by=worker, unit=workshop_unit, **fields)

    def test_youth_workshop_period_at_most_8_months_in_essote(
        self, worker, client_of, today, workshop_unit, essote
    ):
        fields = {
            "service_type": service("youth_workshop"),
            "start_on": today,
            "unit": workshop_unit,
            "days_per_week": 4,
            "hours_per_day": Decimal(6),
        }
        assert actions.plan_step(
            client=client_of(organisation=essote),
            planned_by=worker,
            planned_end_on=period_end_limit(today, 8),
            **fields,
        )
        text = refused(
            "8 kuukautta",
            lambda: actions.plan_step(
                client=client_of(organisation=essote),
                planned_by=worker,
                planned_end_on=period_end_limit(today, 8) + datetime.timedelta(days=1),
                **fields,
            ),
        )
        assert "Essoten käytäntö" in text

    def test_youth_workshop_period_at_least_3_months_in_essote(
        self, worker, client_of, today, workshop_unit, essote
    ):
        fields = {
            "service_type": service("youth_workshop"),
            "start_on": today,
            "unit": workshop_unit,
            "days_per_week": 4,
            "hours_per_day": Decimal(6),
        }
        assert actions.plan_step(
            client=client_of(organisation=essote),
            planned_by=worker,
            planned_end_on=period_end_limit(today, 3),
            **fields,
        )
        refused(
            "vähintään 3 kuukautta",
            lambda: actions.plan_step(
                client=client_of(organisation=essote),
                planned_by=worker,
                planned_end_on=period_end_limit(today, 3) - datetime.timedelta(days=1),
                **fields,
            ),
        )

    def test_a_workshops_own_period_limits_apply_to_a_client_of_another_organisation(
        self, worker, client_of, today, essote
    ):
        """Essote's workshop keeps Essote's 3–8 months for a client whose county has no
        rules of its own: the unit arranging the step decides before the client's county."""
        essote_workshop = UnitFactory(
            kind=UnitKind.YOUTH_WORKSHOP, organisation=essote, name_fi="Essoten puutyöpaja"
        )
        fields = {
            "service_type": service("youth_workshop"),
            "start_on": today,
            "unit": essote_workshop,
            "days_per_week": 4,
            "hours_per_day": Decimal(6),
        }
        client = client_of()
        assert client.responsible_unit.organisation != essote
        text = refused(
            "8 kuukautta",
            lambda: actions.plan_step(
                client=client,
                planned_by=worker,
                planned_end_on=period_end_limit(today, 8) + datetime.timedelta(days=1),
                **fields,
            ),
        )
        assert "Essoten käytäntö" in text
        step = actions.plan_step(
            client=client, planned_by=worker, planned_end_on=period_end_limit(today, 8), **fields
        )
        assert step.rule_set.organisation == essote

    def test_a_unit_of_an_organisation_without_rules_of_its_own_leaves_the_clients(
        self, worker, client_of, today, essote, workshop_unit
    ):
        assert workshop_unit.organisation != essote
        step = actions.plan_step(
            client=client_of(organisation=essote),
            planned_by=worker,
            service_type=service("youth_workshop"),
            start_on=today,
            unit=workshop_unit,
            planned_end_on=period_end_limit(today, 8),
            days_per_week=4,
            hours_per_day=Decimal(6),
        )
        assert step.rule_set.organisation == essote

    def test_youth_workshop_needs_a_workshop_naming_the_source(self, worker, client_of, today):
        text = refused(
            "Valitse työpaja",
            lambda: actions.plan_step(
                client=client_of(),
                planned_by=worker,
                service_type=service("youth_workshop"),
                start_on=today,
                planned_end_on=period_end_limit(today, 6),
                days_per_week=4,
                hours_per_day=Decimal(6),
            ),
        )
        # A client outside Essote: the general rule set, the Youth Act.
        assert "(Nuorisolaki 1285/2016)" in text and "Essoten käytäntö" not in text

    @pytest.mark.parametrize(
        ("amount", "ok"), [(Decimal("12.00"), True), (Decimal("12.01"), False)]
    )
    def test_open_work_compensation_at_most_12_euros_a_day_in_essote(
        self, worker, client_of, today, amount, ok, essote
    ):
        fields = {
            "service_type": service("open_work"),
            "start_on": today,
            "daily_compensation": amount,
            "effects_discussed_on": today,
            "days_per_week": 3,
        }
        call = lambda: actions.plan_step(
            client=client_of(organisation=essote), planned_by=worker, **fields
        )
        if ok:
            assert call()
        else:
            assert "Essoten käytäntö" in refused("12 € päivässä", call)

    def test_open_work_records_the_discussion_of_effects(self, worker, client_of, today):
        text = refused(
            "asumistukeen",
            lambda: actions.plan_step(
                client=client_of(),
                planned_by=worker,
                service_type=service("open_work"),
                start_on=today,
                daily_compensation=Decimal(10),
                days_per_week=3,
            ),
        )
        assert "(Sosiaalihuoltolaki 1301/2014, 27 e §)" in text and "Essoten käytäntö" not in text

    def test_open_work_discussion_of_effects_took_place_not_in_the_future(
        self, worker, client_of, today
    ):
        fields = {
            "service_type": service("open_work"),
            "start_on": today,
            "daily_compensation": Decimal(10),
            "days_per_week": 3,
        }
        client = client_of()
        tomorrow = today + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            actions.plan_step(
                client=client, planned_by=worker, effects_discussed_on=tomorrow, **fields
            )
        assert "ei voi olla tulevaisuudessa" in error.value.message_dict["effects_discussed_on"][0]
        assert not PathwayStep.objects.filter(client=client).exists()
        assert actions.plan_step(
            client=client, planned_by=worker, effects_discussed_on=today, **fields
        )

    def test_open_work_records_its_compensation_naming_the_source(self, worker, client_of, today):
        text = refused(
            "päiväkohtainen korvaus",
            lambda: actions.plan_step(
                client=client_of(),
                planned_by=worker,
                service_type=service("open_work"),
                start_on=today,
                effects_discussed_on=today,
                days_per_week=3,
            ),
        )
        assert "(Sosiaalihuoltolaki 1301/2014, 27 e §)" in text and "Essoten käytäntö" not in text

    def test_open_work_attendance_compensation_cap(self, worker, client_of, today, essote):
        step = actions.plan_step(
            client=client_of(organisation=essote),
            planned_by=worker,
            service_type=service("open_work"),
            start_on=today - datetime.timedelta(days=20),
            daily_compensation=Decimal(10),
            effects_discussed_on=today,
            days_per_week=3,
        )
        day = today - datetime.timedelta(days=1)
        refused(
            "enintään 12 € päivässä",
            lambda: actions.record_week_attendance(
                step=step,
                recorded_by=worker,
                days={
                    day: {"present": True, "hours": Decimal(5), "compensation": Decimal("12.01")}
                },
            ),
        )
        assert not step.attendance.exists()
        actions.record_week_attendance(
            step=step,
            recorded_by=worker,
            days={day: {"present": True, "hours": Decimal(5), "compensation": Decimal("12.00")}},
        )
        assert step.attendance.get().compensation == Decimal("12.00")

    def test_steps_of_one_service_cannot_overlap(self, worker, client_of, today):
        client = client_of()
        actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=service("supported_employment"),
            start_on=today,
        )
        refused(
            "päällekkäin",
            lambda: actions.plan_step(
                client=client,
                planned_by=worker,
                service_type=service("supported_employment"),
                start_on=today + datetime.timedelta(days=40),
            ),
        )


def plan_rehab(worker, client, start, **overrides):
    return actions.plan_step(client=client, planned_by=worker, **rehab_fields(start, **overrides))


class TestEnding:
    def test_continue_needs_a_new_period_as_the_follow_on(self, worker, client_of, today):
        client = client_of()
        step = plan_rehab(worker, client, today - datetime.timedelta(days=100))
        text = refused(
            "uusi kuntouttavan työtoiminnan jakso",
            lambda: actions.end_step(
                step=step,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                exit_outcome="other_service",
                review_decision="continue",
            ),
        )
        assert "189/2001" in text
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE and not step.review_decision
        # Another service as the follow-on is a move, not a continuation.
        education = actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=service("education"),
            start_on=step.planned_end_on + datetime.timedelta(days=1),
            planned_end_on=step.planned_end_on + datetime.timedelta(days=30),
        )
        refused(
            "uusi kuntouttavan työtoiminnan jakso",
            lambda: actions.end_step(
                step=step,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                next_step=education,
                review_decision="continue",
            ),
        )
        # The review renews the activation plan: the new period rests on its new version.
        make_plan(client, worker, plan_type="activation_plan")
        new_period = actions.plan_step(
            client=client,
            planned_by=worker,
            # After the studies planned first: they may not run alongside work activity.
            **rehab_fields(
                education.planned_end_on + datetime.timedelta(days=1),
                goal="Työkokeiluun valmistautuminen",
            ),
        )
        ended = actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            next_step=new_period,
            review_decision="continue",
        )
        assert ended.review_decision == "continue" and ended.next_step == new_period

    def continue_into(self, worker, step, new_period):
        return lambda: actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=step.planned_end_on,
            end_reason="completed",
            next_step=new_period,
            review_decision="continue",
        )

    def periods(self, worker, client, today):
        """A period ending today under the client's activation plan, and a way to plan the next."""
        start = today - datetime.timedelta(days=150)
        old = plan_rehab(worker, client, start, planned_end_on=today)
        return old, lambda **fields: plan_rehab(
            worker, client, today + datetime.timedelta(days=1), **fields
        )

    def test_continue_under_the_same_unchanged_plan_is_refused(self, worker, client_of, today):
        client = client_of()
        step, plan_next = self.periods(worker, client, today)
        new_period = plan_next()
        text = refused(
            "on sama, jolla tämä jakso toteutui", self.continue_into(worker, step, new_period)
        )
        assert "(aktivointisuunnitelma tai monialainen suunnitelma, versio 1)" in text
        assert "(Laki kuntouttavasta työtoiminnasta 189/2001)" in text
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE and not step.review_decision

    def test_continue_under_a_plan_renewed_during_the_period_is_accepted(
        self, worker, client_of, today
    ):
        client = client_of()
        step, plan_next = self.periods(worker, client, today)
        renewed = make_plan(client, worker, plan_type="activation_plan")
        new_period = plan_next(plan=renewed)
        ended = self.continue_into(worker, step, new_period)()
        assert (ended.status, ended.review_decision, ended.next_step) == (
            StepStatus.ENDED,
            "continue",
            new_period,
        )

    @pytest.mark.parametrize(("days_ago", "renewed"), [(1, True), (0, False)])
    def test_a_version_agreed_on_the_periods_first_day_is_the_one_it_started_under(
        self, worker, client_of, today, days_ago, renewed
    ):
        """Agreed after the period was planned: a renewal from its second day on, not on its first."""
        client = client_of()
        step = plan_rehab(worker, client, today - datetime.timedelta(days=days_ago))
        make_plan(client, worker, plan_type="activation_plan")
        new_period = plan_rehab(worker, client, step.planned_end_on + datetime.timedelta(days=1))
        end = lambda: actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=today,
            end_reason="interrupted",
            next_step=new_period,
            review_decision="continue",
        )
        if renewed:
            assert end().next_step == new_period
        else:
            refused("on sama, jolla tämä jakso toteutui", end)

    def test_the_new_period_naming_the_ended_periods_plan_is_refused(
        self, worker, client_of, today
    ):
        """A renewed version exists, but the new period names the old one the ended period named."""
        client = client_of()
        old_plan = ClientPlan.objects.get(client=client, plan_type="activation_plan")
        step = plan_rehab(
            worker,
            client,
            today - datetime.timedelta(days=150),
            planned_end_on=today,
            plan=old_plan,
        )
        new_period = plan_rehab(worker, client, today + datetime.timedelta(days=1), plan=old_plan)
        renewed = make_plan(client, worker, plan_type="activation_plan")
        refused("versio 1", self.continue_into(worker, step, new_period))
        # Naming the renewed version in the new period makes it a continuation.
        new_period = actions.update_step(step=new_period, changed_by=worker, plan=renewed)
        assert self.continue_into(worker, step, new_period)().review_decision == "continue"

    def test_a_continuation_without_a_plan_in_force_is_refused(self, worker, client_of, today):
        client = client_of()
        step, plan_next = self.periods(worker, client, today)
        new_period = plan_next()
        ClientPlan.objects.filter(client=client).update(status="closed")
        refused("ei ole voimassa olevaa suunnitelmaa", self.continue_into(worker, step, new_period))

    def test_continue_under_the_same_plan_is_refused_next_to_the_field(
        self, client, worker, client_of, today
    ):
        client_ = client_of()
        step, plan_next = self.periods(worker, client_, today)
        new_period = plan_next()
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/end/",
            {
                "ended_on": today.isoformat(),
                "end_reason": "completed",
                "next_step": new_period.pk,
                "review_decision": "continue",
            },
        )
        assert response.status_code == 200
        assert "tallenna siitä uusi versio" in field_errors(
            response.content.decode(), "review_decision"
        )
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE

    def test_continue_without_a_new_period_is_refused_next_to_the_field(
        self, client, worker, client_of, today
    ):
        from tests.conftest import login

        client_ = client_of()
        step = plan_rehab(worker, client_, today - datetime.timedelta(days=100))
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/end/",
            {
                "ended_on": today.isoformat(),
                "end_reason": "completed",
                "exit_outcome": "open_market_job",
                "review_decision": "continue",
            },
        )
        assert response.status_code == 200
        page = response.content.decode()
        error = page[page.index('id="id_review_decision_error"') :][:600]
        assert "uusi kuntouttavan työtoiminnan jakso" in error
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE

    def test_review_decision_is_required_naming_the_act(self, worker, client_of, today):
        step = plan_rehab(worker, client_of(), today)
        text = refused(
            "arvioinnin päätös",
            lambda: actions.end_step(
                step=step,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                exit_outcome="studies",
            ),
        )
        assert "189/2001" in text

    def test_a_follow_on_step_already_taken_is_a_form_error_not_a_crash(
        self, client, worker, client_of, today
    ):
        from tests.conftest import login

        client_ = client_of()
        first = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=service("education"),
            start_on=today - datetime.timedelta(days=20),
            planned_end_on=today + datetime.timedelta(days=10),
        )
        second = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=service("kela_vocational_rehabilitation"),
            start_on=today - datetime.timedelta(days=20),
        )
        follow_on = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=service("work_trial"),
            start_on=today + datetime.timedelta(days=11),
        )
        actions.end_step(
            step=first, ended_by=worker, ended_on=today, end_reason="completed", next_step=follow_on
        )
        refused(
            "jo toisen jakson jatkopolku",
            lambda: actions.end_step(
                step=second,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                next_step=follow_on,
            ),
        )
        second.refresh_from_db()
        assert second.status == StepStatus.ACTIVE and second.next_step is None
        # Through the page: the taken step is not offered, and choosing it is a form error.
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{second.pk}/end/",
            {"ended_on": today.isoformat(), "end_reason": "completed", "next_step": follow_on.pk},
        )
        assert response.status_code == 200
        assert 'id="id_next_step_error"' in response.content.decode()


class TestCompanionsAndSources:
    def test_work_coaching_alone_is_refused(self, worker, client_of, today):
        client = client_of()
        text = refused(
            "rinnalla",
            lambda: actions.plan_step(
                client=client,
                planned_by=worker,
                service_type=service("work_coaching"),
                start_on=today,
                planned_end_on=today + datetime.timedelta(days=60),
            ),
        )
        assert "kuntouttava työtoiminta" in text.lower()
        assert not PathwayStep.objects.filter(client=client).exists()

    def test_jobcenter_with_work_activity_but_no_work_coaching_is_refused(
        self, worker, client_of, today
    ):
        client = client_of()
        # Straight to the database: planning it through the action adds the work coaching.
        make_step(
            client,
            REHAB,
            created_by=worker,
            start_on=today - datetime.timedelta(days=10),
            planned_end_on=today + datetime.timedelta(days=200),
            days_per_week=3,
            hours_per_day=5,
        )
        text = refused(
            "työvalmennus",
            lambda: actions.plan_step(
                client=client,
                planned_by=worker,
                service_type=service("jobcenter_paid_work"),
                start_on=today,
                planned_end_on=today + datetime.timedelta(days=30),
            ),
        )
        assert "Jobcenter-malli" in text
        assert not PathwayStep.objects.filter(
            client=client, service_type__code="jobcenter_paid_work"
        ).exists()

    def test_jobcenter_messages_name_their_source(self, worker, client_of, today):
        client = client_of()
        make_step(
            client,
            "disability_work_activity",
            created_by=worker,
            start_on=today - datetime.timedelta(days=5),
            planned_end_on=today + datetime.timedelta(days=200),
        )
        make_step(
            client,
            "work_coaching",
            created_by=worker,
            start_on=today - datetime.timedelta(days=5),
            planned_end_on=today + datetime.timedelta(days=200),
        )
        jobcenter = {
            "service_type": service("jobcenter_paid_work"),
            "start_on": today,
            "planned_end_on": today + datetime.timedelta(days=30),
        }
        text = refused(
            "tuloselvitys",
            lambda: actions.plan_step(client=client, planned_by=worker, **jobcenter),
        )
        assert "Jobcenter-malli" in text
        period = actions.plan_step(
            client=client, planned_by=worker, income_clarification="Selvitetty.", **jobcenter
        )
        text = refused(
            "ilman jatkopolkua",
            lambda: actions.end_step(
                step=period,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                exit_outcome="open_market_job",
            ),
        )
        assert "Jobcenter-malli" in text

    def test_supported_employment_with_an_end_date_is_refused(self, worker, client_of, today):
        client = client_of()
        text = refused(
            "ei ole päättymispäivää",
            lambda: actions.plan_step(
                client=client,
                planned_by=worker,
                service_type=service("supported_employment"),
                start_on=today,
                planned_end_on=today + datetime.timedelta(days=365),
            ),
        )
        assert "IPS" in text
        assert not PathwayStep.objects.filter(client=client).exists()
        step = actions.plan_step(
            client=client,
            planned_by=worker,
            service_type=service("supported_employment"),
            start_on=today,
        )
        refused(
            "ei ole päättymispäivää",
            lambda: actions.update_step(
                step=step, changed_by=worker, planned_end_on=today + datetime.timedelta(days=1)
            ),
        )


class TestEssotePractice:
    """The 12 €/day avotyö cap and 3–8 month workshop periods are Essote's, not everyone's."""

    def workshop(self, start, months, unit):
        return {
            "service_type": service("youth_workshop"),
            "start_on": start,
            "planned_end_on": period_end_limit(start, months),
            "unit": unit,
            "days_per_week": 4,
            "hours_per_day": Decimal(6),
        }

    def open_work(self, start, amount):
        return {
            "service_type": service("open_work"),
            "start_on": start,
            "daily_compensation": amount,
            # Discussed before the period starts (never in the future).
            "effects_discussed_on": start - datetime.timedelta(days=1),
            "days_per_week": 3,
        }

    def test_a_helsinki_client_is_not_held_to_essote_practice(
        self, worker, client_of, today, workshop_unit, essote
    ):
        start = today
        helsinki = client_of()
        assert helsinki.responsible_unit.organisation != essote
        workshop = actions.plan_step(
            client=helsinki, planned_by=worker, **self.workshop(start, 12, workshop_unit)
        )
        assert workshop.rule_set.organisation is None
        assert workshop.rule_set.max_duration_months is None
        paid = actions.plan_step(
            client=helsinki, planned_by=worker, **self.open_work(start, Decimal("15.00"))
        )
        assert paid.rule_set.compensation_cap_per_day is None
        assert paid.rule_set.compensation_is_not_wage

    def test_an_essote_client_is_held_to_essote_practice(
        self, worker, client_of, today, workshop_unit, essote
    ):
        start = today + datetime.timedelta(days=1)
        text = refused(
            "8 kuukautta",
            lambda: actions.plan_step(
                client=client_of(organisation=essote),
                planned_by=worker,
                **self.workshop(start, 12, workshop_unit),
            ),
        )
        assert "Essoten käytäntö" in text
        text = refused(
            "12 € päivässä",
            lambda: actions.plan_step(
                client=client_of(organisation=essote),
                planned_by=worker,
                **self.open_work(start, Decimal("15.00")),
            ),
        )
        assert "Essoten käytäntö" in text
        step = actions.plan_step(
            client=client_of(organisation=essote),
            planned_by=worker,
            **self.open_work(start, Decimal("12.00")),
        )
        assert step.rule_set.organisation == essote

    def test_loading_again_changes_nothing(self, today, essote):
        from django.apps import apps

        from services.reference import load_county_practice

        before = ServiceRuleSet.objects.count()
        load_county_practice(apps)
        assert ServiceRuleSet.objects.count() == before
        # The general rules never carried Essote's numbers in a database loaded fresh.
        general = ServiceRuleSet.objects.in_force("open_work", None, today)
        assert general.compensation_cap_per_day is None
        assert general.supersedes is None


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (datetime.date(2026, 1, 1), 24, datetime.date(2027, 12, 31)),
        (datetime.date(2026, 3, 15), 3, datetime.date(2026, 6, 14)),
        (datetime.date(2026, 1, 31), 3, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 3, 1), 3, datetime.date(2026, 5, 31)),
    ],
)
def test_a_period_of_months_ends_the_day_before_the_same_date_or_at_the_months_end(
    start, months, last_day
):
    assert period_end_limit(start, months) == last_day


@pytest.mark.parametrize(
    "start",
    [
        datetime.date(2024, 1, 31),
        datetime.date(2024, 1, 30),
        datetime.date(2024, 1, 29),
        datetime.date(2024, 2, 29),
        datetime.date(2024, 3, 31),
        datetime.date(2024, 3, 1),
        datetime.date(2024, 6, 15),
    ],
)
def test_month_m_begins_the_day_after_a_period_of_m_minus_one_months_ends(start):
    """One count of months for the reminder, the timeline and the duration limits."""
    assert period_month_start(start, 1) == start
    assert period_month(start, start) == 1
    assert period_month(start, start - datetime.timedelta(days=1)) == 0
    for month in range(2, 26):
        begins = period_month_start(start, month)
        assert begins - datetime.timedelta(days=1) == period_end_limit(start, month - 1)
        assert period_month(start, begins) == month
        assert period_month(start, begins - datetime.timedelta(days=1)) == month - 1


def test_month_21_from_the_last_of_january_begins_on_the_first_of_october():
    start = datetime.date(2024, 1, 31)
    assert period_month_start(start, 21) == datetime.date(2025, 10, 1)
    assert period_month(start, datetime.date(2025, 9, 30)) == 20
