import logging
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.dashboard import panels_for
from accounts.forms import ProfileForm
from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT, SESSION_LAST_ACTIVITY
from accounts.security_log import log_event
from config.polling import background_request


@require_GET
def dashboard(request):
    return render(request, "accounts/dashboard.html", {"panels": panels_for(request)})


@require_POST
def keepalive(request):
    """Extends the session: the user's own activity, written now (not up to 30 s late, as
    IdleTimeoutMiddleware writes it), so the time left the answer tells the page is exact.

    Asked by typing into a form, a few minutes apart (components/keepalive.html), so a long
    note or plan written for over the idle timeout is not lost to a signed-out session at
    submit; and by the "Jatka istuntoa" button of the warning shown before the timeout
    (components/session_timer.html). Unlike the bell it is not marked background
    (config.polling). A POST with the form token: a link or image elsewhere cannot keep a
    session alive."""
    request.session[SESSION_LAST_ACTIVITY] = time.time()
    return HttpResponse(status=204)


@background_request
@never_cache
@require_GET
def session_status(request):
    """Tells a page past the end of its own count whether the session goes on: 204 with the
    time left (IdleTimeoutMiddleware's header; another tab may have kept the session in use),
    or, for an ended session, the middleware's answer that it has ended. Background: asking
    is not activity, or the asking would keep an idle session alive
    (components/session_timer.html)."""
    return HttpResponse(status=204)


@require_POST
def switch_role(request):
    """Makes one of the user's current role assignments the active one."""
    try:
        chosen = int(request.POST.get("assignment", ""))
    except ValueError:
        chosen = None
    assignment = next((a for a in request.user.current_assignments if a.pk == chosen), None)
    if assignment is None:
        log_event(
            "accounts.active_role_switch_refused",
            request=request,
            user_id=request.user.pk,
            level=logging.WARNING,
            assignment_id=chosen,
        )
        messages.error(request, _("Valitse yksi omista rooleistasi."))
    else:
        request.session[SESSION_ACTIVE_ASSIGNMENT] = assignment.pk
        log_event(
            "accounts.active_role_switched",
            request=request,
            user_id=request.user.pk,
            assignment_id=assignment.pk,
            role=assignment.role,
            unit_id=assignment.unit_id,
        )
        messages.success(
            request, _("Toimit nyt roolissa %(role)s.") % {"role": assignment.get_role_display()}
        )
    # Back to the dashboard: the page the user was on may not belong to the new role.
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "dashboard"
    return redirect("dashboard" if target != "/" else target)


@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's own settings: language of e-mails and the morning digest."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Asetukset tallennettu."))
        response = redirect("profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            request.user.preferred_language,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response
    return render(request, "accounts/profile.html", {"form": form})
