"""Celery settings fit Redis semantics (CONVENTIONS.md item 8).

With the Redis transport an unacknowledged message (acks_late, or a task
waiting for its countdown/ETA in the worker) is handed to another worker when
the visibility timeout passes, so that timeout must exceed every wait and
every time limit; everything on the wire is JSON; the PDF work has its own
queue and its own recycled worker.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from accounts import actions as accounts_actions
from config import mail
from config.celery import app
from consultations import invitations
from notifications import digest

# Apps whose tasks are ours (Celery's own tasks are named "celery.*").
APPS = ("accounts", "services", "clients", "consents", "pathways", "consultations", "reports")
APPS += ("audit", "notifications", "config")

# Celery's default countdown between retries when a task sets no backoff.
DEFAULT_BACKOFF_MAX = 600

# Each module that sends through config.mail.send_once: its tasks, and its lease and sent-key
# times.
SEND_ONCE = {
    "accounts/actions.py": (
        ("accounts.send_invitation", "accounts.send_account_notice"),
        accounts_actions.LEASE_SECONDS,
        mail.SENT_KEY_SECONDS,
    ),
    "consultations/invitations.py": (
        ("consultations.send_invitations_task",),
        invitations.LEASE_SECONDS,
        mail.SENT_KEY_SECONDS,
    ),
    "notifications/digest.py": (
        ("notifications.send_digest_task",),
        digest.LEASE_SECONDS,
        digest.SENT_KEY_SECONDS,
    ),
}


@pytest.fixture(scope="module")
def tasks():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours, "the apps' tasks are discovered"
    return ours


def visibility_timeout() -> int:
    return app.conf.broker_transport_options["visibility_timeout"]


def test_every_beat_schedule_entry_names_a_registered_task(tasks):
    assert app.conf.beat_schedule
    for key, entry in app.conf.beat_schedule.items():
        assert entry["task"] in tasks, key
        assert key.split(".", 1)[0] == entry["task"].split(".", 1)[0], "named <app>.<job>"


def test_only_json_goes_over_the_wire(tasks):
    assert app.conf.task_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]
    assert app.conf.result_serializer == "json"
    assert list(app.conf.result_accept_content or app.conf.accept_content) == ["json"]
    assert app.conf.event_serializer == "json"
    assert {task.serializer for task in tasks.values()} == {"json"}


def test_tasks_are_acknowledged_late_and_given_back_when_a_worker_dies(tasks):
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    for name, task in tasks.items():
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name


def _longest_wait(task) -> int:
    """The longest countdown the task's own retries can ask for."""
    if not getattr(task, "autoretry_for", ()):
        return 0
    if getattr(task, "retry_backoff", False):
        return getattr(task, "retry_backoff_max", DEFAULT_BACKOFF_MAX)
    return task.default_retry_delay


def test_the_visibility_timeout_exceeds_every_wait_and_time_limit(tasks):
    timeout = visibility_timeout()
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit < timeout
    for name, task in tasks.items():
        assert task.time_limit and task.time_limit < timeout, name
        assert task.soft_time_limit is None or task.soft_time_limit < task.time_limit, name
        assert _longest_wait(task) < timeout, name
    for key, entry in app.conf.beat_schedule.items():
        assert entry.get("options", {}).get("countdown", 0) < timeout, key


def test_send_once_leases_outlast_the_time_limit_and_sent_keys_every_retry_and_redelivery(tasks):
    """A lease that runs out while its worker still sends, or a sent key gone before the
    last retry or redelivery, would let the e-mail go out twice (config.mail)."""
    root = Path(settings.BASE_DIR)
    callers = {
        str(path.relative_to(root))
        for app_name in APPS
        for path in (root / app_name).rglob("*.py")
        if "send_once(" in path.read_text() and path != root / "config" / "mail.py"
    }
    assert callers == set(SEND_ONCE), "every caller of send_once is listed in SEND_ONCE"
    for names, lease_seconds, sent_seconds in SEND_ONCE.values():
        for name in names:
            task = tasks[name]
            assert lease_seconds > task.time_limit, name
            retrying = task.max_retries * (_longest_wait(task) + task.time_limit)
            assert sent_seconds > retrying + visibility_timeout(), name


def test_every_countdown_or_eta_in_the_code_is_a_literal_inside_the_visibility_timeout():
    """Countdowns written in code (apply_async, retry): literal seconds, so this test can
    check them, and shorter than the visibility timeout. An ETA is not allowed at all: its
    distance from now cannot be bounded here."""
    root = Path(settings.BASE_DIR)
    found = []
    for app_name in APPS:
        for path in (root / app_name).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            assert not re.search(r"\beta\s*=", source), f"{path}: an ETA in code"
            for match in re.finditer(r"\bcountdown\s*=\s*([^,)\n]+)", source):
                value = match.group(1).strip()
                assert re.fullmatch(r"[\d_ *]+", value), f"{path}: countdown={value}"
                found.append(eval(value))  # noqa: S307 - digits, underscores and * only
    assert all(seconds < visibility_timeout() for seconds in found)


def test_pdf_tasks_go_to_the_pdf_queue_and_the_others_to_the_default_queue(tasks):
    router = app.amqp.router
    for name in tasks:
        queue = router.route({}, name, (), {})["queue"].name
        expected = "pdf" if name.endswith("_pdf_task") else "default"
        assert queue == expected, name
    assert app.conf.task_default_queue == "default"


def test_every_queue_has_a_worker_and_the_pdf_worker_is_recycled(tasks):
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    workers = {}
    for service in compose["services"].values():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "config", "worker"]:
            workers[command[command.index("-Q") + 1]] = command
    router = app.amqp.router
    assert {router.route({}, name, (), {})["queue"].name for name in tasks} <= set(workers)
    pdf = workers["pdf"]
    assert "--max-tasks-per-child" in pdf and int(pdf[pdf.index("--max-tasks-per-child") + 1]) > 0
