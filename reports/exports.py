"""The report as rows for CSV: the same figures (and the same suppression) as the page."""

import csv
from collections.abc import Iterator

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from reports.access import ReportScope
from reports.consultation_indicators import ConsultationActivity, NetworkReport
from reports.indicators import OrganisationReport
from reports.suppression import SUPPRESSION_NOTE, Figure

CsvRow = tuple[str, str, str]

# Spreadsheet programs run a cell that starts with one of these as a formula
# (a worker's or a service's name is typed by people).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _date(day) -> str:
    return f"{day:%-d.%-m.%Y}"


def _cell(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _consultation_rows(activity: ConsultationActivity, *, of_clients: bool) -> Iterator[CsvRow]:
    """One indicator after another, each by network and in total (the page's table, by column).

    `of_clients`: a manager's, whose sessions are those where their clients were discussed.
    """
    rows = [*activity.rows, activity.total]
    sessions = (
        _("Konsultaatiot: istuntoja, joissa käsiteltiin organisaation asiakkaita (jaksolla)")
        if of_clients
        else _("Konsultaatiot: pidettyjä istuntoja (jaksolla)")
    )
    columns = [
        (sessions, "sessions"),
        (_("Konsultaatiot: käsiteltyjä tapauksia (pidetyissä istunnoissa)"), "cases"),
        (_("Konsultaatiot: vastaanotettuja pyyntöjä (pyydetty jaksolla)"), "requests"),
        (_("Konsultaatiot: pyynnöstä istuntoon, mediaani (päivää)"), "median_days"),
    ]
    for indicator, name in columns:
        for item in rows:
            figure: Figure = getattr(item, name)
            yield (indicator, item.label, figure.text)


def _rows(report: OrganisationReport) -> Iterator[CsvRow]:
    def row(indicator: str, group: str, figure: Figure) -> CsvRow:
        return (indicator, group, figure.text)

    caseload = _("Asiakkaita vastuutyöntekijää kohden (aktiiviset asiakkaat)")
    for item in report.caseload.rows:
        yield row(caseload, item.label, item.figure)
    yield row(caseload, _("Ei vastuutyöntekijää"), report.caseload.without_worker)
    yield row(caseload, _("Yhteensä"), report.caseload.total)

    first_plan = _("Rekisteröinnistä ensimmäiseen suunnitelmaan (rekisteröity jaksolla)")
    yield row(first_plan, _("Rekisteröityjä asiakkaita"), report.first_plan.registered)
    yield row(first_plan, _("Suunnitelma tehty"), report.first_plan.with_plan)
    yield row(first_plan, _("Ei vielä suunnitelmaa"), report.first_plan.without_plan)
    yield row(first_plan, _("Mediaani, päivää"), report.first_plan.median_days)

    reviews = _("Suunnitelmien arvioinnit (aktiiviset asiakkaat, tänään)")
    overdue = report.situation.overdue_reviews
    yield row(reviews, _("Asiakkaita, joilla seurattava suunnitelma"), overdue.whole)
    yield row(reviews, _("Arviointi myöhässä"), overdue.part)
    yield row(reviews, _("Arviointi ajallaan"), overdue.rest)
    yield row(reviews, _("Myöhässä, osuus"), overdue.share)

    rehab = _("Kuntouttava työtoiminta, avoimet jaksot (aktiiviset asiakkaat, tänään)")
    yield row(rehab, _("Asiakkaita"), report.rehabilitation.open_steps)
    yield row(rehab, _("Ennen varoituskuukautta"), report.rehabilitation.before_warning)
    yield row(rehab, _("Varoituskuukausina"), report.rehabilitation.in_warning_months)
    yield row(rehab, _("Enimmäiskesto täynnä"), report.rehabilitation.past_maximum)

    transitions = _("Siirtymät: jaksolla päättyneet palvelujaksot")
    for group in report.transitions:
        yield row(transitions, f"{group.service}: {_('yhteensä')}", group.total)
        for item in group.rows:
            yield row(transitions, f"{group.service} → {item.label}", item.figure)

    ips = _("Tuettu työllistyminen (IPS), jaksolla")
    employed = report.ips.employed
    yield row(ips, _("Asiakkaita"), employed.whole)
    yield row(ips, _("Työllistyneitä"), employed.part)
    yield row(ips, _("Ei työllistyneitä"), employed.rest)
    yield row(ips, _("Työllistyneiden osuus"), employed.share)
    if report.ips.target_text:
        yield (ips, _("Tavoite"), report.ips.target_text)

    consent = _("Suostumuskattavuus (aktiiviset asiakkaat, tänään)")
    coverage = report.situation.consent_coverage
    yield row(consent, _("Aktiivisia asiakkaita"), coverage.whole)
    yield row(consent, _("Kirjallinen suostumus voimassa"), coverage.part)
    yield row(consent, _("Ei voimassa olevaa suostumusta"), coverage.rest)
    yield row(consent, _("Kattavuus"), coverage.share)

    retention = _("Säilytysaikansa päättäneet asiakasasiakirjat (päättyneet asiakkuudet, tänään)")
    yield row(retention, _("Säilytysaika päättynyt"), report.retention.past_retention)
    yield row(
        retention, _("Säilytetään pysyvästi: siirretään arkistoon"), report.retention.to_archive
    )
    yield row(retention, _("Hävitetään"), report.retention.to_destroy)

    yield from _consultation_rows(report.consultations, of_clients=True)


def report_csv(
    scope: ReportScope, report: OrganisationReport | NetworkReport, *, filename: str
) -> HttpResponse:
    """The report for Excel: UTF-8 with a BOM, semicolons; a header naming the scope and period.

    A manager's report (OrganisationReport) has every indicator, its clients'
    consultations last; a coordinator's (NetworkReport) the consultations of
    their networks.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    # Dates as on the page (d.m.yyyy): the file is read by people, in Excel.
    period = f"{_date(report.period.start)}–{_date(report.period.end)}"
    figures = (
        _rows(report)
        if isinstance(report, OrganisationReport)
        else _consultation_rows(report.consultations, of_clients=False)
    )
    rows: list[CsvRow] = [
        (_("Tunnusluku"), _("Ryhmä"), _("Arvo")),
        (_("Organisaatio"), "", scope.organisation.name),
        (_("Jakso"), "", period),
        (_("Tilanne päivältä"), "", _date(report.today)),
        *figures,
        (_("Huomautus"), "", str(SUPPRESSION_NOTE)),
    ]
    writer.writerows([_cell(value) for value in row] for row in rows)
    return response
