"""Personal identity codes (henkilötunnus): validation, encryption, keyed hash, mask.

The code is stored encrypted (Fernet; keys from the environment, newest first,
so a key can be rotated with `manage.py rotate_identity_code_key`) with an
HMAC for exact search. It never appears in a URL or a log line and is shown
masked (`010594Y****`) until revealed.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat
from stdnum.fi import hetu

CENTURIES = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}


@dataclass(frozen=True)
class IdentityCode:
    value: str
    birth_date: datetime.date
    is_temporary: bool

    @property
    def masked(self) -> str:
        return mask(self.value)


def parse_identity_code(raw: str, *, allow_temporary: bool = False) -> IdentityCode:
    """Validates a code with stdnum.fi.hetu; raises ValidationError with a translated message.

    Only ASCII characters are accepted (after stdnum's compact(), which strips surrounding
    spaces), so one code has one spelling and one keyed hash.

    A birth date after today is refused (no one has such a code yet). Temporary codes
    (individual number 900-999) pass when `allow_temporary` is given (the worker ticked the
    flag) or POLKU_ALLOW_TEST_IDENTITY_CODES is on. Such a code `is_temporary` only when
    `allow_temporary` says so: where test codes are allowed (the demo, the tests) a code of
    900-999 given without the flag is an ordinary code (DESIGN.md), which the demo's
    fictitious codes stand for.
    """
    code = hetu.compact(raw or "")
    # stdnum's pattern matches any Unicode digit (\d): "1٣1052-932X" would pass as 131052-932X
    # with another keyed hash, past the duplicate check and the exact search.
    if not code.isascii():
        raise ValidationError(
            _(
                "Henkilötunnuksessa on merkki, jota siinä ei voi olla. Kirjoita tunnus tavallisin numeroin 0–9 ja kirjaimin, esim. 010594Y9032."
            ),
            code="characters",
        )
    try:
        hetu.validate(code, allow_temporary=True)
    except InvalidFormat:
        raise ValidationError(
            _("Henkilötunnuksen muoto on virheellinen. Muoto on ppkkvvTnnnX, esim. 010594Y9032."),
            code="format",
        ) from None
    except InvalidComponent:
        raise ValidationError(
            _("Henkilötunnuksen syntymäaika tai yksilönumero on mahdoton."), code="date"
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus."), code="checksum"
        ) from None
    individual = int(code[7:10])
    temporary = individual >= 900
    if temporary and not (allow_temporary or settings.POLKU_ALLOW_TEST_IDENTITY_CODES):
        raise ValidationError(
            _(
                "Tämä on väliaikainen henkilötunnus (yksilönumero 900–999). Merkitse tunnus väliaikaiseksi, jos se on oikein."
            ),
            code="temporary",
        )
    birth_date = datetime.date(CENTURIES[code[6]] + int(code[4:6]), int(code[2:4]), int(code[0:2]))
    if birth_date > timezone.localdate():
        raise ValidationError(_("Syntymäaika on tulevaisuudessa."), code="future")
    return IdentityCode(
        value=code, birth_date=birth_date, is_temporary=temporary and allow_temporary
    )


def mask(code: str) -> str:
    return f"{code[:7]}****"


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.POLKU_IDENTITY_CODE_KEYS])


def encrypt(code: str) -> str:
    return _fernet().encrypt(code.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypts with the newest key (the first in POLKU_IDENTITY_CODE_KEYS)."""
    return _fernet().rotate(token.encode()).decode()


def search_hash(code: str) -> str:
    """Keyed hash for exact search: equal codes give equal hashes, nothing else leaks."""
    key = settings.POLKU_IDENTITY_CODE_HASH_KEY.encode()
    return hmac.new(key, hetu.compact(code).encode(), hashlib.sha256).hexdigest()
