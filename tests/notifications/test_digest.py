"""The morning e-mail digest: counts and kinds, never a client; once a day; after commit."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients import reminders as client_rules
from clients.factories import ClientFactory, demo_identity_code, make_plan
from notifications.actions import sweep_reminders
from notifications.digest import (
    FAN_OUT_LOCK_KEY,
    build_digest,
    queue_digests,
    send_digest,
    sent_key,
    users_to_notify,
)
from notifications.factories import ReminderFactory, TaskFactory
from notifications.tasks import send_digest_task, send_digests_task

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)
IDENTITY_CODE = demo_identity_code(datetime.date(1991, 4, 12), 923)


@pytest.fixture
def rules(isolated_rules):
    client_rules.register()
    return isolated_rules


@pytest.fixture
def busy_worker(rules, unit, settings):
    """A worker whose inbox holds tasks and reminders that name a client."""
    settings.POLKU_BASE_URL = "https://polku.example.fi"
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(
        created_by=worker,
        first_names="Silmu Aurora",
        last_name="Suunnistaja",
        birth=datetime.date(1991, 4, 12),
        code=IDENTITY_CODE,
    )
    # Responsible since before TODAY: the sweep reads the team, and the roles its members
    # act in, of its own day.
    client.memberships.update(started_on=TODAY - 30 * DAY)
    worker.role_assignments.update(valid_from=TODAY - 30 * DAY)
    make_plan(client, worker, next_review_on=TODAY + 3 * DAY)
    make_plan(client, worker, plan_type="activation_plan", next_review_on=TODAY - 3 * DAY)
    sweep_reminders(today=TODAY)  # one "due" and one "overdue" reminder, both naming the client
    title = f"Soita Silmu Suunnistajalle ({IDENTITY_CODE})"
    link = f"/clients/{client.uuid}/"
    TaskFactory(assignee=worker, title=title, link=link, due_date=TODAY - 2 * DAY)
    TaskFactory(assignee=worker, title=title, link=link, due_date=TODAY - DAY)
    TaskFactory(assignee=worker, title=title, link=link, due_date=TODAY)
    # Not counted: due later, done, or read.
    TaskFactory(assignee=worker, title=title, link=link, due_date=TODAY + DAY)
    TaskFactory(assignee=worker, title=title, link=link, due_date=TODAY - DAY, done=True)
    ReminderFactory(recipient=worker, rule=client_rules.PLAN_REVIEW_DUE, title=title, read=True)
    worker.client_of_test = client
    return worker


def bodies(message) -> list[str]:
    return [message.subject, message.body, *(content for content, _type in message.alternatives)]


def test_the_digest_counts_tasks_and_reminders_and_names_no_client(busy_worker):
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [busy_worker.email]
    assert message.extra_headers["Content-Language"] == "fi"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.subject == "Polku – Tehtävät ja muistutukset 2.3.2026"
    text = message.body
    assert "Myöhässä: 2" in text
    assert "Tänään: 1" in text
    assert "Lukemattomat muistutukset: 2" in text
    assert "- Suunnitelman tarkistus lähestyy: 1" in text
    assert "- Suunnitelman tarkistus myöhässä: 1" in text
    assert "https://polku.example.fi/inbox/" in text
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="fi">' in html
    assert '<a href="https://polku.example.fi/inbox/">' in html
    assert "<li>Suunnitelman tarkistus myöhässä: 1</li>" in html

    client = busy_worker.client_of_test
    for body in bodies(message):
        for secret in (
            "Silmu",
            "Suunnistaja",
            IDENTITY_CODE,
            client.identity_code_masked,
            str(client.uuid),
            "/clients/",
        ):
            assert secret not in body


def test_a_task_given_yesterday_is_news_once_even_when_due_later(rules, unit):
    """A work-pair offer due in a week or a recommendation due in two is told the morning
    after it was given, once; the user with only that waiting gets a digest."""
    worker = make_user(Role.SOCIAL_WORKER, unit)
    yesterday_noon = timezone.make_aware(datetime.datetime.combine(TODAY - DAY, datetime.time(12)))
    TaskFactory(assignee=worker, due_date=TODAY + 7 * DAY, created_at=yesterday_noon)
    TaskFactory(assignee=worker, due_date=None, created_at=yesterday_noon)
    # Not news: given two days ago, given this morning (tomorrow's news), or already done.
    TaskFactory(assignee=worker, due_date=TODAY + 7 * DAY, created_at=yesterday_noon - DAY)
    TaskFactory(assignee=worker, due_date=TODAY + 7 * DAY, created_at=yesterday_noon + DAY)
    TaskFactory(assignee=worker, due_date=TODAY + 7 * DAY, created_at=yesterday_noon, done=True)
    digest = build_digest(worker, TODAY)
    assert (digest.tasks_given_yesterday, digest.overdue_tasks, digest.tasks_due_today) == (2, 0, 0)
    assert worker.pk in set(users_to_notify(TODAY).values_list("pk", flat=True))
    assert send_digest(user_id=worker.pk, today=TODAY) is True
    (message,) = mail.outbox
    assert "- Uusia eilen: 2" in message.body
    assert "<li>Uusia eilen: 2</li>" in message.alternatives[0][0]
    assert build_digest(worker, TODAY + DAY).tasks_given_yesterday == 1


def test_an_open_task_without_a_due_date_is_told_every_morning_as_the_bell_counts_it(rules, unit):
    """The bell counts an open task without a due date for as long as it is open
    (TaskQuerySet.needing_attention); so does the digest, not only the morning after it was
    given."""
    worker = make_user(Role.SOCIAL_WORKER, unit)
    a_week_ago = timezone.make_aware(datetime.datetime.combine(TODAY - 7 * DAY, datetime.time(12)))
    TaskFactory(assignee=worker, due_date=None, created_at=a_week_ago)
    TaskFactory(assignee=worker, due_date=None, created_at=a_week_ago)
    TaskFactory(assignee=worker, due_date=None, created_at=a_week_ago, done=True)
    digest = build_digest(worker, TODAY)
    assert (digest.tasks_without_due_date, digest.tasks_given_yesterday) == (2, 0)
    assert not digest.is_empty
    assert worker.pk in set(users_to_notify(TODAY).values_list("pk", flat=True))
    assert send_digest(user_id=worker.pk, today=TODAY) is True
    (message,) = mail.outbox
    assert "Avoimet tehtävät" in message.body
    assert "- Ei määräpäivää: 2" in message.body
    assert "<li>Ei määräpäivää: 2</li>" in message.alternatives[0][0]


def test_the_digest_is_in_the_users_language(busy_worker):
    busy_worker.preferred_language = "sv"
    busy_worker.save(update_fields=["preferred_language"])
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is True

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "sv"
    [(html, _mimetype)] = message.alternatives
    assert '<html lang="sv">' in html
    # Headings shared with the inbox are translated already; the digest's own
    # sentences and the rules' labels follow when their Swedish .po entries are added.
    assert message.subject.startswith("Polku – Uppgifter och påminnelser")
    for body in (message.body, html):
        assert "Olästa påminnelser" in body
        assert "Öppna uppgifter" in body
        assert "Försenad: 2" in body
        assert "Inkorg" in body
        assert "Lukemattomat muistutukset" not in body


def test_nothing_is_sent_when_there_is_nothing_to_say(rules, unit):
    idle = make_user(Role.SOCIAL_WORKER, unit)
    TaskFactory(assignee=idle, due_date=TODAY + DAY)  # not due yet
    TaskFactory(assignee=idle, due_date=None, done=True)
    TaskFactory(assignee=idle, due_date=TODAY, done=True)
    ReminderFactory(recipient=idle, read=True)
    assert build_digest(idle, TODAY).is_empty
    assert send_digest(user_id=idle.pk, today=TODAY) is False
    assert mail.outbox == []
    # Nothing was claimed for the day: a digest can still go out if something comes up.
    assert cache.get(sent_key(idle.pk, TODAY)) is None


def opt_out(user):
    """Turns the user's digest off (the user's own setting, User.email_digest)."""
    type(user).objects.filter(pk=user.pk).update(email_digest=False)


def test_a_user_who_opted_out_gets_no_digest(busy_worker):
    opt_out(busy_worker)
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is False
    assert mail.outbox == []


def test_inactive_users_and_users_without_an_address_get_no_digest(busy_worker):
    busy_worker.is_active = False
    busy_worker.save(update_fields=["is_active"])
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is False
    assert send_digest(user_id=0, today=TODAY) is False
    assert mail.outbox == []


def test_one_digest_per_user_per_day(busy_worker):
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is True
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is False
    assert len(mail.outbox) == 1
    assert send_digest(user_id=busy_worker.pk, today=TODAY + DAY) is True
    assert len(mail.outbox) == 2


def test_a_failed_send_can_be_retried_the_same_day(busy_worker):
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send",
            side_effect=smtplib.SMTPServerDisconnected("down"),
        ),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        send_digest(user_id=busy_worker.pk, today=TODAY)
    assert cache.get(sent_key(busy_worker.pk, TODAY)) is None
    assert send_digest(user_id=busy_worker.pk, today=TODAY) is True
    assert len(mail.outbox) == 1


def test_the_per_user_task_sends_once_and_a_redelivery_is_harmless(busy_worker):
    assert send_digest_task.name == "notifications.send_digest_task"
    assert send_digest_task.acks_late is True
    assert send_digest_task.run(busy_worker.pk, TODAY.isoformat()) is True
    assert send_digest_task.run(busy_worker.pk, TODAY.isoformat()) is False
    assert len(mail.outbox) == 1


# The fan-out


@pytest.fixture
def inboxes(rules, unit):
    """Users with and without something waiting."""
    with_reminder = make_user(Role.SOCIAL_WORKER, unit)
    ReminderFactory(recipient=with_reminder)
    with_task = make_user(Role.WORK_COACH, unit)
    TaskFactory(assignee=with_task, due_date=TODAY - DAY)
    idle = make_user(Role.JOB_COACH, unit)
    TaskFactory(assignee=idle, due_date=TODAY + 5 * DAY)
    ReminderFactory(recipient=idle, read=True)
    gone = make_user(Role.SOCIAL_WORKER, unit, is_active=False)
    ReminderFactory(recipient=gone)
    return {"reminder": with_reminder, "task": with_task, "idle": idle, "gone": gone}


def test_the_fan_out_enqueues_one_task_per_user_with_something_waiting_after_commit(
    inboxes, django_capture_on_commit_callbacks
):
    with mock.patch.object(send_digest_task, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            assert queue_digests(today=TODAY) == 2
            delay.assert_not_called()  # nothing before the commit
        assert len(callbacks) == 2
        for callback in callbacks:
            callback()
    assert delay.call_args_list == [
        mock.call(user.pk, TODAY.isoformat())
        for user in sorted([inboxes["reminder"], inboxes["task"]], key=lambda u: u.pk)
    ]


def test_the_fan_out_enqueues_nothing_when_its_transaction_rolls_back(
    inboxes, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_digest_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assert queue_digests(today=TODAY) == 2
        raise RuntimeError("rolled back")
    assert callbacks == []
    delay.assert_not_called()


def test_the_fan_out_leaves_out_users_who_opted_out(inboxes, django_capture_on_commit_callbacks):
    opt_out(inboxes["task"])
    with (
        mock.patch.object(send_digest_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert queue_digests(today=TODAY) == 1
    delay.assert_called_once_with(inboxes["reminder"].pk, TODAY.isoformat())


def test_the_daily_task_sends_each_digest_once(inboxes, django_capture_on_commit_callbacks):
    assert send_digests_task.name == "notifications.send_digests_task"

    def run_now(user_id, day):
        return send_digest_task.run(user_id, day)

    with mock.patch.object(send_digest_task, "delay", side_effect=run_now):
        with django_capture_on_commit_callbacks(execute=True):
            assert queue_digests(today=TODAY) == 2
        # A second fan-out the same morning (a redelivered beat task) sends nothing new.
        with django_capture_on_commit_callbacks(execute=True):
            assert queue_digests(today=TODAY) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [inboxes["reminder"].email, inboxes["task"].email]
    )


def test_only_one_fan_out_at_a_time(inboxes, django_capture_on_commit_callbacks):
    cache.add(FAN_OUT_LOCK_KEY, "another", timeout=60)
    with (
        mock.patch.object(send_digest_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert queue_digests(today=TODAY) is None
    delay.assert_not_called()
    assert cache.get(FAN_OUT_LOCK_KEY) == "another"
