"""The dates Polku accepts (config.dates): 1.1.1900–31.12.2100 in every date and date-time
field of Polku's forms and the admin's, with the error next to the field."""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from clients.forms import AssessmentForm
from config.dates import validate_in_range
from config.forms import PolkuForm
from consultations.forms import HelsinkiDateTimeField
from services.models import ServiceRuleSet
from tests.conftest import RANGE_ERROR


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        (datetime.date(1899, 12, 31), False),
        (datetime.date(1900, 1, 1), True),
        (datetime.date(2100, 12, 31), True),
        (datetime.date(2101, 1, 1), False),
        (datetime.datetime(2100, 12, 31, 23, 59), True),
        (datetime.datetime(2101, 1, 1, 0, 0), False),
        (datetime.date(1, 1, 1), False),
        (datetime.date(9999, 12, 31), False),
    ],
)
def test_the_first_and_last_days(day, accepted):
    if accepted:
        validate_in_range(day)
    else:
        with pytest.raises(ValidationError) as error:
            validate_in_range(day)
        assert error.value.code == "date_out_of_range"


class EveryKind(PolkuForm):
    day = forms.DateField(required=False)
    starts_at = HelsinkiDateTimeField(required=False)
    moment = forms.DateTimeField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added"] = forms.DateField(required=False)


def test_every_date_field_of_a_polku_form_takes_only_polku_dates():
    form = EveryKind(
        {
            "day": "0001-01-01",
            "starts_at": "9999-12-31T23:00",
            "moment": "2101-01-01 00:00",
            "added": "9999-12-31",
        }
    )
    assert not form.is_valid()
    assert form.errors == {name: [RANGE_ERROR] for name in ("day", "starts_at", "moment", "added")}
    # Cleaning again adds no second error.
    form.full_clean()
    assert form.errors["day"] == [RANGE_ERROR]


def test_the_first_and_last_days_are_taken():
    form = EveryKind({"day": "1900-01-01", "starts_at": "2100-12-31T23:59", "added": "2100-12-31"})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_a_model_forms_date_fields_take_only_polku_dates():
    form = AssessmentForm({"started_on": "9999-12-31", "completed_on": "", "conclusion": ""})
    assert form.errors == {"started_on": [RANGE_ERROR]}


def test_the_admins_date_fields_take_only_polku_dates():
    model_admin = admin.site._registry[ServiceRuleSet]
    field = model_admin.formfield_for_dbfield(
        ServiceRuleSet._meta.get_field("valid_from"), request=None
    )
    with pytest.raises(ValidationError) as error:
        field.clean("9999-12-31")
    assert error.value.messages == [RANGE_ERROR]
