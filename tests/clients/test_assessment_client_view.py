"""A service-need assessment records the client's own view of their service need and
whether they are a client in need of special support (Social Welfare Act §36 and §3). A
completed assessment has the client's view: the form and the action refuse it next to the
field, and the database refuses it too (constraint assessment_completed_has_client_view)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.models import ServiceNeedAssessment, SpecialSupport
from tests.conftest import acting, login

pytestmark = pytest.mark.django_db

NEEDS_VIEW = "Valmistuneeseen arvioon kirjataan asiakkaan oma näkemys palvelutarpeestaan."
VIEW = "Haluan päästä takaisin töihin, mutta tarvitsen apua arjen asioissa."


def test_the_action_refuses_completing_without_the_clients_view(team):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        actions.save_assessment(
            client=team["client"],
            written_by=acting(team["worker"]),
            started_on=today - datetime.timedelta(days=7),
            completed_on=today,
            special_support="no",
            conclusion="Tarvitsee työkokeilun.",
            client_view="  ",
        )
    assert error.value.message_dict == {"client_view": [NEEDS_VIEW]}
    assert not ServiceNeedAssessment.objects.exists()
    assert not AccessLogEntry.objects.filter(action="clients.assessment.saved").exists()


def test_an_assessment_in_progress_needs_no_clients_view_yet(team):
    assessment = actions.save_assessment(
        client=team["client"],
        written_by=acting(team["worker"]),
        started_on=timezone.localdate(),
    )
    assert (assessment.client_view, assessment.special_support) == (
        "",
        SpecialSupport.NOT_ASSESSED,
    )


def test_the_form_shows_the_missing_clients_view_next_to_its_field(client, team):
    today = timezone.localdate()
    login(client, team["worker"])
    response = client.post(
        f"/clients/{team['client'].uuid}/assessments/new/",
        {
            "started_on": today.isoformat(),
            "completed_on": today.isoformat(),
            "conclusion": "Tarvitsee työkokeilun.",
            "client_view": "",
            "special_support": SpecialSupport.NO,
        },
    )
    text = response.content.decode()
    assert 'id="id_client_view_error"' in text
    assert NEEDS_VIEW in text
    assert not ServiceNeedAssessment.objects.exists()


def test_the_form_saves_both(client, team):
    today = timezone.localdate()
    login(client, team["worker"])
    response = client.post(
        f"/clients/{team['client'].uuid}/assessments/new/",
        {
            "started_on": today.isoformat(),
            "completed_on": today.isoformat(),
            "conclusion": "Tarvitsee työkokeilun.",
            "client_view": VIEW,
            "special_support": SpecialSupport.YES,
        },
    )
    assert response.status_code == 302
    stored = ServiceNeedAssessment.objects.get()
    assert (stored.client_view, stored.special_support) == (VIEW, SpecialSupport.YES)


def test_the_database_refuses_a_completed_assessment_without_the_clients_view(team):
    today = timezone.localdate()
    with (
        pytest.raises(IntegrityError, match="assessment_completed_has_client_view"),
        transaction.atomic(),
    ):
        ServiceNeedAssessment.objects.create(
            client=team["client"],
            author=team["worker"],
            started_on=today,
            completed_on=today,
            special_support="no",
            conclusion="Valmis.",
        )
    started = ServiceNeedAssessment.objects.create(
        client=team["client"], author=team["worker"], started_on=today
    )
    with (
        pytest.raises(IntegrityError, match="assessment_completed_has_client_view"),
        transaction.atomic(),
    ):
        ServiceNeedAssessment.objects.filter(pk=started.pk).update(
            completed_on=today, conclusion="Valmis."
        )


def test_a_team_reader_sees_both_on_the_page_and_the_read_is_logged_as_before(client, team):
    today = timezone.localdate()
    assessment = ServiceNeedAssessment.objects.create(
        client=team["client"],
        author=team["worker"],
        started_on=today - datetime.timedelta(days=7),
        completed_on=today,
        conclusion="Tarvitsee työkokeilun.",
        client_view=VIEW,
        special_support=SpecialSupport.YES,
    )
    login(client, team["coach"])
    mark = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    text = client.get(f"/clients/{team['client'].uuid}/assessments/{assessment.pk}/").content
    text = text.decode()
    assert VIEW in text
    assert "Asiakkaan oma näkemys palvelutarpeesta" in text
    assert "Erityistä tukea tarvitseva asiakas" in text
    assert "Kyllä, tarvitsee erityistä tukea" in text
    entry = AccessLogEntry.objects.filter(pk__gt=mark).get()
    assert (entry.action, entry.object_id, entry.actor_id, entry.basis) == (
        "clients.assessment.viewed",
        str(assessment.pk),
        team["coach"].pk,
        "care_team",
    )
    page = client.get(f"/clients/{team['client'].uuid}/").content.decode()
    assert "Kyllä, tarvitsee erityistä tukea" in page


def test_an_assessment_not_assessed_for_special_support_says_so(client, team):
    assessment = ServiceNeedAssessment.objects.create(
        client=team["client"], author=team["worker"], started_on=timezone.localdate()
    )
    login(client, team["worker"])
    text = client.get(f"/clients/{team['client'].uuid}/assessments/{assessment.pk}/").content
    assert "Ei vielä arvioitu" in text.decode()
    assert "Asiakkaan näkemystä ei ole vielä kirjattu." in text.decode()


def test_an_assessment_completed_before_the_rule_says_the_view_was_not_recorded(client, team):
    """A row completed before the constraint (added NOT VALID) has no client's view: its
    page says it was not recorded, not that it is still to come."""
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE clients_serviceneedassessment "
            "DROP CONSTRAINT assessment_completed_has_client_view"
        )
    old = ServiceNeedAssessment.objects.create(
        client=team["client"],
        author=team["worker"],
        started_on=today - datetime.timedelta(days=30),
        completed_on=today - datetime.timedelta(days=20),
        special_support="no",
        conclusion="Vanha johtopäätös.",
    )
    login(client, team["coach"])
    text = client.get(f"/clients/{team['client'].uuid}/assessments/{old.pk}/").content.decode()
    assert "Asiakkaan näkemystä ei kirjattu tähän arvioon." in text
    assert "ei ole vielä kirjattu" not in text
