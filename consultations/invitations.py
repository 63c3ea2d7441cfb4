"""Invitation e-mails with an iCalendar attachment, rendered per recipient and language.

`send_invitations()` is called by the Celery task (tasks.py) that the actions
enqueue on commit. It reads the session as it is when the task runs, so a
quick second change sends the newer state; a redelivered task sends the same
UID and SEQUENCE again, which calendars treat as no change.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consultations import ics
from consultations.models import AgendaItem, Session

logger = logging.getLogger(__name__)

TEXT_TEMPLATE = "consultations/email/invitation.txt"
HTML_TEMPLATE = "consultations/email/invitation.html"


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
    session, items, participants, recipient, method: str
) -> EmailMultiAlternatives:
    """The e-mail to one recipient: text and HTML in their language, the .ics attached.

    The templates get the session, its pseudonymous case references and the
    link, never a client.
    """
    language = _language_of(recipient)
    with translation.override(language):
        starts = timezone.localtime(session.starts_at, ics.HELSINKI)
        ends = timezone.localtime(session.ends_at, ics.HELSINKI)
        when = "{day} {start}–{end}".format(
            day=date_format(starts, "SHORT_DATE_FORMAT"),
            start=starts.strftime("%H.%M"),
            end=ends.strftime("%H.%M"),
        )
        if method == ics.CANCEL:
            heading = _("Peruttu: tapauskonsultaatio")
        elif session.sequence:
            heading = _("Päivitetty kutsu: tapauskonsultaatio")
        else:
            heading = _("Kutsu: tapauskonsultaatio")
        context = {
            "heading": heading,
            "method": method,
            "cancelled": method == ics.CANCEL,
            "session": session,
            "network": session.network.name,
            "when": when,
            "place": session.place,
            "video_link": session.video_link,
            "chair": session.chair.get_full_name(),
            "cases": [
                {
                    "label": item.request.case_label,
                    "start": timezone.localtime(item.starts_at, ics.HELSINKI).strftime("%H.%M"),
                    "end": timezone.localtime(item.ends_at, ics.HELSINKI).strftime("%H.%M"),
                }
                for item in items
            ],
            "url": ics.session_url(session),
            "reason": session.cancellation_reason if method == ics.CANCEL else "",
        }
        subject = f"{heading} – {session.network.name} {when}"
        text = render_to_string(TEXT_TEMPLATE, context)
        html = render_to_string(HTML_TEMPLATE, context)
        calendar = ics.invitation(session, items, participants, method)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient.email],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.attach("kutsu.ics", calendar.decode(), f"text/calendar; method={method}")
    return message


def send_invitations(*, session_id: int, user_ids: list[int], method: str) -> int:
    """E-mails the session's invitation (or cancellation) to the given users; returns how many.

    A cancelled session always sends CANCEL; a REQUEST goes only to people
    who still take part (one removed meanwhile got their CANCEL already).
    Users without an address or inactive are skipped.
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
    participants = [
        p.user
        for p in session.participants.current().select_related("user").order_by("user__last_name")
    ]
    current_ids = {user.pk for user in participants}
    recipients = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    items = agenda_of(session) if method == ics.REQUEST else []
    sent = 0
    for recipient in recipients.order_by("pk"):
        if method == ics.REQUEST and recipient.pk not in current_ids:
            continue
        render_invitation(session, items, participants, recipient, method).send()
        sent += 1
    logger.info(
        "Session invitations sent.",
        extra={"session_id": session.pk, "method": method, "sent": sent},
    )
    return sent
