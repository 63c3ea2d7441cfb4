"""The DPO's log reports: a client's log report (HTML and CSV), a user's access log,
statistics. Rows are built here once, so the page and the export say the same."""

import csv
import datetime
import uuid
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from audit.labels import (
    action_label,
    channel_label,
    describe_consents,
    logged_text,
    purpose_label,
    role_label,
)
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from audit.subjects import describe_clients

# The version of the printed log report's template (audit/pdf_client_log.html with
# client_log_tables.html, which the page shares) and of the rows built here, recorded on each
# printed report (LogReportPrint.template_version): raise it with any change to what the
# printed report says or shows.
# tests/test_print_template_versions.py fails on a change to its files without a new version.
LOG_REPORT_TEMPLATE_VERSION = "2026.12.7"


def two_years_before(day: datetime.date) -> datetime.date:
    """The same calendar day two years earlier (29 February gives 28 February)."""
    try:
        return day.replace(year=day.year - 2)
    except ValueError:
        return day.replace(year=day.year - 2, day=28)


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days from `start` to `end`, both included, in Finnish time."""

    start: datetime.date
    end: datetime.date
    reason: str = ""

    @classmethod
    def default(cls) -> "ReportPeriod":
        """The last two years up to today: what a log report covers unless a reason is given."""
        today = timezone.localdate()
        return cls(start=two_years_before(today), end=today)

    @property
    def goes_beyond_default(self) -> bool:
        return self.start < two_years_before(timezone.localdate())

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        start = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        end = timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )
        return start, end

    def as_query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def detail(self, **extra) -> str:
        """The period (and the reason, when given) for the access-log row of a report."""
        parts = [f"{key}={value}" for key, value in extra.items()]
        parts.append(f"period={self.start.isoformat()}..{self.end.isoformat()}")
        if self.reason:
            parts.append(f"reason={self.reason}")
        return "; ".join(parts)


def basis_label(code: str) -> str:
    try:
        return str(Basis(code).label)
    except ValueError:
        return code


def format_time(value: datetime.datetime) -> str:
    """d.m.yyyy H.MM in Finnish time, as on the page."""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _actor(user) -> str:
    """Who processed the data; a row with no actor (actors are never deleted) is the
    system's own: a daily task, such as ending a care-team membership whose last day
    passed."""
    return _person(user) if user is not None else _("Polku (automaattinen käsittely)")


def _organisation_name(organisation) -> str:
    """The organisation's name in the current language, as services.i18n.Phrase (a str) that
    marks a name with no translation, shown in Finnish, as Finnish on the page and the print."""
    return organisation.name_in() if organisation is not None else ""


@dataclass(frozen=True)
class AccessRow:
    at: datetime.datetime
    user: str
    organisation: str  # services.i18n.Phrase where the organisation has a name
    role: str
    action: str
    action_code: str
    basis: str


@dataclass(frozen=True)
class DisclosureRow:
    at: datetime.datetime
    discloser: str
    recipient: str
    what: str
    purpose: str
    basis: str
    basis_detail: str
    channel: str


def client_access_rows(client_id: uuid.UUID, period: ReportPeriod) -> list[AccessRow]:
    """Who processed the client's data in the period, newest first (one query)."""
    entries = AccessLogEntry.objects.concerning(client_id).between(*period.bounds()).with_actor()
    return [
        AccessRow(
            at=entry.at,
            user=_actor(entry.actor),
            organisation=_organisation_name(entry.actor_organisation),
            role=role_label(entry.actor_role) if entry.actor_role else "",
            action=action_label(entry.action),
            action_code=entry.action,
            basis=basis_label(entry.basis),
        )
        for entry in entries
    ]


def _recipient(entry: DisclosureLogEntry) -> str:
    parts = [
        str(entry.recipient_organisation or ""),
        _person(entry.recipient_user),
        logged_text(entry.recipient_description),
    ]
    return ", ".join(part for part in parts if part)


def _basis_detail(entry: DisclosureLogEntry, consents: dict[int, str]) -> str:
    """The consent version (its number, and as the client knows it: form, version, the day it
    was given) or the statute the disclosure rested on."""
    if entry.basis == Basis.CONSENT and entry.consent_id is not None:
        if entry.consent_id in consents:
            return _("suostumus nro %(id)s (%(consent)s)") % {
                "id": entry.consent_id,
                "consent": consents[entry.consent_id],
            }
        return _("suostumus nro %(id)s") % {"id": entry.consent_id}
    return entry.statute


def client_disclosure_rows(client_id: uuid.UUID, period: ReportPeriod) -> list[DisclosureRow]:
    """To whom the client's data was disclosed in the period, newest first (one query, and
    one for the consent versions named)."""
    entries = list(
        DisclosureLogEntry.objects.concerning(client_id).between(*period.bounds()).with_parties()
    )
    consents = describe_consents(entry.consent_id for entry in entries)
    return [
        DisclosureRow(
            at=entry.at,
            discloser=_actor(entry.actor),
            recipient=_recipient(entry),
            what=logged_text(entry.what),
            purpose=purpose_label(entry.purpose),
            basis=basis_label(entry.basis),
            basis_detail=_basis_detail(entry, consents),
            channel=channel_label(entry.channel),
        )
        for entry in entries
    ]


# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def client_log_csv(
    access_rows: list[AccessRow], disclosure_rows: list[DisclosureRow], *, filename: str
) -> HttpResponse:
    """Both logs in one table for Excel: UTF-8 with a BOM, semicolons, a type column."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Tyyppi"),
            _("Aika"),
            _("Käyttäjä tai luovuttaja"),
            _("Organisaatio"),
            _("Rooli"),
            _("Toiminto tai luovutetut tiedot"),
            _("Toiminnon koodi"),
            _("Vastaanottaja"),
            _("Käyttötarkoitus"),
            _("Peruste"),
            _("Suostumus tai säädös"),
            _("Kanava"),
        ]
    )
    for row in access_rows:
        writer.writerow(
            map(
                _cell,
                [
                    _("Käsittely"),
                    format_time(row.at),
                    row.user,
                    row.organisation,
                    row.role,
                    row.action,
                    row.action_code,
                    "",
                    "",
                    row.basis,
                    "",
                    "",
                ],
            )
        )
    for row in disclosure_rows:
        writer.writerow(
            map(
                _cell,
                [
                    _("Luovutus"),
                    format_time(row.at),
                    row.discloser,
                    "",
                    "",
                    row.what,
                    "",
                    row.recipient,
                    row.purpose,
                    row.basis,
                    row.basis_detail,
                    row.channel,
                ],
            )
        )
    return response


@dataclass(frozen=True)
class UserAccessRow:
    at: datetime.datetime
    client_id: uuid.UUID | None
    client_name: str
    client_in_organisation: bool
    action: str
    action_code: str
    basis: str
    role: str


def user_access_rows(entries, organisation_id: int) -> list[UserAccessRow]:
    """One user's access-log rows with each client named (one query for all the names).

    Clients of another organisation are not named to this organisation's DPO.
    """
    entries = list(entries)
    subjects = describe_clients(entry.client_id for entry in entries)
    rows = []
    for entry in entries:
        subject = subjects.get(entry.client_id)
        own = subject is not None and subject.organisation_id == organisation_id
        if entry.client_id is None:
            name = ""
        elif own:
            name = subject.name
        elif subject is None:
            name = _("Poistettu asiakas")
        else:
            name = _("Toisen organisaation asiakas")
        rows.append(
            UserAccessRow(
                at=entry.at,
                client_id=entry.client_id if own else None,
                client_name=name,
                client_in_organisation=own,
                action=action_label(entry.action),
                action_code=entry.action,
                basis=basis_label(entry.basis),
                role=role_label(entry.actor_role) if entry.actor_role else "",
            )
        )
    return rows


@dataclass(frozen=True)
class Count:
    label: str
    code: str
    count: int


@dataclass(frozen=True)
class Statistics:
    total: int
    by_action: list[Count]
    by_basis: list[Count]


def organisation_statistics(organisation_id: int, period: ReportPeriod) -> Statistics:
    """Access-log rows written in the organisation's name in the period, counted (two queries)."""
    entries = AccessLogEntry.objects.acting_for(organisation_id).between(*period.bounds())
    by_action = [
        Count(action_label(row["action"]), row["action"], row["count"])
        for row in entries.counts_by("action")
    ]
    by_basis = [
        Count(basis_label(row["basis"]), row["basis"], row["count"])
        for row in entries.counts_by("basis")
    ]
    return Statistics(total=sum(c.count for c in by_action), by_action=by_action, by_basis=by_basis)
