"""The printing machinery every PDF of Polku shares: one renderer, one private store.

audit imports no domain app; the pathways app registers its WeasyPrint
renderer (static files only, tagged PDF) in its AppConfig.ready(), so the log
report prints with the same machinery as the pathway summary. Rendered files
are kept under POLKU_PRIVATE_ROOT, never under static or media, and are served
only by views that check access and log the print, and removed after
POLKU_PRINTED_FILES_KEPT_DAYS (`remove_old_files`, run daily by Celery beat, which also
records prints that stalled as failed, `fail_stalled`, and removes the files no ready print
names, `remove_orphan_files`).
"""

import datetime
import hashlib
import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
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


logger = logging.getLogger(__name__)

# The ending of a file still being written: named so until its print is marked ready.
PART_SUFFIX = ".part"
# The clients' documents are read by Polku's own user only: not by the machine's other users,
# whatever the process's umask. A file keeps its mode when `publish` names it.
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def write_part(pdf: bytes, name: str) -> Path:
    """Writes the PDF under the private root under a temporary name (`name` with a random part
    and PART_SUFFIX), never under `name` itself: a write cut off leaves no file that looks
    made. Returns its path; `publish` gives it its name. A write that fails removes its part."""
    folder = documents_folder()
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    # mkdir's mode passes through the umask and leaves a folder made before as it was.
    if stat.S_IMODE(folder.stat().st_mode) != FOLDER_MODE:
        folder.chmod(FOLDER_MODE)
    part = folder / f"{name}.{secrets.token_hex(8)}{PART_SUFFIX}"
    try:
        # Created with its mode (the umask only takes bits away), never readable by others
        # even for a moment; a new name each time (O_EXCL).
        with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as f:
            f.write(pdf)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return part


def publish(part: Path, name: str) -> None:
    """Gives a file written by `write_part` its name, at once (a rename in its folder)."""
    os.replace(part, stored_path(name))


def store(pdf: bytes, name: str) -> tuple[str, str]:
    """Writes the PDF under the private root as `name` (through a temporary file, so the name
    never holds half a file); returns (file name, sha256)."""
    publish(write_part(pdf, name), name)
    return name, hashlib.sha256(pdf).hexdigest()


def documents_folder() -> Path:
    """The folder under the private root where every printed file is kept."""
    return Path(settings.POLKU_PRIVATE_ROOT) / "documents"


def stored_path(name: str) -> Path:
    return documents_folder() / name


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


def remove_orphan_files(*, now: datetime.datetime | None = None) -> int:
    """Removes the printed files that no ready print names, and returns how many: a file still
    being written (PART_SUFFIX) once PRINT_STALLED_AFTER old, any other once older than
    POLKU_PRINTED_FILES_KEPT_DAYS. A worker killed while writing a PDF, or after naming it but
    before its row was marked ready, leaves a client's document that no row leads to; so does
    the cleanup cut off between marking a print expired and removing its file. Ready rows of
    every printed kind (every concrete PrintedFile: pathway documents, log reports) are
    asked, as all keep their files in one folder, so either daily task may run it. Logged by
    count only; one query per kind per thousand old files. Safe to run at any time."""
    from audit.models import PRINT_STALLED_AFTER, PrintedFile, PrintStatus

    now = now or timezone.now()
    kept_cutoff = now - datetime.timedelta(days=settings.POLKU_PRINTED_FILES_KEPT_DAYS)
    part_cutoff = now - PRINT_STALLED_AFTER
    folder = documents_folder()
    if not folder.is_dir():
        return 0
    old = []
    for path in folder.iterdir():
        if not path.is_file():
            continue
        changed = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
        if changed < (part_cutoff if path.name.endswith(PART_SUFFIX) else kept_cutoff):
            old.append(path)
    printed_kinds = [model for model in apps.get_models() if issubclass(model, PrintedFile)]
    removed = 0
    for start in range(0, len(old), 1000):
        batch = {path.name: path for path in old[start : start + 1000]}
        named = [name for name in batch if not name.endswith(PART_SUFFIX)]
        known = set()
        for model in printed_kinds if named else []:
            known.update(
                model.objects.filter(status=PrintStatus.READY, file_name__in=named).values_list(
                    "file_name", flat=True
                )
            )
        for name, path in batch.items():
            if name not in known:
                path.unlink(missing_ok=True)
                removed += 1
    if removed:
        logger.warning("Removed printed files no ready print named.", extra={"files": removed})
    return removed


def status_unchanged(shown: str | None, row) -> bool:
    """Whether a status poll that says the page shows `shown` (its `shown` parameter) may be
    answered 204: htmx then swaps nothing, so the live region is not read aloud again."""
    return shown is not None and shown == row.shown_status


# The error of a print whose job came back after an attempt that did not finish.
NOT_RENDERED_AGAIN = "Not rendered again: an earlier attempt did not finish (worker lost)."


def render_queued(model, pk: int, *, html: Callable, file_name: Callable):
    """Renders one queued print (a PrintedDocument or a LogReportPrint) and stores it.

    Marks the row rendering and counts the attempt (under the row lock), renders
    `html(row)` in the row's language, writes the PDF under a temporary name and, in the
    transaction that marks the row ready with its checksum, size and time, names it
    `file_name(row)`; a failure is recorded on the row and raised
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
    part = None
    try:
        with translation.override(row.language):
            pdf = render_pdf(html(row))
        name = file_name(row)
        part = write_part(pdf, name)
        with transaction.atomic():
            model.objects.filter(pk=pk).update(
                status=PrintStatus.READY,
                file_name=name,
                checksum=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                rendered_at=timezone.now(),
            )
            # Named last, with the row: a worker killed before leaves only a part file, and
            # one killed before the commit a file no ready row names (remove_orphan_files).
            publish(part, name)
    except Exception as error:
        if part is not None:
            part.unlink(missing_ok=True)
        model.objects.filter(pk=pk).update(status=PrintStatus.FAILED, error=str(error)[:300])
        raise
    row.refresh_from_db()
    return row
