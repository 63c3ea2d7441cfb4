"""Which services may run at the same time (DOMAIN.md, "Service types and their rules"): a step
whose period overlaps another open step of the client is refused unless either rule set
names the other's service (required, one of them required, or allowed alongside:
`may_run_alongside`), or neither rule set has a list of services allowed alongside
(`step_rules.may_run_together`). Planning, changing and the check of new rules all go through
`step_rules.check_step`."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from clients.factories import make_plan
from pathways import actions, step_rules
from pathways.models import PathwayStep, StepStatus
from services.factories import ServiceRuleSetFactory, ServiceTypeFactory, UnitFactory
from services.models import ServiceRuleSet, UnitKind
from tests.pathways.test_step_rules import rehab_fields, service

DAY = datetime.timedelta(days=1)


def day(value: datetime.date) -> str:
    return f"{value:%-d.%-m.%Y}"


def plan(client, worker, code, start, end=None, **fields):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=service(code),
        start_on=start,
        planned_end_on=end,
        **fields,
    )


def plan_rehab(client, worker, start, end, coach=None):
    """Rehabilitative work activity from `start` to `end`, its work coaching planned with it."""
    fields = rehab_fields(start, planned_end_on=end)
    return actions.plan_step(client=client, planned_by=worker, coach=coach, **fields)


def plan_workshop(client, worker, start, end):
    return plan(
        client,
        worker,
        "youth_workshop",
        start,
        end,
        unit=UnitFactory(kind=UnitKind.YOUTH_WORKSHOP, name_fi="Puutyöpaja"),
    )


def plan_open_work(client, worker, start, end):
    return plan(
        client,
        worker,
        "open_work",
        start,
        end,
        daily_compensation=Decimal("10.00"),
        effects_discussed_on=datetime.date.today() - DAY,
    )


def refusal(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def rehab_messages(of: str, rehab: PathwayStep) -> list[str]:
    """The refusals of a step of `of` during `rehab` and the work coaching planned with it:
    the work activity's rules (and the coaching's, of the same act) list what may run with
    them, and `of` is not among them."""
    return sorted(
        f"{of} ei voi olla samaan aikaan kuin jakso {name} "
        f"{day(rehab.start_on)}–{day(rehab.planned_end_on)} "
        "(Laki kuntouttavasta työtoiminnasta 189/2001)."
        for name in ("Kuntouttava työtoiminta", "Työvalmennus")
    )


class TestAllowed:
    def test_work_activity_with_its_coaching_and_a_jobcenter_period(self, jobcenter_period, today):
        paid = jobcenter_period(today + 10 * DAY, today + 60 * DAY)
        codes = set(
            PathwayStep.objects.filter(client=paid.client).values_list(
                "service_type__code", flat=True
            )
        )
        assert codes == {
            "rehabilitative_work_activity",
            "work_coaching",
            "jobcenter_paid_work",
        }

    def test_social_rehabilitation_with_volunteering(self, worker, client_of, today):
        client = client_of()
        make_plan(client, worker, plan_type="client_plan")
        plan(
            client,
            worker,
            "social_rehabilitation",
            today,
            today + 180 * DAY,
            decision_reference="SOS/2026/1",
        )
        volunteering = plan(client, worker, "volunteering", today + 30 * DAY)
        assert volunteering.pk

    def test_services_without_rules_on_what_runs_with_them_combine_freely(
        self, worker, client_of, today
    ):
        client = client_of()
        plan(client, worker, "education", today, today + 200 * DAY)
        kela = plan(client, worker, "kela_vocational_rehabilitation", today + 10 * DAY)
        assert kela.pk

    def test_a_period_starting_the_day_after_the_other_ends(self, worker, client_of, today):
        client = client_of()
        rehab = plan_rehab(client, worker, today, step_rules.period_end_limit(today, 4))
        workshop = plan_workshop(
            client, worker, rehab.planned_end_on + DAY, rehab.planned_end_on + 120 * DAY
        )
        assert workshop.pk
        # ... and, the other way round, one ending the day before it starts.
        other = client_of()
        workshop = plan_workshop(other, worker, today, today + 100 * DAY)
        assert plan_rehab(
            other, worker, today + 101 * DAY, step_rules.period_end_limit(today + 101 * DAY, 4)
        ).pk

    def test_a_cancelled_step_is_not_in_the_way(self, worker, client_of, today):
        client = client_of()
        start = today + 20 * DAY
        rehab = plan_rehab(client, worker, start, step_rules.period_end_limit(start, 4))
        actions.cancel_step(step=rehab, cancelled_by=worker, reason="Asiakas muutti")
        assert plan_workshop(client, worker, start, start + 100 * DAY).pk

    def test_an_ended_step_is_not_in_the_way(self, worker, client_of, today):
        """Ended early, its planned end is no longer its period."""
        client = client_of()
        make_plan(client, worker, plan_type="client_plan")
        start = today - 60 * DAY
        rehabilitation = plan(
            client,
            worker,
            "social_rehabilitation",
            start,
            today + 100 * DAY,
            decision_reference="SOS/2026/2",
        )
        actions.end_step(
            step=rehabilitation,
            ended_by=worker,
            ended_on=today - DAY,
            end_reason="completed",
            exit_outcome="capacity_maintained",
        )
        assert plan_open_work(client, worker, today, None).pk


class TestRefused:
    def test_a_youth_workshop_during_rehabilitative_work_activity(self, worker, client_of, today):
        client = client_of()
        rehab = plan_rehab(client, worker, today, step_rules.period_end_limit(today, 6))
        errors = refusal(lambda: plan_workshop(client, worker, today + 30 * DAY, today + 130 * DAY))
        assert sorted(errors["start_on"]) == rehab_messages("Nuorten työpaja", rehab)
        assert list(errors) == ["start_on"]
        assert not PathwayStep.objects.filter(
            client=client, service_type__code="youth_workshop"
        ).exists()

    def test_rehabilitative_work_activity_during_a_youth_workshop(self, worker, client_of, today):
        client = client_of()
        workshop = plan_workshop(client, worker, today, today + 150 * DAY)
        start = today + 30 * DAY
        errors = refusal(
            lambda: plan_rehab(client, worker, start, step_rules.period_end_limit(start, 4))
        )
        assert errors == {
            "start_on": [
                "Kuntouttava työtoiminta ei voi olla samaan aikaan kuin jakso Nuorten työpaja "
                f"{day(workshop.start_on)}–{day(workshop.planned_end_on)} "
                "(Laki kuntouttavasta työtoiminnasta 189/2001)."
            ]
        }
        # Nothing saved: not the work coaching planned with it either.
        assert list(PathwayStep.objects.filter(client=client)) == [workshop]

    def test_avotyo_during_rehabilitative_work_activity(self, worker, client_of, today):
        client = client_of()
        rehab = plan_rehab(client, worker, today - 10 * DAY, step_rules.period_end_limit(today, 6))
        errors = refusal(lambda: plan_open_work(client, worker, today, None))
        assert list(errors) == ["start_on"]
        assert sorted(errors["start_on"]) == rehab_messages("Avotyö", rehab)

    def test_a_step_without_an_end_overlaps_every_later_step(self, worker, client_of, today):
        client = client_of()
        plan_open_work(client, worker, today, None)
        start = today + 400 * DAY
        errors = refusal(
            lambda: plan_rehab(client, worker, start, step_rules.period_end_limit(start, 4))
        )
        assert errors["start_on"][0].endswith(
            f"jakso Avotyö {day(today)}– " + ("(Laki kuntouttavasta työtoiminnasta 189/2001).")
        )

    def test_moving_a_step_onto_the_other_is_refused(self, worker, client_of, today):
        client = client_of()
        rehab = plan_rehab(client, worker, today, step_rules.period_end_limit(today, 4))
        workshop = plan_workshop(
            client, worker, rehab.planned_end_on + DAY, rehab.planned_end_on + 120 * DAY
        )
        errors = refusal(
            lambda: actions.update_step(
                step=workshop, changed_by=worker, start_on=rehab.planned_end_on
            )
        )
        assert list(errors) == ["start_on"]
        assert sorted(errors["start_on"]) == rehab_messages("Nuorten työpaja", rehab)
        workshop.refresh_from_db()
        assert workshop.start_on == rehab.planned_end_on + DAY

    def test_a_paused_step_is_in_the_way(self, worker, client_of, today):
        client = client_of()
        rehab = plan_rehab(client, worker, today - 30 * DAY, step_rules.period_end_limit(today, 4))
        actions.set_step_status(
            step=rehab, status=StepStatus.PAUSED, changed_by=worker, reason="Sairausloma"
        )
        assert "start_on" in refusal(lambda: plan_open_work(client, worker, today, None))

    def test_each_step_in_the_way_is_named(self, worker, client_of, today):
        client = client_of()
        workshop = plan_workshop(client, worker, today, today + 60 * DAY)
        avotyo = plan_open_work(client, worker, today, today + 60 * DAY)
        errors = refusal(
            lambda: plan_rehab(client, worker, today, step_rules.period_end_limit(today, 4))
        )
        source = "(Laki kuntouttavasta työtoiminnasta 189/2001)."
        assert sorted(errors["start_on"]) == sorted(
            f"Kuntouttava työtoiminta ei voi olla samaan aikaan kuin jakso {step.service_type.name} "
            f"{day(step.start_on)}–{day(step.planned_end_on)} {source}"
            for step in (workshop, avotyo)
        )


def test_the_other_steps_rules_may_allow_it(db, today):
    """Either rule set naming the other's service lets them run together; a rule set with a
    list of services allowed alongside admits no other; two without one combine freely."""
    coaching, listed, naming, free, also_free = (
        ServiceTypeFactory(code=code)
        for code in ("coaching_x", "listed_x", "naming_x", "free_x", "also_free_x")
    )

    def rules(service_type, alongside=()):
        rule_set = ServiceRuleSetFactory(service_type=service_type, valid_from=today + DAY)
        rule_set.may_run_alongside.set(alongside)
        return rule_set

    with_list = rules(listed, [coaching])
    naming_it = rules(naming, [listed])
    without = rules(free)
    assert step_rules.may_run_together(with_list, naming_it)
    assert step_rules.may_run_together(naming_it, with_list)
    assert not step_rules.may_run_together(with_list, without)
    assert not step_rules.may_run_together(without, with_list)
    assert step_rules.may_run_together(without, rules(also_free))


def test_the_rule_set_page_says_the_list_admits_no_other_service(db, today):
    rules = ServiceRuleSet.objects.in_force(service("rehabilitative_work_activity"), None, today)
    shown = " ".join(render_to_string("services/rule_set.html", {"rule_set": rules}).split())
    assert (
        "Työtoiminnan täsmätyö (Jobcenter-malli), Työvalmennus. Muu palvelu ei voi olla samaan "
        "aikaan, elleivät sen säännöt salli tätä palvelua rinnalleen."
    ) in shown
