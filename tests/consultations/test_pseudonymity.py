"""The texts every participant of a consultation reads are checked for the client's names
in their inflected forms and for the identity code in any spelling: a client "Antti Mikko
Virtanen", 020380-9234, is found as "Virtasen", "Antin", "Mikon", "0203809234" or
"020380Y9234", and common words stay common words."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients.factories import ClientFactory
from consultations import actions
from consultations.factories import make_request, make_session, put_on_agenda
from consultations.models import ConsultationRequest
from consultations.pseudonymity import identifying_mentions
from tests.conftest import field_errors, login

BIRTH = datetime.date(1980, 3, 2)
CODE = "020380-9234"


@pytest.fixture
def virtanen(hki):
    return ClientFactory(
        responsible_worker=hki.worker,
        first_names="Antti Mikko",
        last_name="Virtanen",
        calling_name="",
        birth=BIRTH,
        code=CODE,
    )


def mentions(client, text):
    return identifying_mentions(client, text)


def _surname(hki, last_name):
    return ClientFactory(
        responsible_worker=hki.worker, first_names="Ella", last_name=last_name, calling_name=""
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Virtasen tilanne on vaikea.", "Virtanen"),
        ("Soitin Virtaselle eilen.", "Virtanen"),
        ("Kysyin Virtaselta.", "Virtanen"),
        ("En tavoittanut Virtasta.", "Virtanen"),
        ("Virtasellakin on huolia.", "Virtanen"),
        ("Virtaset muuttivat.", "Virtanen"),  # the family, plural
        ("Virtasten kotona.", "Virtanen"),
        ("Virtanen on huolissaan.", "Virtanen"),  # as before
        ("Antin tilanne.", "Antti"),
        ("Antille soitettiin.", "Antti"),
        ("Antilla on selkäkipuja.", "Antti"),
        ("Mikon tilanne.", "Mikko"),
        ("Mikolle lähti kirje.", "Mikko"),
        ("Mikollakin on oikeus.", "Mikko"),
        ("ANTIN TILANNE", "Antti"),
    ],
)
def test_inflected_names_are_found(virtanen, text, name):
    assert mentions(virtanen, text) == [f"asiakkaan nimi ({name})"]


@pytest.mark.parametrize(
    "text",
    [
        "Tunnus 020380-9234.",
        "Tunnus 0203809234.",
        "Tunnus 020380Y9234.",
        "Tunnus 020380y9234.",
        "Tunnus 020380a9234.",
        "Tunnus 020380 - 9234.",
        "Tunnus 020380 9234.",
        "tunnus:0203809234, puh.",
    ],
)
def test_the_identity_code_is_found_in_any_spelling(virtanen, text):
    assert mentions(virtanen, text) == ["henkilötunnus"]


@pytest.mark.parametrize("text", ["Syntynyt 020380.", "ks. 020380abc", "020380x", "(020380)"])
def test_the_birth_date_is_found_also_run_into_other_characters(virtanen, text):
    assert mentions(virtanen, text) == ["syntymäaika"]


@pytest.mark.parametrize(
    "text",
    [
        "Asiakas asuu Virtasalmella.",  # another word beginning like the stem
        "Antiikkikauppa ja mikroyritys.",
        "Hakemus 10203809234 käsittelyssä.",  # another number around the code's digits
        "Asiakasnumero 3020380.",
        "Keski-ikäinen asiakas, jolla on useita kuormittavia tekijöitä.",
    ],
)
def test_ordinary_texts_pass_for_the_client(virtanen, text):
    assert mentions(virtanen, text) == []


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        ("Niemi", "Niemen tilanne on vaikea."),
        ("Niemi", "Soitin Niemelle."),
        ("Niemi", "Tapasin Niemeä kahdesti."),
        ("Lahti", "Lahden asia."),  # t→d
        ("Lahti", "Kysyin Lahtea."),
        ("Mäki", "Mäen kanssa sovittiin."),  # k→∅
        ("Mäki", "Tapasin Mäkeä."),
        ("Lampi", "Lammen perhe."),  # mp→mm
        ("Koski", "Kosken kanssa."),  # s before k: no gradation
        ("Järvi", "Järvelle soitettiin."),
    ],
)
def test_surnames_of_old_nature_words_are_found_on_their_e_stem(hki, last_name, text):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names="Ella", last_name=last_name, calling_name=""
    )
    assert mentions(client, text) == [f"asiakkaan nimi ({last_name})"]


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        ("Saari", "Tapasin Saarta kahdesti."),  # partitive on the consonant stem
        ("Saari", "Saarten kotona."),  # plural genitive
        ("Saari", "Saaren tilanne."),  # the e-stem, as before
        ("Vuori", "Tapasin Vuorta."),
        ("Lohi", "Tapasin Lohta."),
        ("Lohi", "Lohen tilanne."),
        ("Tuuli", "Tapasin Tuultakin."),
        ("Kuusi", "Tapasin Kuusta."),
    ],
)
def test_some_surnames_of_old_nature_words_are_found_on_their_consonant_stem(hki, last_name, text):
    assert mentions(_surname(hki, last_name), text) == [f"asiakkaan nimi ({last_name})"]


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        ("Lasi", "Yhtä lasta ja lasten asioita."),  # a stem under four letters before s
        ("Saari", "Saaristossa saarnattiin, saartaa."),
        ("Lohi", "Lohtu ja lohduttaa."),
    ],
)
def test_consonant_stems_of_surnames_leave_other_words_alone(hki, last_name, text):
    assert mentions(_surname(hki, last_name), text) == []


@pytest.mark.parametrize(
    ("last_name", "text", "found"),
    [
        # -as, -äs, -es, -is on a long vowel, the consonants graded back to the strong grade.
        ("Kangas", "Kankaan tilanne on vaikea.", "Kangas"),  # ng→nk
        ("Kangas", "Soitin Kankaalle.", "Kangas"),
        ("Kangas", "Kankaalla on selkäkipuja.", "Kangas"),
        ("Kangas", "Kysyin Kankaalta.", "Kangas"),
        ("Kangas", "Kankaaseen otetaan yhteyttä.", "Kangas"),
        ("Kangas", "Tapasin Kangasta kahdesti.", "Kangas"),  # the partitive keeps the base
        ("Kangas", "Kankaat muuttivat.", "Kangas"),  # the family, plural
        ("Kangas", "Kankaiden kotona.", "Kangas"),
        ("Kangas", "Kankaisiin otetaan yhteyttä.", "Kangas"),  # the plural illative
        ("Kangas", "KANKAALLAKIN ON HUOLIA", "Kangas"),
        ("Salokangas", "Salokankaalle soitettiin.", "Salokangas"),
        ("Kangas-Niemi", "Kankaalle soitettiin.", "Kangas"),  # a part of a double name
        ("Kuningas", "Kuninkaan asia.", "Kuningas"),
        ("Lammas", "Lampaalle ehdotetaan kokeilua.", "Lammas"),  # mm→mp
        ("Ahokas", "Ahokkaan tilanne.", "Ahokas"),  # k→kk
        ("Kivekäs", "Kivekkäälle soitettiin.", "Kivekäs"),  # -äs
        ("Kallas", "Kallaan asia.", "Kallas"),  # ll stays on -as
        ("Kallas", "Kallaksen asia.", "Kallas"),  # or on -kse-, as before
        ("Kauris", "Kauriin tilanne.", "Kauris"),  # -is
        ("Kirves", "Kirveelle soitettiin.", "Kirves"),  # -es
        # -e on a long vowel.
        ("Rinne", "Rinteen tilanne on vaikea.", "Rinne"),  # nn→nt
        ("Rinne", "Rinteellä on selkäkipuja.", "Rinne"),
        ("Rinne", "Soitin Rinteelle.", "Rinne"),
        ("Rinne", "Rinteeseen otetaan yhteyttä.", "Rinne"),
        ("Rinne", "Tapasin Rinnettä kahdesti.", "Rinne"),  # the partitive keeps the base
        ("Rinne", "Rinteiden kotona.", "Rinne"),  # the family, plural
        ("Rinne", "Rinteisiin otetaan yhteyttä.", "Rinne"),
        ("Laine", "Laineen asia.", "Laine"),  # as before: the name with -en
        ("Laine", "Tapasin Lainetta.", "Laine"),  # as before
        ("Laine", "Soitin Laineelle.", "Laine"),
        ("Laine", "Laineella on huolia.", "Laine"),
        ("Laine", "Laineilla on huolia.", "Laine"),  # the Laines (also: on the waves)
        ("Lähde", "Lähteelle soitettiin.", "Lähde"),  # d→t
        ("Lumme", "Lumpeen asia.", "Lumme"),  # mm→mp
        ("Taipale", "Taipaleella on huolia.", "Taipale"),  # no consonant to grade
    ],
)
def test_surnames_are_found_on_their_long_vowel_stem_graded_back(hki, last_name, text, found):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names="Ella", last_name=last_name, calling_name=""
    )
    assert mentions(client, text) == [f"asiakkaan nimi ({found})"]


@pytest.mark.parametrize(
    ("first_names", "last_name", "text"),
    [
        # Only the client's own surname: the same words for another client are words.
        ("Ella", "Virtanen", "Istui kankaalla, rinteellä ja laineilla."),
        # The stem inside a longer word, or another word beginning like the name.
        ("Ella", "Kangas", "Asuu Kankaanpäässä, kangastus."),
        ("Ella", "Rinne", "Istuivat rinnakkain, käsi rinnan päällä."),
        ("Ella", "Laine", "Otti lainaa, lainsäädäntö muuttui."),
        # nn, ll and rr stay on -as: Kunnas is Kunnaksen, not "kuntaan".
        ("Ella", "Kunnas", "Muutti toiseen kuntaan."),
        ("Ella", "Kannas", "Perustuu asiakkaan kantaan."),
        # The plural stem takes plural endings only: kaltaisen, kaltaista are kaltainen's.
        ("Ella", "Kallas", "Kaltaisen ihmisen tuki, ei toista kaltaista."),
        # A first name on -e inflects on its own vowel: helteessä is the weather.
        ("Helle", "Salo", "Helteessä ulkotyö on raskasta."),
    ],
)
def test_long_vowel_stems_leave_other_words_alone(hki, first_names, last_name, text):
    client = ClientFactory(
        responsible_worker=hki.worker,
        first_names=first_names,
        last_name=last_name,
        calling_name="",
    )
    assert mentions(client, text) == []


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        # k → ∅ after l, r or h: the long-vowel stem with the k back, singular and plural.
        ("Varas", "Varkaan tilanne on vaikea."),  # genitive
        ("Varas", "Tapasin Varasta kahdesti."),  # partitive, on the base form
        ("Varas", "Varkaassa on muutosta."),  # inessive
        ("Varas", "Varkaasta huolehditaan."),  # elative
        ("Varas", "Varkaalla on selkäkipuja."),  # adessive
        ("Varas", "Soitin Varkaalle."),  # allative
        ("Varas", "Kysyin Varkaalta."),  # ablative
        ("Varas", "Varkaaseen otetaan yhteyttä."),  # illative
        ("Varas", "Varkaana hän ei pidä itseään."),  # essive
        ("Varas", "Varkaat muuttivat."),  # the family, plural
        ("Varas", "Varkaiden kotona."),
        ("Varas", "Varasten kotona."),
        ("Varas", "Tapasin Varkaita."),
        ("Varas", "Varkailla on huolia."),
        ("Varas", "Varkaisiin otetaan yhteyttä."),
        ("Varas", "VARKAALLAKIN ON HUOLIA"),
        # k → ∅ between two vowels: only the stem with the k.
        ("Ruis", "Rukiin tilanne."),
        ("Ruis", "Tapasin Ruista."),
        ("Ruis", "Rukiissa on muutosta."),
        ("Ruis", "Rukiista huolehditaan."),
        ("Ruis", "Rukiilla on huolia."),
        ("Ruis", "Soitin Rukiille."),
        ("Ruis", "Kysyin Rukiilta."),
        ("Ruis", "Rukiiseen otetaan yhteyttä."),
        ("Ruis", "Rukiit muuttivat."),
        ("Ruis", "Rukiiden kotona."),
        ("Kiuas", "Kiukaan asia."),
        ("Kiuas", "Kiukaalle soitettiin."),
        ("Kiuas", "Kiukaiden kotona."),
        ("Koe", "Kokeen tilanne."),  # -e
        ("Koe", "Tapasin Koetta."),
        ("Koe", "Kokeessa on muutosta."),
        ("Koe", "Kokeelle soitettiin."),
        ("Koe", "Kokeeseen otetaan yhteyttä."),
        ("Koe", "Kokeet muuttivat."),
        ("Koe", "Kokeiden kotona."),
        ("Koe", "Kokeisiin otetaan yhteyttä."),
        # Without a k as before: the stem as the base form has it, or another grade.
        ("Kaunis", "Kauniin tilanne."),
        ("Kaunis", "Kauniille soitettiin."),
        ("Vieras", "Vieraalle soitettiin."),
        ("Rikas", "Rikkaan asia."),  # k → kk
        ("Rikas", "Rikkaalla on huolia."),
        ("Hidas", "Hitaan asia."),  # d → t
        ("Hidas", "Hitaalta kysyttiin."),
    ],
)
def test_surnames_are_found_with_the_k_their_weak_grade_drops(hki, last_name, text):
    assert mentions(_surname(hki, last_name), text) == [f"asiakkaan nimi ({last_name})"]


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        # The strong grade's k dropped on the weak grade, also on a stem of three letters.
        ("Haka", "Haan tilanne on vaikea."),  # genitive
        ("Haka", "Tapasin Hakaa kahdesti."),  # partitive: the strong grade
        ("Haka", "Haassa on muutosta."),
        ("Haka", "Haasta huolehditaan."),
        ("Haka", "Haalla on selkäkipuja."),
        ("Haka", "Soitin Haalle."),
        ("Haka", "Kysyin Haalta."),
        ("Haka", "Hakaan otetaan yhteyttä."),  # illative: the strong grade
        ("Haka", "Haat muuttivat."),
        # On the e-stem: Mäki, Joki; j after l or r before e: Kurki.
        ("Mäki", "Mäessä on muutosta."),
        ("Mäki", "Kysyin Mäeltä."),
        ("Mäki", "Mäkeen otetaan yhteyttä."),
        ("Mäki", "Mäet muuttivat."),
        ("Mäki", "Mäkien kotona."),
        ("Joki", "Joen tilanne."),
        ("Joki", "Tapasin Jokea."),
        ("Joki", "Joella on huolia."),
        ("Joki", "Soitin Joelle."),
        ("Joki", "Jokeen otetaan yhteyttä."),
        ("Kurki", "Kurjen tilanne."),
        ("Kurki", "Tapasin Kurkea."),
        ("Kurki", "Kurjessa on muutosta."),
        ("Kurki", "Soitin Kurjelle."),
        ("Kurki", "Kurkeen otetaan yhteyttä."),
        ("Kurki", "Kurjet muuttivat."),
        # v between two u: Luku.
        ("Luku", "Luvun tilanne."),
        ("Luku", "Luvulle soitettiin."),
        # Other grades on the e-stem, both directions, as before.
        ("Lehti", "Lehden tilanne."),  # ht → hd
        ("Lehti", "Lehdellä on huolia."),
        ("Lehti", "Tapasin Lehteä."),
        ("Lahti", "Lahdessa on muutosta."),
        ("Lahti", "Lahteen otetaan yhteyttä."),
        ("Lähde", "Lähteen tilanne."),  # hd → ht
        ("Lähde", "Lähteessä on muutosta."),
        ("Lähde", "Tapasin Lähdettä."),
        ("Kaski", "Kasken tilanne."),  # sk: no gradation
        ("Kaski", "Tapasin Kaskea."),
    ],
)
def test_surnames_are_found_on_the_weak_grade_that_drops_their_k(hki, last_name, text):
    assert mentions(_surname(hki, last_name), text) == [f"asiakkaan nimi ({last_name})"]


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        # A three-letter weak stem takes the weak grade's endings only, and never on -i:
        # Joki's "joi-" would refuse the forms of "joka" (so Laki's "Lain" is not looked for).
        ("Joki", "Tilanteissa, joissa ja joista puhuttiin, joille ja joilla on tukea."),
        ("Laki", "Lain mukaan tuki jatkuu, laissa säädetään."),
        ("Haka", "Haavan hoito ja haaveet."),
        ("Saku", "Saunassa käy joka viikko, sauna auttaa."),  # not "sau-na": an essive
        # The stem with the k is not another word's beginning.
        ("Varas", "Asuu Varkaudessa, muutti Varkauteen."),
        ("Ruis", "Sai ruiskeen, söi ruisleipää."),
        ("Koe", "Kokee olonsa paremmaksi ja haluaa kokea uutta."),
        ("Kurki", "Kurjat olot ja kurjuus."),
        ("Kurki", "Kurin puute ja kurissa pysyminen."),  # no "kuri-" stem: Kurjen
        # Only the client's own surname.
        ("Virtanen", "Varkaan, rukiin, kokeen, haan ja kurjen asia."),
    ],
)
def test_k_dropping_stems_leave_other_words_alone(hki, last_name, text):
    assert mentions(_surname(hki, last_name), text) == []


def test_a_first_name_on_lki_or_rki_is_found_keeping_its_k(hki):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names="Jyrki", last_name="Salo", calling_name=""
    )
    assert mentions(client, "Jyrkin tilanne; soitin Jyrkille.") == ["asiakkaan nimi (Jyrki)"]
    assert mentions(client, "Jyrin ja Jyrille") == []


@pytest.mark.parametrize("text", ["Aunen tilanne.", "Soitin Aunelle.", "Tapasin Aunea."])
def test_a_first_name_ending_in_e_is_found_with_its_plain_endings(hki, text):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names="Aune", last_name="Salo", calling_name=""
    )
    assert mentions(client, text) == ["asiakkaan nimi (Aune)"]


def test_a_first_name_ending_in_i_is_not_read_as_an_e_stem(hki):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names="Heli", last_name="Virtanen", calling_name=""
    )
    assert mentions(client, "Ohjaaja Helena soitti.") == []


@pytest.mark.parametrize(
    ("first_names", "last_name", "text", "found"),
    [
        (
            "Satu",
            "Lappi",
            "Sadun tilanne, Lapin kautta.",
            "asiakkaan nimi (Satu, Lappi)",
        ),  # t→d, pp→p
        ("Jukka", "Aalto", "Aallon ja Jukan tapaaminen.", "asiakkaan nimi (Jukka, Aalto)"),
        ("Pekka", "Virta", "Virran luona.", "asiakkaan nimi (Virta)"),  # rt→rr
        ("Repo", "Kinnunen", "Revon asia, Kinnusen asia.", "asiakkaan nimi (Repo, Kinnunen)"),
        ("Ville", "Ranta", "Rannalle soitettiin.", "asiakkaan nimi (Ranta)"),  # nt→nn
        ("Ilona", "Honka", "Hongan asia.", "asiakkaan nimi (Honka)"),  # nk→ng
        ("Eino", "Kumpu", "Kummulla on asia.", "asiakkaan nimi (Kumpu)"),  # mp→mm
        ("Taika", "Salo", "Taian vuoro.", "asiakkaan nimi (Taika)"),  # k→∅
        ("Kaarlo", "Kortti", "Kortin asia.", "asiakkaan nimi (Kortti)"),  # tt→t
    ],
)
def test_weak_grade_stems_of_first_names_and_surnames_are_found(
    hki, first_names, last_name, text, found
):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names=first_names, last_name=last_name, calling_name=""
    )
    assert mentions(client, text) == [found]


@pytest.mark.parametrize(
    ("first_names", "text"),
    [
        # Short names: a stem under four letters is not looked for, so common words pass.
        ("Saku", "Saunassa käy joka viikko, sauna auttaa."),  # Saku → sau-
        ("Aki", "Käy aina ryhmässä ja ainakin kerran viikossa."),  # Aki → ai-
        ("Onni", "Työkokeilu onnistui."),  # a name inside a longer word
        # Consonants that do not grade: Koski, Kristo.
        ("Kristo", "Krison asia."),
    ],
)
def test_short_names_and_consonants_that_do_not_grade_leave_common_words_alone(
    hki, first_names, text
):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names=first_names, last_name="Koski", calling_name=""
    )
    assert mentions(client, text) == []


@pytest.mark.parametrize(
    "summary",
    [
        "Virtasen tilanne",
        "Antin tilanne",
        "Mikon tilanne",
        "Tunnus 0203809234",
        "Tunnus 020380Y9234",
        "Syntynyt 020380, työtön",
    ],
)
def test_asking_for_a_consultation_refuses_them(hki, virtanen, summary):
    with pytest.raises(ValidationError) as refused:
        actions.ask_for_consultation(
            client=virtanen,
            asked_by=hki.worker,
            question="Miten työkyvyn arviointiin pääsee?",
            background="Tausta",
            tried_so_far="-",
            pseudonymous_summary=summary,
        )
    assert list(refused.value.error_dict) == ["pseudonymous_summary"]
    assert refused.value.messages[0].startswith("Tekstissä on tunnistetietoja:")
    assert not ConsultationRequest.objects.filter(client=virtanen).exists()


def test_minutes_recommendations_and_the_sessions_texts_refuse_them_too(hki, virtanen):
    item = put_on_agenda(make_request(virtanen, hki.worker), hki.session)
    session = hki.session
    for place in ("Virtasen kotona", "Huone 3, 0203809234"):
        with pytest.raises(ValidationError) as refused:
            actions.change_session(
                session=session,
                changed_by=hki.coordinator,
                starts_at=session.starts_at,
                duration_minutes=90,
                chair=hki.coordinator,
                place=place,
            )
        assert list(refused.value.error_dict) == ["place"]
    with pytest.raises(ValidationError) as refused:
        actions.cancel_session(
            session=session, cancelled_by=hki.coordinator, reason="Antti sairastui"
        )
    assert list(refused.value.error_dict) == ["reason"]
    session.refresh_from_db()
    assert not session.is_cancelled and session.place != "Virtasen kotona"

    with time_machine.travel(session.starts_at + datetime.timedelta(minutes=5), tick=False):
        with pytest.raises(ValidationError) as refused:
            actions.record_minutes(
                item=item, recorded_by=hki.coordinator, minutes="Virtaselle ehdotetaan kokeilua."
            )
        assert list(refused.value.error_dict) == ["minutes"]
        with pytest.raises(ValidationError) as refused:
            actions.add_recommendation(
                item=item,
                recommended_by=hki.coordinator,
                text="Mikon kanssa haetaan kuntoutusta.",
                due_date=timezone.localdate() + datetime.timedelta(days=30),
            )
        assert list(refused.value.error_dict) == ["text"]
    item.refresh_from_db()
    assert item.minutes == "" and not item.recommendations.exists()


@pytest.mark.parametrize(
    "template",
    [
        "{age}-vuotias asiakas, pitkä työttömyys.",
        "Asiakas on {age} vuotias.",
        "{age}-vuotiaalle sopisi työkokeilu.",
        "Asiakas, {age} v., työtön.",
        "Asiakas {age}v, työtön.",
        "Ikä {age}, työtön.",
        "Ikä: {age}",
        "Iältään {age}.",
        "En {age}-årig klient.",
        "Klienten är {age} år gammal.",
        "A {age}-year-old client.",
        "Aged {age}, unemployed.",
        # The age after a verb: "is N years", "turns N".
        "Klienten är {age} år.",
        "Klienten är {age} år och bor ensam.",
        "Hon fyller {age} år i maj.",
        "Han var {age} år, när han blev sjuk.",
        "Blir {age} år nästa vecka.",
        "Asiakas on {age} vuotta.",
        "Asiakas on {age} vuotta ja asuu yksin.",
        "Asiakas on {age} vuotta\nAsuu yksin.",  # the line ends the clause
        "Asiakas oli {age} vuotta, kun työ loppui.",
        "Asiakas täyttää {age} vuotta keväällä.",
        "Täytti {age} vuotta.",
        "Hän on {age} vuotta vanha.",
        "{age} vuotta vanha asiakas.",
        "{age} vuoden ikäinen asiakas.",
        "ASIAKAS ON {age} VUOTTA.",
        "The client is {age}.",
        "She was {age}, unemployed.",
        "He is {age} years and lives alone.",
        "He turns {age} in May.",
        "She turned {age} last week.",
        "Vid {age} års ålder.",
        "{age} years of age.",
    ],
)
def test_the_clients_exact_age_is_found(virtanen, template):
    """The pseudonymous case shows an age band; the exact age in a text would give it away."""
    age = virtanen.age_on(timezone.localdate())
    assert mentions(virtanen, template.format(age=age)) == ["tarkka ikä"]


@pytest.mark.parametrize(
    "template",
    [
        "{other}-vuotias asiakas.",  # another age
        "Ollut työttömänä {age} kuukautta.",  # the number, not as an age
        "Viikolla {age} tavattiin.",
        "Työskennellyt {age} vuotta.",  # years of something
        "Asiakas on {age}0 v.",  # a longer number
        "Asiakas on 1{age}-vuotias.",
        "Viisikymppinen asiakas.",
        # Years of something else after the same verbs.
        "{age} vuotta töissä.",
        "Asiakas on ollut {age} vuotta töissä.",
        "Hänellä on {age} vuotta työkokemusta.",
        "Siitä on {age} vuotta.",
        "Tästä on {age} vuotta, kun hän muutti.",
        "Asiakas on {other} vuotta.",  # another age
        "Asiakas täyttää {other} vuotta.",
        "Asiakas täytti {age} lomaketta.",
        "Det är {age} år sedan flytten.",
        "Hon har arbetat i {age} år.",
        "Klienten är {other} år.",
        "Hyran är {age} euro.",
        "The meeting is {age} minutes.",
        "It was {age} years ago.",
        "Her score was {age} points.",
        "The client is {other}.",
        "He turned {age}0 pages.",
    ],
)
def test_other_numbers_are_not_the_exact_age(virtanen, template):
    age = virtanen.age_on(timezone.localdate())
    assert mentions(virtanen, template.format(age=age, other=age + 1)) == []


@pytest.mark.parametrize(
    ("first_names", "last_name", "text", "found"),
    [
        # A name ending in a vowel and -s, on its Finnish -kse- stem.
        ("Rasmus", "Salo", "Rasmukselle soitettiin.", "Rasmus"),
        ("Rasmus", "Salo", "Rasmuksen tilanne on vaikea.", "Rasmus"),
        ("Rasmus", "Salo", "Rasmuksella on selkäkipuja.", "Rasmus"),
        ("Rasmus", "Salo", "Kysyin Rasmukselta.", "Rasmus"),
        ("Tuomas", "Salo", "Tuomaksesta huolehditaan.", "Tuomas"),
        ("Rasmus", "Salo", "Tapasin Rasmusta.", "Rasmus"),  # as it is, with an ending
        # A name ending in a consonant, on its -i- stem.
        ("Elli", "Lindqvist", "Lindqvistille soitettiin.", "Lindqvist"),
        ("Elli", "Lindqvist", "Tapasin Lindqvistiä.", "Lindqvist"),
        ("Elli", "Lindqvist", "Lindqvistillä on huolia.", "Lindqvist"),
        ("Mikael", "Salo", "Mikaelille ehdotetaan kokeilua.", "Mikael"),
        ("Niklas", "Salo", "Niklasille soitettiin.", "Niklas"),
        # The Swedish genitive.
        ("Kaarina", "Salo", "Kaarinas situation är svår.", "Kaarina"),
        ("Elli", "Lindqvist", "Lindqvists arbetsförmåga.", "Lindqvist"),
    ],
)
def test_names_ending_in_a_consonant_and_the_swedish_genitive_are_found(
    hki, first_names, last_name, text, found
):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names=first_names, last_name=last_name, calling_name=""
    )
    assert mentions(client, text) == [f"asiakkaan nimi ({found})"]


@pytest.mark.parametrize(
    ("first_names", "text"),
    [
        ("Per", "Pääsi perille ajoissa."),  # Per → peri-: too short to look for its stem
        ("Rasmus", "Rasmuksinen asia ja Rasmusvaara."),  # other words beginning like it
        ("Jonas", "Jonasson ja Jonaksenkatu."),
        ("Mikael", "Mikaelinpäivänä."),  # the stem inside a longer word
    ],
)
def test_consonant_stems_leave_other_words_alone(hki, first_names, text):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names=first_names, last_name="Koski", calling_name=""
    )
    assert mentions(client, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Asiakas s. 1980, pitkä työttömyys.",
        "Asiakas (s.1980) on työtön.",
        "Syntynyt 1980, työtön.",
        "Syntynyt vuonna 1980.",
        "Syntyi 1980 Oulussa.",
        "Synt. 1980.",
        "Syntymävuosi: 1980.",
        "Vuonna 1980 syntynyt asiakas.",
        "1980 syntynyt asiakas.",
        "80-syntynyt asiakas.",
        "Asiakas s. -80.",
        "Klienten är född 1980.",
        "Född år 1980.",
        "Born in 1980.",
    ],
)
def test_the_birth_year_written_as_one_is_found(virtanen, text):
    """The pseudonymous case shows an age band; the birth year would give the age away."""
    assert mentions(virtanen, text) == ["syntymävuosi"]


@pytest.mark.parametrize(
    "text",
    [
        "Syntynyt 1980-luvulla.",  # a decade
        "Född på 1980-talet.",
        "Työttömänä vuodesta 1980.",  # the year of something else
        "Asiakas s. 1981.",  # another year
        "Ks. 1980 annettu päätös.",  # "katso", not "syntynyt"
        "Lapsi syntyi 2010.",
    ],
)
def test_other_years_are_not_the_birth_year(virtanen, text):
    assert mentions(virtanen, text) == []


def test_a_birth_date_or_code_is_not_reported_twice_as_the_year(virtanen):
    assert mentions(virtanen, "Syntynyt 2.3.1980.") == ["syntymäaika"]
    assert mentions(virtanen, "Asiakas, s. 020380-9234.") == ["henkilötunnus"]


def test_asking_for_a_consultation_refuses_the_birth_year(hki, virtanen):
    with pytest.raises(ValidationError) as refused:
        actions.ask_for_consultation(
            client=virtanen,
            asked_by=hki.worker,
            question="Miten työkyvyn arviointiin pääsee?",
            background="Tausta",
            tried_so_far="-",
            pseudonymous_summary="Asiakas s. 1980, pitkä työttömyys.",
        )
    assert refused.value.message_dict == {
        "pseudonymous_summary": [
            "Tekstissä on tunnistetietoja: syntymävuosi. Kirjoita se niin, ettei asiakasta voi "
            "tunnistaa."
        ]
    }
    assert not ConsultationRequest.objects.filter(client=virtanen).exists()


# What the coordinator writing minutes or a recommendation is told: they may see the cases
# only pseudonymously, so the message confirms no guessed name, nor whose case matched.
UNNAMED_MATCH = (
    "Tekstissä on asiakkaan tunnistetietoja (nimi, henkilötunnus, syntymäaika tai ikä). Kaikki "
    "osallistujat näkevät tekstin: kirjoita se niin, ettei ketään asiakasta voi tunnistaa."
)


@pytest.mark.parametrize(
    "text",
    [
        "Sama tilanne kuin Virtasella: sovitaan yhteinen ryhmä.",
        "Antille ja tälle asiakkaalle sama ryhmä.",
        "Ks. asiakas 020380-9234.",
        "Asiakas ja toinen, s. 2.3.1980, samaan ryhmään.",
    ],
)
def test_minutes_and_recommendations_naming_another_client_on_the_agenda_are_refused(
    hki, virtanen, text
):
    """Every participant reads a case's minutes and recommendations, also those who see the
    other cases of the session only pseudonymously (a Kela liaison without Kela consent
    for the other client): the other clients' names, codes and birth dates are refused too,
    without saying which case matched."""
    put_on_agenda(make_request(virtanen, hki.worker), hki.session)
    item = hki.item
    item.session = hki.session
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        with pytest.raises(ValidationError) as refused:
            actions.record_minutes(item=item, recorded_by=hki.coordinator, minutes=text)
        assert refused.value.message_dict == {"minutes": [UNNAMED_MATCH]}
        with pytest.raises(ValidationError) as refused:
            actions.add_recommendation(
                item=item,
                recommended_by=hki.coordinator,
                text=text,
                due_date=timezone.localdate() + datetime.timedelta(days=30),
            )
        assert refused.value.message_dict == {"text": [UNNAMED_MATCH]}
    item.refresh_from_db()
    assert item.minutes == "" and not item.recommendations.exists()


def test_a_refused_text_is_logged_on_the_client_it_identified(hki, virtanen):
    """The refusal confirms a guess to a writer who sees the case pseudonymously (the
    coordinator without consent for their organisation): each refusal is in the access log
    of the client whose name matched, so the log review sees a writer probing. A text
    naming no client is saved and logs no refusal."""
    put_on_agenda(make_request(virtanen, hki.worker), hki.session)
    item = hki.item
    item.session = hki.session

    def refusals(client):
        return AccessLogEntry.objects.filter(
            client_id=client.uuid, action="consultations.text.identifying_refused"
        )

    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        for guess in ("Onko tämä Kaarina Koivisto?", "Onko tämä Virtanen?"):
            with pytest.raises(ValidationError):
                actions.record_minutes(item=item, recorded_by=hki.coordinator, minutes=guess)
        triage = make_request(hki.client, hki.worker)
        with pytest.raises(ValidationError):
            actions.decline_request(
                request=triage, declined_by=hki.coordinator, reason="Koiviston asia."
            )
        assert [(e.actor_id, e.detail) for e in refusals(hki.client).order_by("pk")] == [
            (hki.coordinator.pk, "minutes"),
            (hki.coordinator.pk, "reason"),
        ]
        assert [(e.actor_id, e.detail) for e in refusals(virtanen)] == [
            (hki.coordinator.pk, "minutes")
        ]
        actions.record_minutes(
            item=item, recorded_by=hki.coordinator, minutes="Onko tämä Nieminen?"
        )
    assert refusals(hki.client).count() == 2 and refusals(virtanen).count() == 1


def test_another_clients_age_or_birth_year_is_not_their_name(hki, virtanen):
    """Only the other clients' names, codes and birth dates are looked for: their age or
    birth year alone names no one, and this case's own client may share it."""
    put_on_agenda(make_request(virtanen, hki.worker), hki.session)
    item = hki.item
    item.session = hki.session
    age = virtanen.age_on(timezone.localdate())
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        actions.record_minutes(
            item=item,
            recorded_by=hki.coordinator,
            minutes=f"Ryhmässä on myös {age}-vuotias, vuonna 1980 syntynyt osallistuja.",
        )
    item.refresh_from_db()
    assert item.minutes.startswith("Ryhmässä")


def test_a_client_on_another_session_is_not_looked_for(hki, virtanen):
    """Only this session's agenda: its participants are those who read the minutes."""
    other_session = make_session(
        hki.network,
        hki.coordinator,
        starts_at=hki.session.starts_at + datetime.timedelta(days=1),
    )
    put_on_agenda(make_request(virtanen, hki.worker), other_session)
    item = hki.item
    item.session = hki.session
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        actions.record_minutes(
            item=item, recorded_by=hki.coordinator, minutes="Virtasen ryhmä sopisi."
        )
    item.refresh_from_db()
    assert item.minutes == "Virtasen ryhmä sopisi."


def test_the_case_page_shows_the_refusal_next_to_the_minutes(client, hki, virtanen):
    other = put_on_agenda(make_request(virtanen, hki.worker), hki.session)
    login(client, hki.coordinator)
    url = reverse(
        "consultations:minutes", kwargs={"session_id": hki.session.pk, "item_id": hki.item.pk}
    )
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        response = client.post(url, {"minutes": "Sama kuin Antti Virtasella."})
    page = response.content.decode()
    assert response.status_code == 400
    assert field_errors(page, "minutes") == UNNAMED_MATCH
    # The coordinator is not told which case's client the text named.
    assert other.request.reference not in field_errors(page, "minutes")
    # The field says so before anything is written.
    assert "äläkä muiden esityslistan asiakkaiden nimiä" in page
    hki.item.refresh_from_db()
    assert hki.item.minutes == ""


@pytest.mark.parametrize(
    ("last_name", "text"),
    [
        # The family: the plural -t, the plural -i- stem with its endings, -jen and -ja.
        ("Koivisto", "Koivistojen perhe muutti."),
        ("Koivisto", "Koivistoilla on kolme lasta."),
        ("Koivisto", "Koivistot muuttivat."),
        ("Koivisto", "Soitin Koivistoille."),
        ("Koivisto", "Tapasin Koivistoja kahdesti."),
        ("Koivisto", "Koivistoihin otettiin yhteyttä."),
        ("Koivisto", "Koivistoillakin on huolia."),
        # ä becomes ö before the plural i (folded, as o), or is dropped.
        ("Mäkelä", "Mäkelät muuttivat."),
        ("Mäkelä", "Soitin Mäkelöille."),
        ("Mäkelä", "Mäkelöiden kotona."),
        ("Mäkelä", "Tapasin Mäkelöitä."),
        ("Tietävä", "Tietävät muuttivat."),
        ("Tietävä", "Soitin Tietäville."),
        ("Tietävä", "Tietävien asunto."),
        ("Tietävä", "Tapasin Tietäviä."),
        # On the weak grade too: Aalto → Aalloille, Ranta → Rannoilla.
        ("Aalto", "Aaltojen kotona."),
        ("Aalto", "Soitin Aalloille."),
        ("Ranta", "Rannoilla on huolia."),
        ("Ranta", "Rantojen lapset."),
        # Two syllables, o or u in the first: a becomes i.
        ("Honka", "Honkien kotona."),
        ("Honka", "Hongille soitettiin."),
        ("Kumpu", "Kummuille soitettiin, Kumpujen asia."),
    ],
)
def test_plural_forms_of_the_surname_are_found(hki, last_name, text):
    assert mentions(_surname(hki, last_name), text) == [f"asiakkaan nimi ({last_name})"]


@pytest.mark.parametrize(
    ("first_names", "text", "name"),
    [
        ("Kalle", "Kallet ja Kalleille", "Kalle"),
        ("Mikko", "Mikoille soitettiin.", "Mikko"),
        ("Kaarina", "Kaarinoiden asia.", "Kaarina"),
    ],
)
def test_plural_forms_of_first_names_are_found(hki, first_names, text, name):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names=first_names, last_name="Salo", calling_name=""
    )
    assert mentions(client, text) == [f"asiakkaan nimi ({name})"]


@pytest.mark.parametrize(
    ("first_names", "last_name", "text"),
    [
        # Another name with the client's name's stem: Sanna's plural is Sannoille, not Sanni.
        ("Sanna", "Koski", "Soitin Sannille, Sannin asia."),
        ("Anna", "Koski", "Annille ja Annin perheelle."),
        # Other words beginning like a plural stem, or the name inside a longer word.
        ("Ella", "Aalto", "Aaltoilevat ajatukset."),
        ("Ella", "Mäkelä", "Mäkeläinen naapuri, Mäkelänkatu."),
        ("Ella", "Tietävä", "Hän tietää asian, tietäen sen."),
        ("Ella", "Koivisto", "Koivistonkadulla, koivikoissa."),
        # The plural of short names is not looked for.
        ("Eva", "Koe", "Miten koet tilanteen? Evat ovat tässä."),
    ],
)
def test_plural_forms_leave_other_words_alone(hki, first_names, last_name, text):
    client = ClientFactory(
        responsible_worker=hki.worker, first_names=first_names, last_name=last_name, calling_name=""
    )
    assert mentions(client, text) == []


@pytest.mark.parametrize(
    "text",
    ["Syntynyt 2/3/1980.", "s. 02/03/1980", "(2/3/80)", "pvm 02/03/80", "Syntynyt 2.3.1980."],
)
def test_the_birth_date_written_with_slashes_is_found(virtanen, text):
    assert mentions(virtanen, text) == ["syntymäaika"]


def test_other_dates_with_slashes_are_not_the_birth_date(virtanen):
    assert mentions(virtanen, "Tapaaminen 12/3/2026 ja 2/3/2026.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Syntynyt 2. maaliskuuta 1980.",
        "s. 2.maaliskuuta 1980",
        "Syntynyt maaliskuun 2. päivänä 1980.",
        "Syntynyt maaliskuun 2. 1980.",
        "Syntymäpäivä maaliskuun 2. päivä 1980.",
        "Syntynyt 2. päivänä maaliskuuta vuonna 1980.",
        "s. 2. maalisk. 1980",
        "SYNTYNYT 2. MAALISKUUTA 1980",
        "Född 2 mars 1980.",
        "Klienten är född den 2 mars 1980.",
        "Född 2:a mars 1980.",
        "Born 2 March 1980.",
        "Born on March 2, 1980.",
        "Born March 2nd, 1980.",
        "Born on the 2nd of March 1980.",
        "Born 02 Mar. 1980.",
    ],
)
def test_the_birth_date_written_with_the_month_name_is_found(virtanen, text):
    assert mentions(virtanen, text) == ["syntymäaika"]


@pytest.mark.parametrize(
    "text",
    [
        "Klienten är 41 år",
        "fyller 41 år",
        "Asiakas on 41 vuotta",
        "täyttää 41 vuotta",
        "41 vuotta vanha",
    ],
)
@time_machine.travel(datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC))
def test_the_reported_wordings_of_the_age_are_found(hki, text):
    client = ClientFactory(responsible_worker=hki.worker, birth=datetime.date(1985, 3, 15))
    assert mentions(client, text) == ["tarkka ikä"]


@pytest.mark.parametrize(
    "text",
    [
        "Född 15 mars 1985",
        "Syntynyt 15. maaliskuuta 1985",
        "Born 15 March 1985",
        "born on March 15, 1985",
        "15th of March 1985",
        "Född den 15:e mars 1985.",
        "Syntynyt maaliskuun 15. päivänä 1985.",
    ],
)
def test_the_reported_wordings_of_the_birth_date_are_found(hki, text):
    client = ClientFactory(responsible_worker=hki.worker, birth=datetime.date(1985, 3, 15))
    assert mentions(client, text) == ["syntymäaika"]


@pytest.mark.parametrize(
    "text",
    [
        "Tapaaminen 2. maaliskuuta 2026.",  # another year
        "Syntynyt 12. maaliskuuta 1980.",  # another day
        "Syntynyt 22nd of March 1980.",
        "Syntynyt 2. huhtikuuta 1980.",  # another month
        "Syntynyt marraskuun 2. päivänä 1980.",
        "Tapaaminen 2 mars 2026.",
        "Meeting on March 2, 2026.",
        "Meeting on March 21, 1980.",
        "Tavattiin maaliskuun 2. päivänä.",  # no year: a day of the year, not the birth date
    ],
)
def test_other_dates_with_the_month_name_are_not_the_birth_date(virtanen, text):
    assert mentions(virtanen, text) == []
