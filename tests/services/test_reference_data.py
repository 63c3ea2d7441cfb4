"""The reference service types and rule sets of DOMAIN.md (data migration 0004)."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from services.factories import ServiceTypeFactory
from services.models import NoRuleSetInForce, Organisation, PlanType, ServiceRuleSet, ServiceType
from services.reference import (
    CLIENT_NAMES,
    REFERENCE_START,
    SERVICE_TYPES,
    fill_client_names,
    load_county_practice,
    load_service_types,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    # The migration loads it; tests that flush the database (browser tests) remove
    # it, so load again: the loader is idempotent.
    load_service_types(apps)


def rules(code, on=datetime.date(2025, 1, 1)):
    return ServiceRuleSet.objects.in_force(code, None, on)


def codes(related):
    return sorted(related.values_list("code", flat=True))


def test_every_service_type_has_a_general_rule_set_from_2024(loaded):
    assert set(ServiceType.objects.values_list("code", flat=True)) >= set(SERVICE_TYPES)
    for code in SERVICE_TYPES:
        rule_set = rules(code, REFERENCE_START)
        assert rule_set.source
    with pytest.raises(NoRuleSetInForce):
        rules("rehabilitative_work_activity", REFERENCE_START - datetime.timedelta(days=1))


def test_rehabilitative_work_activity(loaded):
    rule_set = rules("rehabilitative_work_activity")
    assert (rule_set.min_duration_months, rule_set.max_duration_months) == (3, 24)
    assert (rule_set.min_days_per_week, rule_set.max_days_per_week) == (1, 4)
    assert rule_set.min_hours_per_day == Decimal("4.00")
    assert rule_set.required_plan_type == PlanType.ACTIVATION_PLAN
    assert rule_set.warning_month == 21
    assert codes(rule_set.requires) == ["work_coaching"]
    assert rule_set.source == "Laki kuntouttavasta työtoiminnasta 189/2001"
    assert ServiceType.objects.get(code="rehabilitative_work_activity").needs_attendance


def test_work_coaching_and_jobcenter(loaded):
    work_activities = ["disability_work_activity", "rehabilitative_work_activity"]
    coaching = rules("work_coaching")
    assert set(work_activities) <= set(codes(coaching.may_run_alongside))
    jobcenter = rules("jobcenter_paid_work")
    assert codes(jobcenter.requires) == ["work_coaching"]
    assert codes(jobcenter.requires_one_of) == work_activities


def test_supported_employment_social_rehabilitation_youth_workshop_and_open_work(loaded):
    ips = rules("supported_employment")
    assert ips.max_duration_months is None
    assert (ips.employer_contact_alert_days, ips.coach_caseload_warning) == (30, 20)
    assert (ips.employment_target_min_percent, ips.employment_target_max_percent) == (50, 70)
    assert rules("social_rehabilitation").review_interval_months == 3
    workshop = rules("youth_workshop")
    assert (workshop.min_age, workshop.max_age) == (17, 29)
    assert (workshop.min_duration_months, workshop.max_duration_months) == (None, None)
    assert workshop.source == "Nuorisolaki 1285/2016"
    open_work = rules("open_work")
    assert open_work.compensation_cap_per_day is None
    assert open_work.compensation_is_not_wage


def test_essote_practice_is_essotes_own(loaded):
    essote = Organisation.objects.get(slug="essote")
    workshop = ServiceRuleSet.objects.in_force("youth_workshop", essote, datetime.date(2025, 1, 1))
    assert (workshop.min_duration_months, workshop.max_duration_months) == (3, 8)
    assert workshop.source == "Essoten käytäntö"
    open_work = ServiceRuleSet.objects.in_force("open_work", essote, datetime.date(2025, 1, 1))
    assert open_work.compensation_cap_per_day == Decimal("12.00")
    assert open_work.compensation_is_not_wage
    assert open_work.source == "Essoten käytäntö"


def test_a_database_loaded_before_0006_has_essotes_numbers_superseded_from_tomorrow(loaded):
    """Until migration 0006 the general rule sets carried Essote's numbers for everyone."""
    general = rules("youth_workshop")
    table = connection.ops.quote_name(ServiceRuleSet._meta.db_table)
    with connection.cursor() as cursor:  # as it was: rule sets in force are otherwise read-only
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        ServiceRuleSet.objects.filter(pk=general.pk).update(
            min_duration_months=3, max_duration_months=8, source="Essoten käytäntö"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")

    load_county_practice(apps)
    load_county_practice(apps)  # idempotent

    today = timezone.localdate()
    general.refresh_from_db()
    assert general.valid_to == today
    assert general.max_duration_months == 8  # past decisions keep their rules
    successor = ServiceRuleSet.objects.in_force(
        "youth_workshop", None, today + datetime.timedelta(days=1)
    )
    assert successor.supersedes_id == general.pk
    assert (successor.max_duration_months, successor.source) == (None, "Nuorisolaki 1285/2016")


def test_loading_again_changes_nothing(loaded):
    counts = (ServiceType.objects.count(), ServiceRuleSet.objects.count())
    links = ServiceRuleSet.requires.through.objects.count()
    load_service_types(apps)
    assert (ServiceType.objects.count(), ServiceRuleSet.objects.count()) == counts
    assert ServiceRuleSet.requires.through.objects.count() == links


def test_every_reference_type_has_a_plain_client_name_in_each_language(loaded):
    """Printed for the client (the pathway summary): no abbreviation in brackets, in fi, sv
    and en, filled by the data migration (and by the loader after a flush)."""
    assert set(CLIENT_NAMES) == set(SERVICE_TYPES)
    for service_type in ServiceType.objects.filter(code__in=SERVICE_TYPES):
        for language in ("fi", "sv", "en"):
            name = getattr(service_type, f"client_name_{language}")
            assert name and "(" not in name and "IPS" not in name, (service_type.code, name)
            assert service_type.client_name(language) == name
    ips = ServiceType.objects.get(code="supported_employment")
    assert ips.name_fi.endswith("(IPS)")  # the workers' name is kept as it is
    assert ips.client_name("fi") == "Tuki työn löytämiseen ja työssä"


def test_filling_client_names_keeps_an_administrators_wording_and_is_idempotent(loaded):
    ServiceType.objects.filter(code="supported_employment").update(
        client_name_fi="Työhönvalmennus", client_name_sv=""
    )
    fill_client_names(apps)
    fill_client_names(apps)
    ips = ServiceType.objects.get(code="supported_employment")
    assert ips.client_name_fi == "Työhönvalmennus"
    assert ips.client_name_sv == CLIENT_NAMES["supported_employment"][1]


def test_a_type_without_a_client_name_prints_its_own_name_in_that_language(db):
    added = ServiceTypeFactory(
        code="job_club", name_fi="Työnhakuklubi", name_sv="Jobbklubb", name_en=""
    )
    assert added.client_name_fi == ""
    assert added.client_name("sv") == "Jobbklubb"
    assert added.client_name("en") == "Työnhakuklubi"
    added.client_name_en = "Job club"
    assert added.client_name("en") == "Job club"
