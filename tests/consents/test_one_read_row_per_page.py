"""A consent page that sends the user on instead of showing its form (a version that cannot be
changed, revoked or given a scan; a statutory basis ended already) writes no access-log row of
its own: the page the user lands on logs the one read. A form page shown logs its read once,
as before."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consents import actions
from consents.factories import ConsentFactory, StatutoryBasisFactory
from tests.conftest import login
from tests.log_rows import followed, last_log_id, log_rows_since

FORM_VIEWED = "consents.consent.form_viewed"
VIEWED = "consents.consent.viewed"
LISTED = "consents.consents.viewed"


def _url(name, team, **kwargs):
    return reverse(f"consents:{name}", kwargs={"client_id": team["client"].uuid, **kwargs})


def _revoked(team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    return consent


@pytest.fixture
def worker_client(client, team):
    return login(client, team["worker"])


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("change", "Vain voimassa olevan suostumuksen uusinta versiota voi muuttaa."),
        ("revoke", "Vain voimassa olevan suostumuksen uusimman version voi peruuttaa."),
        ("scan_upload", "Peruutettuun suostumukseen ei voi liittää lomaketta."),
    ],
)
def test_a_form_page_of_a_revoked_consent_logs_only_the_consent_page(
    worker_client, team, parties, name, refusal
):
    consent = _revoked(team, parties)
    detail = _url("detail", team, consent_id=consent.pk)
    mark = last_log_id()
    page = followed(worker_client, _url(name, team, consent_id=consent.pk), [detail])
    assert refusal in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


def test_the_scan_page_of_an_oral_consent_logs_only_the_consent_page(worker_client, team):
    consent = ConsentFactory(client=team["client"], recorded_by=team["worker"], oral=True)
    detail = _url("detail", team, consent_id=consent.pk)
    mark = last_log_id()
    page = followed(worker_client, _url("scan_upload", team, consent_id=consent.pk), [detail])
    assert "Suullisesta suostumuksesta ei ole allekirjoitettua lomaketta." in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(VIEWED, team["worker"].pk)]


@pytest.mark.parametrize("name", ["change", "revoke", "scan_upload"])
def test_a_form_page_of_a_consent_in_force_is_logged_once(worker_client, team, parties, name):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    mark = last_log_id()
    page = followed(worker_client, _url(name, team, consent_id=consent.pk), [])
    assert page.context["consent"] == consent
    assert log_rows_since(team["client"], mark) == [(FORM_VIEWED, team["worker"].pk)]


def test_ending_an_ended_statutory_basis_logs_only_the_consents_list(worker_client, team):
    basis = StatutoryBasisFactory(client=team["client"], recorded_by=team["worker"])
    actions.end_statutory_basis(basis=basis, ended_by=team["worker"])
    mark = last_log_id()
    page = followed(
        worker_client, _url("statutory_basis_end", team, basis_id=basis.pk), [_url("list", team)]
    )
    assert "Lakiperusteeseen ei enää vedota." in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(LISTED, team["worker"].pk)]


def test_the_end_statutory_basis_question_shown_is_logged_once(worker_client, team):
    basis = StatutoryBasisFactory(client=team["client"], recorded_by=team["worker"])
    mark = last_log_id()
    page = followed(worker_client, _url("statutory_basis_end", team, basis_id=basis.pk), [])
    assert "Lopetetaanko lakiperusteen" in page.content.decode()
    assert log_rows_since(team["client"], mark) == [(FORM_VIEWED, team["worker"].pk)]
