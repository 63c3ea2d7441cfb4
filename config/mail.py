"""Sending an e-mail at most once per key, also when its Celery task is retried or redelivered.

Tasks that send mail are acknowledged late (acks_late), so one e-mail can be tried
again: by the task's retry after a mail error, by the broker after a worker died, or
by a second task at the same moment. `send_once()` keeps two cache keys (Redis) per
e-mail:

- `<key>:lease`, taken with cache.add (atomic) while sending, so that no two workers
  send the e-mail at once. It expires by itself, so an e-mail whose worker died while
  sending it is sent by the redelivered task. It must outlast the task's time limit:
  a send still running when it expires could be repeated by another worker.
- `<key>`, set once the mail relay accepted the e-mail, so that no later call sends it.
  It must outlast the task's retries and the broker's redelivery (visibility timeout).

So an e-mail goes out at least once after a worker died while sending it and at most
once otherwise, except when a worker dies between the relay accepting it and the key
being set. Losing Redis at worst sends one again.

It lives outside the apps because accounts, consultations and notifications all use
it, and notifications imports no domain app (DESIGN.md "Layout").
"""

import uuid

from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

# Longer than every retry of a task and the broker's redelivery of an unacknowledged one.
SENT_KEY_SECONDS = 7 * 24 * 60 * 60


def send_once(
    key: str,
    message: EmailMessage,
    *,
    lease_seconds: int,
    sent_seconds: int = SENT_KEY_SECONDS,
) -> bool:
    """Sends `message` unless the e-mail named `key` is sent already; True when sent now.

    False, sending nothing, when it was sent already or another worker holds its
    lease (is sending it now). When sending raises, nothing is marked sent, the lease
    is released and the error re-raised, so that a retry sends it. `lease_seconds`
    must outlast the calling task's time limit, `sent_seconds` its retries and the
    broker's redelivery (see the module docstring).
    """
    lease = f"{key}:lease"
    token = uuid.uuid4().hex
    if not cache.add(lease, token, timeout=lease_seconds):
        return False
    try:
        # Read under the lease: a worker that sent it set this key before releasing its lease.
        if cache.get(key) is not None:
            return False
        message.send()
        cache.set(key, timezone.now().isoformat(), timeout=sent_seconds)
    finally:
        # Release only our own lease: after an expiry another worker may hold it.
        if cache.get(lease) == token:
            cache.delete(lease)
    return True


def automatic_email(template: str, context: dict, *, to: str, language: str) -> EmailMessage:
    """An automatic e-mail from `template`'s `_subject.txt` and `_message.txt`, in `language`
    (rendered under the caller's `translation.override(language)`, which built `context`):
    the subject on one line, marked auto-generated so that no autoresponder answers it."""
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_message.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body.strip() + "\n",
        to=[to],
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
