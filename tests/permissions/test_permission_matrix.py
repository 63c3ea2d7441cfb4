"""Walks every URL × every role × anonymous against the expectations in matrix.py."""

import pytest
from django.test import override_settings
from django.urls import include, path, reverse

from tests.conftest import login
from tests.permissions import matrix
from tests.permissions.matrix import EXPECTATIONS, group_of, iter_patterns, missing_expectations

ROLE_NAMES = sorted(matrix.ALL_ROLES)


def test_every_url_has_an_expectation():
    assert missing_expectations() == []


def _dummy_view(request):  # pragma: no cover - never requested
    raise AssertionError


urlpatterns_with_dummy = [
    path("", include("config.urls")),
    path("matrix-dummy/", _dummy_view, name="matrix_dummy"),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_url_without_expectation_fails_the_matrix():
    assert missing_expectations() == ["matrix_dummy"]


urlpatterns = urlpatterns_with_dummy


class _DummyUnderThirdPartyPrefixes:
    """A view of Polku's own placed under accounts/ and admin/, where allauth and the admin live."""

    urlpatterns = [
        path("accounts/matrix-dummy/", _dummy_view, name="matrix_dummy_accounts"),
        path("admin/matrix-dummy/", _dummy_view, name="matrix_dummy_admin"),
        path("", include("config.urls")),
    ]


@override_settings(ROOT_URLCONF=_DummyUnderThirdPartyPrefixes)
def test_a_view_of_polku_under_a_third_party_prefix_still_needs_an_expectation():
    assert missing_expectations() == ["matrix_dummy_accounts", "matrix_dummy_admin"]


def request(client, row, world):
    url = reverse(name_for(row), kwargs=row.kwargs(world))
    if row.method == "POST":
        return client.post(url, row.data(world))
    return client.get(url)


def name_for(row):
    return next(name for name, candidate in EXPECTATIONS.items() if candidate is row)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_anonymous(client, world, name):
    row = EXPECTATIONS[name]
    response = request(client, row, world)
    if row.public:
        assert response.status_code == row.public_status
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_role(client, world, name, role):
    row = EXPECTATIONS[name]
    user = world.users[role]
    world.current_assignment_id = user.role_assignments.get().pk
    login(client, user)
    response = request(client, row, world)
    assert response.status_code == row.expected_status(role), f"{name} as {role}"


CLIENT_ROWS = sorted(name for name, row in EXPECTATIONS.items() if row.client_url)


@pytest.mark.parametrize("name", CLIENT_ROWS)
def test_another_teams_client_answers_404(client, world, name):
    """IDOR: every role allowed on the world's client gets 404 for a client of another team."""
    row = EXPECTATIONS[name]
    for role in sorted(row.allowed):
        user = world.users[role]
        world.current_assignment_id = user.role_assignments.get().pk
        client.logout()
        login(client, user)
        kwargs = {**row.kwargs(world), "client_id": world.other_client.uuid}
        url = reverse(name, kwargs=kwargs)
        response = client.post(url, row.data(world)) if row.method == "POST" else client.get(url)
        assert response.status_code == 404, f"{name} as {role} on another team's client"


def third_party(group):
    # The admin's own sign-in and sign-out pages are not behind its permission check.
    skip = {"admin:login", "admin:logout"}
    return sorted(
        (name, route)
        for name, route, module in iter_patterns()
        if group_of(name, route, module) == group
        and "<" not in route
        and name
        and name not in skip
        # A third-party page Polku shadows with a view of its own (allauth's address page)
        # is that view's, checked by its row.
        and name not in EXPECTATIONS
    )


@pytest.mark.parametrize(("name", "route"), third_party("allauth"))
def test_sign_in_pages_answer_every_role_without_error(client, world, name, route):
    url = reverse(name)
    assert client.get(url).status_code in (200, 302, 405)
    for role in ROLE_NAMES:
        login(client, world.users[role])
        assert client.get(url).status_code in (200, 302, 401, 403, 404, 405), f"{name} as {role}"


# Service types are shared by every organisation: only a superuser adds one; an
# administrator sees their own organisation alone, so only a superuser adds another.
SUPERUSER_ONLY = {"admin:services_servicetype_add", "admin:services_organisation_add"}


@pytest.mark.parametrize(("name", "route"), third_party("admin"))
def test_admin_admits_only_administrators(client, world, name, route):
    url = reverse(name)
    for role in ROLE_NAMES:
        client.logout()
        login(client, world.users[role])
        response = client.get(url)
        if role == "admin":
            # Administrators manage users, roles, organisations and units of their own organisation.
            own_models = name.startswith(("admin:accounts_", "admin:services_", "admin:index"))
            if name in SUPERUSER_ONLY:
                assert response.status_code == 403, name
                continue
            assert response.status_code in ((200, 302) if own_models else (200, 302, 403)), name
            if response.status_code == 302:
                assert "/admin/login/" not in response["Location"]
        else:
            assert response.status_code == 302, f"{name} as {role}"
            assert response["Location"].startswith(reverse("admin:login")) or name == "admin:logout"
