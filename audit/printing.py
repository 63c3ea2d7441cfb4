"""PDF output for log reports, through the machinery the pathways app registers.

audit imports no domain app; the pathways app registers its WeasyPrint
renderer (static files only, tagged PDF) in its AppConfig.ready(), so the log
report prints with the same machinery as the pathway summary.
"""

from collections.abc import Callable

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
