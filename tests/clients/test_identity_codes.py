"""Identity codes: validation of every century sign, temporary codes, encryption, never in URLs or logs."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audit.models import AccessLogEntry
from clients import identity
from clients.factories import demo_identity_code
from clients.models import Client
from tests.conftest import login

VALID_CODES = {
    "131052-308T": datetime.date(1952, 10, 13),
    "131052Y308T": datetime.date(1952, 10, 13),
    "131052X308T": datetime.date(1952, 10, 13),
    "131052W308T": datetime.date(1952, 10, 13),
    "131052V308T": datetime.date(1952, 10, 13),
    "131052U308T": datetime.date(1952, 10, 13),
    "131052A308T": datetime.date(2052, 10, 13),
    "010106B1234": None,
    "131052+308T": datetime.date(1852, 10, 13),
}


@pytest.mark.parametrize("sign", list("-YXWVU") + list("ABCDEF") + ["+"])
def test_every_century_sign_is_accepted(sign):
    code = f"010594{sign}9032"
    century = identity.CENTURIES[sign]
    parsed = identity.parse_identity_code(code, allow_temporary=True)
    assert parsed.birth_date == datetime.date(century + 94, 5, 1)
    assert parsed.masked == f"010594{sign}****"


def test_ordinary_code_is_accepted_and_masked():
    parsed = identity.parse_identity_code("131052-308T")
    assert parsed.birth_date == datetime.date(1952, 10, 13)
    assert not parsed.is_temporary
    assert parsed.masked == "131052-****"


@pytest.mark.parametrize(
    ("code", "code_name"),
    [
        ("131052-308U", "checksum"),
        ("310252-308Y", "date"),
        ("1310523308T", "format"),
        ("", "format"),
    ],
)
def test_invalid_codes_give_a_clear_error(code, code_name):
    with pytest.raises(ValidationError) as error:
        identity.parse_identity_code(code)
    assert error.value.code == code_name


def test_temporary_code_needs_its_flag_unless_test_codes_are_allowed(settings):
    code = demo_identity_code(datetime.date(1994, 5, 1), 932)
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = False
    with pytest.raises(ValidationError) as error:
        identity.parse_identity_code(code)
    assert error.value.code == "temporary"
    assert identity.parse_identity_code(code, allow_temporary=True).is_temporary
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = True
    assert identity.parse_identity_code(code).is_temporary


def test_error_messages_are_translated():
    from django.utils import translation

    messages = {}
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            try:
                identity.parse_identity_code("131052-308U")
            except ValidationError as error:
                messages[language] = error.messages[0]
    assert "tarkistusmerkki" in messages["fi"]
    assert messages["sv"] != messages["fi"]
    assert messages["en"] != messages["fi"]


def test_code_is_stored_encrypted_with_a_keyed_hash(team):
    client = team["client"]
    code = identity.decrypt(client.identity_code_encrypted)
    assert code not in client.identity_code_encrypted
    assert client.identity_code_hash == identity.search_hash(code)
    assert (
        Client.objects.filter(identity_code_hash=identity.search_hash(code.lower())).get() == client
    )


def test_key_rotation_re_encrypts_with_the_new_key(team, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    client = team["client"]
    code = identity.decrypt(client.identity_code_encrypted)
    new_key = Fernet.generate_key().decode()
    settings.POLKU_IDENTITY_CODE_KEYS = [new_key, *settings.POLKU_IDENTITY_CODE_KEYS]
    call_command("rotate_identity_code_key")
    client.refresh_from_db()
    assert (
        Fernet(new_key.encode()).decrypt(client.identity_code_encrypted.encode()).decode() == code
    )
    settings.POLKU_IDENTITY_CODE_KEYS = [new_key]
    assert identity.decrypt(client.identity_code_encrypted) == code


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.text(max_size=30))
def test_bad_input_never_gives_a_server_error(client, social_worker, raw):
    login(client, social_worker)
    response = client.post(
        "/clients/new/",
        {
            "identity_code": raw,
            "first_names": "Testi",
            "last_name": "Henkilö",
            "language": "fi",
            "relationship_home": "social_services",
        },
    )
    assert response.status_code in (200, 302)
    response = client.post("/clients/find/", {"identity_code": raw})
    assert response.status_code in (200, 302)


def test_identity_code_search_is_a_post_that_redirects_to_the_uuid_page(client, team, caplog):
    caplog.set_level(logging.DEBUG)
    code = identity.decrypt(team["client"].identity_code_encrypted)
    login(client, team["worker"])
    response = client.post("/clients/find/", {"identity_code": code})
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{team['client'].uuid}/"
    page = client.get(response["Location"])
    assert code not in page.content.decode()
    assert code not in caplog.text
    assert not AccessLogEntry.objects.filter(detail__contains=code[:6] + code[6]).exists()


def test_revealing_the_code_is_logged(client, team):
    code = identity.decrypt(team["client"].identity_code_encrypted)
    login(client, team["worker"])
    response = client.post(f"/clients/{team['client'].uuid}/identity-code/")
    assert code in response.content.decode()
    assert (
        AccessLogEntry.objects.filter(
            client_id=team["client"].uuid,
            action="clients.identity_code.revealed",
            actor=team["worker"],
        ).count()
        == 1
    )


def test_a_coach_cannot_reveal_the_code(client, team):
    login(client, team["coach"])
    assert client.post(f"/clients/{team['client'].uuid}/identity-code/").status_code == 403
    assert not AccessLogEntry.objects.filter(action="clients.identity_code.revealed").exists()
