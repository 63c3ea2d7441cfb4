"""config.mail.send_once: an e-mail at most once per key across retries and redelivery, and
again after a worker died while sending it. Against the real Redis cache and the test outbox."""

import smtplib
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem

from config.mail import send_once

KEY = "test:mail:invitation:1"
LEASE = f"{KEY}:lease"


def message() -> EmailMessage:
    return EmailMessage(subject="Kutsu", body="Tervetuloa.\n", to=["aino.virtanen@example.fi"])


class Refusing(locmem.EmailBackend):
    """The test outbox, except that the relay drops the connection on every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class LeaseLostWhileSending(locmem.EmailBackend):
    """The test outbox; while it sends, the lease runs out and another worker takes it."""

    def send_messages(self, messages):
        cache.delete(LEASE)
        cache.add(LEASE, "another-worker", timeout=60)
        return super().send_messages(messages)


@pytest.fixture
def mailer(settings):
    """mailer(backend_class): the default mailer becomes that backend, for this test."""

    def use(backend):
        settings.MAILERS = {"default": {"BACKEND": f"{backend.__module__}.{backend.__name__}"}}

    return use


def test_an_email_is_sent_once_and_a_second_call_sends_nothing():
    assert send_once(KEY, message(), lease_seconds=60) is True
    assert send_once(KEY, message(), lease_seconds=60) is False
    assert [m.to for m in mail.outbox] == [["aino.virtanen@example.fi"]]
    assert cache.get(KEY) is not None
    assert cache.get(LEASE) is None
    assert send_once(f"{KEY}:other", message(), lease_seconds=60) is True  # keys are separate
    assert len(mail.outbox) == 2


def test_while_another_worker_holds_the_lease_nothing_is_sent():
    cache.add(LEASE, "another-worker", timeout=60)
    assert send_once(KEY, message(), lease_seconds=60) is False
    assert mail.outbox == []
    assert cache.get(LEASE) == "another-worker"  # not released by the one that skipped
    assert cache.get(KEY) is None


def test_a_failed_send_raises_marks_nothing_and_the_retry_sends(mailer):
    mailer(Refusing)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_once(KEY, message(), lease_seconds=60)
    assert cache.get(KEY) is None
    assert cache.get(LEASE) is None
    mailer(locmem.EmailBackend)
    assert send_once(KEY, message(), lease_seconds=60) is True
    assert send_once(KEY, message(), lease_seconds=60) is False
    assert len(mail.outbox) == 1


def test_after_a_worker_died_while_sending_the_redelivered_task_sends_once_the_lease_expires():
    # What a worker killed mid-send leaves behind: its lease (here a 1-second one), no key.
    cache.add(LEASE, "dead-worker", timeout=1)
    assert send_once(KEY, message(), lease_seconds=60) is False
    time.sleep(1.2)
    assert send_once(KEY, message(), lease_seconds=60) is True
    assert send_once(KEY, message(), lease_seconds=60) is False
    assert len(mail.outbox) == 1


def test_a_lease_taken_over_by_another_worker_is_not_released(mailer):
    mailer(LeaseLostWhileSending)
    assert send_once(KEY, message(), lease_seconds=60) is True
    assert cache.get(LEASE) == "another-worker"
    assert cache.get(KEY) is not None
    assert len(mail.outbox) == 1
