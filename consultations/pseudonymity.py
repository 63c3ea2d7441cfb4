"""What a pseudonymous case may say: no name, no identity code, an age band.

`identifying_mentions(client, text)` finds, case- and accent-insensitively:
- the client's names (first names, last name, calling name, each part of a
  double name) as whole words, also inflected: the name with a Finnish case
  ending ("Kaarinan", "Koivistolle"), a -nen surname on its own stems
  ("Virtanen": "Virtasen", "Virtaselle", "Virtasta") and a name on its weak
  consonant-gradation stem ("Antti": "Antin", "Mikko": "Mikon", "Satu":
  "Sadulla"), but never inside another word ("Koivistonkadulla", "onnistui"
  for Onni); a surname of an old nature word also on its e-stem ("Niemi": "Niemen",
  "Niemeä"; "Lahti": "Lahden"; "Mäki": "Mäen");
- the identity code in any spelling (with or without the century sign, any
  century sign, spaces around it, either case), its masked form, and the
  birth date as ddmmyy (also run into other characters) and as a written date;
- the client's exact age written as an age ("52-vuotias", "52 v.", "ikä 52"): the
  pseudonymous case shows an age band instead.
`check_pseudonymous` refuses such a text.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import identity
from clients.names import fold

MIN_NAME_LENGTH = 2
# An inflection stem shorter than this is not looked for: it would spell common words
# with an ending ("Saku" → "sau-na", "Aki" → "ai-na"); the name itself still is.
MIN_STEM_LENGTH = 4


def _name_words(client) -> dict[str, str]:
    """Every name and every part of a double name ("Anna-Liisa": also "Anna" and "Liisa"),
    folded (as looked for) → as written in the client's data (as the worker is told of it:
    "Mätti", not "matti"), in the order of the name: first names, last name, calling name."""
    words: dict[str, str] = {}
    for name in (client.first_names, client.last_name, client.calling_name):
        folded = fold(name)
        if not folded:
            continue
        written = " ".join((name or "").split())
        words.setdefault(folded, written)
        # fold() splits at white space and hyphens; so do the written parts, one for one.
        parts = written.replace("-", " ").split()
        folded_parts = folded.split()
        if len(parts) != len(folded_parts):
            parts = folded_parts
        for part, folded_part in zip(parts, folded_parts, strict=True):
            if len(folded_part) >= MIN_NAME_LENGTH:
                words.setdefault(folded_part, part)
    return words


def _date_forms(born: datetime.date) -> list[str]:
    day, month, year = born.day, born.month, born.year
    return [
        f"{day}.{month}.{year}",
        f"{day:02d}.{month:02d}.{year}",
        f"{day}.{month}.{year % 100:02d}",
        f"{day:02d}.{month:02d}.{year % 100:02d}",
    ]


def _code_forms(client) -> list[str]:
    forms = [client.identity_code_masked.rstrip("*")]
    forms.append(identity.decrypt(client.identity_code_encrypted))
    return [form for form in forms if form]


def _code_pattern(code: str) -> str:
    """The code in any spelling: ddmmyy, optional spaces, any century sign or none, optional
    spaces, the individual number and the check character ("020380-9234", "0203809234",
    "020380Y9234", "020380 - 9234"). Not preceded by a digit (then it is another number)."""
    return (
        r"(?<![0-9])"
        + re.escape(code[:6])
        + r"\s*[-+a-fu-y]?\s*"
        + re.escape(code[7:10])
        + re.escape(code[10:11])
    )


def _birth_date_pattern(born: datetime.date) -> str:
    """ddmmyy not preceded by a digit, whatever follows it: "140574", "140574-", "140574abc"."""
    return r"(?<![0-9])" + f"{born:%d%m%y}"


# Finnish case endings and clitics, accents folded as in clients.names.fold: a name is
# still the name as "Kaarinan", "Koivistolle" or "Kaarinakin" (a whole word with an
# ending), but not inside another word ("Koivistonkadulla", "onnistui" for Onni).
_CASE = r"(?:n|a|ta|na|ksi|ssa|sta|lla|lta|lle|tta|ineen|h[aeiouy]n|seen|sen|[aeiouy]n)"
_CLITIC = r"(?:kin|kaan)?"
_ENDING = _CASE + "?" + _CLITIC
# A stem is never a word alone: it takes a case ending or the plural -t ("Virtaset").
_STEM_ENDING = r"(?:" + _CASE + r"|t)" + _CLITIC

# Consonant gradation, strong to weak, in the name's last syllable (the consonants before
# its final vowel), tried in this order: "Antti" → "Anti-n", "Mikko" → "Miko-n", "Aalto"
# → "Aallo-n", "Virta" → "Virra-n", "Satu" → "Sadu-n", "Repo" → "Revo-n".
_GRADATION = (
    ("kk", "k"),
    ("tt", "t"),
    ("pp", "p"),
    ("nt", "nn"),
    ("nk", "ng"),
    ("mp", "mm"),
    ("lt", "ll"),
    ("rt", "rr"),
    ("t", "d"),
    ("p", "v"),
    ("k", ""),
)
_VOWELS = "aeiouy"
_LAST_SYLLABLE = re.compile(
    rf"^(?P<head>.*[{_VOWELS}])(?P<cluster>[^{_VOWELS}\s]+)(?P<vowel>[{_VOWELS}])$"
)
# A single t, p or k grades after a vowel or after h, l or r ("Lehto" → "Lehdo-n"), never
# after s or t ("Kristo", "Koski" keep theirs).
_SINGLE_GRADES_AFTER = set(_VOWELS) | set("hlr")


def _weak_stem(word: str) -> str | None:
    """The name on its weak grade ("antti" → "anti"), or None when its last syllable has no
    consonant that grades."""
    match = _LAST_SYLLABLE.match(word)
    if not match:
        return None
    head, cluster, vowel = match["head"], match["cluster"], match["vowel"]
    for strong, weak in _GRADATION:
        if not cluster.endswith(strong):
            continue
        before = (head + cluster[: -len(strong)])[-1:]
        if len(strong) == 1 and before not in _SINGLE_GRADES_AFTER:
            return None
        return head + cluster[: -len(strong)] + weak + vowel
    return None


# Surnames of old nature words ending in -i inflect on an e-stem: Niemi → Niemen, Niemeä;
# Lahti → Lahden; Koski → Kosken; Mäki → Mäen, Mäkeä; Lampi → Lammen. Only surnames are
# looked at so (a first name such as Heli inflects Helin), and their stems may be short,
# as Mäki's is: a text about a hill ("mäen päällä") is then worded otherwise.
MIN_SURNAME_E_STEM_LENGTH = 3


def _surname_e_stems(word: str) -> list[str]:
    """The e-stems of a surname ending in a consonant and -i ("niemi" → "nieme"; "lahti" →
    "lahte", "lahde"), both grades; none for other surnames."""
    if len(word) < 3 or not word.endswith("i") or word[-2] in _VOWELS or " " in word:
        return []
    strong = word[:-1] + "e"
    stems = [strong]
    if weak := _weak_stem(strong):
        stems.append(weak)
    return [stem for stem in stems if len(stem) >= MIN_SURNAME_E_STEM_LENGTH]


def _inflected_pattern(word: str, *, surname: bool = False) -> str:
    """The name as a whole word: as it is or with a case ending, and on its inflection
    stems with a case ending (see the module docstring); a `surname` also on its e-stems."""
    forms = [re.escape(word) + _ENDING]
    if surname:
        forms += [re.escape(stem) + _STEM_ENDING for stem in _surname_e_stems(word)]
    if " " not in word:
        stems = []
        if word.endswith("nen") and len(word) > len("nen"):
            # Virtanen: Virtase-n, Virtase-lle, Virtasi-a; Virtas-ta, Virtas-ten.
            base = word[: -len("nen")]
            stems += [base + "se", base + "si"]
            if len(base + "s") >= MIN_STEM_LENGTH:
                forms.append(re.escape(base + "s") + r"(?:ta|ten)" + _CLITIC)
        if weak := _weak_stem(word):
            stems.append(weak)
        forms += [re.escape(stem) + _STEM_ENDING for stem in stems if len(stem) >= MIN_STEM_LENGTH]
    # Word boundaries that understand Finnish letters: no letter or digit on either side.
    return r"(?<![\w])(?:" + "|".join(forms) + r")(?![\w])"


def _found(pattern: str, text: str) -> bool:
    return re.search(pattern, text, flags=re.IGNORECASE | re.UNICODE) is not None


def _contains_word(haystack: str, needle: str) -> bool:
    return _found(r"(?<![\w])" + re.escape(needle) + r"(?![\w])", haystack)


def _exact_age_pattern(age: int) -> str:
    """The client's exact age written as an age, which the age band shown in its place would
    give away: "52-vuotias", "52-vuotiaalle", "52 v.", "52v", "ikä 52", "iältään 52",
    "52-årig", "52 år gammal", "52 years old", "aged 52". The number alone ("52 tuntia",
    "viikko 52") or years of something else ("52 vuotta töissä") are not an age."""
    n = rf"(?<![0-9]){age}(?![0-9])"
    return (
        r"(?:"
        + rf"{n}\s*-?\s*(?:vuotia\w*|v\.|v(?![\w]))"
        + rf"|(?<![\w])(?:ikä|iältään|ålder|age[d]?)\s*:?\s*{n}"
        + rf"|{n}\s*-?\s*(?:årig\w*|år\s+gammal|years?\s*-?\s*old)"
        + r")"
    )


def identifying_mentions(client, text: str) -> list[str]:
    """What in `text` identifies the client, in words for the worker (a name as written in
    the client's data, whatever its case and accents in the text); empty when nothing does."""
    if not text:
        return []
    found: list[str] = []
    folded = fold(text)
    surnames = set(fold(client.last_name).split())
    names = [
        written
        for word, written in _name_words(client).items()
        if _found(_inflected_pattern(word, surname=word in surnames), folded)
    ]
    if names:
        found.append(_("asiakkaan nimi (%(names)s)") % {"names": ", ".join(names)})
    lowered = text.lower()
    codes = _code_forms(client)
    if any(code.lower() in lowered for code in codes) or any(
        _found(_code_pattern(code), text) for code in codes if len(code) == 11
    ):
        found.append(_("henkilötunnus"))
    elif _found(_birth_date_pattern(client.birth_date), text) or any(
        _contains_word(lowered, form) for form in _date_forms(client.birth_date)
    ):
        found.append(_("syntymäaika"))
    if _found(_exact_age_pattern(client.age_on(timezone.localdate())), text):
        found.append(_("tarkka ikä"))
    return found


def check_pseudonymous(client, **texts: str) -> None:
    """ValidationError, next to each field, when a text every participant sees (the question,
    the pseudonymous summary, the minutes, a recommendation) names the client or carries
    their code."""
    errors = {}
    for field, text in texts.items():
        found = identifying_mentions(client, text)
        if found:
            errors[field] = _(
                "Tekstissä on tunnistetietoja: %(found)s. Kirjoita se niin, ettei asiakasta voi tunnistaa."
            ) % {"found": ", ".join(found)}
    if errors:
        raise ValidationError(errors)


def age_band(client, on: datetime.date) -> str:
    """A band wide enough not to single anyone out: under 20, 20–24, 25–29, then decades."""
    age = client.age_on(on)
    if age < 20:
        return _("alle 20-vuotias")
    if age < 30:
        low = 20 if age < 25 else 25
        return _("%(low)s–%(high)s-vuotias") % {"low": low, "high": low + 4}
    low = age // 10 * 10
    return _("%(low)s–%(high)s-vuotias") % {"low": low, "high": low + 9}
