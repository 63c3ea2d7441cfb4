"""The client's log report printed as a PDF with the machinery of every printed document:
queued after commit, rendered on the PDF queue, downloaded by the DPO who asked."""

import datetime
import time

import pytest
import time_machine
from django.utils import translation

from accounts.factories import make_user
from accounts.roles import Role
from audit import actions
from audit.actions import log_access, log_disclosure
from audit.labels import LOG_REPORT_PRINTED, as_logged
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry, LogReportPrint, PrintStatus
from audit.printing import stored_path
from audit.reports import ReportPeriod, client_disclosure_rows
from audit.subjects import describe_clients
from audit.tasks import remove_old_log_report_files_task, render_log_report_pdf_task
from consents.models import InformationCategory
from tests.audit.conftest import CODE, acting
from tests.conftest import login
from tests.pdf import printed_words, read_printed


def subject_of(client):
    return describe_clients([client.uuid])[client.uuid]


def request_report(dpo, client, *, language="fi", period=None) -> LogReportPrint:
    """The DPO asks for the client's log report (by default of the default period, in
    Finnish): queued, not rendered."""
    return actions.request_log_report_print(
        subject=subject_of(client),
        period=ReportPeriod.default() if period is None else period,
        language=language,
        requested_by=dpo,
    )


@pytest.fixture
def logged(worker, subject_client):
    """One access-log row and one disclosure of the client, for the report to show."""
    log_access(
        actor=worker,
        client_id=subject_client.uuid,
        action="clients.client.viewed",
        basis=Basis.CARE_TEAM,
    )
    log_disclosure(
        actor=worker,
        client_id=subject_client.uuid,
        recipient_organisation=None,
        recipient_description="Kelan Helsingin toimisto",
        what="Palvelupolun yhteenveto",
        basis=Basis.CONSENT,
        consent_id=1,
        channel="consultation",
    )
    return subject_client


def print_report(client, dpo, subject_client, django_capture_on_commit_callbacks, **data):
    login(client, dpo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/audit/clients/{subject_client.uuid}/log.pdf", data)
    return response


def test_printing_queues_the_report_and_renders_it_after_commit(
    client, dpo, logged, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        render_log_report_pdf_task, "delay", lambda report_id: sent.append(report_id)
    )
    response = print_report(client, dpo, logged, django_capture_on_commit_callbacks, language="sv")
    report = LogReportPrint.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/audit/log-reports/{report.uuid}/"
    )
    assert sent == [report.pk]
    assert (report.status, report.language, report.requested_by) == ("queued", "sv", dpo)
    assert (report.client_id, report.organisation_id) == (logged.uuid, dpo.organisation_id)
    row = AccessLogEntry.objects.get(action="audit.client_log.print_requested")
    assert (row.actor, row.client_id, row.basis) == (dpo, logged.uuid, Basis.DATA_PROTECTION)
    page = client.get(response["Location"]).content.decode()
    assert "Jonossa" in page and 'hx-trigger="every 1s"' in page
    assert logged.last_name not in page  # the progress page names no client
    # "svenska" is a Swedish word and is marked so (WCAG 3.1.2, language of parts).
    assert 'Kieli: <span lang="sv">svenska</span>' in page


def test_the_printed_report_records_its_template_version(dpo, logged):
    """As every printed document: which template it was printed with, in its language, asked
    by whom. Reports printed before the version was kept say "unrecorded" (migration 0007)."""
    from audit.reports import LOG_REPORT_TEMPLATE_VERSION

    report = request_report(dpo, logged, language="en")
    report.refresh_from_db()
    assert (report.template_version, report.language, report.requested_by) == (
        LOG_REPORT_TEMPLATE_VERSION,
        "en",
        dpo,
    )
    rendered = actions.render_log_report(report_id=report.pk)
    assert rendered.template_version == LOG_REPORT_TEMPLATE_VERSION
    assert len(rendered.checksum) == 64


def test_an_organisation_named_only_in_finnish_is_marked_finnish_in_a_swedish_report(
    dpo, worker, logged
):
    """Language of parts (WCAG 3.1.2): the organisation column names each actor's organisation
    in the report's language, and one with no Swedish name in Finnish, marked so."""
    organisation = worker.organisation
    organisation.name_sv = ""
    organisation.save()
    report = request_report(dpo, logged, language="sv")
    with translation.override("sv"):
        html = actions._log_report_html(report)
    assert f'<td><span lang="fi">{organisation.name_fi}</span></td>' in html
    organisation.name_sv = "Välfärdsområdet"
    organisation.save()
    with translation.override("sv"):
        html = actions._log_report_html(report)
    assert "<td>Välfärdsområdet</td>" in html and 'lang="fi"' not in html


def test_no_render_is_enqueued_when_the_transaction_rolls_back(
    dpo, logged, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction

    sent = []
    monkeypatch.setattr(
        render_log_report_pdf_task, "delay", lambda report_id: sent.append(report_id)
    )
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        request_report(dpo, logged)
        raise RuntimeError("rolled back")
    assert sent == [] and not LogReportPrint.objects.exists()


@pytest.mark.parametrize(
    ("language", "title", "access_heading"),
    [
        ("fi", "Lokiraportti: Silmu Aurora Suunnistaja", "Tietojen käsittely"),
        ("sv", "Loggrapport: Silmu Aurora Suunnistaja", "Behandling av uppgifter"),
        ("en", "Log report: Silmu Aurora Suunnistaja", "Processing of information"),
    ],
)
def test_the_report_renders_in_its_language_with_the_rows_and_no_identity_code(
    dpo, worker, logged, language, title, access_heading
):
    report = request_report(dpo, logged, language=language)
    report = actions.render_log_report(report_id=report.pk)
    assert report.status == PrintStatus.READY and len(report.checksum) == 64
    text = printed_words(report)
    assert title in text and access_heading in text, text
    assert worker.last_name in text and "Kelan Helsingin toimisto" in text, text
    assert CODE not in text and CODE[:6] not in text
    reader = read_printed(report)
    assert reader.metadata.title == title
    assert reader.trailer["/Root"].get("/Lang") == language


def test_rendering_twice_is_harmless(dpo, logged):
    report = request_report(dpo, logged)
    first = actions.render_log_report(report_id=report.pk)
    again = actions.render_log_report(report_id=report.pk)
    assert again.checksum == first.checksum and again.rendered_at == first.rendered_at


def test_a_longer_period_prints_with_its_reason(dpo, logged):
    period = ReportPeriod(
        start=datetime.date(2019, 1, 1),
        end=datetime.date.today(),
        reason="Asiakkaan pyyntö koko asiakkuuden ajalta",
    )
    report = request_report(dpo, logged, period=period)
    text = printed_words(actions.render_log_report(report_id=report.pk))
    assert "Ajalta 1.1.2019" in text and "Asiakkaan pyyntö koko asiakkuuden ajalta" in text


def test_the_way_back_from_a_longer_reports_print_keeps_its_period_and_reason(client, dpo, logged):
    """The reason is never in a URL: the way back posts it, so the DPO returns to the report
    they printed, not to a refusal asking for a reason again."""
    reason = "Asiakkaan pyyntö koko asiakkuuden ajalta"
    period = ReportPeriod(start=datetime.date(2019, 1, 1), end=datetime.date.today(), reason=reason)
    report = request_report(dpo, logged, period=period)
    login(client, dpo)
    page = client.get(f"/audit/log-reports/{report.uuid}/").content.decode()
    back = f'action="/audit/clients/{logged.uuid}/log/"'
    assert back in page and 'name="reason"' in page and reason in page
    assert "reason=" not in page  # nor in a link's query string
    answer = client.post(
        f"/audit/clients/{logged.uuid}/log/",
        {"start": "2019-01-01", "end": datetime.date.today().isoformat(), "reason": reason},
    ).content.decode()
    assert f"Peruste pidemmälle jaksolle: {reason}" in answer
    row = AccessLogEntry.objects.filter(action="audit.client_log.viewed").latest("pk")
    assert "period refused" not in row.detail and reason in row.detail


def test_the_way_back_from_a_two_year_reports_print_is_a_link(client, dpo, logged):
    report = request_report(dpo, logged)
    login(client, dpo)
    page = client.get(f"/audit/log-reports/{report.uuid}/").content.decode()
    assert f'href="/audit/clients/{logged.uuid}/log/?start=' in page
    assert 'name="reason"' not in page


def test_download_is_logged_as_a_print_and_a_disclosure_to_the_client(client, dpo, logged):
    report = request_report(dpo, logged)
    actions.render_log_report(report_id=report.pk)
    login(client, dpo)
    page = client.get(f"/audit/log-reports/{report.uuid}/").content.decode()
    assert f'href="/audit/log-reports/{report.uuid}/download/"' in page
    assert not AccessLogEntry.objects.filter(action="audit.client_log.printed").exists()
    response = client.get(f"/audit/log-reports/{report.uuid}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    printed = AccessLogEntry.objects.get(action="audit.client_log.printed")
    assert (printed.actor, printed.client_id, printed.basis) == (
        dpo,
        logged.uuid,
        "data_protection",
    )
    disclosure = DisclosureLogEntry.objects.get(channel="pdf")
    assert (disclosure.client_id, disclosure.basis) == (logged.uuid, Basis.CLIENT_REQUEST)
    assert disclosure.recipient_description == "Asiakas itse"
    assert disclosure.what.startswith("Lokiraportti ajalta ")


def test_a_file_gone_under_a_ready_report_answers_404_and_logs_no_print(client, dpo, logged):
    """The daily cleanup may remove the file after the view has read the row as ready: the
    download answers 404, not 500, and writes neither log row."""
    report = request_report(dpo, logged)
    report = actions.render_log_report(report_id=report.pk)
    stored_path(report.file_name).unlink()
    login(client, dpo)
    assert client.get(f"/audit/log-reports/{report.uuid}/download/").status_code == 404
    assert not AccessLogEntry.objects.filter(action="audit.client_log.printed").exists()
    assert not DisclosureLogEntry.objects.filter(channel="pdf").exists()


def test_the_print_is_not_logged_without_its_disclosure(dpo, logged, monkeypatch):
    report = request_report(dpo, logged)
    report = actions.render_log_report(report_id=report.pk)

    def fail(**fields):
        raise RuntimeError("disclosure log unavailable")

    monkeypatch.setattr(actions, "log_disclosure", fail)
    with pytest.raises(RuntimeError):
        actions.record_log_report_handed_over(report=report, by=acting(dpo))
    assert not AccessLogEntry.objects.filter(action="audit.client_log.printed").exists()


def test_a_report_not_yet_ready_is_not_downloadable(client, dpo, logged):
    report = request_report(dpo, logged)
    login(client, dpo)
    assert client.get(f"/audit/log-reports/{report.uuid}/download/").status_code == 404
    assert not AccessLogEntry.objects.filter(action="audit.client_log.printed").exists()


def test_only_the_dpo_who_asked_reaches_the_printed_report(client, dpo, unit, worker, logged):
    report = request_report(dpo, logged)
    actions.render_log_report(report_id=report.pk)
    urls = [
        f"/audit/log-reports/{report.uuid}/",
        f"/audit/log-reports/{report.uuid}/status/",
        f"/audit/log-reports/{report.uuid}/download/",
    ]
    colleague = make_user(Role.DPO, unit, first_name="Toinen", last_name="Tietosuoja")
    login(client, colleague)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    login(client, worker)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert not AccessLogEntry.objects.filter(action="audit.client_log.printed").exists()


def test_a_failed_two_year_report_links_back_to_its_period(client, dpo, logged):
    """ "Yritä uudelleen" with the way to do it: the report's period on the client's log
    report, where it is printed, in the page and in the polled fragment."""
    period = ReportPeriod.default()
    report = request_report(dpo, logged, period=period)
    LogReportPrint.objects.filter(pk=report.pk).update(status=PrintStatus.FAILED)
    login(client, dpo)
    base = f"/audit/log-reports/{report.uuid}/"
    url = f"/audit/clients/{logged.uuid}/log/?start={period.start}&amp;end={period.end}"
    fragment = client.get(f"{base}status/", headers={"HX-Request": "true"}).content.decode()
    assert "PDF:n tekeminen epäonnistui." in fragment
    assert f'<a href="{url}">Tulosta uudelleen</a>' in fragment
    assert f'<a href="{url}">Tulosta uudelleen</a>' in client.get(base).content.decode()


def test_a_failed_longer_report_posts_its_reason_back(client, dpo, logged):
    """A reason is never put in a URL: printing a failed longer report again posts its period
    and reason to the client's log report, which shows the period again (not a refusal)."""
    reason = "Asiakkaan pyyntö koko asiakkuuden ajalta"
    period = ReportPeriod(start=datetime.date(2019, 1, 1), end=datetime.date.today(), reason=reason)
    report = request_report(dpo, logged, period=period)
    LogReportPrint.objects.filter(pk=report.pk).update(status=PrintStatus.FAILED)
    login(client, dpo)
    fragment = client.get(
        f"/audit/log-reports/{report.uuid}/status/", headers={"HX-Request": "true"}
    ).content.decode()
    retry = fragment.split('role="alert"')[1]
    assert f'<form method="post" action="/audit/clients/{logged.uuid}/log/">' in retry
    assert "csrfmiddlewaretoken" in retry
    assert f'name="reason" value="{reason}"' in retry
    assert 'name="start" value="2019-01-01"' in retry and "Tulosta uudelleen" in retry
    assert "reason=" not in fragment


def test_the_log_reports_status_poll_swaps_only_inside_its_live_region(client, dpo, logged):
    report = request_report(dpo, logged)
    login(client, dpo)
    base = f"/audit/log-reports/{report.uuid}/"
    page = client.get(base).content.decode()
    assert '<div id="log-report-status-live" aria-live="polite">' in page
    assert client.get(f"{base}status/?shown=queued").status_code == 204
    actions.render_log_report(report_id=report.pk)
    poll = client.get(f"{base}status/?shown=queued", headers={"HX-Request": "true"})
    html = poll.content.decode()
    assert poll.status_code == 200 and "PDF on valmis." in html and "aria-live" not in html
    assert html.lstrip().startswith('<div id="log-report-status"')


def test_a_tampered_period_is_refused_next_to_the_field(
    client, dpo, logged, django_capture_on_commit_callbacks
):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = print_report(
        client, dpo, logged, django_capture_on_commit_callbacks, end=future, language="fi"
    )
    assert response.status_code == 200
    assert "Jakso voi päättyä viimeistään tänään." in response.content.decode()
    assert not LogReportPrint.objects.exists()
    # The page names the client, so it is logged, as the report's own refused period is.
    assert AccessLogEntry.objects.filter(
        actor=dpo, action="audit.client_log.viewed", detail="period refused"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_log_report(dpo, logged, pdf_worker):
    report = request_report(dpo, logged)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (PrintStatus.READY, PrintStatus.FAILED):
            break
        time.sleep(0.2)
    assert report.status == PrintStatus.READY, report.error
    assert "Lokiraportti" in printed_words(report)


def test_the_file_is_removed_after_its_days_and_the_record_stays(client, dpo, logged, settings):
    settings.POLKU_PRINTED_FILES_KEPT_DAYS = 3
    report = request_report(dpo, logged)
    report = actions.render_log_report(report_id=report.pk)
    stored = stored_path(report.file_name)
    with time_machine.travel(report.rendered_at + datetime.timedelta(days=3, minutes=1)):
        assert remove_old_log_report_files_task.run() == 1
    report.refresh_from_db()
    assert report.status == PrintStatus.EXPIRED and not stored.exists() and report.checksum
    login(client, dpo)
    assert client.get(f"/audit/log-reports/{report.uuid}/download/").status_code == 404
    page = client.get(f"/audit/log-reports/{report.uuid}/").content.decode()
    assert "Tiedosto on poistettu: tulosteita säilytetään 3 päivää." in page


def test_a_long_report_cuts_no_row_in_two_at_a_page_break(dpo, worker, unit, subject_client):
    """Each row prints whole on one page, so no user is shown without their organisation."""
    organisation = unit.organisation  # the worker's too
    organisation.name_fi = "Helsingin kaupunki, sosiaali-, terveys- ja pelastustoimiala"
    organisation.save()
    for _ in range(40):
        log_access(
            actor=worker,
            client_id=subject_client.uuid,
            action="clients.client.viewed",
            basis=Basis.CARE_TEAM,
        )
    report = request_report(dpo, subject_client)
    report = actions.render_log_report(report_id=report.pk)
    pages = read_printed(report).pages
    texts = [page.extract_text() for page in pages]
    with_rows = [text for text in texts if "pelastustoimiala" in text]
    assert len(with_rows) > 1
    for text in texts:
        # Each row's cells share a page: its basis, and its organisation, whose name wraps
        # over several lines of the cell.
        rows = text.count("Omatiimin") + text.count("Tietosuojavastaavan")
        assert text.count("Helsingin") == text.count("pelastustoimiala") == rows
    assert all("Käyttäjä" in text for text in with_rows)  # the header row repeats


def test_a_swedish_report_names_the_disclosed_categories_in_swedish(dpo, worker, subject_client):
    """The log keeps what was disclosed in Finnish; Polku's own words in it (the information
    categories) print in the report's language, words a user typed stay as logged."""
    log_disclosure(
        actor=worker,
        client_id=subject_client.uuid,
        recipient_organisation=None,
        recipient_description="Kelan Helsingin toimisto",
        what="Henkilöllisyys- ja yhteystiedot, Tulot ja etuudet, Kuntoutussuunnitelman liite",
        basis=Basis.CONSENT,
        consent_id=1,
        channel="consultation",
    )
    report = request_report(dpo, subject_client, language="sv")
    text = printed_words(actions.render_log_report(report_id=report.pk))
    with translation.override("sv"):
        identity, income = (
            str(InformationCategory.IDENTITY.label),
            str(InformationCategory.INCOME.label),
        )
    assert identity in text and income in text, text
    assert "Henkilöllisyys- ja yhteystiedot" not in text
    assert "Kuntoutussuunnitelman liite" in text


def test_logged_texts_of_polku_show_in_the_reports_language(dpo, worker, subject_client):
    """Texts Polku writes into the log in Finnish with values in them (a log report's
    period, a consultation case's reference) and its own recipient descriptions show in
    the reader's language with the values kept; typed text stays as logged."""
    period = ReportPeriod.default()
    for what, recipient in (
        (as_logged(LOG_REPORT_PRINTED, period="1.1.2026–5.12.2026"), "Asiakas itse"),
        ("Nimi, ikä ja konsultaatiopyynnön tiedot (K-2026-0042)", "Omatiimin jäsen"),
        (
            "Nimi, ikä ja konsultaatiopyynnön tiedot (K-2026-0043), "
            "Terveystiedot (erityinen henkilötietoryhmä)",
            "Kelan Helsingin toimisto",
        ),
        ("Kuntoutussuunnitelman liite", "Kelan Helsingin toimisto"),
    ):
        log_disclosure(
            actor=worker,
            client_id=subject_client.uuid,
            recipient_organisation=None,
            recipient_description=recipient,
            what=what,
            basis=Basis.CLIENT_REQUEST,
            channel="pdf",
        )
    assert as_logged(LOG_REPORT_PRINTED, period="x") == "Lokiraportti ajalta x"
    with translation.override("en"):
        rows = {
            row.what: row.recipient for row in client_disclosure_rows(subject_client.uuid, period)
        }
    assert rows == {
        "Log report for 1.1.2026–5.12.2026": "The client",
        "Name, age and the consultation request's details (K-2026-0042)": "Care team member",
        "Name, age and the consultation request's details (K-2026-0043), "
        "Health information (special category of personal data)": "Kelan Helsingin toimisto",
        "Kuntoutussuunnitelman liite": "Kelan Helsingin toimisto",
    }


@pytest.mark.parametrize(
    ("language", "name"),
    [("fi", "lokiraportti"), ("sv", "loggrapport"), ("en", "log-report")],
)
def test_the_downloaded_file_is_named_in_the_reports_language(client, dpo, logged, language, name):
    """The DPO reads Polku in Finnish and prints a Swedish report for the client: the file
    handed to the client is named in Swedish, as the pathway summary's file is."""
    report = request_report(dpo, logged, language=language)
    report = actions.render_log_report(report_id=report.pk)
    login(client, dpo)
    response = client.get(f"/audit/log-reports/{report.uuid}/download/")
    start, end = f"{report.period_start:%Y%m%d}", f"{report.period_end:%Y%m%d}"
    assert response["Content-Disposition"] == (f'attachment; filename="{name}-{start}-{end}.pdf"')
