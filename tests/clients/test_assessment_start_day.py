"""A service-need assessment is started on a day that has come: the form and the action
refuse a start day still to come next to the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import actions
from clients.models import ServiceNeedAssessment
from tests.conftest import acting, field_errors, login

pytestmark = pytest.mark.django_db

FUTURE_START = "Aloituspäivä ei voi olla tulevaisuudessa."


def test_the_action_refuses_a_start_day_still_to_come(team):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        actions.save_assessment(
            client=team["client"], written_by=acting(team["worker"]), started_on=tomorrow
        )
    assert error.value.message_dict == {"started_on": [FUTURE_START]}
    assert not ServiceNeedAssessment.objects.exists()


def test_the_action_refuses_moving_the_start_of_one_in_progress_ahead(team):
    worker = acting(team["worker"])
    today = timezone.localdate()
    started = actions.save_assessment(client=team["client"], written_by=worker, started_on=today)
    with pytest.raises(ValidationError) as error:
        actions.save_assessment(
            client=team["client"],
            written_by=worker,
            assessment=started,
            started_on=today + datetime.timedelta(days=3),
        )
    assert error.value.message_dict == {"started_on": [FUTURE_START]}
    started.refresh_from_db()
    assert started.started_on == today


def test_today_is_a_start_day(team):
    today = timezone.localdate()
    saved = actions.save_assessment(
        client=team["client"], written_by=acting(team["worker"]), started_on=today
    )
    assert saved.started_on == today


def test_the_form_shows_it_next_to_the_start_day(client, team):
    login(client, team["worker"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        f"/clients/{team['client'].uuid}/assessments/new/",
        {"started_on": tomorrow.isoformat(), "completed_on": ""},
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "started_on") == FUTURE_START
    assert not ServiceNeedAssessment.objects.exists()
