"""The permission matrix: every URL of Polku × every role × anonymous.

URLs come from the resolver, never from a list kept by hand. Each URL name
has one `Row` in EXPECTATIONS (or belongs to a declared third-party group);
`missing_expectations()` names any URL without one, and the matrix test
fails on it. A new URL joins this table in the same commit.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role

ALL_ROLES = frozenset(Role.values)
NONE = frozenset()


@dataclass(frozen=True)
class Row:
    """What each role gets from one URL.

    allowed: roles that get `allowed_status`; every other role gets
    `denied_status` (404 when the object must not be seen, 403 when it is
    seen but may not be changed). Anonymous users are sent to sign in unless
    `public`.
    """

    allowed: frozenset[str]
    forbidden: frozenset[str] = frozenset()
    """Roles that see the object but may not do this: 403 instead of `denied_status`."""
    method: str = "GET"
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    data: Callable[[object], dict] = field(default=lambda world: {})
    allowed_status: int = 200
    denied_status: int = 404
    public: bool = False
    public_status: int = 200
    special: dict = field(default_factory=dict)
    """Role -> status where a role gets something else (e.g. a redirect to a page it already sees)."""
    client_url: bool = False
    """The URL names a client (kwarg client_id): the IDOR test asks it for another team's client."""
    logs: str | None = None
    """For a GET of client data: the access-log action one allowed request writes (tests/test_access_logging.py)."""

    def expected_status(self, role: str) -> int:
        if role in self.special:
            return self.special[role]
        if role in self.allowed:
            return self.allowed_status
        if role in self.forbidden:
            return 403
        return self.denied_status


def _collect_rows() -> dict[str, Row]:
    """Each app's rows live in tests/permissions/rows/<app>.py as ROWS = {url name: Row}."""
    rows: dict[str, Row] = {}
    for module_info in pkgutil.iter_modules(rows_package.__path__):
        module = importlib.import_module(f"{rows_package.__name__}.{module_info.name}")
        overlap = rows.keys() & module.ROWS.keys()
        assert not overlap, f"URL names with two rows: {overlap}"
        rows.update(module.ROWS)
    return rows


# Third-party URL groups, checked as a whole: sign-in pages of allauth answer
# every role and anonymous without error; the Django admin admits only
# administrators (active role admin) and sends everyone else to its own sign-in.
THIRD_PARTY_GROUPS = {
    # By the view's module too: a view of Polku's own under accounts/ or admin/ needs a row
    # (Polku's admin views are the admin's; the unnamed redirects are Django's generic ones).
    "allauth": lambda name, route, module: (
        route.startswith("accounts/") and module.startswith(("allauth.", "django.views.generic."))
    ),
    "admin": lambda name, route, module: (
        route.startswith("admin/")
        and module.startswith(
            (
                "django.contrib.",
                "django.views.generic.",
                "config.admin",  # the admin site's login page (tests/accounts/test_admin_sign_in)
                "services.admin",
                "accounts.admin",
            )
        )
    ),
}


def iter_patterns(resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""):
    """Every named URL pattern of the project as (full name, route, view module)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from iter_patterns(pattern, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            module = getattr(callback, "__module__", "") or ""
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, prefix + str(pattern.pattern), module


def group_of(name: str | None, route: str, module: str) -> str | None:
    for group, matches in THIRD_PARTY_GROUPS.items():
        if matches(name or "", route, module):
            return group
    return None


def missing_expectations(resolver: URLResolver | None = None) -> list[str]:
    """URL patterns that have neither a Row nor a third-party group."""
    missing = []
    for name, route, module in iter_patterns(resolver):
        if group_of(name, route, module):
            continue
        if name is None or name not in EXPECTATIONS:
            missing.append(name or route)
    return missing


from tests.permissions import rows as rows_package  # noqa: E402  (rows import Row from here)

EXPECTATIONS: dict[str, Row] = _collect_rows()
