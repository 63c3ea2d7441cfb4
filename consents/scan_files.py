"""Consent scans on disk: checking an upload by its content, and storing it privately.

Files live under POLKU_PRIVATE_ROOT/consents/, which no URL maps to, under a
random name: `quarantine/` until the virus scanner has passed them (or when
scanning is off, never), `scans/` when they may be served.
"""

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from consents.models import MAX_SCAN_BYTES, ScanContentType

# Magic bytes at the start of each allowed file type.
SIGNATURES = [
    (b"%PDF-", ScanContentType.PDF),
    (b"\x89PNG\r\n\x1a\n", ScanContentType.PNG),
    (b"\xff\xd8\xff", ScanContentType.JPEG),
]
QUARANTINE = "quarantine"
RELEASED = "scans"


def detect_content_type(head: bytes) -> str | None:
    """The allowed type the content starts as, or None whatever the file's name says."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type.value
    return None


def check_upload(uploaded) -> str:
    """The content type of an uploaded scan; ValidationError with a clear message otherwise."""
    if uploaded.size > MAX_SCAN_BYTES:
        raise ValidationError(
            _("Tiedosto on liian suuri (%(size)s Mt). Suurin sallittu koko on 10 Mt.")
            % {"size": f"{uploaded.size / 1024 / 1024:.1f}".replace(".", ",")},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("Tiedosto on tyhjä."), code="empty")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = detect_content_type(head)
    if content_type is None:
        raise ValidationError(
            _(
                "Tiedosto ei ole PDF-, JPEG- tai PNG-tiedosto. Sisältö tarkistettiin: "
                "tiedostonimen pääte ei riitä. Skannaa lomake PDF- tai kuvatiedostoksi."
            ),
            code="content_type",
        )
    return content_type


def root() -> Path:
    return Path(settings.POLKU_PRIVATE_ROOT) / "consents"


def path_for(stored_name: str, *, quarantined: bool) -> Path:
    return root() / (QUARANTINE if quarantined else RELEASED) / stored_name


def store(uploaded, *, quarantined: bool) -> tuple[str, str]:
    """Writes the upload under a new random name, readable by Polku only; (name, sha256)."""
    stored_name = secrets.token_hex(24)
    path = path_for(stored_name, quarantined=quarantined)
    _make_private_dir(path.parent)
    digest = hashlib.sha256()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            target.write(chunk)
    return stored_name, digest.hexdigest()


def release(stored_name: str) -> None:
    """Moves a file that passed the scanner out of quarantine."""
    target = path_for(stored_name, quarantined=False)
    _make_private_dir(target.parent)
    os.replace(path_for(stored_name, quarantined=True), target)


def _make_private_dir(directory: Path) -> None:
    """The directory and its consents/ parent, readable by Polku's own user only."""
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.mkdir(mode=0o700, exist_ok=True)


def discard(stored_name: str, *, quarantined: bool) -> None:
    path_for(stored_name, quarantined=quarantined).unlink(missing_ok=True)


def stored_files(*, quarantined: bool) -> list[Path]:
    """The files in quarantine (or released), none before the first upload."""
    directory = root() / (QUARANTINE if quarantined else RELEASED)
    if not directory.is_dir():
        return []
    return [path for path in directory.iterdir() if path.is_file()]
