"""A completed service-need assessment is a record: the action refuses to change it or to
make it in progress again, whoever writes; its pages offer no edit form; the database
refuses the change too (clients migration 0021). A correction is a new assessment, which
may be started while the completed one stands."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.factories import add_member
from clients.models import ServiceNeedAssessment, TeamRole
from tests.conftest import acting, login

pytestmark = pytest.mark.django_db

FIXED = (
    "Valmistunutta palvelutarpeen arviota ei voi enää muuttaa. Jos siihen tarvitaan "
    "korjaus, aloita uusi arvio."
)
CONCLUSION = "Tarvitsee kuntouttavaa työtoimintaa."


@pytest.fixture
def completed(team):
    today = timezone.localdate()
    return actions.save_assessment(
        client=team["client"],
        written_by=acting(team["worker"]),
        started_on=today - datetime.timedelta(days=100),
        completed_on=today - datetime.timedelta(days=90),
        special_support="no",
        conclusion=CONCLUSION,
        client_view="Asiakkaan oma näkemys palvelutarpeesta.",
    )


@pytest.fixture
def sote(team):
    counsellor = acting(team["counsellor"])
    add_member(team["client"], counsellor, TeamRole.SOTE_CONTACT)
    return counsellor


def _saved_rows():
    return AccessLogEntry.objects.filter(action="clients.assessment.saved")


@pytest.mark.parametrize(
    "change",
    [
        {"conclusion": "Kokonaan uusi johtopäätös."},
        {"completed_on": None, "conclusion": ""},
        {"started_on": datetime.date(2020, 1, 1)},
        {"client_view": "Jälkikäteen muutettu näkemys."},
        {"special_support": "yes"},
    ],
)
@pytest.mark.parametrize("writer", ["worker", "sote"])
def test_the_action_does_not_change_a_completed_assessment(team, completed, sote, writer, change):
    by = sote if writer == "sote" else team["worker"]
    before = _saved_rows().count()
    stored = ServiceNeedAssessment.objects.get(pk=completed.pk)
    with pytest.raises(ValidationError) as refused:
        actions.save_assessment(client=team["client"], written_by=by, assessment=stored, **change)
    assert refused.value.messages == [FIXED]
    again = ServiceNeedAssessment.objects.get(pk=completed.pk)
    assert (again.started_on, again.completed_on, again.conclusion, again.author_id) == (
        completed.started_on,
        completed.completed_on,
        CONCLUSION,
        team["worker"].pk,
    )
    assert _saved_rows().count() == before


def test_the_stored_completion_decides_not_the_instance_passed(team, completed):
    """A bound form has already written the posted values on its instance."""
    stale = ServiceNeedAssessment.objects.get(pk=completed.pk)
    stale.completed_on = None
    with pytest.raises(ValidationError, match="Valmistunutta"):
        actions.save_assessment(
            client=team["client"], written_by=team["worker"], assessment=stale, conclusion="x"
        )
    assert ServiceNeedAssessment.objects.get(pk=completed.pk).conclusion == CONCLUSION


def test_an_assessment_in_progress_is_saved_as_it_goes_until_completed(team, sote):
    today = timezone.localdate()
    started = actions.save_assessment(
        client=team["client"],
        written_by=team["worker"],
        started_on=today - datetime.timedelta(days=10),
    )
    actions.save_assessment(
        client=team["client"], written_by=sote, assessment=started, conclusion="Luonnos."
    )
    done = actions.save_assessment(
        client=team["client"],
        written_by=sote,
        assessment=ServiceNeedAssessment.objects.get(pk=started.pk),
        completed_on=today,
        special_support="no",
        conclusion="Valmis johtopäätös.",
        client_view="Asiakkaan oma näkemys palvelutarpeesta.",
    )
    assert ServiceNeedAssessment.objects.get(pk=done.pk).conclusion == "Valmis johtopäätös."
    with pytest.raises(ValidationError, match="Valmistunutta"):
        actions.save_assessment(
            client=team["client"], written_by=team["worker"], assessment=done, conclusion="y"
        )


def test_the_database_refuses_changing_a_completed_assessment(team, completed):
    rows = ServiceNeedAssessment.objects.filter(pk=completed.pk)
    for change in (
        {"conclusion": "Muutettu jälkikäteen."},
        {"completed_on": None},
        {"completed_on": timezone.localdate()},
        {"author": team["counsellor"]},
        {"client_view": "Muutettu jälkikäteen."},
        {"special_support": "yes"},
    ):
        with (
            pytest.raises(IntegrityError, match="assessment_completed_fixed"),
            transaction.atomic(),
        ):
            rows.update(**change)
    rows.update(conclusion=CONCLUSION)  # writing the same values changes nothing: not refused
    assert rows.get().conclusion == CONCLUSION


def test_the_database_lets_an_assessment_in_progress_change_and_be_completed(team):
    today = timezone.localdate()
    started = ServiceNeedAssessment.objects.create(
        client=team["client"], author=team["worker"], started_on=today - datetime.timedelta(5)
    )
    rows = ServiceNeedAssessment.objects.filter(pk=started.pk)
    rows.update(conclusion="Luonnos.")
    rows.update(
        completed_on=today,
        special_support="no",
        conclusion="Valmis.",
        client_view="Asiakkaan oma näkemys palvelutarpeesta.",
    )
    assert rows.get().completed_on == today


def test_a_completed_assessments_edit_page_sends_to_its_page(client, team, completed):
    """As a note past its 24 hours: not a form that would refuse what the user typed."""
    login(client, team["worker"])
    base = f"/clients/{team['client'].uuid}/assessments/{completed.pk}/"
    mark = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.get(f"{base}edit/")
    assert response.status_code == 302 and response["Location"] == base
    assert [str(m) for m in get_messages(response.wsgi_request)] == [FIXED]
    assert not AccessLogEntry.objects.filter(pk__gt=mark).exists()  # its page logs the read
    posted = client.post(
        f"{base}edit/",
        {
            "started_on": completed.started_on.isoformat(),
            "completed_on": "",
            "conclusion": "Kokonaan uusi johtopäätös.",
            "client_view": "Asiakkaan oma näkemys palvelutarpeesta.",
        },
    )
    assert posted.status_code == 302 and posted["Location"] == base
    assert ServiceNeedAssessment.objects.get(pk=completed.pk).conclusion == CONCLUSION
    page = client.get(base).content.decode()
    assert f'href="{base}edit/"' not in page
    assert "Muokkaa arviota" not in page
    assert FIXED in page


def test_the_pages_offer_no_edit_link_for_a_completed_one_and_a_new_assessment_instead(
    client, team, completed
):
    uuid = team["client"].uuid
    edit = f'href="/clients/{uuid}/assessments/{completed.pk}/edit/"'
    new = f'href="/clients/{uuid}/assessments/new/"'
    login(client, team["worker"])
    for page in (f"/clients/{uuid}/", f"/clients/{uuid}/assessments/"):
        html = client.get(page).content.decode()
        assert edit not in html
        assert new in html
    # The correction: a new assessment, completed the same way.
    today = timezone.localdate()
    response = client.post(
        f"/clients/{uuid}/assessments/new/",
        {
            "started_on": today.isoformat(),
            "completed_on": today.isoformat(),
            "special_support": "no",
            "conclusion": "Korjattu arvio: tarvitsee myös velkaneuvontaa.",
            "client_view": "Asiakkaan oma näkemys palvelutarpeesta.",
        },
    )
    assert response.status_code == 302
    newest = ServiceNeedAssessment.objects.filter(client=team["client"]).first()
    assert newest.pk != completed.pk and newest.conclusion.startswith("Korjattu arvio")
    assert ServiceNeedAssessment.objects.get(pk=completed.pk).conclusion == CONCLUSION
