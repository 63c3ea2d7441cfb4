"""Free text that users write into the logs (a reason, what was disclosed and to whom) never
carries an identity code: the access and disclosure logs are append-only and go whole into a
client's log report, where no identity code is ever written (DESIGN.md)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.logging import IDENTITY_CODE_PATTERN

# For a reason (break-the-glass, an access request, a DPO's log report).
IDENTITY_CODE_IN_REASON = _("Älä kirjoita perusteeseen henkilötunnusta: peruste kirjataan lokiin.")
# For any other text a log row keeps (a disclosure's "what" and recipient).
IDENTITY_CODE_IN_TEXT = _("Älä kirjoita tähän henkilötunnusta: teksti kirjataan lokiin.")


def contains_identity_code(text: str) -> bool:
    """Whether the text holds something written as a Finnish identity code."""
    return IDENTITY_CODE_PATTERN.search(text) is not None


def check_no_identity_code(text: str, *, field: str, message=IDENTITY_CODE_IN_REASON) -> None:
    """ValidationError keyed to `field` when the text, to be written into a log, holds an
    identity code; the actions call it before writing, so a form shows it next to the field."""
    if contains_identity_code(text):
        raise ValidationError({field: message})
