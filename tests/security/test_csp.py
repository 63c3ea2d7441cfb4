"""Strict Content Security Policy: nonces on scripts, no inline script or style."""

import html as html_module
import json
import re

import pytest
from django.urls import reverse

from tests.conftest import login

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)
# Event-handler attributes (onclick=...) and htmx's hx-on run inline code: both need unsafe-inline/eval.
HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\s(?:on[a-z]+|hx-on[\w:.-]*)\s*=", re.I)
PAGES = ["account_login", "accessibility_statement", "dashboard", "account_reset_password"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(client, social_worker, name):
    login(client, social_worker)
    if name == "account_login":
        client.logout()
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not STYLE_ATTRIBUTE.findall(html)
    assert not HANDLER_ATTRIBUTE.findall(html)
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    for tag in re.findall(r"<script[^>]*src=[^>]*>", html):
        assert f'nonce="{nonce}"' in tag


@pytest.mark.django_db
def test_htmx_is_configured_to_write_no_style(client):
    """htmx reads its configuration from <meta name="htmx-config">: its indicator <style>
    element and its settling of the style attribute (setAttribute on each swapped-in element
    whose old copy had a style attribute) are both inline style, refused by the CSP."""
    html = client.get(reverse("account_login")).content.decode()
    content = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html).group(1)
    config = json.loads(html_module.unescape(content))
    assert config["includeIndicatorStyles"] is False
    assert config["attributesToSettle"] == ["class", "width", "height"]
    assert config["allowEval"] is False
    # No page copies in the browser; Back fetches the whole page (tests/e2e/test_catalogue.py).
    assert config["historyCacheSize"] == 0
    assert config["historyRestoreAsHxRequest"] is False


@pytest.mark.django_db
def test_each_response_has_a_fresh_nonce(client):
    first = client.get(reverse("account_login"))["Content-Security-Policy"]
    second = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert first != second


def _client_pages(world):
    """Pages about one client, as its responsible social worker sees them, with a plan,
    a pathway step and a consent in place."""
    from clients.factories import make_note, make_plan
    from consents.factories import ConsentFactory
    from pathways.factories import make_step

    person = world.client
    worker = world.users["social_worker"]
    plan = make_plan(person, worker)
    make_note(person, worker)
    step = make_step(person, "supported_employment", created_by=worker)
    consent = ConsentFactory(client=person, recorded_by=worker)
    kwargs = {"client_id": person.uuid}
    return worker, [
        reverse("clients:detail", kwargs=kwargs),
        reverse("clients:edit", kwargs=kwargs),
        reverse("clients:plan_detail", kwargs={**kwargs, "plan_id": plan.pk}),
        reverse("clients:plan_create", kwargs=kwargs),
        reverse("clients:note_create", kwargs=kwargs),
        reverse("pathways:step", kwargs={**kwargs, "step_id": step.pk}),
        reverse("pathways:step_create", kwargs=kwargs),
        reverse("consents:list", kwargs=kwargs),
        reverse("consents:detail", kwargs={**kwargs, "consent_id": consent.pk}),
        reverse("consents:create", kwargs=kwargs),
        reverse("clients:list"),
    ]


def test_client_pages_carry_no_inline_script_style_or_handler(client, world):
    worker, paths = _client_pages(world)
    login(client, worker)
    checked = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), path
        assert not STYLE_ATTRIBUTE.findall(html), (path, STYLE_ATTRIBUTE.findall(html))
        assert not HANDLER_ATTRIBUTE.findall(html), (path, HANDLER_ATTRIBUTE.findall(html))
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        for tag in re.findall(r"<script[^>]*src=[^>]*>", html):
            assert f'nonce="{nonce}"' in tag, path
        checked += 1
    assert checked == len(paths)


def test_the_checks_catch_inline_code():
    assert INLINE_SCRIPT.findall('<script nonce="x">alert(1)</script>')
    assert not INLINE_SCRIPT.findall('<script src="/static/a.js" nonce="x"></script>')
    assert STYLE_ATTRIBUTE.findall('<p class="a" style="color:red">')
    assert HANDLER_ATTRIBUTE.findall('<button type="button" onclick="go()">')
    assert HANDLER_ATTRIBUTE.findall('<div hx-on:click="go()">')
    assert not HANDLER_ATTRIBUTE.findall('<a href="/on" class="button">Kirjaudu on=</a>')
