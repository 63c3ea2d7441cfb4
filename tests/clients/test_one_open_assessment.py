"""One service-need assessment in progress at a time: while one is open, the client page and
the list offer to continue it instead of starting another, and a second open one is refused
next to its start date; a completed one may still be recorded afterwards."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import actions
from clients.models import ServiceNeedAssessment
from tests.conftest import acting, field_errors, login

pytestmark = pytest.mark.django_db

OPEN_ALREADY = (
    "Asiakkaalla on jo kesken oleva palvelutarpeen arvio, aloitettu {date}. Jatka sitä tai "
    "kirjaa se valmistuneeksi ennen uuden aloittamista."
)


def _open_assessment(team, days_ago=7):
    return actions.save_assessment(
        client=team["client"],
        written_by=acting(team["worker"]),
        started_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def test_a_second_open_assessment_is_refused_next_to_its_start_date(team):
    first = _open_assessment(team)
    with pytest.raises(ValidationError) as error:
        _open_assessment(team, days_ago=0)
    date = f"{first.started_on.day}.{first.started_on.month}.{first.started_on.year}"
    assert error.value.message_dict == {"started_on": [OPEN_ALREADY.format(date=date)]}
    assert ServiceNeedAssessment.objects.filter(client=team["client"]).count() == 1
    # The open one is still saved as it goes, and once it is completed a new one may start.
    today = timezone.localdate()
    actions.save_assessment(
        client=team["client"],
        written_by=team["worker"],
        assessment=first,
        completed_on=today,
        special_support="no",
        conclusion="Tarvitsee työkokeilun.",
        client_view="Asiakkaan oma näkemys palvelutarpeesta.",
    )
    assert _open_assessment(team, days_ago=0).completed_on is None


def test_a_completed_assessment_may_be_recorded_while_one_is_open(team):
    _open_assessment(team)
    today = timezone.localdate()
    done = actions.save_assessment(
        client=team["client"],
        written_by=acting(team["worker"]),
        started_on=today - datetime.timedelta(days=60),
        completed_on=today - datetime.timedelta(days=30),
        special_support="no",
        conclusion="Aiempi arvio kirjattu jälkikäteen.",
        client_view="Asiakkaan oma näkemys palvelutarpeesta.",
    )
    assert done.pk


def test_the_pages_offer_to_continue_the_open_assessment_instead_of_starting_another(client, team):
    uuid = team["client"].uuid
    new = f'href="/clients/{uuid}/assessments/new/"'
    login(client, team["worker"])
    assert new in client.get(f"/clients/{uuid}/").content.decode()
    assessment = _open_assessment(team)
    edit = f'href="/clients/{uuid}/assessments/{assessment.pk}/edit/"'
    for page in (f"/clients/{uuid}/", f"/clients/{uuid}/assessments/"):
        html = client.get(page).content.decode()
        assert new not in html
        assert "Jatka kesken olevaa arviota" in html
        assert html.count(edit) == 2  # the item's own edit link and the offer to continue
    # Sent anyway (an old tab), the form says why next to the start date.
    refused = client.post(
        f"/clients/{uuid}/assessments/new/", {"started_on": timezone.localdate().isoformat()}
    )
    assert refused.status_code == 200
    assert "kesken oleva palvelutarpeen arvio" in field_errors(
        refused.content.decode(), "started_on"
    )


def test_the_database_refuses_a_second_assessment_in_progress(team):
    from django.db import IntegrityError, transaction

    first = _open_assessment(team)
    second = ServiceNeedAssessment(
        client=team["client"], author=team["worker"], started_on=first.started_on
    )
    with pytest.raises(IntegrityError, match="assessment_one_in_progress"), transaction.atomic():
        second.save()
