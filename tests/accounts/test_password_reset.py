"""The password reset asked for on the sign-in page: Polku's own e-mail in the user's own
language (not allauth's generic one, greeting from the host, in the page's language), the
page saying whom to ask, the link opening in the user's language, and nothing telling the
one who asks whether the address has an account."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from accounts.models import RoleAssignment, User
from accounts.roles import Role

RESET = "/accounts/password/reset/"
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
# 5.12.2026 15.33 in Helsinki; the link is valid for PASSWORD_RESET_TIMEOUT (3 days).
NOW = datetime.datetime(2026, 12, 5, 15, 33, 20, tzinfo=HELSINKI)


@pytest.fixture(autouse=True)
def _three_days(settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60


def user_speaking(unit, language: str) -> User:
    user = User.objects.create_user(
        f"unohtaja.{language}@polku.test",
        "vanha-Pitka-salasana-1",
        first_name="Unto",
        last_name="Unohtaja",
        organisation=unit.organisation,
        preferred_language=language,
    )
    RoleAssignment.objects.create(user=user, role=Role.WORK_COACH, unit=unit)
    return user


def without_nonces(response) -> str:
    """The page, without the CSP nonce and CSRF token that differ in every response."""
    page = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", page)  # the masked CSRF token


def ask_for_a_new_password(client, email: str, page_language: str | None = None):
    if page_language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = page_language
    with time_machine.travel(NOW, tick=False):
        return client.post(RESET, {"email": email})


def test_the_e_mail_is_polkus_own_in_finnish(client, unit):
    user = user_speaking(unit, "fi")
    response = ask_for_a_new_password(client, user.email)
    assert response.status_code == 302

    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Polku: uuden salasanan asettaminen"
    assert message.extra_headers["Content-Language"] == "fi"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    body = message.body
    assert body.startswith("Hei Unto Unohtaja,\n")
    assert (
        "Polkuun, työllistymistä tukevien palvelujen asiakastyön järjestelmään, on pyydetty "
        f"uutta salasanaa käyttäjätunnukselle {user.email}." in body
    )
    assert (
        "Aseta uusi salasana tästä linkistä:\n"
        f"{settings.POLKU_BASE_URL}/accounts/password/reset/key/" in body
    )
    assert "Linkki toimii vain kerran ja on voimassa 8.12.2026 klo 15.33 asti." in body
    assert (
        "Jos et pyytänyt uutta salasanaa, voit jättää tämän viestin huomiotta. "
        "Salasanasi pysyy silloin ennallaan." in body
    )
    assert "ota yhteyttä organisaatiosi pääkäyttäjään." in body
    assert "Viestissä ei ole asiakastietoja." in body
    # Not allauth's generic e-mail, greeting from the host the request came by.
    assert "testserver" not in message.subject + body
    assert "[" not in message.subject


@pytest.mark.parametrize(
    ("language", "page_language", "greeting", "no_client_data"),
    [
        ("sv", None, "Hej Unto Unohtaja,", "Meddelandet innehåller inga klientuppgifter."),
        ("en", "sv", "Hello Unto Unohtaja,", "This message contains no client information."),
        ("fi", "en", "Hei Unto Unohtaja,", "Viestissä ei ole asiakastietoja."),
    ],
)
def test_the_e_mail_is_in_the_users_language_whatever_the_page_was_in(
    client, unit, language, page_language, greeting, no_client_data
):
    user = user_speaking(unit, language)
    ask_for_a_new_password(client, user.email, page_language)

    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == language
    assert message.body.startswith(greeting)
    assert no_client_data in message.body
    # The date in Finnish practice in every language.
    assert "8.12.2026" in message.body and "15.33" in message.body


def test_the_link_in_the_e_mail_sets_the_password(client, unit):
    user = user_speaking(unit, "fi")
    ask_for_a_new_password(client, user.email)
    [message] = mail.outbox
    link = next(word for word in message.body.split() if "/accounts/password/reset/key/" in word)
    assert link.startswith(settings.POLKU_BASE_URL)

    response = client.get(link.removeprefix(settings.POLKU_BASE_URL))
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"password1": "uusi-Pitka-salasana-2", "password2": "uusi-Pitka-salasana-2"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("uusi-Pitka-salasana-2")


def test_an_address_without_an_account_gets_polkus_own_answer_and_the_page_is_the_same(
    client, unit
):
    user = user_speaking(unit, "fi")
    known = ask_for_a_new_password(client, user.email)
    unknown = ask_for_a_new_password(client, "ei.ketaan@polku.test")
    # The one who asks sees the same for both addresses.
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert without_nonces(client.get(known["Location"])) == without_nonces(
        client.get(unknown["Location"])
    )

    _to_user, message = mail.outbox
    assert message.to == ["ei.ketaan@polku.test"]
    # The same subject as the reset e-mail's: the mailbox's list does not tell them apart.
    assert message.subject == "Polku: uuden salasanan asettaminen"
    assert message.extra_headers["Content-Language"] == "fi"
    body = message.body
    assert body.startswith("Hei,\n")
    assert "sähköpostiosoitteelle ei.ketaan@polku.test" in body
    assert "Jos et pyytänyt uutta salasanaa, voit jättää tämän viestin huomiotta." in body
    assert "organisaation pääkäyttäjä luo käyttäjätunnukset ja lähettää kutsun" in body
    # No sign-up (Polku has none), no host.
    assert "signup" not in body and "testserver" not in body


ADMINISTRATOR = "ota yhteyttä organisaatiosi pääkäyttäjään"


@pytest.mark.parametrize("step", ["ask", "sent"])
def test_the_pages_say_whom_to_ask_and_lead_back_to_sign_in(client, unit, step):
    if step == "ask":
        response = client.get(RESET)
    else:
        response = client.get(ask_for_a_new_password(client, "kuka.tahansa@polku.test")["Location"])
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert ADMINISTRATOR in page
    assert "Ota meihin yhteyttä" not in page  # allauth's "contact us", saying not whom
    assert '<a href="/accounts/login/">Takaisin kirjautumiseen</a>' in page


def test_the_page_asks_for_the_sign_in_address_and_sends_the_link(client):
    page = " ".join(client.get(RESET).content.decode().split())
    assert "<h1>Unohtunut salasana</h1>" in page
    assert "Anna sähköpostiosoite, jolla kirjaudut Polkuun." in page
    assert 'name="email"' in page
    assert "Lähetä linkki" in page
