"""A completed service-need assessment says whether the client is a client in need of
special support (Social Welfare Act §3): "not assessed" is the answer of an assessment in
progress only. The form and the action refuse it next to the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.models import ServiceNeedAssessment, SpecialSupport
from tests.conftest import acting, field_errors, login

pytestmark = pytest.mark.django_db

NEEDS_SPECIAL_SUPPORT = "Valmistuneeseen arvioon kirjataan, tarvitseeko asiakas erityistä tukea."
VIEW = "Haluan päästä takaisin töihin."


def _completed(**changes):
    today = timezone.localdate()
    return {
        "started_on": today - datetime.timedelta(days=7),
        "completed_on": today,
        "conclusion": "Tarvitsee työkokeilun.",
        "client_view": VIEW,
        **changes,
    }


@pytest.mark.parametrize("given", [{}, {"special_support": SpecialSupport.NOT_ASSESSED}])
def test_the_action_refuses_completing_without_the_answer(team, given):
    with pytest.raises(ValidationError) as error:
        actions.save_assessment(
            client=team["client"], written_by=acting(team["worker"]), **_completed(**given)
        )
    assert error.value.message_dict == {"special_support": [NEEDS_SPECIAL_SUPPORT]}
    assert not ServiceNeedAssessment.objects.exists()
    assert not AccessLogEntry.objects.filter(action="clients.assessment.saved").exists()


def test_the_action_refuses_completing_a_stored_assessment_left_unassessed(team):
    worker = acting(team["worker"])
    started = actions.save_assessment(
        client=team["client"], written_by=worker, started_on=timezone.localdate()
    )
    with pytest.raises(ValidationError) as error:
        actions.save_assessment(
            client=team["client"],
            written_by=worker,
            assessment=started,
            completed_on=timezone.localdate(),
            conclusion="Tarvitsee työkokeilun.",
            client_view=VIEW,
        )
    assert error.value.message_dict == {"special_support": [NEEDS_SPECIAL_SUPPORT]}
    started.refresh_from_db()
    assert started.completed_on is None


@pytest.mark.parametrize("answer", [SpecialSupport.YES, SpecialSupport.NO])
def test_a_completed_assessment_with_an_answer_is_saved(team, answer):
    saved = actions.save_assessment(
        client=team["client"],
        written_by=acting(team["worker"]),
        **_completed(special_support=answer),
    )
    assert saved.special_support == answer


@pytest.mark.parametrize("answer", ["", SpecialSupport.NOT_ASSESSED])
def test_the_form_shows_the_missing_answer_next_to_its_field(client, team, answer):
    login(client, team["worker"])
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in _completed().items()}
    response = client.post(
        f"/clients/{team['client'].uuid}/assessments/new/", {**data, "special_support": answer}
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "special_support") == NEEDS_SPECIAL_SUPPORT
    assert not ServiceNeedAssessment.objects.exists()
