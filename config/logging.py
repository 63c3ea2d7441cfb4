"""Structured logging helpers: identity codes, secrets in addresses and the rows PostgreSQL
quotes in its errors never reach a log line."""

import logging
import re

from django.http import HttpRequest
from pythonjsonlogger.json import JsonFormatter

from config.request_context import current_request_id

# A Finnish personal identity code: ddmmyy, century sign, three digits, check character. In a
# URL's query (the access log's request line) the sign "+" arrives encoded as "%2B".
IDENTITY_CODE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})(?:[-+A-FYXWVU]|%2B)(\d{3})[0-9A-Y](?![0-9A-Za-z])", re.IGNORECASE
)
REDACTED = "[hetu]"
# Addresses whose last segment is a secret: a password-setting key (invitations and resets),
# an e-mail confirmation key, a calendar feed's token. The access log names the path.
SECRET_PATH_PATTERN = re.compile(
    r"(/accounts/password/reset/key/|/accounts/confirm-email/|/consultations/feed/)[^/\s\"?\\]+"
)
REDACTED_SEGMENT = "[secret]"
# A request line's query string ("GET /clients/?q=Virtanen HTTP/1.1", as runserver logs it):
# a name searched for is not anything a pattern recognises, so the query goes whole.
QUERY_IN_REQUEST_LINE = re.compile(r'("[A-Z]+ [^\s?"]*)\?[^\s"]*')
REDACTED_QUERY = "?[query]"
# PostgreSQL quotes the row or the key values a constraint refused ("DETAIL: Failing row
# contains (...)", "Key (column)=(value) already exists"): names, addresses, note text.
ROW_DETAIL_PATTERN = re.compile(r"(Failing row contains )\(.*")
KEY_DETAIL_PATTERN = re.compile(r"(Key \([^)]*\))=\(.*")
ROW = "([row])"

# Attributes every LogRecord has; anything else on a record came through `extra`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def redact_personal_data(text: str) -> str:
    """The text with identity codes, secret path segments and quoted rows taken out."""
    text = ROW_DETAIL_PATTERN.sub(rf"\1{ROW}", text)
    text = KEY_DETAIL_PATTERN.sub(rf"\1={ROW}", text)
    return _redact_tokens(text)


def _redact_tokens(text: str) -> str:
    """Identity codes and secret path segments: single tokens, so this is safe on a JSON line
    as a whole too (a quoted row runs to its line's end, which a JSON line does not have)."""
    text = IDENTITY_CODE_PATTERN.sub(REDACTED, text)
    text = QUERY_IN_REQUEST_LINE.sub(rf"\1{REDACTED_QUERY}", text)
    return SECRET_PATH_PATTERN.sub(rf"\1{REDACTED_SEGMENT}", text)


def _redact_value(value):
    """Strings are redacted; dicts, lists and tuples are copied with their strings redacted;
    a request (django.request passes it in `extra`) is written as its method and path, never
    its query string, which may carry a name searched for."""
    if isinstance(value, HttpRequest):
        return redact_personal_data(f"{value.method} {value.path}")
    if isinstance(value, str):
        return redact_personal_data(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(item) for item in value)
    return value


class RedactPersonalDataFilter(logging.Filter):
    """Rewrites what a record carries so that no identity code (nor any other thing
    `redact_personal_data` takes out) survives: the message with
    its arguments, the exception text and traceback, the stack and the `extra` fields."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_personal_data(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        if record.exc_info:
            # Format the traceback once, redacted, and drop the live exception so no
            # formatter prints its unredacted text again.
            if not record.exc_text:
                record.exc_text = self._formatter.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_personal_data(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _RECORD_ATTRIBUTES:
                setattr(record, name, _redact_value(value))
        return True


class RedactingJsonFormatter(JsonFormatter):
    """JSON lines, redacted once more as a whole: an object passed in `extra` (a request,
    say) is written with its str(), which the filter cannot see into."""

    def format(self, record: logging.LogRecord) -> str:
        return _redact_tokens(super().format(record))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
