"""Site-wide pages: health probes, the language switch, the accessibility statement and
error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from config.language import SUPPORTED


@require_GET
@login_not_required
@never_cache
def healthz(request):
    """The process is alive; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@require_GET
@login_not_required
@never_cache
def readyz(request):
    """Ready to serve: the database and Redis answer. 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any failure means not ready
        checks["database"] = "unavailable"
    try:
        cache.set("readyz", "1", 5)
        checks["redis"] = "ok" if cache.get("readyz") == "1" else "unavailable"
    except Exception:
        checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )


@require_GET
@login_not_required
def accessibility_statement(request):
    """The statement the law (306/2019) requires, with the deployment's feedback contact."""
    return render(
        request,
        "accessibility_statement.html",
        {"feedback_contact": settings.POLKU_ACCESSIBILITY_FEEDBACK},
    )


@login_not_required
def not_offered(request):
    """A page of a third-party app that Polku does not offer: as if it did not exist."""
    raise Http404


def _is_htmx(request) -> bool:
    # Read from the header, not request.htmx: the error may come before the middleware ran.
    return request is not None and request.headers.get("HX-Request") == "true"


def _error_page(request, response):
    """An error page answering an htmx request is shown in place of the whole page, not in
    the element the action targets (a row, a section), and the address stays as it is. It
    keeps its status (logged as an error); htmx-config's responseHandling swaps 403, 404
    and 5xx answers (components/htmx_head.html), which htmx by default drops silently,
    leaving the user to believe the action was saved. The page's heading takes the focus."""
    if _is_htmx(request):
        response["HX-Retarget"] = "body"
        response["HX-Reswap"] = "innerHTML show:window:top"
        response["HX-Reselect"] = "unset"
        response["HX-Push-Url"] = "false"
    return response


def error_403(request, exception=None):
    return _error_page(request, render(request, "403.html", status=403))


def error_404(request, exception=None):
    return _error_page(request, render(request, "404.html", status=404))


def csrf_failure(request, reason=""):
    """A form sent from a page whose security token is no longer valid (typically the user
    signed out and in again in another tab): Django's own page is in English and outside
    the layout; this one says in the user's language what happened and what to do."""
    return _error_page(request, render(request, "403_csrf.html", status=403))


def error_500(request):
    """Rendered without the request: no context processors, no database, no session.

    Whatever broke the request may break those too, so the page needs only the
    template engine and the URL configuration (with fixed fallbacks).
    """
    try:
        urls = {
            "home_url": reverse("dashboard"),
            "accessibility_url": reverse("accessibility_statement"),
        }
    except Exception:  # a broken URL configuration must not hide the error page
        urls = {"home_url": "/", "accessibility_url": "/saavutettavuus/"}
    context = {**urls, "htmx": _is_htmx(request)}
    return _error_page(
        request, HttpResponseServerError(loader.get_template("500.html").render(context))
    )


@require_POST
@login_not_required
def switch_language(request):
    """The header's language switch: Django's set_language (the cookie, back to `next`). A
    signed-in user's own language follows it, so that their e-mails, the morning digest and
    new inbox items come in the language they chose (as when saved on the profile page)."""
    response = set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in SUPPORTED and language != user.preferred_language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response
