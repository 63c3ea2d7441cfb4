"""The printing machinery every PDF of Polku shares: one renderer, one private store.

audit imports no domain app; the pathways app registers its WeasyPrint
renderer (static files only, tagged PDF) in its AppConfig.ready(), so the log
report prints with the same machinery as the pathway summary. Rendered files
are kept under POLKU_PRIVATE_ROOT, never under static or media, and are served
only by views that check access and log the print.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_renderer: dict[str, Callable[[str], bytes]] = {}


def register_pdf_renderer(render: Callable[[str], bytes]) -> None:
    _renderer["pdf"] = render


def render_pdf(html: str) -> bytes:
    try:
        return _renderer["pdf"](html)
    except KeyError:
        raise ImproperlyConfigured(
            "No PDF renderer registered (pathways registers it in ready())."
        ) from None


def store(pdf: bytes, name: str) -> tuple[str, str]:
    """Writes the PDF under the private root; returns (file name, sha256)."""
    folder = Path(settings.POLKU_PRIVATE_ROOT) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(pdf)
    return name, hashlib.sha256(pdf).hexdigest()


def stored_path(name: str) -> Path:
    return Path(settings.POLKU_PRIVATE_ROOT) / "documents" / name
