"""Celery tasks of consultations: thin, by id, enqueued on commit by the actions."""

import smtplib

from celery import shared_task


@shared_task(
    name="consultations.send_invitations_task",
    acks_late=True,
    # A mail server that is down for a while: try again later.
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=600,
    max_retries=5,
)
def send_invitations_task(session_id: int, user_ids: list[int], method: str = "REQUEST") -> int:
    """E-mails one session's invitation (METHOD:REQUEST) or cancellation (CANCEL) to users.

    Safe to retry and to redeliver: each recipient's e-mail for the session's
    SEQUENCE and the METHOD goes out once (config.mail.send_once, see
    consultations.invitations); a retry sends only to those not reached yet.
    """
    from consultations.invitations import send_invitations

    return send_invitations(session_id=session_id, user_ids=user_ids, method=method)
