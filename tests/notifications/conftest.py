import pytest

from accounts.factories import make_user
from accounts.roles import Role
from notifications import rules_registry


@pytest.fixture
def worker(unit):
    return make_user(Role.SOCIAL_WORKER, unit)


@pytest.fixture
def colleague(unit):
    return make_user(Role.SOCIAL_COUNSELLOR, unit)


@pytest.fixture
def isolated_rules(monkeypatch):
    """An empty rule registry for the test: the sweep runs only the rules the test registers."""
    rules: dict = {}
    monkeypatch.setattr(rules_registry, "_rules", rules)
    return rules
