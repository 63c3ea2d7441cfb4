import uuid

from config.request_context import reset_request_id, set_request_id


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID) for logs and audit rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        token = set_request_id(request.id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request.id
        return response
