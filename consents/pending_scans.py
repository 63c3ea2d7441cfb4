"""Scans left waiting in quarantine, and the sweep that follows them up.

A scan waits for the virus scanner (`actions.scan_consent_scan`) from its upload.
It can be left waiting: the scan task gave up after its retries while clamd was
down, queueing it after the upload failed (the broker was unreachable), or the
scanner was turned off with files still waiting. The periodic sweep queues each
scan waiting longer than a while again (one attempt each time, the sweep being
the retry), and once one has waited for hours tells its uploader with a task:
the form cannot be opened until it is scanned.
"""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazystr
from django.utils.translation import gettext_noop

from consents import scanning
from consents.models import ConsentScan, ScanStatus
from notifications.texts import Text

logger = logging.getLogger(__name__)

# A scan takes seconds; one waiting this long has been dropped or failed.
REQUEUE_AFTER = datetime.timedelta(minutes=15)
# Waiting this long, the uploader is told (once per scan).
NOTIFY_AFTER = datetime.timedelta(hours=4)
SCAN_PENDING_TASK = "consents.scan_pending"


def follow_up_pending_scans(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Queues again, on commit, a single virus-scan attempt (`tasks.rescan_consent_scan_task`)
    for every scan still waiting `REQUEUE_AFTER` after its upload, while a scanner is
    configured; and gives the uploader of each scan waiting `NOTIFY_AFTER` a task
    ("consents.scan_pending", keyed by the scan, so a repeated sweep adds none). Safe to run
    again: a scan no longer waiting is not touched, and an attempt on a scan done meanwhile
    does nothing. Returns how many were queued and how many uploaders were told."""
    from consents.tasks import rescan_consent_scan_task

    now = now or timezone.now()
    waiting = ConsentScan.objects.filter(
        status=ScanStatus.PENDING, uploaded_at__lte=now - REQUEUE_AFTER
    ).order_by("pk")
    queued = 0
    if scanning.scanning_enabled():
        for scan_id in waiting.values_list("pk", flat=True):
            transaction.on_commit(lambda scan_id=scan_id: rescan_consent_scan_task.delay(scan_id))
            queued += 1
    told = 0
    for scan in waiting.filter(uploaded_at__lte=now - NOTIFY_AFTER).select_related(
        "consent__client", "uploaded_by"
    ):
        told += _tell_uploader(scan)
    if queued or told:
        logger.warning(
            "Consent scans still waiting for the virus scanner.",
            extra={"queued": queued, "told": told, "scanning": scanning.scanning_enabled()},
        )
    return {"queued": queued, "told": told}


def _tell_uploader(scan: ConsentScan) -> int:
    from notifications.actions import create_task
    from notifications.models import Task

    key = f"{SCAN_PENDING_TASK}:{scan.pk}"
    if Task.objects.filter(key=key).exists():
        return 0
    consent, client = scan.consent, scan.consent.client
    create_task(
        assignee=scan.uploaded_by,
        kind=SCAN_PENDING_TASK,
        title=Text(
            gettext_noop("Skannatun lomakkeen virustarkistus ei ole valmistunut: {name}"),
            # The form, version and day (ConsentScan.__str__), never the file's name.
            name=lazystr(scan),
        ),
        description=Text(
            gettext_noop(
                "Asiakas: {client}. Suostumus: {consent}. Lomake on karanteenissa, eikä sitä "
                "voi avata ennen virustarkistusta. Pyydä pääkäyttäjää tarkistamaan "
                "virustarkistuspalvelu tai tallenna lomake uudelleen."
            ),
            client=client.display_name,
            consent=lazystr(consent),
        ),
        due_date=timezone.localdate(),
        concerning=scan,
        client_id=client.uuid,
        link=reverse(
            "consents:detail", kwargs={"client_id": client.uuid, "consent_id": consent.pk}
        ),
        key=key,
    )
    return 1


def settle_pending_scan_task(scan: ConsentScan) -> None:
    """The scan is done (clean or infected): the uploader's open "still waiting" task, if the
    sweep gave one, is checked off, so the inbox does not keep asking about a finished scan."""
    from notifications.actions import complete_task
    from notifications.models import Task

    task = Task.objects.filter(key=f"{SCAN_PENDING_TASK}:{scan.pk}", done_at__isnull=True).first()
    if task is not None:
        complete_task(task=task, by=task.assignee)
