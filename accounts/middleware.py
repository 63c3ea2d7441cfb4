"""Session policy: idle timeout, sign-in and MFA before anything else, and the active role.

An htmx request (the bell's polling, a PDF's progress, a button) is never answered with a
redirect: the browser would follow it and htmx would swap the whole sign-in or enrolment
page into the element that asked. It gets an HX-Redirect, which htmx turns into a page
load, or, for background polling on the enrolment page itself, 204 (nothing to swap). When
the redirect is there because the user is signed out, SESSION_ENDED_HEADER says so: the page's
script (static/polku/session.js) does not leave a page with unsaved edits on that.
"""

import logging
import re
import time
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import RoleAssignment
from accounts.security_log import SIGN_OUT_REASON, log_event

SESSION_LAST_ACTIVITY = "polku_last_activity"
SESSION_SIGNED_IN_AT = "polku_signed_in_at"
SESSION_ACTIVE_ASSIGNMENT = "polku_active_assignment"
# Response headers read by static/polku/session.js: the seconds left before the idle timeout
# (on every answer to a signed-in session), and that the session has ended (with HX-Redirect).
IDLE_REMAINING_HEADER = "Polku-Idle-Remaining"
SESSION_ENDED_HEADER = "Polku-Session-Ended"


def idle_seconds_left(request) -> int | None:
    """Seconds before the session ends as idle, as the server counts them (from the last
    activity written, which may be up to 30 s older than the last request); None without a
    signed-in session."""
    session = getattr(request, "session", None)
    last = session.get(SESSION_LAST_ACTIVITY) if session is not None else None
    if last is None:
        return None
    timeout = settings.POLKU_IDLE_TIMEOUT_MINUTES * 60
    return max(0, int(timeout - (time.time() - last)))


class IdleTimeoutMiddleware:
    """Signs the user out after POLKU_IDLE_TIMEOUT_MINUTES without their own activity, and
    POLKU_SESSION_MAX_HOURS after signing in whatever their activity: a session kept alive
    (an unlocked computer left on, a stolen laptop that keeps clicking) still ends.

    Background polling views (marked with config.polling.background_request) are checked
    against the timeout but never extend it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only a session already read (a signed-in user's is): reading another would add
        # "Vary: Cookie" to public answers. A signed-out session has no activity to tell.
        session = getattr(request, "session", None)
        if session is not None and session.accessed:
            left = idle_seconds_left(request)
            if left is not None:
                response[IDLE_REMAINING_HEADER] = str(left)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = time.time()
        signed_in = request.session.get(SESSION_SIGNED_IN_AT)
        if signed_in is None:
            # A session signed in before the sign-in time was kept: its clock starts now.
            request.session[SESSION_SIGNED_IN_AT] = now
        elif now - signed_in > settings.POLKU_SESSION_MAX_HOURS * 60 * 60:
            return _sign_out(
                request,
                "max_age",
                _(
                    "Istuntosi päättyi, koska kirjautumisesta on kulunut pisin sallittu aika. "
                    "Kirjaudu uudelleen."
                ),
            )
        last = request.session.get(SESSION_LAST_ACTIVITY)
        timeout = settings.POLKU_IDLE_TIMEOUT_MINUTES * 60
        if last is not None and now - last > timeout:
            return _sign_out(
                request,
                "idle",
                _("Istuntosi päättyi, koska olit pitkään toimettomana. Kirjaudu uudelleen."),
            )
        # Written at most every 30 s, so a busy user does not write the session on every click.
        # A session's first request starts the clock even when it is background polling, so
        # a session that only ever polls still ends after the idle time.
        is_background = getattr(view_func, "polku_background", False)
        if last is None or (not is_background and now - last > 30):
            request.session[SESSION_LAST_ACTIVITY] = now
        return None


def _sign_out(request, reason: str, message: str):
    """Signs the user out for `reason` (the security log's), tells them why on the sign-in
    page, and sends them there, back to the page afterwards."""
    setattr(request, SIGN_OUT_REASON, reason)
    logout(request)
    messages.info(request, message)
    if request.htmx:
        return _session_ended(request)
    # The whole address, query included, encoded as `next` (a search's "&" and "ä").
    return redirect_to_login(request.get_full_path(), reverse("account_login"))


def _session_ended(request):
    """The htmx answer to a request of a session that has ended: sign-in, back to the page,
    marked so that a page with unsaved edits can stay (SESSION_ENDED_HEADER)."""
    response = HttpResponseClientRedirect(_login_url_back_to_page(request))
    response[SESSION_ENDED_HEADER] = "1"
    return response


def remember_sign_in(sender, request, user, **kwargs):
    """Receives user_logged_in: when this session signed in (IdleTimeoutMiddleware ends it
    POLKU_SESSION_MAX_HOURS later)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SIGNED_IN_AT] = time.time()


# Paths a session that has not yet used the account's second factor may still reach.
MFA_PROOF_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/")
# Paths a signed-in user without an authenticator may still reach: those, and enrolment.
MFA_ENROLMENT_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", *MFA_PROOF_PREFIXES)
MFA_PROOF_NAMES = {"mfa_reauthenticate", "mfa_reauthenticate_webauthn"}
# The keepalive answers nothing and fires while the user types, also on the reauthentication
# and enrolment forms: a redirect to enrolment would take the user off the form they fill in.
MFA_EXEMPT_NAMES = {"healthz", "readyz", "accessibility_statement", "session_keepalive"}
# The user (pk) whose second factor this session has used: at sign-in or reauthentication,
# or by enrolling one in this session (remember_second_factor).
SESSION_SECOND_FACTOR = "polku_second_factor_user"


class RequireMFAMiddleware:
    """Lets a signed-in staff user through only in a session that has used their second
    factor, and only while the account has one.

    The account having a factor is not enough: a session signed in with the password alone
    (the account had no factor then, say after an administrator removed a lost phone's)
    would otherwise pass once the real user enrols elsewhere. Such a session proves the
    factor first (allauth's reauthentication with it); an account without one enrols first.
    allauth 65 does not enforce MFA itself; this is Polku's policy for every user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        has_factor = _has_second_factor(request.user)
        passed = has_factor and request.session.get(SESSION_SECOND_FACTOR) == request.user.pk
        # The layout offers no menu to one who must enrol or prove a factor first.
        request.polku_enrolment_pending = not passed
        if passed or (match and match.url_name in MFA_EXEMPT_NAMES):
            return None
        if has_factor:
            if request.path.startswith(MFA_PROOF_PREFIXES) or (
                match and match.url_name in MFA_PROOF_NAMES
            ):
                return None
            target = _url_back_to_page(request, reverse("mfa_reauthenticate"))
            message = _(
                "Vahvista kirjautuminen toisella tunnistautumisvaiheella ennen kuin jatkat."
            )
        else:
            if request.path.startswith(MFA_ENROLMENT_PREFIXES):
                return None
            target = reverse("mfa_activate_totp")
            message = _("Ota kaksivaiheinen tunnistautuminen käyttöön ennen kuin jatkat.")
        if request.htmx and getattr(view_func, "polku_background", False):
            return HttpResponse(status=204)
        messages.warning(request, message)
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return redirect(target)


def remember_second_factor(sender, request, user, **kwargs):
    """Receives allauth's authenticator_used (sign-in, reauthentication) and
    authenticator_added (enrolment, told once its transaction commits, still within the
    request): this session has used the user's second factor. Only the request that used
    or added the factor is told, so another session of the same account is not let in."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SECOND_FACTOR] = user.pk


def _has_second_factor(user) -> bool:
    """Whether the user has enrolled an authenticator (recovery codes alone are none)."""
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def _url_back_to_page(request, url: str) -> str:
    """`url`, then back to the page asked for (for htmx, the page the request came from)."""
    page = (request.htmx.current_url_abs_path or "/") if request.htmx else request.get_full_path()
    return f"{url}?{urlencode({'next': page})}"


def _login_url_back_to_page(request) -> str:
    """Sign-in, then back to the page the htmx request came from (not to the fragment)."""
    return _url_back_to_page(request, reverse("account_login"))


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, except that an htmx request of a signed-out user gets an HX-Redirect."""

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            return _session_ended(request)
        return super().handle_no_permission(request, view_func)


# Requests that do nothing under a role, left alone when the chosen role has ended: choosing
# another role, signing out, the language, and the keepalive that fires while the user types.
ROLE_EXEMPT_NAMES = {"switch_role", "account_logout", "set_language", "session_keepalive"}


class ActiveRoleMiddleware:
    """Attaches the user's current role assignments and the active one (chosen in the header).

    A user who has chosen no role acts in their first current one, kept in the session as
    if chosen from the session's first request on: it is "the chosen role" below. A chosen
    role that is no longer current (it ended, or an administrator removed it) is not
    swapped silently for another: every rule reads the role the user chose, and a client
    registered in a form opened under one role must not land in the register of another
    role's organisation. The user is told which role ended and which is now in effect, the
    security log records it, and the choice leaves the session (the role now in effect is
    kept at the next request). A page load goes on in the role now in effect; a
    request that changes something, or an htmx request from a page rendered in the ended
    role, is not processed. A sent form, plain or htmx (the attendance grid posts its week
    by htmx), is answered with a page that says nothing was saved, offers the roles now
    current and shows back the text the user sent (typed_text), so that what they wrote is
    not lost; an htmx request that sends nothing (a week's link) is taken to the dashboard.
    """

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
            if chosen is None and assignments:
                # The first role, in effect without a choice, is kept as if chosen: should it
                # end while a form is open, the form is refused (process_view), not sent in
                # whichever role comes first then, perhaps of another organisation.
                chosen = request.session[SESSION_ACTIVE_ASSIGNMENT] = assignments[0].pk
            user.active_assignment = next(
                (a for a in assignments if a.pk == chosen), assignments[0] if assignments else None
            )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Here, not in __call__: the messages and htmx middlewares come after this one.
        user = request.user
        if not user.is_authenticated:
            return None
        chosen = request.session.get(SESSION_ACTIVE_ASSIGNMENT)
        if chosen is None or any(a.pk == chosen for a in user.current_assignments):
            return None
        match = request.resolver_match
        if getattr(view_func, "polku_background", False) or (
            match and match.url_name in ROLE_EXEMPT_NAMES
        ):
            return None
        renewed = _renewal_of(user, chosen)
        if renewed is not None:
            # The same role in the same unit goes on in a new assignment (a contract
            # renewed): the user acts as before, in the same organisation, and nothing is
            # refused; the security log records the move.
            request.session[SESSION_ACTIVE_ASSIGNMENT] = renewed.pk
            user.active_assignment = renewed
            log_event(
                "accounts.active_role_renewed",
                request=request,
                user_id=user.pk,
                assignment_id=chosen,
                active_assignment_id=renewed.pk,
            )
            return None
        del request.session[SESSION_ACTIVE_ASSIGNMENT]
        refused = request.method not in ("GET", "HEAD", "OPTIONS") or bool(request.htmx)
        log_event(
            "accounts.active_role_ended",
            request=request,
            user_id=user.pk,
            level=logging.WARNING,
            assignment_id=chosen,
            active_assignment_id=user.active_assignment.pk if user.active_assignment else None,
            request_refused=refused,
        )
        messages.warning(request, _role_ended_message(user, chosen))
        if not refused:
            return None
        sent_form = request.method not in ("GET", "HEAD", "OPTIONS")
        if request.htmx and not sent_form:
            return HttpResponseClientRedirect(reverse("dashboard"))
        # Not processed, but what the user typed is shown back to them to copy (to them
        # alone: it is their own request's body, in the response to it).
        response = render(
            request,
            "accounts/role_ended.html",
            {"typed": typed_text(request.POST)},
            status=409,
        )
        if request.htmx:
            _show_as_whole_page(response)
        return response


def _renewal_of(user, ended_pk: int):
    """The user's current assignment of the same role in the same unit as the ended one
    `ended_pk` (its renewal), or None."""
    ended = RoleAssignment.objects.filter(pk=ended_pk).values_list("role", "unit_id").first()
    if ended is None:
        return None
    return next((a for a in user.current_assignments if (a.role, a.unit_id) == ended), None)


def _show_as_whole_page(response) -> None:
    """Makes htmx show `response`, a whole page, in place of the page that sent the form,
    not in the element the form targets, and leave the address as it is (the page has none
    of its own). Polku's responseHandling (components/htmx_head.html) swaps no 4xx answer
    but 403 and 404: the 409 would leave the form on screen with no word of why nothing
    happened. So htmx is
    answered 200 (the plain request keeps its 409). An HX-Redirect is no answer: the page it
    loads could not show back what was typed. htmx swaps a whole document's body, and the
    title, into the target; the page's own scripts in <head> stay loaded."""
    response.status_code = 200
    response["HX-Retarget"] = "body"
    response["HX-Reswap"] = "innerHTML show:window:top"
    response["HX-Reselect"] = "unset"
    response["HX-Push-Url"] = "false"


# Fields whose values are not shown back: secrets and identity codes (not on screen where
# others may look), and the hidden inputs of Polku's forms (not typed by the user).
NOT_SHOWN_BACK = re.compile(
    r"csrf|password|passwd|token|secret|otp|credential|identity|hetu|henkilotunnus"
    r"|^code$|^recovery_code$|^(next|back|amends|follows|from|type|week|confirm)$|-shown$",
    re.IGNORECASE,
)


def typed_text(data) -> list[tuple[str, str]]:
    """(label, value) of the text sent in `data` (request.POST: files are not in it), in
    the order sent, leaving out NOT_SHOWN_BACK, empty values and those that are not text
    the user typed: a number alone (the id of a choice) or a ticked box's "on". The label
    is the field's (`field_label`), else "Teksti 1", "Teksti 2", ... in the order sent."""
    typed = []
    for name, values in data.lists():
        if NOT_SHOWN_BACK.search(name):
            continue
        for value in values:
            text = value.strip()
            if text and not text.isdigit() and text.lower() not in ("on", "true", "false"):
                label = field_label(name) or _("Teksti %(number)s") % {"number": len(typed) + 1}
                typed.append((label, value))
    return typed


def field_label(name: str) -> str | None:
    """The label of a sent field, as its form most likely showed it: the verbose name of the
    model fields of that name (Polku's forms are mostly their models'), when all of them
    agree; None when no model has the field or the models name it differently. A formset's
    or prefixed form's name ("day-3-reason") is read by its last part."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.text import capfirst

    field_name = name.rsplit("-", 1)[-1]
    labels = set()
    for model in apps.get_models():
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "concrete", False) and field.verbose_name:
            labels.add(capfirst(str(field.verbose_name)))
    return labels.pop() if len(labels) == 1 else None


def _role_ended_message(user, chosen) -> str:
    """Which chosen role ended (named as in the header's list, when it still exists) and
    which role the user acts in now."""
    ended = (
        RoleAssignment.objects.filter(pk=chosen, user=user).select_related("unit").first()
        if isinstance(chosen, int)
        else None
    )
    if ended is not None:
        first = _("Roolisi %(ended)s päättyi.") % {"ended": ended}
    else:
        first = _("Valitsemasi rooli ei ole enää voimassa.")
    if user.active_assignment is not None:
        second = _("Toimit nyt roolissa %(role)s.") % {"role": user.active_assignment}
    else:
        second = _(
            "Sinulla ei ole voimassa olevaa roolia. Pyydä pääkäyttäjää lisäämään sinulle rooli."
        )
    return f"{first} {second}"
