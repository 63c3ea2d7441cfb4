"""Strict Content Security Policy: nonces on scripts, no inline script or style."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)
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
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    for tag in re.findall(r"<script[^>]*src=[^>]*>", html):
        assert f'nonce="{nonce}"' in tag


@pytest.mark.django_db
def test_each_response_has_a_fresh_nonce(client):
    first = client.get(reverse("account_login"))["Content-Security-Policy"]
    second = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert first != second
