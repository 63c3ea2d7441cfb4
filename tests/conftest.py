"""Shared test set-up: real PostgreSQL and Redis, no state shared through Redis."""

import contextlib
import html
import os
import re
import uuid

import pytest
from allauth.mfa.totp.internal.auth import hotp_value

from accounts.factories import TEST_TOTP_SECRET, make_user
from accounts.roles import Role
from services.factories import UnitFactory

# Playwright's sync API runs an event loop in the test thread; database access
# from that thread is still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data from data migrations (service types and their rule sets) for every test.

    A transactional test's flush empties those tables for the tests after it,
    so they are loaded again (idempotently) when missing.
    """
    if not {"db", "transactional_db"} & set(
        request.fixturenames
    ) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from django.apps import apps

    from services.models import ServiceType
    from services.reference import load_service_types

    if not ServiceType.objects.exists():
        load_service_types(apps)


# The TRUNCATE triggers of the append-only tables (audit migration 0004 and others):
# statement triggers on TRUNCATE, not internal ones. pg_trigger.tgtype bit 5 is TRUNCATE.
TRUNCATE_TRIGGERS = """
    SELECT tgrelid::regclass::text, tgname FROM pg_trigger
    WHERE NOT tgisinternal AND tgtype & 32 <> 0 AND tgenabled <> 'D'
"""


@pytest.fixture(scope="session", autouse=True)
def _flush_past_truncate_guards():
    """A transactional test ends with Django's flush, one TRUNCATE of every table, which the
    append-only tables refuse. The test database's owner switches their TRUNCATE triggers
    off for the flush, inside its transaction (ALTER TABLE ... DISABLE TRIGGER is the
    owner's alone, and rolls back with the flush): the same switch the production
    application role, which owns no table, does not have."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with self.connection.cursor() as cursor:
            cursor.execute(TRUNCATE_TRIGGERS)
            guards = cursor.fetchall()
        quote = self.quote_name
        flush(
            self,
            [
                *(f"ALTER TABLE {table} DISABLE TRIGGER {quote(name)}" for table, name in guards),
                *sql_list,
                *(f"ALTER TABLE {table} ENABLE TRIGGER {quote(name)}" for table, name in guards),
            ],
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Each test gets its own cache key prefix, so used TOTP codes and rate-limit
    counters of one test never meet another, in any order."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.POLKU_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _finnish_first():
    """Each test starts in Finnish, as a request without a language choice does.

    A request through the test client leaves its language active in the thread,
    and tests run in random order, so the default is set here rather than assumed.
    """
    from django.utils import translation

    translation.activate("fi")
    yield
    translation.deactivate()


def totp_code(secret: str = TEST_TOTP_SECRET, at: float | None = None) -> str:
    """The TOTP code an authenticator app shows now for the secret."""
    import time

    from allauth.mfa import app_settings

    counter = int((at if at is not None else time.time()) // app_settings.TOTP_PERIOD)
    return str(hotp_value(secret, counter)).zfill(app_settings.TOTP_DIGITS)


@pytest.fixture
def unit(db):
    return UnitFactory()


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def social_worker(unit):
    return make_user(Role.SOCIAL_WORKER, unit)


def login(client, user):
    """Signs the user in through the test client, in a session that has used the user's
    second factor (enrolled by the factories, as in production: RequireMFAMiddleware).

    The session's maximum age counts from its first request, as the idle time does, not
    from this sign-in (IdleTimeoutMiddleware starts the clock of a session without a
    sign-in time): a fixture signs in at the real time, and its test may travel days on."""
    from accounts.middleware import SESSION_SECOND_FACTOR, SESSION_SIGNED_IN_AT

    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    session = client.session
    session[SESSION_SECOND_FACTOR] = user.pk
    del session[SESSION_SIGNED_IN_AT]
    session.save()
    return client


def login_acting(client, user, assignment):
    """Signs the user in acting in `assignment`, as if chosen in the header (kept in the
    session for accounts.middleware.ActiveRoleMiddleware)."""
    from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT

    login(client, user)
    session = client.session
    session[SESSION_ACTIVE_ASSIGNMENT] = assignment.pk
    session.save()
    return client


# The error next to a date field outside the dates Polku accepts (config.dates).
RANGE_ERROR = "Tarkista päivämäärä: sen pitää olla vuosien 1900 ja 2100 välillä."


def field_errors(page: str, field: str) -> str:
    """The text of the error block rendered next to the field (empty when none)."""
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


SCROLL_REGION = re.compile(
    r'<div class="polku-table-scroll" role="region" tabindex="0" '
    r'(aria-label|aria-labelledby)="([^"]*)">\s*<table[^>]*>\s*(?:<caption[^>]*>(.*?)</caption>)?',
    re.S,
)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def scroll_regions(page: str) -> list[tuple[str, str]]:
    """Each scrolling table's region as a screen reader names it (its aria-label, or the text
    of the element its aria-labelledby names), with its table's caption ("" when none)."""
    regions = []
    for attribute, value, caption in SCROLL_REGION.findall(page):
        if attribute == "aria-labelledby":
            named = re.search(
                rf'<(\w+)\b[^>]*\bid="{re.escape(value)}"[^>]*>(.*?)</\1>', page, re.S
            )
            value = named.group(2) if named else ""
        regions.append((_text(value), _text(caption or "")))
    return regions


def acting(user, assignment=None):
    """Sets the user's active role assignment as the middleware does for a request."""
    user.active_assignment = assignment or user.role_assignments.order_by("pk").first()
    return user


@pytest.fixture
def world(db):
    """One user per role and a client whose team exercises every rule (tests/world.py)."""
    from tests.world import build_world

    return build_world()


def _purge(queue: str) -> None:
    from config.celery import app

    # An empty or missing queue is fine.
    with app.connection_for_write() as connection, contextlib.suppress(Exception):
        connection.default_channel.queue_purge(queue)


@pytest.fixture
def pdf_worker(settings, tmp_path):
    """A real Celery worker (in a thread) consuming the pdf queue on the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.POLKU_PRIVATE_ROOT = tmp_path
    _purge("pdf")
    with start_worker(
        app, queues=["pdf"], pool="solo", perform_ping_check=False, shutdown_timeout=30
    ) as worker:
        yield worker
