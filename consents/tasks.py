"""Celery tasks of consents: thin, by id, enqueued on commit."""

from celery import shared_task

from consents.scanning import ScannerUnavailable


@shared_task(
    name="consents.scan_consent_scan",
    autoretry_for=(ScannerUnavailable,),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    max_retries=20,
)
def scan_consent_scan_task(scan_id: int) -> str:
    """Virus-scans one quarantined consent scan; retried while clamd is unavailable."""
    from consents.actions import scan_consent_scan

    return scan_consent_scan(scan_id=scan_id).status


@shared_task(name="consents.rescan_consent_scan")
def rescan_consent_scan_task(scan_id: int) -> str:
    """One more virus-scan attempt for a scan left waiting, queued by the sweep: no retries of
    its own (the next sweep queues it again while it waits)."""
    from consents.actions import scan_consent_scan
    from consents.models import ScanStatus

    try:
        return scan_consent_scan(scan_id=scan_id).status
    except ScannerUnavailable:
        return ScanStatus.PENDING


@shared_task(name="consents.follow_up_pending_scans", acks_late=True, time_limit=300)
def follow_up_pending_scans_task() -> dict:
    """Every quarter of an hour: scans left waiting for the virus scanner are queued again,
    and their uploaders told after hours (consents.pending_scans). One run at a time (a
    Redis lock); safe to run again."""
    from django.core.cache import cache

    from consents.pending_scans import follow_up_pending_scans

    if not cache.add(PENDING_SCANS_LOCK_KEY, "1", timeout=PENDING_SCANS_LOCK_SECONDS):
        return {"queued": 0, "told": 0}
    try:
        return follow_up_pending_scans()
    finally:
        cache.delete(PENDING_SCANS_LOCK_KEY)


PENDING_SCANS_LOCK_KEY = "consents:follow-up-pending-scans:lock"
PENDING_SCANS_LOCK_SECONDS = 10 * 60


@shared_task(name="consents.end_uncovered_memberships", acks_late=True, time_limit=600)
def end_uncovered_memberships_task() -> int:
    """Daily: members of other organisations added to start today (or earlier, when a run
    was missed) are admitted, the disclosure made now, or ended if nothing covers them
    (admit_starting_memberships); then members of other organisations leave the teams of
    clients whose consent ran out. Returns how many memberships ended. One run at a time
    (a Redis lock); safe to run again, it admits and ends only what is due."""
    from django.core.cache import cache

    from consents.team_coverage import admit_starting_memberships, end_uncovered_memberships

    if not cache.add(UNCOVERED_LOCK_KEY, "1", timeout=UNCOVERED_LOCK_SECONDS):
        return 0
    try:
        started = admit_starting_memberships()
        return started["ended"] + end_uncovered_memberships()
    finally:
        cache.delete(UNCOVERED_LOCK_KEY)


UNCOVERED_LOCK_KEY = "consents:end-uncovered-memberships:lock"
UNCOVERED_LOCK_SECONDS = 15 * 60


@shared_task(name="consents.remove_orphan_scan_files", acks_late=True, time_limit=600)
def remove_orphan_scan_files_task() -> int:
    """Daily: removes scan files left by a rolled-back upload (consents.actions); safe to
    repeat."""
    from consents.actions import remove_orphan_scan_files

    return remove_orphan_scan_files()
