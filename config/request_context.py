"""The id of the request being served, for log lines and access-log rows."""

from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("polku_request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)
