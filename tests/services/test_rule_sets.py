"""Rule sets as dated data: lookup, database invariants, the freeze of rule sets in force."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from services.factories import OrganisationFactory, ServiceRuleSetFactory, ServiceTypeFactory
from services.models import NoRuleSetInForce, ServiceRuleSet

pytestmark = pytest.mark.django_db

JAN_2024 = datetime.date(2024, 1, 1)


def today():
    return timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


class TestInForce:
    def test_general_rule_set_applies_to_every_organisation(self):
        rule_set = ServiceRuleSetFactory(max_duration_months=24)
        essote = OrganisationFactory(slug="essote-test")
        found = ServiceRuleSet.objects.in_force(rule_set.service_type, essote, today())
        assert found == rule_set
        assert ServiceRuleSet.objects.in_force(rule_set.service_type, None, today()) == rule_set

    def test_an_organisations_own_rule_set_wins_over_the_general_one(self):
        general = ServiceRuleSetFactory(max_duration_months=8)
        essote, helsinki = OrganisationFactory(), OrganisationFactory()
        own = ServiceRuleSetFactory(
            service_type=general.service_type, organisation=essote, max_duration_months=6
        )
        objects = ServiceRuleSet.objects
        assert objects.in_force(general.service_type, essote, today()) == own
        assert objects.in_force(general.service_type, helsinki, today()) == general
        assert objects.in_force(general.service_type, None, today()) == general

    def test_service_type_may_be_given_by_code(self):
        rule_set = ServiceRuleSetFactory(service_type=ServiceTypeFactory(code="koodilla-haettu"))
        assert ServiceRuleSet.objects.in_force("koodilla-haettu", None, today()) == rule_set

    def test_a_later_valid_from_changes_the_outcome_from_that_day_on(self):
        service_type = ServiceTypeFactory()
        change_day = datetime.date(2026, 1, 1)
        old = ServiceRuleSetFactory(
            service_type=service_type, valid_to=change_day - days(1), max_duration_months=24
        )
        new = ServiceRuleSetFactory(
            service_type=service_type, valid_from=change_day, max_duration_months=12
        )
        lookup = ServiceRuleSet.objects.in_force
        assert lookup(service_type, None, change_day - days(1)) == old
        assert lookup(service_type, None, change_day) == new
        assert lookup(service_type, None, change_day).max_duration_months == 12
        assert lookup(service_type, None, JAN_2024).max_duration_months == 24

    def test_an_organisations_rule_set_applies_only_within_its_own_dates(self):
        general = ServiceRuleSetFactory()
        essote = OrganisationFactory()
        own = ServiceRuleSetFactory(
            service_type=general.service_type,
            organisation=essote,
            valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2025, 12, 31),
        )
        lookup = ServiceRuleSet.objects.in_force
        assert lookup(general.service_type, essote, datetime.date(2024, 12, 31)) == general
        assert lookup(general.service_type, essote, datetime.date(2025, 6, 1)) == own
        assert lookup(general.service_type, essote, datetime.date(2026, 1, 1)) == general

    def test_no_rule_set_raises_a_clear_error(self):
        rule_set = ServiceRuleSetFactory(valid_from=datetime.date(2025, 1, 1))
        with pytest.raises(
            NoRuleSetInForce, match=re.escape("ei ole voimassa olevia sääntöjä 31.12.2024")
        ):
            ServiceRuleSet.objects.in_force(
                rule_set.service_type, None, datetime.date(2024, 12, 31)
            )

    def test_no_rule_set_for_a_code_names_the_service_not_its_code(self):
        rule_set = ServiceRuleSetFactory(valid_from=datetime.date(2025, 1, 1))
        service = rule_set.service_type
        with pytest.raises(NoRuleSetInForce) as refused:
            ServiceRuleSet.objects.in_force(service.code, None, datetime.date(2024, 12, 31))
        assert str(service) in str(refused.value)
        assert service.code not in str(refused.value)

    def test_lookup_is_one_query(self, django_assert_num_queries):
        rule_set = ServiceRuleSetFactory(organisation=OrganisationFactory())
        with django_assert_num_queries(1):
            found = ServiceRuleSet.objects.in_force(
                rule_set.service_type, rule_set.organisation, today()
            )
            assert str(found.service_type) and str(found.organisation)


class TestNoOverlap:
    def test_overlapping_general_rule_sets_are_refused(self):
        first = ServiceRuleSetFactory(valid_to=datetime.date(2025, 12, 31))
        with pytest.raises(IntegrityError, match="rule_set_no_overlap"), transaction.atomic():
            ServiceRuleSetFactory(
                service_type=first.service_type, valid_from=datetime.date(2025, 12, 31)
            )

    def test_overlapping_rule_sets_of_one_organisation_are_refused(self):
        essote = OrganisationFactory()
        first = ServiceRuleSetFactory(organisation=essote)
        with pytest.raises(IntegrityError, match="rule_set_no_overlap"), transaction.atomic():
            ServiceRuleSetFactory(
                service_type=first.service_type,
                organisation=essote,
                valid_from=datetime.date(2030, 1, 1),
            )

    def test_adjacent_periods_other_organisations_and_other_types_may_coexist(self):
        essote, helsinki = OrganisationFactory(), OrganisationFactory()
        first = ServiceRuleSetFactory(valid_to=datetime.date(2025, 12, 31))
        service_type = first.service_type
        ServiceRuleSetFactory(service_type=service_type, valid_from=datetime.date(2026, 1, 1))
        ServiceRuleSetFactory(service_type=service_type, organisation=essote)
        ServiceRuleSetFactory(service_type=service_type, organisation=helsinki)
        ServiceRuleSetFactory(organisation=essote)
        assert ServiceRuleSet.objects.filter(service_type=service_type).count() == 4


class TestCheckConstraints:
    @pytest.mark.parametrize(
        ("fields", "constraint"),
        [
            ({"valid_to": datetime.date(2023, 12, 31)}, "rule_set_valid_to_after_valid_from"),
            ({"min_duration_months": 25, "max_duration_months": 24}, "rule_set_duration_order"),
            ({"max_duration_months": 0}, "rule_set_max_duration_positive"),
            ({"min_days_per_week": 0}, "rule_set_days_per_week_range"),
            ({"max_days_per_week": 8}, "rule_set_days_per_week_range"),
            ({"min_days_per_week": 5, "max_days_per_week": 4}, "rule_set_days_per_week_range"),
            ({"min_hours_per_day": Decimal("24.5")}, "rule_set_hours_per_day_range"),
            ({"min_hours_per_day": Decimal("0")}, "rule_set_hours_per_day_range"),
            ({"min_age": 30, "max_age": 29}, "rule_set_age_order"),
            ({"compensation_cap_per_day": Decimal("-0.01")}, "compensation_cap_not_negative"),
            ({"warning_month": 25, "max_duration_months": 24}, "warning_within_duration"),
            ({"review_interval_months": 0}, "rule_set_positive_intervals"),
            ({"employment_target_max_percent": 101}, "rule_set_employment_target_range"),
            (
                {"employment_target_min_percent": 70, "employment_target_max_percent": 50},
                "rule_set_employment_target_range",
            ),
            ({"source": ""}, "rule_set_source_given"),
        ],
    )
    def test_database_refuses_impossible_rules(self, fields, constraint):
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            ServiceRuleSetFactory(**fields)

    def test_the_edges_are_accepted(self):
        rule_set = ServiceRuleSetFactory(
            valid_to=JAN_2024,
            min_days_per_week=1,
            max_days_per_week=7,
            min_duration_months=24,
            max_duration_months=24,
            warning_month=24,
            min_hours_per_day=Decimal("24"),
            employment_target_min_percent=100,
            employment_target_max_percent=100,
            compensation_cap_per_day=Decimal("0"),
        )
        assert rule_set.pk


class TestRuleSetInForceIsFrozen:
    def test_updating_a_rule_of_a_rule_set_in_force_is_refused(self):
        rule_set = ServiceRuleSetFactory(rehabilitative_work_activity=True)
        with pytest.raises(IntegrityError, match="cannot be edited"), transaction.atomic():
            ServiceRuleSet.objects.filter(pk=rule_set.pk).update(max_duration_months=36)
        rule_set.min_hours_per_day = Decimal("3.00")
        with pytest.raises(IntegrityError, match="supersede it"), transaction.atomic():
            rule_set.save()
        rule_set.refresh_from_db()
        assert (rule_set.max_duration_months, rule_set.min_hours_per_day) == (24, Decimal("4.00"))

    def test_a_rule_set_that_starts_today_is_already_frozen(self):
        rule_set = ServiceRuleSetFactory(valid_from=today())
        with pytest.raises(IntegrityError, match="cannot be edited"), transaction.atomic():
            ServiceRuleSet.objects.filter(pk=rule_set.pk).update(source="Muutettu")

    def test_moving_validity_or_scope_of_a_rule_set_in_force_is_refused(self):
        rule_set = ServiceRuleSetFactory()
        for change in (
            {"valid_from": datetime.date(2023, 1, 1)},
            {"organisation": OrganisationFactory()},
            {"service_type": ServiceTypeFactory()},
        ):
            with pytest.raises(IntegrityError, match="cannot be edited"), transaction.atomic():
                ServiceRuleSet.objects.filter(pk=rule_set.pk).update(**change)

    def test_deleting_a_rule_set_in_force_is_refused(self):
        rule_set = ServiceRuleSetFactory()
        with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
            rule_set.delete()
        with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
            ServiceRuleSet.objects.filter(pk=rule_set.pk).delete()
        assert ServiceRuleSet.objects.filter(pk=rule_set.pk).exists()

    def test_a_rule_set_in_force_may_be_ended_from_today_on(self):
        rule_set = ServiceRuleSetFactory()
        rule_set.valid_to = today()
        rule_set.save(update_fields=["valid_to"])
        rule_set.refresh_from_db()
        assert rule_set.valid_to == today()

    def test_a_rule_set_in_force_may_not_be_ended_in_the_past(self):
        rule_set = ServiceRuleSetFactory()
        with pytest.raises(IntegrityError, match="cannot end on"), transaction.atomic():
            ServiceRuleSet.objects.filter(pk=rule_set.pk).update(valid_to=today() - days(1))

    def test_an_ended_rule_set_may_not_be_reopened(self):
        rule_set = ServiceRuleSetFactory(valid_to=datetime.date(2024, 6, 30))
        with pytest.raises(IntegrityError, match="cannot end on"), transaction.atomic():
            ServiceRuleSet.objects.filter(pk=rule_set.pk).update(valid_to=None)

    def test_a_future_rule_set_may_be_edited_and_deleted(self):
        future = ServiceRuleSetFactory(valid_from=today() + days(30), max_duration_months=12)
        future.max_duration_months = 18
        future.save()
        future.refresh_from_db()
        assert future.max_duration_months == 18
        future.delete()
        assert not ServiceRuleSet.objects.filter(pk=future.pk).exists()

    def test_a_future_rule_set_may_not_be_moved_into_force_by_an_edit(self):
        future = ServiceRuleSetFactory(valid_from=today() + days(30))
        with pytest.raises(IntegrityError, match="cannot be moved"), transaction.atomic():
            ServiceRuleSet.objects.filter(pk=future.pk).update(valid_from=today())

    def test_created_at_is_set_by_the_database_on_insert(self):
        rule_set = ServiceRuleSetFactory()
        assert rule_set.created_at is not None
        assert rule_set.is_frozen


@pytest.mark.django_db(transaction=True)
class TestCompanionsOfARuleSetInForceAreFrozen:
    """Links are frozen once the transaction that created the rule set has committed."""

    def test_adding_or_removing_a_companion_type_is_refused(self):
        coaching, other = ServiceTypeFactory(), ServiceTypeFactory()
        with transaction.atomic():
            rule_set = ServiceRuleSetFactory(requires=[coaching])
        with pytest.raises(IntegrityError, match="companion types"), transaction.atomic():
            rule_set.requires.add(other)
        with pytest.raises(IntegrityError, match="companion types"), transaction.atomic():
            rule_set.requires.remove(coaching)
        with pytest.raises(IntegrityError, match="companion types"), transaction.atomic():
            rule_set.requires_one_of.add(other)
        with pytest.raises(IntegrityError, match="companion types"), transaction.atomic():
            rule_set.may_run_alongside.add(other)
        assert list(rule_set.requires.all()) == [coaching]

    def test_companions_of_a_rule_set_in_force_are_written_with_it_in_one_transaction(self):
        coaching = ServiceTypeFactory()
        with pytest.raises(IntegrityError, match="companion types"):
            ServiceRuleSetFactory(requires=[coaching])  # autocommit: the links come too late

    def test_companions_of_a_future_rule_set_may_change(self):
        coaching = ServiceTypeFactory()
        future = ServiceRuleSetFactory(valid_from=today() + days(1))
        future.requires.add(coaching)
        future.requires.remove(coaching)
        assert not future.requires.exists()
