"""Structured logging helpers: identity codes never reach a log line."""

import logging
import re

from config.request_context import current_request_id

# A Finnish personal identity code: ddmmyy, century sign, three digits, check character.
IDENTITY_CODE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})[-+A-FYXWVU](\d{3})[0-9A-Y](?![0-9A-Za-z])", re.IGNORECASE
)
REDACTED = "[hetu]"


def redact_identity_codes(text: str) -> str:
    return IDENTITY_CODE_PATTERN.sub(REDACTED, text)


class RedactIdentityCodesFilter(logging.Filter):
    """Rewrites the formatted message and arguments so no identity code survives."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_identity_codes(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True
