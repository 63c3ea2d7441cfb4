"""Identity codes: validation of every century sign, temporary codes, encryption, never in URLs or logs."""

import datetime
import logging
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from stdnum.fi import hetu

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions, identity
from clients.factories import CHECK_CHARACTERS, ClientFactory, demo_identity_code
from clients.models import Client
from services.factories import UnitFactory
from tests.conftest import field_errors, login

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")

# Checksum-valid codes of every century sign. Individual numbers are 900-999 only (temporary
# codes, never a real person's): they pass without the temporary flag only where
# POLKU_ALLOW_TEST_IDENTITY_CODES is on, as in the demo and the tests.
VALID_CODES = {
    "131052+931W": datetime.date(1852, 10, 13),
    "131052-932X": datetime.date(1952, 10, 13),
    "131052Y933Y": datetime.date(1952, 10, 13),
    "131052X9340": datetime.date(1952, 10, 13),
    "131052W9351": datetime.date(1952, 10, 13),
    "131052V9362": datetime.date(1952, 10, 13),
    "131052U9373": datetime.date(1952, 10, 13),
    "131005A9380": datetime.date(2005, 10, 13),
    "131005B9391": datetime.date(2005, 10, 13),
    "131005C9402": datetime.date(2005, 10, 13),
    "131005D9413": datetime.date(2005, 10, 13),
    "131005E9424": datetime.date(2005, 10, 13),
    "131005F999Y": datetime.date(2005, 10, 13),
}
BAD_CHECKSUM = "131052-930W"  # the valid check character is V
IMPOSSIBLE_DATE = "310252-9301"  # 31 February, checksum valid


def test_the_codes_cover_every_century_sign():
    assert {code[6] for code in VALID_CODES} == set(identity.CENTURIES)


@pytest.mark.parametrize(("code", "birth_date"), sorted(VALID_CODES.items()))
def test_every_century_sign_passes_where_test_codes_are_allowed(settings, code, birth_date):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = True
    parsed = identity.parse_identity_code(code)
    # Accepted as an ordinary code (DESIGN.md): not temporary unless the flag says so.
    assert (parsed.value, parsed.birth_date, parsed.is_temporary) == (code, birth_date, False)
    assert identity.parse_identity_code(code, allow_temporary=True).is_temporary
    assert parsed.masked == f"{code[:7]}****"
    assert identity.parse_identity_code(code.lower()).value == code


@pytest.mark.parametrize("code", sorted(VALID_CODES))
def test_every_century_sign_needs_the_flag_where_test_codes_are_not_allowed(settings, code):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = False
    with pytest.raises(ValidationError) as error:
        identity.parse_identity_code(code)
    assert error.value.code == "temporary"
    assert identity.parse_identity_code(code, allow_temporary=True).birth_date == VALID_CODES[code]


@pytest.mark.parametrize("sign", list("-YXWVU") + list("ABCDEF") + ["+"])
def test_every_century_sign_is_accepted_with_the_temporary_flag(sign):
    # Year 05 of every century: 2005 is past for the 2000s signs (a future birth date is refused).
    code = demo_identity_code(datetime.date(1905, 5, 1), 903).replace("-", sign)
    century = identity.CENTURIES[sign]
    parsed = identity.parse_identity_code(code, allow_temporary=True)
    assert parsed.birth_date == datetime.date(century + 5, 5, 1)
    assert parsed.masked == f"010505{sign}****"


@pytest.mark.parametrize(
    ("code", "code_name"),
    [
        (BAD_CHECKSUM, "checksum"),
        (IMPOSSIBLE_DATE, "date"),
        ("1310523930V", "format"),
        ("", "format"),
    ],
)
@pytest.mark.parametrize("test_codes_allowed", [True, False])
def test_invalid_codes_give_a_clear_error(settings, code, code_name, test_codes_allowed):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = test_codes_allowed
    with pytest.raises(ValidationError) as error:
        identity.parse_identity_code(code, allow_temporary=True)
    assert error.value.code == code_name


def test_temporary_code_needs_its_flag_unless_test_codes_are_allowed(settings):
    code = demo_identity_code(datetime.date(1994, 5, 1), 932)
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = False
    with pytest.raises(ValidationError) as error:
        identity.parse_identity_code(code)
    assert error.value.code == "temporary"
    assert identity.parse_identity_code(code, allow_temporary=True).is_temporary
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = True
    assert not identity.parse_identity_code(code).is_temporary
    assert identity.parse_identity_code(code, allow_temporary=True).is_temporary


def identity_code(birth_date: datetime.date, sign: str, individual: int) -> str:
    """A checksum-valid code for any individual number, as demo_identity_code computes it."""
    digits = f"{birth_date:%d%m%y}{individual:03d}"
    return f"{birth_date:%d%m%y}{sign}{individual:03d}{CHECK_CHARACTERS[int(digits) % 31]}"


# Ordinary codes (individual numbers 002-899, as a real person's): the old signs and the
# signs of 2023 (Y, X, W, V, U for the 1900s, B to F for the 2000s).
ORDINARY = [
    (datetime.date(1852, 10, 13), "+", 2),
    (datetime.date(1952, 10, 13), "-", 123),
    (datetime.date(1999, 12, 31), "-", 899),
    (datetime.date(1961, 2, 28), "Y", 456),
    (datetime.date(1974, 7, 1), "U", 2),
    (datetime.date(2000, 2, 29), "A", 899),
    (datetime.date(2005, 10, 13), "A", 308),
    (datetime.date(2012, 3, 4), "B", 777),
    (datetime.date(2023, 1, 9), "F", 35),
]


@pytest.mark.parametrize(("birth_date", "sign", "individual"), ORDINARY)
def test_ordinary_codes_pass_where_test_codes_are_not_allowed(
    settings, birth_date, sign, individual
):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = False
    code = identity_code(birth_date, sign, individual)
    assert hetu.is_valid(code)  # stdnum agrees that the code is valid and not temporary
    parsed = identity.parse_identity_code(code)
    assert (parsed.value, parsed.birth_date, parsed.is_temporary) == (code, birth_date, False)
    assert parsed.masked == f"{code[:7]}****"
    # The same date and sign with a temporary individual number needs the flag.
    for temporary_number in (900, 999):
        temporary = identity_code(birth_date, sign, temporary_number)
        with pytest.raises(ValidationError) as error:
            identity.parse_identity_code(temporary)
        assert error.value.code == "temporary"
        assert identity.parse_identity_code(temporary, allow_temporary=True).is_temporary


def test_the_ordinary_codes_cover_both_ends_of_the_range_and_old_and_new_signs():
    assert {individual for _, _, individual in ORDINARY} >= {2, 899}
    assert {sign for _, sign, _ in ORDINARY} >= {"-", "+", "A", "Y", "B"}


def _messages(code) -> dict[str, str]:
    from django.utils import translation

    messages = {}
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                identity.parse_identity_code(code, allow_temporary=True)
            messages[language] = error.value.messages[0]
    return messages


def test_checksum_error_messages_are_translated():
    assert _messages(BAD_CHECKSUM) == {
        "fi": "Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus.",
        "sv": "Kontrolltecknet i personbeteckningen stämmer inte. Kontrollera beteckningen.",
        "en": "The check character of the personal identity code does not match. Check the code.",
    }


def test_date_error_messages_are_translated():
    assert _messages(IMPOSSIBLE_DATE) == {
        "fi": "Henkilötunnuksen syntymäaika tai yksilönumero on mahdoton.",
        "sv": "Födelsedatumet eller individnumret i personbeteckningen är inte möjligt.",
        "en": "The date of birth or individual number in the personal identity code is not "
        "possible.",
    }


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
    caplog.set_level(logging.DEBUG, logger="django.db.backends")  # "django" is at INFO
    code = identity.decrypt(team["client"].identity_code_encrypted)
    login(client, team["worker"])
    # The test client writes no request log line; Django's query log (django.db.backends,
    # on while queries are captured) stands in for it as proof that the requests were logged.
    with CaptureQueriesContext(connection):
        response = client.post("/clients/find/", {"identity_code": code})
        assert response.status_code == 302
        assert response["Location"] == f"/clients/{team['client'].uuid}/"
        page = client.get(response["Location"])
    assert code not in page.content.decode()
    logged = [record.getMessage() for record in caplog.records]
    assert any(identity.search_hash(code) in message for message in logged), (
        "positive control: the search by the code's keyed hash is among the captured log lines"
    )
    assert any("clients.client.viewed" in message for message in logged), (
        "positive control: the client page's access-log insert is among the captured log lines"
    )
    assert code not in caplog.text
    assert all(code not in message.upper() for message in logged)
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


# stdnum's pattern matches any Unicode digit: this is 131052-932X with an Arabic-Indic three.
ARABIC_INDIC_THREE = "1\u0663" + "1052-932X"
NON_ASCII = [ARABIC_INDIC_THREE, "131052-932\uff38", "131052-9\u0663" + "2X"]


@pytest.mark.parametrize("code", NON_ASCII)
def test_a_code_with_non_ascii_characters_is_refused(settings, code):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = True
    assert hetu.is_valid(code.replace("\u0663", "3").replace("\uff38", "X"), allow_temporary=True)
    with pytest.raises(ValidationError) as error:
        identity.parse_identity_code(code, allow_temporary=True)
    assert error.value.code == "characters"


def test_lookalikes_stdnum_folds_to_ascii_keep_one_spelling_and_one_hash(settings):
    """Full-width digits and Unicode dashes (pasted from a document) become the ASCII code."""
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = True
    parsed = identity.parse_identity_code("\uff11" + "31052\u2010932X")
    assert parsed.value == "131052-932X"
    assert identity.search_hash(parsed.value) == identity.search_hash("131052-932X")


def test_the_non_ascii_error_message_is_translated():
    assert _messages(ARABIC_INDIC_THREE) == {
        "fi": "Henkilötunnuksessa on merkki, jota siinä ei voi olla. Kirjoita tunnus tavallisin "
        "numeroin 0–9 ja kirjaimin, esim. 010594Y9032.",
        "sv": "Personbeteckningen innehåller ett tecken som inte kan finnas i den. Skriv "
        "beteckningen med vanliga siffror 0–9 och bokstäver, t.ex. 010594Y9032.",
        "en": "The personal identity code contains a character that cannot be in it. Type the "
        "code with ordinary digits 0–9 and letters, e.g. 010594Y9032.",
    }


def test_a_non_ascii_twin_of_a_registered_code_is_refused_at_registration(client, team):
    existing = ClientFactory(code="131052-932X", created_by=team["worker"])
    login(client, team["worker"])
    response = client.post(
        "/clients/new/",
        {
            "identity_code": ARABIC_INDIC_THREE,
            "identity_code_is_temporary": "on",
            "first_names": "Toinen",
            "last_name": "Kirjoitusasu",
            "language": "fi",
            "relationship_home": "social_services",
        },
    )
    assert response.status_code == 200
    assert "tavallisin numeroin" in field_errors(response.content.decode(), "identity_code")
    assert list(Client.objects.filter(last_name="Kirjoitusasu")) == []
    assert Client.objects.filter(identity_code_hash=existing.identity_code_hash).count() == 1


def test_a_non_ascii_twin_is_refused_by_the_exact_search(client, team):
    ClientFactory(code="131052-932X", created_by=team["worker"])
    login(client, team["worker"])
    # Positive control: the ASCII code finds the client.
    assert client.post("/clients/find/", {"identity_code": "131052-932X"}).status_code == 302
    response = client.post("/clients/find/", {"identity_code": ARABIC_INDIC_THREE})
    assert response.status_code == 200
    assert "tavallisin numeroin" in field_errors(response.content.decode(), "identity_code")


BORN_1_1_2030 = "010130A950U"


def test_a_birth_date_after_today_is_refused_from_the_day_before_and_passes_on_the_day(settings):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = True
    with time_machine.travel(datetime.datetime(2029, 12, 31, 12, tzinfo=HELSINKI)):
        with pytest.raises(ValidationError) as error:
            identity.parse_identity_code(BORN_1_1_2030)
        assert error.value.code == "future"
    with time_machine.travel(datetime.datetime(2030, 1, 1, 0, 30, tzinfo=HELSINKI)):
        assert identity.parse_identity_code(BORN_1_1_2030).birth_date == datetime.date(2030, 1, 1)


def test_registration_refuses_a_birth_date_after_today_next_to_the_code(client, team):
    login(client, team["worker"])
    with time_machine.travel(datetime.datetime(2029, 12, 31, 12, tzinfo=HELSINKI), tick=False):
        with pytest.raises(ValidationError):
            actions.register_client(
                registered_by=team["worker"],
                identity_code=BORN_1_1_2030,
                allow_temporary=True,
                first_names="Tuleva",
                last_name="Syntymä",
                language="fi",
                relationship_home="social_services",
            )
        response = client.post(
            "/clients/new/",
            {
                "identity_code": BORN_1_1_2030,
                "identity_code_is_temporary": "on",
                "first_names": "Tuleva",
                "last_name": "Syntymä",
                "language": "fi",
                "relationship_home": "social_services",
            },
        )
    assert response.status_code == 200
    assert "Syntymäaika on tulevaisuudessa" in field_errors(
        response.content.decode(), "identity_code"
    )
    assert not Client.objects.filter(last_name="Syntymä").exists()


def test_the_database_holds_an_identity_code_once_per_organisations_register(db):
    existing = ClientFactory()
    same_register = ClientFactory.build(
        identity_code_hash=existing.identity_code_hash,
        organisation=existing.organisation,
        responsible_unit=existing.responsible_unit,
        created_by=existing.created_by,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        same_register.save()
    other_unit = UnitFactory()
    ClientFactory(
        code=identity.decrypt(existing.identity_code_encrypted),
        created_by=make_user(Role.SOCIAL_WORKER, other_unit),
    )  # another organisation's register


def test_the_database_keeps_a_client_in_its_organisations_register(db):
    """The responsible unit is always a unit of the client's organisation."""
    client = ClientFactory()
    client.responsible_unit = UnitFactory()  # of another organisation
    with (
        pytest.raises(IntegrityError, match="must be a unit of that organisation"),
        transaction.atomic(),
    ):
        client.save()
