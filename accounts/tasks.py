"""Celery tasks of accounts: thin, by id, enqueued on commit."""

import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

# How every e-mail of accounts is sent: acknowledged once done, retried while the mail relay
# fails (config.mail.send_once keeps a retry or a redelivery from sending twice).
MAIL_TASK = {
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, OSError, SoftTimeLimitExceeded),
    "retry_backoff": 60,
    "max_retries": 10,
    "soft_time_limit": 90,
    "time_limit": 120,
}


@shared_task(name="accounts.send_invitation", **MAIL_TASK)
def send_invitation_task(invitation_id: int) -> bool:
    """E-mails one recorded invitation; retried while the mail relay fails, sent once."""
    from accounts.actions import send_invitation

    return send_invitation(invitation_id=invitation_id)


@shared_task(name="accounts.send_account_notice", **MAIL_TASK)
def send_account_notice_task(notice_id: int) -> bool:
    """E-mails a notice of a changed sign-in address or removed second factors; sent once."""
    from accounts.actions import send_account_notice

    return send_account_notice(notice_id=notice_id)
