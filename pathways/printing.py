"""PDFs for clients: WeasyPrint with machine fonts and no network.

The URL fetcher refuses everything outside the project's static files, so a
document can never reach the network or the file system at large. The PDF
gets a title and language from the HTML, an outline from its headings, and
tags (WeasyPrint's tagged PDF).
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from weasyprint.urls import URLFetcher

# The private store is shared with the log report, whose app (audit) imports no domain app.
from audit.printing import open_stored, store, stored_path

__all__ = [
    "StaticFilesOnly",
    "lay_out",
    "open_stored",
    "render_pdf",
    "store",
    "stored_path",
]


class StaticFilesOnly(URLFetcher):
    """Fetches file:// URLs inside the project's static folder; refuses anything else."""

    def fetch(self, url, headers=None):
        root = (Path(settings.BASE_DIR) / "static").resolve()
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise ValueError(f"Refused outside static files: {url.split(':', 1)[0]} URL")
        if parts.netloc not in ("", "localhost"):
            raise ValueError("Refused outside static files")
        # The path urllib opens is percent-decoded (url2pathname), so the check decodes it
        # too: "static/..%2Fsecret.txt" is "static/../secret.txt".
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(root):
            raise ValueError("Refused outside static files")
        return super().fetch(url, headers)


def _html(html: str) -> weasyprint.HTML:
    static_root = (Path(settings.BASE_DIR) / "static").resolve()
    return weasyprint.HTML(
        string=html, base_url=f"file://{static_root}/", url_fetcher=StaticFilesOnly()
    )


def render_pdf(html: str) -> bytes:
    """The PDF of a complete HTML document (its <title> and lang become the PDF's metadata)."""
    return _html(html).write_pdf(pdf_tags=True)


def lay_out(html: str) -> weasyprint.Document:
    """The document laid out on pages as render_pdf prints it, for tests that check where
    its boxes lie."""
    return _html(html).render()
