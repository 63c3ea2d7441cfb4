"""Session policy: idle timeout, MFA before anything else, and the active role."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment

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
            logout(request)
            messages.info(
                request,
                _("Istuntosi päättyi, koska olit pitkään toimettomana. Kirjaudu uudelleen."),
            )
            login_url = reverse("account_login")
            if request.htmx:
                response = redirect(login_url)
                response["HX-Redirect"] = login_url
                return response
            return redirect(f"{login_url}?next={request.path}")
        # Written at most every 30 s, so a busy user does not write the session on every click.
        is_background = getattr(view_func, "polku_background", False)
        if not is_background and (last is None or now - last > 30):
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
MFA_EXEMPT_NAMES = {"healthz", "readyz", "accessibility_statement"}


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
            return None
        match = request.resolver_match
        if match and match.url_name in MFA_EXEMPT_NAMES:
            return None
        has_mfa = (
            Authenticator.objects.filter(user=request.user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exists()
        )
        if has_mfa:
            return None
        messages.warning(
            request, _("Ota kaksivaiheinen tunnistautuminen käyttöön ennen kuin jatkat.")
        )
        return redirect("mfa_activate_totp")


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
