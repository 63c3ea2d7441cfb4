"""actions.supersede_rule_set: the one way to change rules in force."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from services.actions import supersede_rule_set
from services.factories import OrganisationFactory, ServiceRuleSetFactory, ServiceTypeFactory
from services.models import ServiceRuleSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(unit):
    return make_user(Role.ADMIN, unit, is_staff=True)


@pytest.fixture
def current():
    coaching, disability = ServiceTypeFactory(), ServiceTypeFactory()
    return ServiceRuleSetFactory(
        rehabilitative_work_activity=True,
        requires=[coaching],
        requires_one_of=[disability],
        may_run_alongside=[coaching],
    )


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_supersede_ends_the_old_and_starts_the_new_with_the_changes(current, admin_user):
    start = tomorrow() + datetime.timedelta(days=30)
    successor = supersede_rule_set(
        current=current,
        valid_from=start,
        changes={"max_duration_months": 22, "source": "Lakimuutos 2026"},
        by=admin_user,
    )
    current.refresh_from_db()
    assert current.valid_to == start - datetime.timedelta(days=1)
    assert (successor.valid_from, successor.valid_to) == (start, None)
    assert successor.max_duration_months == 22
    assert successor.source == "Lakimuutos 2026"
    # Unchanged rules and companions are carried over.
    assert successor.min_hours_per_day == current.min_hours_per_day
    assert successor.warning_month == 21
    assert list(successor.requires.all()) == list(current.requires.all())
    assert list(successor.requires_one_of.all()) == list(current.requires_one_of.all())
    assert successor.supersedes == current
    assert successor.created_by == admin_user
    lookup = ServiceRuleSet.objects.in_force
    assert lookup(current.service_type, None, start).max_duration_months == 22
    assert lookup(current.service_type, None, start - datetime.timedelta(days=1)) == current


def test_supersede_may_change_companions(current, admin_user):
    jobcenter = ServiceTypeFactory()
    successor = supersede_rule_set(
        current=current,
        valid_from=tomorrow(),
        changes={"requires": [], "may_run_alongside": [jobcenter]},
        by=admin_user,
    )
    assert not successor.requires.exists()
    assert list(successor.may_run_alongside.all()) == [jobcenter]


def test_supersede_keeps_an_organisations_scope_and_end(admin_user):
    essote = OrganisationFactory()
    end = tomorrow() + datetime.timedelta(days=100)
    current = ServiceRuleSetFactory(organisation=essote, valid_to=end, max_age=29)
    successor = supersede_rule_set(
        current=current, valid_from=tomorrow(), changes={"max_age": 30}, by=admin_user
    )
    assert (successor.organisation, successor.valid_to, successor.max_age) == (essote, end, 30)


@pytest.mark.parametrize("offset", [0, -1])
def test_new_rules_cannot_start_today_or_earlier(current, admin_user, offset):
    start = timezone.localdate() + datetime.timedelta(days=offset)
    with pytest.raises(ValidationError, match="aikaisintaan huomenna"):
        supersede_rule_set(current=current, valid_from=start, changes={}, by=admin_user)
    current.refresh_from_db()
    assert current.valid_to is None


def test_new_rules_must_start_within_the_old_ones(admin_user):
    current = ServiceRuleSetFactory(valid_to=tomorrow())
    with pytest.raises(ValidationError, match="voimassaoloaikana"):
        supersede_rule_set(
            current=current,
            valid_from=tomorrow() + datetime.timedelta(days=1),
            changes={},
            by=admin_user,
        )


def test_unknown_fields_are_refused(current, admin_user):
    with pytest.raises(ValidationError, match="organisation"):
        supersede_rule_set(
            current=current,
            valid_from=tomorrow(),
            changes={"organisation": OrganisationFactory()},
            by=admin_user,
        )


def test_invalid_new_rules_leave_the_old_ones_untouched(current, admin_user):
    with pytest.raises(ValidationError):
        supersede_rule_set(
            current=current,
            valid_from=tomorrow(),
            changes={"min_days_per_week": 5, "max_days_per_week": 4},
            by=admin_user,
        )
    current.refresh_from_db()
    assert current.valid_to is None
    assert ServiceRuleSet.objects.filter(service_type=current.service_type).count() == 1


def test_a_superseded_rule_set_cannot_be_superseded_again_from_a_later_day(current, admin_user):
    supersede_rule_set(current=current, valid_from=tomorrow(), changes={}, by=admin_user)
    with pytest.raises(ValidationError):
        supersede_rule_set(
            current=current,
            valid_from=tomorrow() + datetime.timedelta(days=5),
            changes={},
            by=admin_user,
        )


def test_rules_already_superseded_from_a_later_day_are_not_superseded_again_earlier(
    current, admin_user
):
    """Superseded from a month ahead, the rules are still in force ten days ahead: a second
    successor from then would fork the chain. Refused next to the date, nothing changed."""
    first = supersede_rule_set(
        current=current,
        valid_from=tomorrow() + datetime.timedelta(days=30),
        changes={},
        by=admin_user,
    )
    with pytest.raises(ValidationError) as refused:
        supersede_rule_set(
            current=current,
            valid_from=tomorrow() + datetime.timedelta(days=10),
            changes={"max_days_per_week": 3},
            by=admin_user,
        )
    date = first.valid_from
    assert refused.value.message_dict["valid_from"] == [
        f"Näillä säännöillä on jo seuraajat {date.day}.{date.month}.{date.year} alkaen. Muuta "
        "niitä, kunnes ne tulevat voimaan, tai korvaa ne."
    ]
    current.refresh_from_db()
    assert current.valid_to == first.valid_from - datetime.timedelta(days=1)
    assert ServiceRuleSet.objects.filter(service_type=current.service_type).count() == 2
