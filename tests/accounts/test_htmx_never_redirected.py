"""An htmx request is never answered with a redirect: the browser would follow it and htmx
would swap the whole sign-in or enrolment page into the element that asked (the header's
bell, polled on every page, among them). It gets HX-Redirect, which htmx turns into a page
load, or 204 for the bell polled on the enrolment page itself, which has nothing to do."""

import time
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.factories import make_user
from accounts.middleware import SESSION_LAST_ACTIVITY
from accounts.roles import Role
from tests.conftest import login

pytestmark = pytest.mark.django_db

BELL = reverse("notifications:bell")
PAGE = "/clients/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{PAGE}"}
BACK_TO_PAGE = f"{reverse('account_login')}?next={quote(PAGE, safe='')}"


def test_a_signed_out_users_bell_sends_the_page_to_sign_in_and_back(client):
    response = client.get(BELL, **HTMX)
    assert response.status_code == 200
    assert "Location" not in response
    assert response["HX-Redirect"] == BACK_TO_PAGE
    assert response.content == b""
    # Without htmx, the usual redirect.
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_after_the_idle_timeout_the_bell_sends_the_page_to_sign_in(client, social_worker, settings):
    login(client, social_worker)
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - settings.POLKU_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get(BELL, **HTMX)
    assert response.status_code == 200 and "Location" not in response
    assert response["HX-Redirect"] == BACK_TO_PAGE


def test_on_the_enrolment_page_the_bell_gets_nothing_to_swap_and_adds_no_message(client, unit):
    enrolling = make_user(Role.SOCIAL_WORKER, unit, with_mfa=False)
    login(client, enrolling)
    for _ in range(3):
        response = client.get(BELL, **HTMX)
        assert response.status_code == 204
    assert list(get_messages(response.wsgi_request)) == []
    # An htmx action of a user without MFA sends the page to enrolment.
    response = client.post(reverse("notifications:mark_all_read"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
    # A page is redirected as before.
    assert client.get(PAGE)["Location"] == reverse("mfa_activate_totp")


def test_typing_on_an_enrolment_page_keeps_the_session_without_leaving_the_form(client, unit):
    """The keepalive fires on the first keystroke, also into the password of reauthentication
    before enrolment: sending that page to enrolment would take the user off their form."""
    enrolling = make_user(Role.SOCIAL_WORKER, unit, with_mfa=False)
    login(client, enrolling)
    response = client.post(reverse("session_keepalive"), **HTMX)
    assert response.status_code == 204
    assert "HX-Redirect" not in response
    assert list(get_messages(response.wsgi_request)) == []
