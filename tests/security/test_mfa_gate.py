"""A signed-in user without MFA reaches nothing but enrolment: every URL the resolver knows."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.roles import Role
from tests.conftest import login

# What a user without an authenticator may still open, written out here rather than
# imported from the middleware, so that widening the middleware's list fails this test.
ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
)
# The keepalive answers 204 and nothing else; it fires on typing, also into the forms of
# reauthentication and enrolment (accounts.middleware.MFA_EXEMPT_NAMES).
ALLOWED_PATHS = {"/healthz", "/readyz", "/saavutettavuus/", "/session/keepalive/"}

DUMMY_UUID = "00000000-0000-4000-8000-000000000001"
DUMMY_BY_CONVERTER = {"int": "1", "uuid": DUMMY_UUID, "slug": "x", "str": "x", "path": "x"}
# Named groups of the regex routes (Django admin and allauth).
DUMMY_BY_GROUP = {"app_label": "accounts", "uidb36": "1", "provider_id": "county"}
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def _concrete(route: str) -> str:
    """A path that the route matches, with dummy values for its parameters."""
    path = REGEX_GROUP.sub(lambda m: DUMMY_BY_GROUP.get(m["name"], "x"), route)
    path = ROUTE_PARAMETER.sub(lambda m: DUMMY_BY_CONVERTER.get(m["converter"] or "str", "x"), path)
    return "/" + path.replace("^", "").replace("$", "")


def _walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def every_url() -> list[tuple[str, str]]:
    """(route, concrete path) for every URL pattern; each path resolves to its own pattern."""
    urls = []
    for route, pattern in _walk(get_resolver()):
        path = _concrete(route)
        match = resolve(path)
        assert match.func == pattern.callback or match.route == route.replace("^", ""), (
            f"{route!r}: the dummy path {path!r} resolves elsewhere ({match.route!r})"
        )
        urls.append((route, path))
    return urls


def _allowed(path: str) -> bool:
    return path in ALLOWED_PATHS or path.startswith(ALLOWED_PREFIXES)


def test_the_walk_covers_every_url_pattern():
    urls = every_url()
    assert len(urls) == sum(1 for _ in _walk(get_resolver()))
    gated = [path for _, path in urls if not _allowed(path)]
    # The client pages, the dashboard and the admin are all among the gated paths.
    assert "/" in gated
    assert any(path.startswith(f"/clients/{DUMMY_UUID}/") for path in gated)
    assert any(path.startswith("/admin/accounts/user/") for path in gated)


def past_the_gate(client, urls) -> list[str]:
    """Each GET and POST of a gated URL that is not answered with the redirect to enrolment.

    Every path resolves and the gate runs before the view, so any other answer, a 404 of
    a dummy object or a 405 of a GET-only view too, came from the view itself.
    """
    enrolment = reverse("mfa_activate_totp")
    leaks = []
    for route, path in urls:
        if _allowed(path):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if response.status_code != 302 or response["Location"] != enrolment:
                leaks.append(f"{method.upper()} {path} ({route}): {response.status_code}")
    return leaks


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ADMIN])
def test_a_user_without_mfa_is_sent_to_enrolment_from_every_url(client, user_factory, unit, role):
    user = user_factory(role, unit, with_mfa=False, is_staff=role == Role.ADMIN)
    login(client, user)
    leaks = past_the_gate(client, every_url())
    assert not leaks, "reachable without MFA:\n" + "\n".join(leaks)
    assert "_auth_user_id" in client.session  # still signed in: the gate is not a sign-out


def test_the_check_counts_a_404_or_405_from_a_view_as_past_the_gate(client, social_worker):
    """Proves past_the_gate can fail: with MFA the same dummy URLs reach their views."""
    login(client, social_worker)
    detail = f"/clients/{DUMMY_UUID}/"
    leaks = past_the_gate(client, [("clients/<uuid:client_id>/", detail)])
    # The client page is GET-only (405 for POST) and the dummy client does not exist (404).
    assert leaks == [
        f"GET {detail} (clients/<uuid:client_id>/): 404",
        f"POST {detail} (clients/<uuid:client_id>/): 405",
    ]


def test_the_allowlisted_probes_answer_without_mfa(client, user_factory, unit):
    login(client, user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False))
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("accessibility_statement")).status_code == 200


def test_the_enrolment_page_offers_no_menu_until_a_second_factor_is_enrolled(
    client, user_factory, unit
):
    """Every item of the menu would lead back to enrolment; once enrolled, the same pages of
    authenticator management have the menu."""
    user = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    login(client, user)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Päävalikko" not in page and reverse("clients:list") not in page

    enrolled = user_factory(Role.SOCIAL_WORKER, unit)
    client.logout()
    login(client, enrolled)
    page = client.get(reverse("mfa_index")).content.decode()
    assert "Päävalikko" in page and reverse("clients:list") in page
