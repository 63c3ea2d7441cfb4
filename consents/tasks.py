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


@shared_task(name="consents.end_uncovered_memberships", acks_late=True, time_limit=600)
def end_uncovered_memberships_task() -> int:
    """Daily: members of other organisations leave the teams of clients whose consent ran
    out. One run at a time (a Redis lock); safe to run again, it ends only what is due."""
    from django.core.cache import cache

    from consents.team_coverage import end_uncovered_memberships

    if not cache.add(UNCOVERED_LOCK_KEY, "1", timeout=UNCOVERED_LOCK_SECONDS):
        return 0
    try:
        return end_uncovered_memberships()
    finally:
        cache.delete(UNCOVERED_LOCK_KEY)


UNCOVERED_LOCK_KEY = "consents:end-uncovered-memberships:lock"
UNCOVERED_LOCK_SECONDS = 15 * 60
