"""iCalendar for sessions: invitations (METHOD:REQUEST / CANCEL) and the private feed.

Nothing that leaves Polku names a client (DESIGN.md "Access"): an event
carries the network, time, place or video link, the chair, the pseudonymous
case references with their slots, and a link to the session page, which
requires sign-in. The UID is the session's own and never changes; SEQUENCE
is the session's counter, grown by every change participants are told of.

A CANCEL is one of two things (RFC 5546 3.2.5): the whole session is
cancelled (STATUS:CANCELLED, every participant an ATTENDEE), or one person
is taken off a session that goes on (no STATUS, that person the only
ATTENDEE, a SEQUENCE above the last REQUEST they got).
"""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

HELSINKI = ZoneInfo("Europe/Helsinki")
PRODID = "-//Polku//Tapauskonsultaatiot//FI"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def session_url(session) -> str:
    path = reverse("consultations:session", kwargs={"session_id": session.pk})
    return settings.POLKU_BASE_URL.rstrip("/") + path


def event_uid(session) -> str:
    return f"{session.uid}@polku"


def clock(moment: datetime.datetime) -> str:
    """A time of day in Helsinki, as the interface writes it (TIME_FORMAT: 9.00, 13.30)."""
    return date_format(moment.astimezone(HELSINKI), "TIME_FORMAT")


def summary(session) -> str:
    return _("Tapauskonsultaatio: %(network)s") % {"network": session.network.name}


def description_lines(session, items, *, withdrawn: bool = False) -> list[str]:
    """The event's text: case references and slots, the link; never a client's detail.

    A cancelled session says so, and a person taken off a session that goes on
    (`withdrawn`) that they were: neither has an agenda to come, so no case and no
    agenda link."""
    if withdrawn or session.is_cancelled:
        return [
            _("Sinut on poistettu istunnon osallistujista; istuntoa ei ole peruttu.")
            if withdrawn
            else _("Istunto on peruttu."),
            "",
            _("Puheenjohtaja: %(name)s") % {"name": session.chair.get_full_name()},
            _("Kutsussa ei ole asiakkaiden tietoja."),
        ]
    lines = []
    if items:
        lines.append(_("Käsiteltävät tapaukset:"))
        lines += [
            f"- {item.request.case_label} {clock(item.starts_at)}–{clock(item.ends_at)}"
            for item in items
        ]
    else:
        lines.append(_("Esityslista täydentyy Polussa."))
    lines += [
        "",
        _("Puheenjohtaja: %(name)s") % {"name": session.chair.get_full_name()},
        _("Esityslista ja tapaukset Polussa (vaatii kirjautumisen): %(url)s")
        % {"url": session_url(session)},
        _("Kutsussa ei ole asiakkaiden tietoja."),
    ]
    return lines


def _location(session) -> str:
    return ", ".join(part for part in (session.place, session.video_link) if part)


def build_event(
    session,
    items,
    *,
    participants=(),
    status: str | None = "CONFIRMED",
    withdrawn: bool = False,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", event_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(HELSINKI))
    event.add("dtend", session.ends_at.astimezone(HELSINKI))
    event.add("summary", summary(session))
    event.add("description", "\n".join(description_lines(session, items, withdrawn=withdrawn)))
    location = _location(session)
    if location:
        event.add("location", location)
    event.add("url", session_url(session))
    if status:
        event.add("status", status)
    event.add("transp", "OPAQUE")
    organizer = icalendar.vCalAddress(f"mailto:{session.coordinator.email}")
    organizer.params["cn"] = icalendar.vText(session.coordinator.get_full_name())
    event.add("organizer", organizer)
    for user in participants:
        attendee = icalendar.vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = icalendar.vText(user.get_full_name())
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    return event


def _calendar(method: str, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Helsinki")
    return calendar


def _with_timezone(calendar: icalendar.Calendar, days: list[datetime.date]) -> bytes:
    if days:
        # Only the years around the events, so the VTIMEZONE stays short.
        calendar.add_missing_timezones(
            first_date=min(days) - datetime.timedelta(days=366),
            last_date=max(days) + datetime.timedelta(days=366),
        )
    return calendar.to_ical()


def invitation(session, items, participants, method: str) -> bytes:
    """One session as an iTIP message: REQUEST (new or changed) or CANCEL.

    `participants` are the ATTENDEEs: everyone taking part, or for a CANCEL
    of a session that goes on, only the person taken off it. Such a CANCEL
    carries no STATUS: the event itself is not cancelled, and its text tells
    the person they were taken off it.
    """
    if method == REQUEST:
        status = "CONFIRMED"
    elif session.is_cancelled:
        status = "CANCELLED"
    else:
        status = None
    calendar = _calendar(method)
    calendar.add_component(
        build_event(
            session,
            items,
            participants=participants,
            status=status,
            withdrawn=method == CANCEL and status is None,
        )
    )
    return _with_timezone(calendar, [timezone.localdate(session.starts_at)])


def feed(sessions, items_by_session: dict, name: str) -> bytes:
    """A user's sessions as a subscribable calendar (METHOD:PUBLISH)."""
    calendar = _calendar(PUBLISH, name=name)
    for session in sessions:
        calendar.add_component(
            build_event(
                session,
                items_by_session.get(session.pk, []),
                status="CANCELLED" if session.is_cancelled else "CONFIRMED",
            )
        )
    return _with_timezone(calendar, [timezone.localdate(s.starts_at) for s in sessions])
