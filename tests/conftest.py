"""Shared test set-up: real PostgreSQL and Redis, no state shared through Redis."""

import os
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
def _isolated_settings(settings):
    """Each test gets its own cache key prefix, so used TOTP codes and rate-limit
    counters of one test never meet another, in any order."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = False


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
    """Signs the user in through the test client (MFA already enrolled, as in production)."""
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def acting(user, assignment=None):
    """Sets the user's active role assignment as the middleware does for a request."""
    user.active_assignment = assignment or user.role_assignments.order_by("pk").first()
    return user


@pytest.fixture
def world(db):
    """One user per role and a client whose team exercises every rule (tests/world.py)."""
    from tests.world import build_world

    return build_world()
