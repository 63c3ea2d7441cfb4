"""Session policy: idle timeout, sign-in and MFA before anything else, and the active role.

An htmx request (the bell's polling, a PDF's progress, a button) is never answered with a
redirect: the browser would follow it and htmx would swap the whole sign-in or enrolment
page into the element that asked. It gets an HX-Redirect, which htmx turns into a page
load, or, for background polling on the enrolment page itself, 204 (nothing to swap).
"""

import time
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import RoleAssignment
from accounts.security_log import SIGN_OUT_REASON

SESSION_LAST_ACTIVITY = "polku_last_activity"
SESSION_ACTIVE_ASSIGNMENT = "polku_active_assignment"


class IdleTimeoutMiddleware:
    """Signs the user out after POLKU_IDLE_TIMEOUT_MINUTES without their own activity.

    Background polling views (marked with config.polling.background_request) are checked
    against the timeout but never extend it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = time.time()
        last = request.session.get(SESSION_LAST_ACTIVITY)
        timeout = settings.POLKU_IDLE_TIMEOUT_MINUTES * 60
        if last is not None and now - last > timeout:
            setattr(request, SIGN_OUT_REASON, "idle")  # for the security log's line
            logout(request)
            messages.info(
                request,
                _("Istuntosi päättyi, koska olit pitkään toimettomana. Kirjaudu uudelleen."),
            )
            if request.htmx:
                return HttpResponseClientRedirect(_login_url_back_to_page(request))
            # The whole address, query included, encoded as `next` (a search's "&" and "ä").
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        # Written at most every 30 s, so a busy user does not write the session on every click.
        # A session's first request starts the clock even when it is background polling, so
        # a session that only ever polls still ends after the idle time.
        is_background = getattr(view_func, "polku_background", False)
        if last is None or (not is_background and now - last > 30):
            request.session[SESSION_LAST_ACTIVITY] = now
        return None


# Paths a signed-in user without an authenticator may still reach.
MFA_ENROLMENT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
)
# The keepalive answers nothing and fires while the user types, also on the reauthentication
# and enrolment forms: a redirect to enrolment would take the user off the form they fill in.
MFA_EXEMPT_NAMES = {"healthz", "readyz", "accessibility_statement", "session_keepalive"}


class RequireMFAMiddleware:
    """Sends a signed-in staff user without an authenticator to enrolment first.

    allauth 65 does not enforce MFA itself; this is Polku's policy for every user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if request.path.startswith(MFA_ENROLMENT_PREFIXES):
            # The layout offers no menu to one who must enrol first: it would only lead back.
            request.polku_enrolment_pending = not _has_second_factor(request.user)
            return None
        match = request.resolver_match
        if match and match.url_name in MFA_EXEMPT_NAMES:
            return None
        if _has_second_factor(request.user):
            return None
        if request.htmx and getattr(view_func, "polku_background", False):
            return HttpResponse(status=204)
        messages.warning(
            request, _("Ota kaksivaiheinen tunnistautuminen käyttöön ennen kuin jatkat.")
        )
        if request.htmx:
            return HttpResponseClientRedirect(reverse("mfa_activate_totp"))
        return redirect("mfa_activate_totp")


def _has_second_factor(user) -> bool:
    """Whether the user has enrolled an authenticator (recovery codes alone are none)."""
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def _login_url_back_to_page(request) -> str:
    """Sign-in, then back to the page the htmx request came from (not to the fragment)."""
    page = request.htmx.current_url_abs_path or "/"
    return f"{reverse('account_login')}?{urlencode({'next': page})}"


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, except that an htmx request of a signed-out user gets an HX-Redirect."""

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(_login_url_back_to_page(request))
        return super().handle_no_permission(request, view_func)


class ActiveRoleMiddleware:
    """Attaches the user's current role assignments and the active one (chosen in the header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            assignments = list(
                RoleAssignment.objects.current()
                .for_user(user)
                .select_related("unit__organisation")
                .order_by("pk")
            )
            user.current_assignments = assignments
            chosen = request.session.get(SESSION_ACTIVE_ASSIGNMENT)
            user.active_assignment = next(
                (a for a in assignments if a.pk == chosen), assignments[0] if assignments else None
            )
        return self.get_response(request)
