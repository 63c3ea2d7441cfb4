"""The printing machinery every PDF of Polku shares: one renderer, one private store.

audit imports no domain app; the pathways app registers its WeasyPrint
renderer (static files only, tagged PDF) in its AppConfig.ready(), so the log
report prints with the same machinery as the pathway summary. Rendered files
are kept under POLKU_PRIVATE_ROOT, never under static or media, and are served
only by views that check access and log the print, and removed after
POLKU_PRINTED_FILES_KEPT_DAYS (`remove_old_files`, run daily by Celery beat, which also
records prints that stalled as failed: `fail_stalled`).
"""

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation

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


def open_stored(name: str) -> BinaryIO | None:
    """The stored file opened for reading, or None when it is gone (the daily cleanup may
    remove it between the status check and the download). A download view opens the file
    before it logs the print, so a file that is gone writes no log row."""
    try:
        return stored_path(name).open("rb")
    except FileNotFoundError:
        return None


def remove_old_files(documents, *, now: datetime.datetime | None = None) -> int:
    """Marks the ready documents of `documents` (PrintedDocument or LogReportPrint rows)
    rendered more than POLKU_PRINTED_FILES_KEPT_DAYS ago as expired, then removes their
    files. The rows stay as the record of what was printed (with the checksum); the
    access log says who printed it. Safe to run at any time."""
    from audit.models import PrintStatus

    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.POLKU_PRINTED_FILES_KEPT_DAYS
    )
    with transaction.atomic():
        old = documents.select_for_update().filter(status=PrintStatus.READY, rendered_at__lt=cutoff)
        rows = list(old.values_list("pk", "file_name"))
        documents.filter(pk__in=[pk for pk, _name in rows]).update(status=PrintStatus.EXPIRED)
    for _pk, name in rows:
        stored_path(name).unlink(missing_ok=True)
    return len(rows)


def fail_stalled(documents, *, now: datetime.datetime | None = None) -> int:
    """Marks the prints of `documents` (PrintedDocument or LogReportPrint rows) still queued
    or being made PRINT_STALLED_AFTER after they were asked for as failed, with the reason as
    their error; returns how many. Their pages already show them failed (shown_status); this
    makes the record say so. A job that still turns up later renders the row as usual if no
    job had started it (printing.render_queued does not render a row a second time). Run
    daily by Celery beat with the cleanup of old files; safe to run at any time."""
    from audit.models import PRINT_STALLED_AFTER, PRINT_UNDER_WAY, PrintStatus

    cutoff = (now or timezone.now()) - PRINT_STALLED_AFTER
    return documents.filter(status__in=PRINT_UNDER_WAY, requested_at__lt=cutoff).update(
        status=PrintStatus.FAILED, error="Stalled: not ready in time (worker killed or job lost)."
    )


def status_unchanged(shown: str | None, row) -> bool:
    """Whether a status poll that says the page shows `shown` (its `shown` parameter) may be
    answered 204: htmx then swaps nothing, so the live region is not read aloud again."""
    return shown is not None and shown == row.shown_status


# The error of a print whose job came back after an attempt that did not finish.
NOT_RENDERED_AGAIN = "Not rendered again: an earlier attempt did not finish (worker lost)."


def render_queued(model, pk: int, *, html: Callable, file_name: Callable):
    """Renders one queued print (a PrintedDocument or a LogReportPrint) and stores it.

    Marks the row rendering and counts the attempt (under the row lock), renders
    `html(row)` in the row's language, stores the PDF as `file_name(row)` and marks it
    ready with its checksum, size and time; a failure is recorded on the row and raised
    again (Celery logs it). Safe to run twice: a row already ready is returned as it is,
    and a row an earlier job already started is not rendered again (a job redelivered
    because its worker died while rendering would die the same way, again and again): it
    is recorded as failed, so its page says so and the user can ask for it again.
    """
    from audit.models import PRINT_UNDER_WAY, PrintStatus

    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        if row.status == PrintStatus.READY:
            return row
        if row.attempts:
            if row.status in PRINT_UNDER_WAY:
                row.status = PrintStatus.FAILED
                row.error = NOT_RENDERED_AGAIN
                row.save(update_fields=["status", "error"])
            return row
        row.status = PrintStatus.RENDERING
        row.attempts += 1
        row.save(update_fields=["status", "attempts"])
    try:
        with translation.override(row.language):
            pdf = render_pdf(html(row))
        name, checksum = store(pdf, file_name(row))
    except Exception as error:
        model.objects.filter(pk=pk).update(status=PrintStatus.FAILED, error=str(error)[:300])
        raise
    model.objects.filter(pk=pk).update(
        status=PrintStatus.READY,
        file_name=name,
        checksum=checksum,
        size=len(pdf),
        rendered_at=timezone.now(),
    )
    row.refresh_from_db()
    return row
