import re
import uuid

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from config.request_context import reset_request_id, set_request_id

# A proxy's request id: a token such as nginx's 32 hex digits or a UUID, nothing else.
PROXY_REQUEST_ID = re.compile(r"[0-9A-Fa-f-]{16,64}")


class RequestIdMiddleware:
    """Gives every request an id for logs and audit rows. The proxy's X-Request-ID is kept
    only where the deployment trusts its proxy to set it (POLKU_TRUST_PROXY_REQUEST_ID) and
    it looks like one; otherwise a user could choose the id of their own access-log rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = _proxy_request_id(request) or uuid.uuid4().hex
        token = set_request_id(request.id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.id
        return response


def _proxy_request_id(request) -> str:
    if not settings.POLKU_TRUST_PROXY_REQUEST_ID:
        return ""
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if PROXY_REQUEST_ID.fullmatch(incoming) else ""


class NoStoreMiddleware:
    """Keeps every page out of caches: Polku's pages carry client data, identity codes and
    sign-in state, and a shared workstation's browser must not show them again from its
    cache or back/forward cache after sign-out. Static files (served by WhiteNoise before
    this) keep their own long caching; a view that sets Cache-Control itself keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
