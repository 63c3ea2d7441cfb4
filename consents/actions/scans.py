"""The scan of a signed consent form: attaching it, its virus scan, and the removal of
files no scan names."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_context
from clients.access import log_client_access
from consents import pending_scans, scan_files, scanning
from consents.actions.terms import ORAL_HAS_NO_FORM
from consents.models import Consent, ConsentScan, ScanStatus

logger = logging.getLogger(__name__)


# Scans


def scan_refusal(consent: Consent) -> str | None:
    """Why the version takes no scan of a signed form, or None when it does: only the current
    version of a written consent that is not revoked takes one. Reads only."""
    if consent.is_oral:
        return str(ORAL_HAS_NO_FORM)
    if not consent.is_current:
        return _("Lomakkeen voi liittää vain suostumuksen uusimpaan versioon.")
    if consent.is_revoked:
        return _("Peruutettuun suostumukseen ei voi liittää lomaketta.")
    return None


def attach_scan(*, consent: Consent, uploaded, uploaded_by) -> ConsentScan:
    """Attaches a scan of the signed form to the consent version.

    Only the current version of a written consent that is not revoked takes a
    scan: a superseded or revoked version, or an oral consent (nothing was
    signed), is refused with a ValidationError, checked with the version's row
    locked so a change or revocation in flight is seen. The content must be a
    PDF, JPEG or PNG by its magic bytes, 1 byte to 10 MB (ValidationError
    otherwise, nothing stored); the same file again on this version (a double submit) is
    refused too. With a virus scanner configured the file waits
    in quarantine and the scan is enqueued on commit; without one it is stored
    as not scanned. Logged as "consents.scan.attached".
    """
    content_type = scan_files.check_upload(uploaded)
    with transaction.atomic(), history_context(uploaded_by, "consents.scan.attached"):
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        refusal = scan_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        locked.client = consent.client
        return store_scan(
            consent=locked, uploaded=uploaded, content_type=content_type, by=uploaded_by
        )


def store_scan(*, consent: Consent, uploaded, content_type: str, by) -> ConsentScan:
    scanning_on = scanning.scanning_enabled()
    stored_name, sha256 = scan_files.store(uploaded, quarantined=scanning_on)
    try:
        with transaction.atomic():
            # The same file again (a double submit) on this version: stored once. The caller
            # holds the version's row lock, so a repeat in flight waits and then finds it.
            same = (
                ConsentScan.objects.filter(consent=consent, sha256=sha256)
                .exclude(status=ScanStatus.INFECTED)
                .first()
            )
            if same is not None:
                raise ValidationError(
                    _("Sama tiedosto on jo tallennettu tähän suostumukseen (%(name)s).")
                    % {"name": same.original_name},
                    code="same_scan",
                )
            scan = ConsentScan.objects.create(
                consent=consent,
                stored_name=stored_name,
                original_name=(uploaded.name or "")[-255:] or "lomake",
                content_type=content_type,
                size=uploaded.size,
                sha256=sha256,
                status=ScanStatus.PENDING if scanning_on else ScanStatus.NOT_SCANNED,
                uploaded_by=by,
            )
            log_client_access(by, consent.client, "consents.scan.attached", scan)
    except Exception:
        scan_files.discard(stored_name, quarantined=scanning_on)
        raise
    if scanning_on:
        from consents.tasks import scan_consent_scan_task

        transaction.on_commit(lambda: scan_consent_scan_task.delay(scan.pk))
    return scan


def scan_consent_scan(*, scan_id: int) -> ConsentScan:
    """Runs the virus scanner on a quarantined scan: clean files are released, infected
    ones deleted (the row keeps the finding).

    The verdict is written under a row lock; a scan no longer pending is
    returned as it is, so a repeated task does nothing. Raises ScannerUnavailable when clamd cannot
    answer: the file stays in quarantine and the task retries.
    """
    scan = ConsentScan.objects.get(pk=scan_id)
    if scan.status != ScanStatus.PENDING:
        return scan
    # Scanned outside the transaction: no row lock is held while clamd reads the file.
    verdict = scanning.scan_file(scan_files.path_for(scan.stored_name, quarantined=True))
    with transaction.atomic():
        scan = ConsentScan.objects.select_for_update().get(pk=scan_id)
        if scan.status != ScanStatus.PENDING:
            return scan
        scan.scanned_at = timezone.now()
        scan.scan_result = verdict.detail
        scan.status = ScanStatus.CLEAN if verdict.clean else ScanStatus.INFECTED
        scan.save(update_fields=["status", "scanned_at", "scan_result"])
        pending_scans.settle_pending_scan_task(scan)
        stored_name = scan.stored_name
        if verdict.clean:
            # Released only once the row says clean; until then it is never served.
            transaction.on_commit(lambda: scan_files.release(stored_name))
        else:
            logger.warning(
                "Consent scan refused by the virus scanner.",
                extra={"scan_id": scan.pk, "signature": verdict.detail},
            )
            transaction.on_commit(lambda: scan_files.discard(stored_name, quarantined=True))
    return scan


# A file this old has outlived the transaction that wrote it, whatever that did.
ORPHAN_SCAN_FILE_AGE = datetime.timedelta(hours=24)


def remove_orphan_scan_files(*, now: datetime.datetime | None = None) -> int:
    """Removes the consent-scan files that no ConsentScan names, once a day old, and returns
    how many. A scan is written to disk inside the transaction that records it; when that
    transaction is rolled back after the file was written (a consent change refused by a later
    step, a failed commit) the file stays, a signed form of a client that no record leads to
    and no retention would ever remove. The age spares an upload still being recorded. Logged
    by count only; one query per thousand old files."""
    cutoff = (now or timezone.now()) - ORPHAN_SCAN_FILE_AGE
    removed = 0
    for quarantined in (True, False):
        old = [
            path
            for path in scan_files.stored_files(quarantined=quarantined)
            if datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC) < cutoff
        ]
        for start in range(0, len(old), 1000):
            batch = {path.name: path for path in old[start : start + 1000]}
            known = set(
                ConsentScan.objects.filter(stored_name__in=list(batch)).values_list(
                    "stored_name", flat=True
                )
            )
            for name, path in batch.items():
                if name not in known:
                    path.unlink(missing_ok=True)
                    removed += 1
    if removed:
        logger.warning("Removed consent scan files no record named.", extra={"files": removed})
    return removed
