"""The interface language: Finnish first.

The language switch in the header (a cookie) wins; otherwise a signed-in
user's own language; otherwise the language this browser's session remembers
(`adopt_language`: the invited user's, once their link's key proved valid);
otherwise Finnish. The browser's Accept-Language is not consulted: a municipal
system opens in Finnish unless the user chooses.

Signing out forgets the switch's choice (`forget_language_choice`): on a shared
computer the next person signs in to their own language, not the last user's.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

SUPPORTED = {code for code, _name in settings.LANGUAGES}
SESSION_LANGUAGE = "polku_language"


def language_switch_next(request) -> dict:
    """Context processor: `language_next`, the page the header's language switch returns to.

    This page, when it was asked for; a page rendered in answer to a POST (a refused form)
    returns to the page the form was sent from: the address it was posted to may take POST
    only (a session's cancel or guest form, the identity-code search), and the browser
    showed its 405 instead of the page in the chosen language. Without a same-origin
    Referer (SECURE_REFERRER_POLICY sends it), the home page.
    """
    if request.method in ("GET", "HEAD"):
        return {"language_next": request.get_full_path()}
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return {"language_next": referer}
    return {"language_next": "/"}


def adopt_language(request, language: str) -> None:
    """Speaks `language` for the rest of this request and the session's next pages, unless
    the browser has chosen one (the switch's cookie wins, as always)."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in SUPPORTED:
        return
    if language not in SUPPORTED:
        return
    request.session[SESSION_LANGUAGE] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


def forget_language_choice(sender, request, user, **kwargs) -> None:
    """`user_logged_out` receiver: the response of this request drops the switch's cookie."""
    if request is not None:
        request.forget_language_choice = True


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if language not in SUPPORTED and user is not None and user.is_authenticated:
            language = user.preferred_language
        if language not in SUPPORTED and hasattr(request, "session"):
            language = request.session.get(SESSION_LANGUAGE)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The view may have adopted another (adopt_language).
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        if getattr(request, "forget_language_choice", False):
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
