"""The private calendar feed: an address that works without signing in, only with its
secret token (a calendar app cannot sign in), and answers 404 to anything else."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.downloads import file_name
from consultations import actions, ics
from consultations.access import get_feed_owner, require
from consultations.models import AgendaItem, CalendarFeedToken, Session, SessionParticipant

FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 400


def feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("consultations:feed", kwargs={"token": token}))


@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """Make a new feed address (shown once: only its hash is kept) or revoke it."""
    require(request.user, "consultations.use_consultations")
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            actions.revoke_feed_tokens(user=request.user, request=request)
            messages.success(request, _("Kalenterisyötteen osoite on poistettu käytöstä."))
            return redirect("consultations:feed_settings")
        token = actions.create_feed_token(user=request.user, request=request)
    live = CalendarFeedToken.objects.live().filter(user=request.user).first()
    return render(
        request,
        "consultations/feed_settings.html",
        {"live": live, "url": feed_url(request, token) if token else None},
    )


@login_not_required
@never_cache
@require_GET
def feed(request, token):
    feed_token = get_feed_owner(token)
    user = feed_token.user
    now = timezone.now()
    window = (
        now - datetime.timedelta(days=FEED_PAST_DAYS),
        now + datetime.timedelta(days=FEED_FUTURE_DAYS),
    )
    # The sessions whose pages open to the owner (a presenter's while they bring a case).
    taking_part = SessionParticipant.objects.seeing().filter(user=user).values("session_id")
    sessions = list(
        Session.objects.filter(starts_at__gte=window[0], starts_at__lte=window[1])
        .filter(pk__in=taking_part)
        .select_related("network", "chair", "coordinator")
        .prefetch_related(
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("request")
                .only("starts_at", "ends_at", "session_id", "request__reference")
                .order_by("starts_at"),
            )
        )
        .order_by("starts_at", "pk")
    )
    CalendarFeedToken.objects.filter(pk=feed_token.pk).update(last_used_at=now)
    # A calendar app fetches the feed without a session: the owner's language, as in e-mails.
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        body = ics.feed(
            sessions,
            {s.pk: list(s.agenda.all()) for s in sessions},
            name=_("Polku: konsultaatioistunnot"),
        )
        filename = file_name(_("Polku: konsultaatioistunnot"), extension="ics")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
