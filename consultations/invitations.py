"""Invitation e-mails with an iCalendar attachment, rendered per recipient and language.

`send_invitations()` is called by the Celery task (tasks.py) that the actions
enqueue on commit. It reads the session as it is when the task runs, so a
quick second change sends the newer state.

Each e-mail goes out once per (session, SEQUENCE, METHOD, recipient), also
when the task is retried after a mail error or redelivered after a worker
died (acks_late), by config.mail.send_once: a lease on the e-mail while it
is sent, and the key `sent_key()` set once the relay accepted it. A retry
therefore sends only to those not reached yet, two tasks that read the same
SEQUENCE (two quick changes) send it once, and an e-mail whose worker died
while sending it goes out with the redelivered task once the lease runs out.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from config.downloads import file_name
from config.mail import send_once
from config.ordering import Alphabetical
from config.times import end_time
from consultations import ics
from consultations.models import AgendaItem, Session, SessionParticipant

logger = logging.getLogger(__name__)

TEXT_TEMPLATE = "consultations/email/invitation.txt"
HTML_TEMPLATE = "consultations/email/invitation.html"
# Longer than the task's time limit (CELERY_TASK_TIME_LIMIT in config/settings.py, 5 min).
LEASE_SECONDS = 10 * 60
# What the task retries on (tasks.py): one recipient's failure does not hold back the others.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def sent_key(session, method: str, user_id: int) -> str:
    return f"consultations:invitation:{session.pk}:{session.sequence}:{method}:{user_id}"


def _language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def agenda_of(session) -> list:
    return list(
        AgendaItem.objects.filter(session=session)
        .select_related("request")
        .only("starts_at", "ends_at", "session_id", "request__reference")
        .order_by("starts_at", "pk")
    )


def render_invitation(
    session, items, participants, recipient, method: str, *, updated: bool = False
) -> EmailMultiAlternatives:
    """The e-mail to one recipient: text and HTML in their language, the .ics attached.

    The templates get the session, its pseudonymous case references and the
    link, never a client. A CANCEL of a session that goes on tells the
    recipient they were taken off it, not that the session was cancelled. A
    REQUEST is headed as an updated invitation when `updated` (the recipient was
    sent one before), else as an invitation.
    """
    language = _language_of(recipient)
    # The network as the recipient names it: its Swedish or English name where it has one,
    # else the Finnish one, marked lang="fi" in the HTML part (WCAG 3.1.2).
    network = session.network.name_in(language)
    with translation.override(language):
        starts = timezone.localtime(session.starts_at, ics.HELSINKI)
        ends = timezone.localtime(session.ends_at, ics.HELSINKI)
        when = "{day} {start}–{end}".format(
            day=date_format(starts, "SHORT_DATE_FORMAT"),
            start=date_format(starts, "TIME_FORMAT"),
            end=end_time(ends, starts),
        )
        withdrawn = method == ics.CANCEL and not session.is_cancelled
        if withdrawn:
            heading = _("Kutsu peruttu: tapauskonsultaatio")
        elif method == ics.CANCEL:
            heading = _("Peruttu: tapauskonsultaatio")
        elif updated:
            heading = _("Päivitetty kutsu: tapauskonsultaatio")
        else:
            heading = _("Kutsu: tapauskonsultaatio")
        context = {
            "heading": heading,
            "method": method,
            "cancelled": method == ics.CANCEL,
            "withdrawn": withdrawn,
            "session": session,
            "network": network,
            "when": when,
            "place": session.place,
            "video_link": session.video_link,
            "chair": session.chair.get_full_name(),
            "cases": [
                {
                    "label": item.request.case_label,
                    "start": ics.clock(item.starts_at),
                    "end": ics.clock(item.ends_at),
                }
                for item in items
            ],
            "url": ics.session_url(session),
            "reason": session.cancellation_reason if method == ics.CANCEL else "",
        }
        subject = f"{heading} – {network} {when}"
        text = render_to_string(TEXT_TEMPLATE, context)
        html = render_to_string(HTML_TEMPLATE, context)
        calendar = ics.invitation(session, items, participants, method)
        attachment = file_name(pgettext("tiedoston nimi", "kutsu"), extension="ics")
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.attach(attachment, calendar.decode(), f"text/calendar; method={method}")
    return message


def send_invitations(*, session_id: int, user_ids: list[int], method: str) -> int:
    """E-mails the session's invitation (or cancellation) to the given users; returns how many.

    A cancelled session always sends CANCEL naming every participant. A
    REQUEST goes only to people who still take part (one removed meanwhile
    got their CANCEL already) and names everyone taking part. A CANCEL of a
    session that goes on is the withdrawal of one person's invitation: it
    names only the recipient, and is not sent to someone invited again
    meanwhile (their REQUEST says they take part). Users without an address
    or inactive are skipped.

    A REQUEST is headed as an updated invitation to those sent one for the session
    before (at a lower SEQUENCE, on this participation or an earlier one), and as an
    invitation to the others: a presenter or a guest who joins a session already
    changed gets a first invitation. Each REQUEST sent is recorded on the recipient's
    participation (SessionParticipant.request_sent_sequence).

    Once per (session, SEQUENCE, METHOD, recipient): see the module
    docstring. When sending to someone fails with a mail error, the others
    are still sent to and the first error is raised at the end, so that the
    task's retry sends only to those not reached.
    """
    session = (
        Session.objects.select_related("network", "chair", "coordinator")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return 0
    if session.is_cancelled:
        method = ics.CANCEL
    withdrawal = method == ics.CANCEL and not session.is_cancelled
    participations = list(
        session.participants.current()
        .select_related("user")
        .order_by(Alphabetical("user__last_name"), Alphabetical("user__first_name"))
    )
    participants = [p.user for p in participations]
    participation_of = {p.user_id: p.pk for p in participations}
    recipients = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    items = agenda_of(session) if method == ics.REQUEST else []
    invited_before = set()
    if method == ics.REQUEST:
        invited_before = set(
            session.participants.filter(
                user_id__in=user_ids, request_sent_sequence__lt=session.sequence
            ).values_list("user_id", flat=True)
        )
    sent = 0
    failure = None
    for recipient in recipients.order_by("pk"):
        taking_part = recipient.pk in participation_of
        if (method == ics.REQUEST and not taking_part) or (withdrawal and taking_part):
            continue
        attendees = [recipient] if withdrawal else participants
        message = render_invitation(
            session, items, attendees, recipient, method, updated=recipient.pk in invited_before
        )
        try:
            if not send_once(
                sent_key(session, method, recipient.pk), message, lease_seconds=LEASE_SECONDS
            ):
                continue
        except MAIL_ERRORS as error:
            logger.warning(
                "Session invitation not sent.",
                extra={"session_id": session.pk, "method": method, "user_id": recipient.pk},
                exc_info=True,
            )
            if failure is None:
                failure = error
            continue
        if method == ics.REQUEST:
            SessionParticipant.objects.filter(pk=participation_of[recipient.pk]).update(
                request_sent_sequence=session.sequence
            )
        sent += 1
    logger.info(
        "Session invitations sent.",
        extra={"session_id": session.pk, "method": method, "sent": sent},
    )
    if failure is not None:
        raise failure
    return sent
