"""The idle timeout warns first (WCAG 2.1 SC 2.2.1): the page knows when the session ends,
the warning's button extends it by a POST to the keepalive, and a page whose session ended
is told so by its background requests instead of being sent away with unsaved text."""

from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.middleware import SESSION_LAST_ACTIVITY
from accounts.roles import Role
from services.factories import UnitFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

KEEPALIVE = reverse("session_keepalive")
BELL = reverse("notifications:bell")
STATUS = reverse("session_status")
PAGE = "/clients/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{PAGE}"}


def test_the_keepalive_extends_the_session(client, social_worker, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        client.get(reverse("dashboard"))
        traveller.shift(28 * 60)
        response = client.post(KEEPALIVE)
        assert response.status_code == 204
        assert response["Polku-Idle-Remaining"] == str(30 * 60)
        assert client.session[SESSION_LAST_ACTIVITY] == pytest.approx(timezone.now().timestamp())
        # Another 28 minutes: 56 since the page, 28 since the keepalive, still signed in.
        traveller.shift(28 * 60)
        assert client.get(reverse("dashboard")).status_code == 200
    assert "_auth_user_id" in client.session


def test_the_keepalive_always_writes_the_activity(client, social_worker, settings):
    """A request within 30 s of the last one does not write the session (the middleware's
    economy); the keepalive does, so the time the page shows is the server's."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        client.get(reverse("dashboard"))
        traveller.shift(10)
        assert client.post(KEEPALIVE).status_code == 204
        assert client.session[SESSION_LAST_ACTIVITY] == pytest.approx(timezone.now().timestamp())


def test_the_keepalive_refuses_get(client, social_worker):
    login(client, social_worker)
    assert client.get(KEEPALIVE).status_code == 405
    assert client.get(KEEPALIVE, **HTMX).status_code == 405


def test_the_keepalive_needs_the_form_token(social_worker):
    client = Client(enforce_csrf_checks=True)
    login(client, social_worker)
    assert client.post(KEEPALIVE).status_code == 403


def test_the_keepalive_sends_the_signed_out_to_sign_in(client):
    response = client.post(KEEPALIVE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(KEEPALIVE, **HTMX)
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={quote(PAGE, safe='')}"
    assert response["Polku-Session-Ended"] == "1"


def test_the_page_says_when_the_session_ends(client, social_worker, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False):
        login(client, social_worker)
        page = client.get(reverse("dashboard")).content.decode()
    assert 'data-seconds-left="1800"' in page
    assert 'data-warn-seconds="120"' in page
    assert 'role="alertdialog"' in page
    assert "Jatka istuntoa" in page
    assert f'action="{KEEPALIVE}"' in page


def test_the_warning_comes_at_half_time_of_a_very_short_timeout(client, social_worker, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 2
    login(client, social_worker)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'data-warn-seconds="60"' in page


def test_the_bell_tells_the_time_left_without_extending_it(client, social_worker, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        client.get(reverse("dashboard"))
        traveller.shift(10 * 60)
        response = client.get(BELL, **HTMX)
        assert response["Polku-Idle-Remaining"] == str(20 * 60)
        traveller.shift(10 * 60)
        assert client.get(BELL, **HTMX)["Polku-Idle-Remaining"] == str(10 * 60)


def test_a_poll_after_the_timeout_says_the_session_ended(client, social_worker, settings):
    """The page's script keeps a page with unsaved edits on screen on this header, and lets
    the HX-Redirect through otherwise."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        client.get(reverse("dashboard"))
        traveller.shift(31 * 60)
        response = client.get(BELL, **HTMX)
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert response["Polku-Session-Ended"] == "1"
    assert "Polku-Idle-Remaining" not in response
    assert "_auth_user_id" not in client.session


def test_the_session_status_tells_the_time_left_without_extending_it(
    client, social_worker, settings
):
    """Asked by a page past the end of its own count (the admin's pages have no bell)."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        client.get(reverse("dashboard"))
        traveller.shift(10 * 60)
        response = client.get(STATUS, **HTMX)
        assert response.status_code == 204
        assert response["Polku-Idle-Remaining"] == str(20 * 60)
        assert "no-cache" in response["Cache-Control"]
        traveller.shift(21 * 60)
        response = client.get(STATUS, **HTMX)
    assert response["Polku-Session-Ended"] == "1"
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_the_admin_pages_carry_the_session_timer(client, settings):
    administrator = make_user(Role.ADMIN, UnitFactory(), is_staff=True)
    login(client, administrator)
    page = client.get("/admin/services/unit/add/").content.decode()
    assert 'id="polku-session"' in page
    assert f'data-status-url="{STATUS}"' in page
    assert 'id="polku-session-ended"' in page
    assert "polku/admin" in page


def test_the_sign_in_page_has_no_session_timer(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "data-seconds-left" not in page
    assert "Polku-Idle-Remaining" not in client.get(reverse("account_login"))


def test_the_accessibility_statement_tells_of_the_warning(client):
    page = client.get(reverse("accessibility_statement")).content.decode()
    assert "Kaksi minuuttia ennen sitä näytetään varoitus" in page
