"""An administrator adding a user (or readdressing one) with an address held by an account
they cannot see, another organisation's or the operator's, is told neither that it exists
nor whose it is: a neutral answer, and the attempt is in the security log. An address held
in their own organisation is named as taken, as before (they see that account anyway)."""

import html
import re

import pytest
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from services.factories import UnitFactory
from tests.accounts.test_admin_security_log import add_user_data
from tests.conftest import login

pytestmark = pytest.mark.django_db

NEUTRAL = "Tätä osoitetta ei voi käyttää. Ota yhteys Polun ylläpitoon."
TAKEN = "Käyttäjä jolla on tämä Sähköposti, on jo olemassa."


@pytest.fixture(autouse=True)
def _no_mail_task(monkeypatch):
    from accounts.tasks import send_invitation_task

    monkeypatch.setattr(send_invitation_task, "delay", lambda *args: None)


def _errors(response) -> str:
    page = response.content.decode()
    found = re.findall(r"errorlist[^>]*>(.*?)</ul>", page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", e)) for e in found)


def test_an_address_of_another_organisation_is_not_revealed(client, security_log):
    unit = UnitFactory()
    elsewhere = make_user(Role.SOCIAL_WORKER, UnitFactory(), email="salainen.tyontekija@muu.fi")
    admin = make_user(Role.ADMIN, unit)
    login(client, admin)
    response = client.post(
        reverse("admin:accounts_user_add"), add_user_data(unit, email=elsewhere.email.upper())
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert NEUTRAL in errors and TAKEN not in errors
    (line,) = [line for line in security_log() if line.event == "accounts.address_held_elsewhere"]
    assert (line.user_id, line.held_by_user_id) == (admin.pk, elsewhere.pk)
    assert elsewhere.email not in line.getMessage() + repr(vars(line))


def test_an_address_in_the_own_organisation_is_named_as_taken(client):
    unit = UnitFactory()
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    admin = make_user(Role.ADMIN, unit)
    login(client, admin)
    response = client.post(
        reverse("admin:accounts_user_add"), add_user_data(unit, email=colleague.email)
    )
    errors = _errors(response)
    assert TAKEN in errors and NEUTRAL not in errors
