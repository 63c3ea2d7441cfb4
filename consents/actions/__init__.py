"""Writes on consents. Each action validates, runs in one transaction with the consent
row locked where a change, a revocation and a disclosure could race, writes its
access-log row, creates the notification tasks in the same transaction, and enqueues
the virus scan only on commit. Change history is kept by pghistory's triggers, with
the actor and the action code as context.

- `terms`: what a consent form says, checked before anything is saved;
- `recording`: recording, changing (a new version) and revoking a consent;
- `scans`: the scan of a signed form, its virus scan and orphan-file cleanup;
- `statutory_bases`: disclosure without consent where a law allows it.
"""

from consents.actions.recording import (
    CHANGE_NOTIFICATION_KINDS,
    NOTIFY_PARTY_OF_CHANGE,
    NOTIFY_PARTY_OF_REVOCATION,
    PARTY_NOTIFICATION_KINDS,
    REVOCATION_NOTIFICATION_KINDS,
    SEND_CHANGE_TO_KELA,
    SEND_REVOCATION_TO_KELA,
    change_consent,
    log_notification_completed,
    record_consent,
    revoke_consent,
)
from consents.actions.scans import (
    ORPHAN_SCAN_FILE_AGE,
    attach_scan,
    remove_orphan_scan_files,
    scan_consent_scan,
    scan_refusal,
)
from consents.actions.statutory_bases import (
    end_statutory_basis,
    record_statutory_basis,
    statutory_basis_errors,
)
from consents.actions.terms import ConsentTerms

__all__ = [
    "CHANGE_NOTIFICATION_KINDS",
    "NOTIFY_PARTY_OF_CHANGE",
    "NOTIFY_PARTY_OF_REVOCATION",
    "ORPHAN_SCAN_FILE_AGE",
    "PARTY_NOTIFICATION_KINDS",
    "REVOCATION_NOTIFICATION_KINDS",
    "SEND_CHANGE_TO_KELA",
    "SEND_REVOCATION_TO_KELA",
    "ConsentTerms",
    "attach_scan",
    "change_consent",
    "end_statutory_basis",
    "log_notification_completed",
    "record_consent",
    "record_statutory_basis",
    "remove_orphan_scan_files",
    "revoke_consent",
    "scan_consent_scan",
    "scan_refusal",
    "statutory_basis_errors",
]
