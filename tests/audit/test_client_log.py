"""The DPO's client log report: found by identity code (POST), scoped to the
organisation, two years by default, a longer period only with a recorded reason."""

import datetime
import re

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry, Basis, LogReportPrint
from tests.audit.conftest import (
    CODE,
    NOW,
    OTHER_ORGANISATION_CODE,
    UNKNOWN_CODE,
    access,
    disclosure,
)
from tests.conftest import login
from tests.log_rows import last_log_id

pytestmark = pytest.mark.django_db

FIND = reverse("audit:client_log_find")
NOT_FOUND = "Henkilötunnuksella ei löytynyt organisaatiosi asiakasta."


def report_url(client_):
    return reverse("audit:client_log", args=[client_.uuid])


def error_text(html: str) -> list[str]:
    return re.findall(r'class="hds-text-input__error-text"[^>]*><p>([^<]*)</p>', html)


def test_finding_by_identity_code_redirects_to_the_report_by_uuid(client, now, dpo, subject_client):
    login(client, dpo)
    response = client.post(FIND, {"identity_code": CODE.lower()})
    assert response.status_code == 302
    assert response["Location"] == (f"{report_url(subject_client)}?start=2024-06-15&end=2026-06-15")
    assert CODE not in response["Location"]


def test_the_report_shows_who_when_what_and_on_what_basis_for_that_client_only(
    client, now, dpo, worker, coach, subject_client, other_client
):
    access(worker, subject_client, at=datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.UTC))
    access(
        coach,
        subject_client,
        at=datetime.datetime(2026, 4, 2, 10, 30, tzinfo=datetime.UTC),
        action="pathways.step.logged",
        basis=Basis.CARE_TEAM,
    )
    access(
        worker,
        subject_client,
        at=datetime.datetime(2026, 5, 3, 8, 0, tzinfo=datetime.UTC),
        action="clients.identity_code.revealed",
    )
    access(
        coach,
        other_client,
        at=datetime.datetime(2026, 5, 4, 8, 0, tzinfo=datetime.UTC),
        action="clients.note.added",
    )
    login(client, dpo)
    html = client.get(report_url(subject_client)).content.decode()

    assert "Lokiraportti: Silmu Aurora Suunnistaja" in html
    assert "Ajalta 15.6.2024–15.6.2026." in html
    # 1 March 07:05 UTC is 9.05 in Helsinki (winter time), 2 April 10:30 UTC is 13.30 (summer).
    assert re.search(
        r"<td>1\.3\.2026 9\.05</td>\s*<td>Sanna Sosiaali</td>\s*<td>[^<]+</td>\s*"
        r"<td>Sosiaalityöntekijä</td>\s*<td>Avasi asiakkaan tiedot</td>\s*<td>Omatiimin jäsenyys</td>",
        html,
    )
    assert str(worker.organisation) in html
    assert "<td>Työvalmentaja</td>" in html
    assert "2.4.2026 13.30" in html
    # An action code nobody has named is shown as it is.
    assert "<td>pathways.step.logged</td>" in html
    assert "Näytti henkilötunnuksen" in html
    # Nothing of the other client.
    assert "Kirjoitti asiakaskirjauksen" not in html
    assert "Toinen" not in html


def test_the_report_lists_disclosures_with_recipient_basis_and_channel(
    client, now, dpo, worker, subject_client, other_client, outsider
):
    at = datetime.datetime(2026, 2, 10, 12, 0, tzinfo=datetime.UTC)
    disclosure(
        worker,
        subject_client,
        at=at,
        recipient_organisation=outsider.organisation,
        recipient_user=outsider,
        what="Asiakassuunnitelma",
        purpose="case_consultation",
        basis=Basis.CONSENT,
        consent_id=41,
        channel="consultation",
    )
    disclosure(
        worker,
        subject_client,
        at=at,
        recipient_organisation=None,
        recipient_description="Kela, työkyvyttömyysratkaisut",
        what="Palvelutarpeen arvio",
        basis=Basis.STATUTE,
        statute="Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista 812/2000, 17 §",
        channel="secure_email",
    )
    disclosure(
        worker,
        other_client,
        at=at,
        recipient_organisation=None,
        what="Toisen asiakkaan tiedot",
        basis=Basis.STATUTE,
        statute="Laki",
        channel="print",
    )
    login(client, dpo)
    html = client.get(report_url(subject_client)).content.decode()
    assert f"{outsider.organisation}, Olli Ulkopuoli" in html
    assert "Asiakassuunnitelma (Tapauskonsultaatio)" in html  # codes read as words
    assert "Asiakkaan suostumus: suostumus nro 41" in html
    assert "Kela, työkyvyttömyysratkaisut" in html
    assert "Lakiin perustuva oikeus: Laki sosiaalihuollon asiakkaan asemasta" in html
    assert "<td>Suojattu sähköposti</td>" in html
    assert "Toisen asiakkaan tiedot" not in html


def test_a_disclosure_on_a_consent_names_the_consent_version_in_the_report(
    client, now, dpo, worker, subject_client
):
    """The report (also printed for the client) says which consent the disclosure rested on,
    as the client and the DPO know it: its form, version and the day it was given, not only
    its number in Polku's database. One query for the consents however many rows."""
    from consents.factories import ConsentFactory, kela

    consent = ConsentFactory(client=subject_client, recorded_by=worker, parties=[kela()])
    for minute in (0, 5):
        disclosure(
            worker,
            subject_client,
            at=NOW - datetime.timedelta(minutes=60 - minute),
            recipient_organisation=consent.parties.get().organisation,
            what="Henkilöllisyys- ja yhteystiedot",
            basis=Basis.CONSENT,
            consent_id=consent.pk,
            channel="phone",
        )
    login(client, dpo)
    html = client.get(report_url(subject_client)).content.decode()
    assert (
        html.count(
            f"Asiakkaan suostumus: suostumus nro {consent.pk} "
            f"(Kelan lomake Y 100, versio 1, annettu {consent.signed_on:%-d.%-m.%Y})"
        )
        == 2
    )


def test_a_client_of_another_organisation_answers_as_if_not_found(
    client, now, dpo, outsiders_client, django_capture_on_commit_callbacks
):
    login(client, dpo)
    mark = last_log_id()
    other = client.post(FIND, {"identity_code": OTHER_ORGANISATION_CODE})
    nobody = client.post(FIND, {"identity_code": UNKNOWN_CODE})
    assert other.status_code == nobody.status_code == 200
    assert error_text(other.content.decode()) == [NOT_FOUND]
    assert error_text(nobody.content.decode()) == [NOT_FOUND]
    assert client.get(report_url(outsiders_client)).status_code == 404
    export = reverse("audit:client_log_export", args=[outsiders_client.uuid])
    assert client.get(export).status_code == 404
    pdf = reverse("audit:client_log_pdf", args=[outsiders_client.uuid])
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(pdf, {"language": "fi"}).status_code == 404
    assert callbacks == []
    assert not LogReportPrint.objects.exists()
    assert not AccessLogEntry.objects.filter(pk__gt=mark).exists()


def test_an_invalid_identity_code_is_a_form_error(client, now, dpo):
    login(client, dpo)
    response = client.post(FIND, {"identity_code": "010594Y9033"})
    assert response.status_code == 200
    assert error_text(response.content.decode()) == [
        "Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus."
    ]


def test_the_default_period_is_the_last_two_years(client, now, dpo, worker, subject_client):
    # The period starts at midnight in Helsinki on 15 June 2024 (UTC+3).
    access(
        worker,
        subject_client,
        at=datetime.datetime(2024, 6, 14, 20, 59, tzinfo=datetime.UTC),
        action="clients.note.added",
    )
    access(
        worker,
        subject_client,
        at=datetime.datetime(2024, 6, 14, 21, 0, tzinfo=datetime.UTC),
        action="clients.note.edited",
    )
    login(client, dpo)
    html = client.get(report_url(subject_client)).content.decode()
    assert "15.6.2024 0.00" in html
    assert "Muokkasi asiakaskirjausta" in html
    assert "Kirjoitti asiakaskirjauksen" not in html
    entry = AccessLogEntry.objects.get(action="audit.client_log.viewed")
    assert entry.detail == "period=2024-06-15..2026-06-15"


def test_a_longer_period_requires_a_reason(client, now, dpo, worker, subject_client):
    access(
        worker,
        subject_client,
        at=datetime.datetime(2023, 1, 10, 10, 0, tzinfo=datetime.UTC),
        action="clients.note.added",
    )
    login(client, dpo)
    response = client.post(FIND, {"identity_code": CODE, "start": "2022-01-01"})
    assert response.status_code == 200
    assert error_text(response.content.decode()) == [
        "Lokiraportti kattaa kaksi viimeistä vuotta. Kirjaa peruste, jos tarvitset vanhempia tietoja."
    ]
    # The same through the report's own URL.
    html = client.get(report_url(subject_client), {"start": "2022-01-01"}).content.decode()
    assert "Kirjaa peruste" in html
    assert "Kirjoitti asiakaskirjauksen" not in html
    # The refused report shows no rows, but it names the client: that is logged.
    entry = AccessLogEntry.objects.get(action__startswith="audit.")
    assert (entry.action, entry.detail) == ("audit.client_log.viewed", "period refused")
    assert entry.client_id == subject_client.uuid


def test_a_reason_naming_an_identity_code_is_refused_and_not_logged(
    client, now, dpo, subject_client
):
    """The reason goes into the access log and onto the printed report, where no identity
    code is ever written."""
    login(client, dpo)
    response = client.post(
        FIND,
        {"identity_code": CODE, "start": "2022-01-01", "reason": f"Tietopyyntö, asiakas {CODE}"},
    )
    assert response.status_code == 200
    assert error_text(response.content.decode()) == [
        "Älä kirjoita perusteeseen henkilötunnusta: peruste kirjataan lokiin."
    ]
    assert not AccessLogEntry.objects.filter(detail__contains=CODE[:6]).exists()


def test_with_a_reason_the_longer_report_answers_the_post_and_logs_the_reason(
    client, now, dpo, worker, subject_client
):
    access(
        worker,
        subject_client,
        at=datetime.datetime(2023, 1, 10, 10, 0, tzinfo=datetime.UTC),
        action="clients.note.added",
    )
    login(client, dpo)
    reason = "Asiakkaan tietopyyntö 3.6.2026, koko asiakkuuden ajalta"
    response = client.post(
        FIND, {"identity_code": CODE, "start": "2022-01-01", "end": "2026-06-15", "reason": reason}
    )
    # No redirect: the reason stays out of every URL.
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kirjoitti asiakaskirjauksen" in html
    assert "10.1.2023 12.00" in html
    assert f"Peruste pidemmälle jaksolle: {reason}" in html
    entry = AccessLogEntry.objects.get(action="audit.client_log.viewed")
    assert entry.detail == f"period=2022-01-01..2026-06-15; reason={reason}"
    assert entry.client_id == subject_client.uuid
    assert entry.basis == Basis.DATA_PROTECTION
    assert entry.actor == dpo
    assert entry.actor_role == "dpo"

    # Changing the period on the report page also takes the reason by POST.
    response = client.post(
        report_url(subject_client), {"start": "2021-06-01", "end": "2026-06-15", "reason": reason}
    )
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(
        action="audit.client_log.viewed", detail=f"period=2021-06-01..2026-06-15; reason={reason}"
    ).exists()


def test_an_end_before_the_start_or_in_the_future_is_refused(client, now, dpo, subject_client):
    login(client, dpo)
    html = client.get(
        report_url(subject_client), {"start": "2026-05-01", "end": "2026-04-01"}
    ).content.decode()
    assert "Alkupäivä on loppupäivän jälkeen." in html
    html = client.get(report_url(subject_client), {"end": "2026-07-01"}).content.decode()
    assert "Jakso voi päättyä viimeistään tänään." in html
    assert "Silmu Aurora Suunnistaja" in html
    entries = AccessLogEntry.objects.order_by("id")
    assert [(e.action, e.detail, e.client_id) for e in entries] == [
        ("audit.client_log.viewed", "period refused", subject_client.uuid)
    ] * 2


def test_every_view_of_the_report_writes_its_own_log_row(client, now, dpo, subject_client):
    login(client, dpo)
    client.get(report_url(subject_client))
    client.get(report_url(subject_client), {"start": "2026-01-01", "end": "2026-06-01"})
    entries = AccessLogEntry.objects.filter(action="audit.client_log.viewed").order_by("id")
    assert [e.detail for e in entries] == [
        "period=2024-06-15..2026-06-15",
        "period=2026-01-01..2026-06-01",
    ]
    assert {e.client_id for e in entries} == {subject_client.uuid}
    assert {e.actor_organisation_id for e in entries} == {dpo.organisation_id}


def test_other_roles_are_refused(client, now, worker, subject_client):
    login(client, worker)
    assert client.get(FIND).status_code == 403
    assert client.post(FIND, {"identity_code": CODE}).status_code == 403
    assert client.get(report_url(subject_client)).status_code == 403
    assert not AccessLogEntry.objects.filter(action__startswith="audit.").exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_report_query_count_does_not_grow_with_its_rows(
    client, now, dpo, worker, coach, outsider, subject_client, size, django_assert_num_queries
):
    for n in range(size):
        at = NOW - datetime.timedelta(days=n + 1)
        access(worker if n % 2 else coach, subject_client, at=at)
        disclosure(
            worker,
            subject_client,
            at=at,
            recipient_organisation=outsider.organisation,
            recipient_user=outsider,
            what="Suunnitelma",
            basis=Basis.CONSENT,
            consent_id=n + 1,
            channel="print",
        )
    login(client, dpo)
    url = report_url(subject_client)
    client.get(url)  # warm the session and content-type caches
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("<td>Suunnitelma</td>") == size


# Session user, MFA check, role assignments (middleware); the client (registry);
# access rows with actors and organisations; disclosure rows with their parties; the
# consent versions they name; the report's own log row.
REPORT_QUERIES = 8


def test_a_reason_in_the_query_string_is_not_taken(client, now, dpo, subject_client):
    login(client, dpo)
    html = client.get(
        report_url(subject_client), {"start": "2022-01-01", "reason": "Tietopyyntö"}
    ).content.decode()
    assert "Kirjaa peruste" in html
    assert AccessLogEntry.objects.get().detail == "period refused"


@pytest.mark.parametrize(("language", "selected"), [("sv", "sv"), ("en", "en"), ("so", "fi")])
def test_the_print_is_offered_in_the_clients_language(
    client, now, dpo, subject_client, language, selected
):
    """The report is printed for the client: their language is preselected where a report
    can be printed in it (Finnish otherwise), whatever the DPO's interface language."""
    subject_client.language = language
    subject_client.save(update_fields=["language"])
    login(client, dpo)
    page = client.get(f"/audit/clients/{subject_client.uuid}/log/").content.decode()
    assert f'<option value="{selected}" selected lang="{selected}">' in page
    assert page.count(" selected lang=") == 1
