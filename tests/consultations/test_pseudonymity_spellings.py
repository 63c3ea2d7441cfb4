"""The pseudonymity check reads a name however its apostrophe is typed (’ ‘ ʼ ` ´ or '),
finds the part after the apostrophe on its own ("Brien" for O'Brien) as it finds a part
of a double name, reads ä, ö and å spelt out as ae, oe and aa ("Maekelae",
"Lindstroem"), and finds the birth date written in ISO form, with hyphens or with spaces
("1974-05-14", "14-05-1974", "14. 5. 1974", "14 05 74"). A short part of a name (the O of
O'Brien) is no name on its own, and other dates are not the birth date."""

import datetime

import pytest

from clients.factories import ClientFactory
from consultations.pseudonymity import identifying_mentions

BIRTH = datetime.date(1974, 5, 14)


def _client(hki, first_names, last_name, birth=BIRTH):
    return ClientFactory(
        responsible_worker=hki.worker,
        first_names=first_names,
        last_name=last_name,
        calling_name="",
        birth=birth,
    )


def _names(client, text) -> bool:
    return any(found.startswith("asiakkaan nimi") for found in identifying_mentions(client, text))


@pytest.mark.parametrize(
    "text",
    [
        "Tapasin O'Brienin.",
        "Tapasin O’Brienin.",
        "Tapasin O‘Brienin.",
        "Tapasin OʼBrienin.",
        "Tapasin O`Brienin.",
        "Tapasin O´Brienin.",
        "Brien kertoi tilanteestaan.",
        "Soitin Brienille.",
        "OBrien kertoi tilanteestaan.",
    ],
)
def test_a_name_with_an_apostrophe_is_found_however_it_is_typed(hki, text):
    assert _names(_client(hki, "Sean", "O'Brien"), text)


@pytest.mark.parametrize("text", ["D'Angelo soitti.", "D`Angelo soitti.", "Angelo soitti."])
def test_a_name_written_with_a_curly_apostrophe_is_found(hki, text):
    assert _names(_client(hki, "Maria", "D’Angelo"), text)


def test_the_short_part_before_an_apostrophe_is_no_name_alone(hki):
    client = _client(hki, "Sean", "O'Brien")
    assert identifying_mentions(client, "Asiakas sanoi: o, nyt ymmärrän. D'Artagnan luki.") == []


@pytest.mark.parametrize(
    ("first_names", "last_name", "text"),
    [
        ("Aino", "Mäkelä", "Maekelae soitti."),
        ("Aino", "Mäkelä", "Soitin Maekelaelle."),
        ("Anders", "Lindström", "Lindstroem kertoi."),
        ("Anders", "Åberg", "Aaberg kertoi."),
        ("Jönna", "Koski", "Joenna kertoi."),
    ],
)
def test_a_and_o_with_dots_spelt_out_are_found(hki, first_names, last_name, text):
    assert _names(_client(hki, first_names, last_name), text)


def test_names_without_such_letters_gain_no_spelt_out_forms(hki):
    client = _client(hki, "Mikael", "Laine")
    assert _names(client, "Mikael soitti.")
    assert identifying_mentions(client, "Asiakas kävi Maelassa.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Syntynyt 1974-05-14.",
        "s. 1974-5-14",
        "Syntynyt 14-05-1974.",
        "(14-5-74)",
        "Syntynyt 14. 5. 1974.",
        "pvm 14 05 74",
        "Syntynyt 14 5 1974.",
    ],
)
def test_the_birth_date_is_found_in_iso_hyphenated_and_spaced_forms(hki, text):
    assert identifying_mentions(_client(hki, "Aino", "Virta"), text) == ["syntymäaika"]


@pytest.mark.parametrize(
    "text",
    [
        "Tapaaminen 2026-05-14.",
        "Tapaaminen 14-05-2026.",
        "Tapaaminen 14. 5. 2026.",
        "Sivut 14 05 ja 74.",
        "Hakemus 114 05 74.",
        "Tapaaminen 1974-05-141.",
    ],
)
def test_other_dates_are_not_the_birth_date(hki, text):
    assert identifying_mentions(_client(hki, "Aino", "Virta"), text) == []
