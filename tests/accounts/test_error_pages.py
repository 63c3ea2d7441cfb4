"""Friendly 403 and 500 pages: 403 in the layout, 500 standalone with the same header and footer."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from config.views import error_500
from tests.conftest import login

ERROR_URLS = "tests.accounts.error_urls"


def _has_layout(html: str) -> bool:
    return all(
        part in html
        for part in (
            'class="polku-header"',
            'class="polku-footer"',
            'class="polku-skip-link" href="#main"',
            'id="main"',
            "vendor/hds/base.min.css",
        )
    )


def test_a_view_raising_permission_denied_answers_403_in_the_layout(
    client, social_worker, settings
):
    settings.ROOT_URLCONF = ERROR_URLS
    login(client, social_worker)
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Ei käyttöoikeutta" in html
    assert _has_layout(html)
    # The layout's signed-in parts: the role in the header and the sign-out button.
    assert social_worker.role_assignments.get().unit.name_fi in html
    assert reverse("account_logout") in html


def test_a_page_the_role_may_not_open_answers_403_in_the_layout(client, social_worker):
    login(client, social_worker)
    response = client.get(reverse("audit:index"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Ei käyttöoikeutta" in html and _has_layout(html)


def test_the_403_page_follows_the_users_language(client, social_worker, settings):
    settings.ROOT_URLCONF = ERROR_URLS
    login(client, social_worker)
    client.cookies["django_language"] = "sv"
    html = client.get("/test-errors/forbidden/").content.decode()
    assert '<html lang="sv">' in html
    assert "Ei käyttöoikeutta" not in html


@pytest.mark.django_db
def test_an_unhandled_error_answers_500_with_the_standalone_page(client, settings):
    settings.ROOT_URLCONF = ERROR_URLS
    client.raise_request_exception = False
    response = client.get("/test-errors/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Palvelussa tapahtui virhe" in html
    assert '<html lang="fi">' in html
    assert 'lang="sv"' in html and "Ett fel inträffade" in html
    assert 'lang="en"' in html and "Something went wrong" in html
    assert _has_layout(html)
    assert f'href="{reverse("accessibility_statement")}"' in html
    assert "rikki" not in html  # the exception text never reaches the page


def test_the_500_page_is_rendered_without_the_database_or_the_request_context():
    # No database access is allowed in this test: any query would raise here.
    request = RequestFactory().get("/")
    response = error_500(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Palvelussa tapahtui virhe" in html and _has_layout(html)
    assert "{{" not in html and "{%" not in html


@pytest.mark.django_db
def test_an_htmx_request_gets_the_500_page_in_place_of_the_whole_page(client, settings):
    """htmx swaps it into <body> (htmx-config's responseHandling), its heading focused; the
    status stays 500. A plain request's page has no autofocus."""
    settings.ROOT_URLCONF = ERROR_URLS
    client.raise_request_exception = False
    response = client.get("/test-errors/broken/", headers={"HX-Request": "true"})
    assert response.status_code == 500
    assert (response["HX-Retarget"], response["HX-Push-Url"]) == ("body", "false")
    assert response["HX-Reswap"].startswith("innerHTML")
    assert '<h1 tabindex="-1" autofocus>Palvelussa tapahtui virhe</h1>' in response.text
    plain = client.get("/test-errors/broken/")
    assert "HX-Retarget" not in plain and "autofocus" not in plain.text


def test_the_500_page_carries_the_strict_csp_and_no_inline_script_or_style(client, settings, db):
    settings.ROOT_URLCONF = ERROR_URLS
    client.raise_request_exception = False
    response = client.get("/test-errors/broken/")
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<script" not in html and " style=" not in html


def test_a_form_sent_with_a_stale_security_token_answers_403_in_the_layout_in_finnish(
    social_worker,
):
    """Django's own CSRF page is in English and outside the layout; Polku's says what happened."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    login(browser, social_worker)
    before = social_worker.preferred_language
    response = browser.post(
        reverse("profile"), {"preferred_language": "en" if before != "en" else "sv"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="fi">' in html and _has_layout(html)
    assert "Lomakkeen lähetys ei onnistunut" in html
    assert "CSRF verification failed" not in html
    social_worker.refresh_from_db()
    assert social_worker.preferred_language == before
