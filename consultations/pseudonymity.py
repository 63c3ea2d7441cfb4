"""What a pseudonymous case may say: no name, no identity code, an age band.

`identifying_mentions(client, text)` finds, case- and accent-insensitively:
- the client's names (first names, last name, calling name, each part of a
  double name or of a name with an apostrophe: "Brien" of O'Brien; the apostrophe typed
  in any of its forms, ’ ‘ ʼ ` ´ or ', or left out; ä, ö and å also spelt out as ae, oe
  and aa: "Maekelae", "Lindstroem") as whole words, also inflected: the name with a Finnish case
  ending ("Kaarinan", "Koivistolle"), a -nen surname on its own stems
  ("Virtanen": "Virtasen", "Virtaselle", "Virtasta") and a name on its weak
  consonant-gradation stem ("Antti": "Antin", "Mikko": "Mikon", "Satu":
  "Sadulla"), but never inside another word ("Koivistonkadulla", "onnistui"
  for Onni); a surname of an old nature word also on its e-stem ("Niemi": "Niemen",
  "Niemeä"; "Lahti": "Lahden"; "Mäki": "Mäen") and some on a consonant stem ("Saari":
  "Saarta"; "Lohi": "Lohta"); a name ending in a consonant on its
  -i- stem ("Lindqvist": "Lindqvistille", "Mikael": "Mikaelia") and, ending in a vowel
  and -s, also on its -kse- stem ("Rasmus": "Rasmukselle", "Tuomas": "Tuomaksen"); a
  surname ending in -as, -es or -is, or in -e, also on its long-vowel stem, whose
  consonants grade back to the strong grade ("Kangas": "Kankaan", "Kankaalla",
  "Kankaiden"; "Ahokas": "Ahokkaan"; "Kauris": "Kauriin"; "Rinne": "Rinteen", "Rinteellä";
  "Laine": "Laineelle"; "Lähde": "Lähteen"), also with the k its weak grade drops
  ("Varas": "Varkaan"; "Ruis": "Rukiin"; "Koe": "Kokeen"); a surname whose weak grade
  drops its k also on a weak stem of three letters ("Haka": "Haan"); k on its weak grade j
  or v where Finnish has one ("Kurki": "Kurjen"; "Luku": "Luvun"); a name with
  the Swedish genitive -s ("Kaarinas", "Lindqvists"); a name ending in a vowel also in
  the plural, as a family is named ("Koivistot", "Koivistojen", "Koivistoilla";
  "Mäkelät", "Mäkelöille"; "Tietävät", "Tietäville": _plural_forms);
- the identity code in any spelling (with or without the century sign, any
  century sign, spaces around it, either case), its masked form, and the
  birth date as ddmmyy (also run into other characters) and as a written date
  ("14.5.1974", "14.05.74", "14. 5. 1974", with slashes or hyphens: "14/5/1974",
  "14-05-1974", with spaces alone: "14 05 74", and in ISO order: "1974-05-14"; with the
  month's name in Finnish, Swedish or English: "14. toukokuuta 1974", "toukokuun 14.
  päivänä 1974", "den 14 maj 1974", "14 May 1974", "May 14, 1974", "14th of May 1974");
- the client's exact age written as an age ("52-vuotias", "52 v.", "ikä 52", "on 52
  vuotta", "täyttää 52 vuotta", "är 52 år", "fyller 52 år", "is 52", "turns 52"), and their
  birth year written as one ("s. 1974", "syntynyt vuonna 1974", "född 1974"): the
  pseudonymous case shows an age band instead.
`check_pseudonymous` refuses such a text; given the other clients whose cases the same
participants read (the session's agenda), it refuses a text naming one of them too.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clients import identity
from clients.names import fold

MIN_NAME_LENGTH = 2
# An inflection stem shorter than this is not looked for: it would spell common words
# with an ending ("Saku" → "sau-na", "Aki" → "ai-na"); the name itself still is.
MIN_STEM_LENGTH = 4


# Apostrophes as they are typed: the typographic ones, the modifier letter and the accents a
# keyboard gives in their place ("O’Brien", "OʼBrien", "O`Brien", "O´Brien"), read as "'".
# Done before folding: fold() would make the acute accent a space.
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ`´′", "'"))
# ä, ö and å spelt out, as on a keyboard or in a system without them ("Maekelae",
# "Lindstroem", "Aaberg"). Only looked for in names that have these letters: read so in
# every text, "ae" would no longer spell "Mikael".
_SPELT_OUT = str.maketrans({"ä": "ae", "ö": "oe", "å": "aa"})
# A name's parts: it is split at white space, hyphens and apostrophes.
_PART_BREAK = re.compile(r"[\s'-]+")


def _fold(text: str) -> str:
    """clients.names.fold, with every apostrophe as "'" (the search column's own folding is
    not changed)."""
    return fold((text or "").translate(_APOSTROPHES))


def _name_forms(name: str) -> dict[str, str]:
    """One name's forms looked for, folded → as written: the name, its spelling with ä, ö
    and å spelt out when it has them, either without its apostrophes ("OBrien"), and each
    part of them ("Anna-Liisa": "Anna", "Liisa"; "O'Brien": "Brien") of MIN_NAME_LENGTH
    letters or more (the O of O'Brien is no name alone)."""
    written = " ".join((name or "").translate(_APOSTROPHES).split())
    written_parts = [part for part in _PART_BREAK.split(written) if part]
    forms: dict[str, str] = {}
    for folded in dict.fromkeys([_fold(written), _fold(written.lower().translate(_SPELT_OUT))]):
        if not folded:
            continue
        forms.setdefault(folded, written)
        if "'" in folded:
            forms.setdefault(folded.replace("'", ""), written)
        folded_parts = [part for part in _PART_BREAK.split(folded) if part]
        # Told to the worker as written, part for part ("Mätti", not "matti").
        shown = written_parts if len(written_parts) == len(folded_parts) else folded_parts
        for part, folded_part in zip(shown, folded_parts, strict=True):
            if len(folded_part) >= MIN_NAME_LENGTH:
                forms.setdefault(folded_part, part)
    return forms


def _name_words(client) -> dict[str, str]:
    """Every name and every part of a double name ("Anna-Liisa": also "Anna" and "Liisa"),
    folded (as looked for) → as written in the client's data (as the worker is told of it:
    "Mätti", not "matti"), in the order of the name: first names, last name, calling name;
    each also in the forms of `_name_forms`."""
    words: dict[str, str] = {}
    for name in (client.first_names, client.last_name, client.calling_name):
        for folded, written in _name_forms(name).items():
            words.setdefault(folded, written)
    return words


def _written_date_pattern(born: datetime.date) -> str:
    """The birth date written as a date, not preceded or followed by a digit: day, month and
    year with dots, slashes or hyphens between them, spaces around these or not, or with
    spaces alone ("14.5.1974", "14. 5. 1974", "14/05/74", "14-05-1974", "14 05 74"), and
    in ISO order with a four-figure year ("1974-05-14", "1974-5-14"). A day or month under
    ten may have its zero or not."""
    day = f"0?{born.day}" if born.day < 10 else str(born.day)
    month = f"0?{born.month}" if born.month < 10 else str(born.month)
    year = f"(?:{born.year}|{born.year % 100:02d})"
    between = r"\s*[./-]\s*"
    written = rf"{day}(?:{between}{month}{between}|\s+{month}\s+){year}"
    iso = rf"{born.year}{between}{month}{between}{day}"
    return rf"(?<![0-9])(?:{written}|{iso})(?![0-9])"


# The months by name, folded: the Finnish stem (with "kuu" in any case, "maaliskuuta",
# "maaliskuun", or cut short, "maalisk."), the Swedish and English names and their
# abbreviations.
_MONTH_NAMES = (
    ("tammi", "januari", "january", "jan"),
    ("helmi", "februari", "february", "feb"),
    ("maalis", "mars", "march", "mar"),
    ("huhti", "april", "apr"),
    ("touko", "maj", "may"),
    ("kesa", "juni", "june", "jun"),
    ("heina", "juli", "july", "jul"),
    ("elo", "augusti", "august", "aug"),
    ("syys", "september", "sept", "sep"),
    ("loka", "oktober", "october", "okt", "oct"),
    ("marras", "november", "nov"),
    ("joulu", "december", "dec"),
)


def _month_name_date_pattern(born: datetime.date) -> str:
    """The birth date written with the month's name, in the folded text, with its year (a
    day of the year alone is any year's): day first, "2. maaliskuuta 1980", "2.
    päivänä maaliskuuta vuonna 1980", "2 mars 1980", "den 2:a mars 1980", "2 March 1980",
    "2nd of March 1980", "02 Mar. 1980"; or the month first, "maaliskuun 2. päivänä
    1980", "March 2, 1980", "March 2nd, 1980"."""
    finnish, *others = _MONTH_NAMES[born.month - 1]
    month = rf"(?:{finnish}k(?:uu\w*|\.)|(?:{'|'.join(others)})(?![\w])\.?)"
    digits = f"0?{born.day}" if born.day < 10 else str(born.day)
    day = rf"(?<![0-9]){digits}(?![0-9])(?:\.|:[ae]|st|nd|rd|th)?"
    day_word = r"(?:\s*(?:paivana|paiva|pna|p\.))?"
    year = rf",?\s*(?:(?:vuonna|v\.|ar)\s*)?(?:{born.year}|'{born.year % 100:02d})(?![0-9])"
    day_first = rf"{day}{day_word}\s*(?:of\s+)?{month}{year}"
    month_first = rf"(?<![\w]){month}\s*{day}{day_word}{year}"
    return rf"(?:{day_first}|{month_first})"


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
_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_LAST_SYLLABLE = re.compile(
    rf"^(?P<head>.*[{_VOWELS}])(?P<cluster>[^{_VOWELS}\s]+)(?P<vowel>[{_VOWELS}])$"
)
# A single t, p or k grades after a vowel or after h, l or r ("Lehto" → "Lehdo-n"), never
# after s or t ("Kristo", "Koski" keep theirs).
_SINGLE_GRADES_AFTER = set(_VOWELS) | set("hlr")
# Where k's weak grade is not ∅: v between two u or two y ("Luku" → "Luvun", "Kyky" →
# "Kyvyn"), j after l or r before e (the e-stem of "Kurki" → "Kurjen", "Jälki" → "Jäljen").
_K_WEAK_BETWEEN = {("u", "u"): "v", ("y", "y"): "v", ("l", "e"): "j", ("r", "e"): "j"}


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
        if strong == "k":
            if before in "lr" and vowel == "i":
                # No such stem: "Kurki" inflects on its e-stem ("Kurjen"), "Jyrki" keeps its k
                # ("Jyrkin"); "kuri-" would refuse the word for discipline ("kurin").
                return None
            weak = _K_WEAK_BETWEEN.get((before, vowel), weak)
        return head + cluster[: -len(strong)] + weak + vowel
    return None


# A surname's weak stem may be three letters when its k is dropped ("Haka" → "Haan"); it
# is then looked for with the endings of the weak grade only (not with the essive -na,
# the partitive or the illative, which take the strong one), so "Saku" as a surname would
# not refuse "sauna". Not on -i or -e: such a surname inflects on an e-stem or a long
# vowel (Joki → Joen; Koe → Kokeen), and the short i-stem would refuse the words "joissa",
# "joille" (forms of "joka") for Joki and "lain" for Laki; a text about a client Laki
# says "lain" unrefused, a rare surname's miss against a common surname's every text.
MIN_SURNAME_WEAK_STEM_LENGTH = 3
_WEAK_GRADE_ENDING = r"(?:n|t|ssa|sta|lla|lta|lle|ksi|tta)" + _CLITIC


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


# Some of them take the partitive and the plural genitive on a consonant stem: Saari →
# Saarta, Saarten; Vuori → Vuorta; Lohi → Lohta; Tuuli → Tuulta; Kuusi → Kuusta. Looked for
# after a vowel and a single h, l, n, r or s, on a stem of three letters (four before s:
# "Lasi" would refuse "lasta").
_CONSONANT_STEM_AFTER = set("hlnrs")


def _surname_consonant_stem(word: str) -> str | None:
    """The consonant stem of a surname ending in a vowel, h, l, n, r or s and -i ("saari"
    → "saar", "lohi" → "loh"), or None."""
    if len(word) < 4 or not word.endswith("i") or " " in word:
        return None
    stem = word[:-1]
    if stem[-1] not in _CONSONANT_STEM_AFTER or stem[-2] not in _VOWELS:
        return None
    if stem[-1] == "s" and len(stem) < MIN_STEM_LENGTH:
        return None
    return stem


# A name ending in a consonant is looked for on its stems only when it has at least this
# many letters: a shorter one's stem spells common words with an ending ("Per": "perille").
MIN_CONSONANT_NAME_LENGTH = 4


def _consonant_stems(word: str) -> list[str]:
    """The stems of a name ending in a consonant: the -i- stem of a name of another
    language ("lindqvist" → "lindqvisti": Lindqvistin, Lindqvistille, Lindqvistiä; "mikael"
    → "mikaeli") and, for a name ending in a vowel and -s, the Finnish -kse- stem as well
    ("rasmus" → "rasmukse": Rasmuksen, Rasmukselle; "tuomas" → "tuomakse"). None for a
    name ending in a vowel, a -nen surname (its own stems above) or a short name."""
    if len(word) < MIN_CONSONANT_NAME_LENGTH or word[-1] in _VOWELS or word.endswith("nen"):
        return []
    stems = [word + "i"]
    if word[-1] == "s" and word[-2] in _VOWELS:
        stems.append(word[:-1] + "kse")
    return stems


# Reverse consonant gradation, weak to strong. A surname whose base form once ended in a
# closed syllable has its last consonants on the weak grade and its vowel stem on the
# strong one: "Kangas" → "Kankaa-n", "Rinne" → "Rinte-en". Tried on the consonants before
# the base form's last vowel, in this order; the first that fits gives the strong grade.
_REVERSE_GRADATION = (
    ("ng", "nk"),  # Kangas → Kankaan, Kuningas → Kuninkaan
    ("mm", "mp"),  # Lammas → Lampaan, Lumme → Lumpeen
    ("nn", "nt"),  # Rinne → Rinteen, Vanne → Vanteen (only on -e: see below)
    ("ll", "lt"),  # Helle → Helteen (only on -e)
    ("rr", "rt"),  # Aarre → Aarteen (only on -e)
    ("d", "t"),  # Lähde → Lähteen, Hidas → Hitaan
    ("k", "kk"),  # Ahokas → Ahokkaan, Kivekäs → Kivekkään
    ("t", "tt"),  # Ratas → Rattaan
    ("p", "pp"),  # Lipas → Lippaan
    ("v", "p"),  # Tarve → Tarpeen, Varvas → Varpaan
)
# A surname on -as, -es or -is keeps its nn, ll or rr: such surnames inflect on -kse- or on
# their own consonants (Kunnas → Kunnaksen, Kallas → Kallaan), and the strong grade would
# spell common words ("kuntaan" for Kunnas, "kantaan" for Kannas).
_KEPT_IN_CONTRACTED = ("nn", "ll", "rr")
# A single k, t, p or v is a weak grade only after a vowel, l or r ("Hurskas" →
# "Hurskaan" keeps its sk). Left out: j → k (no surname known to need it).
_REVERSE_SINGLE_AFTER = set(_VOWELS) | set("lr")
# k → ∅: a k of the strong grade that the weak one drops. Where it goes cannot be told
# from the base form, so it is looked for besides the stem as written, in the two places
# where Finnish drops it: between two vowels ("Kiuas" → "Kiukaan", "Ruis" → "Rukiin",
# "Koe" → "Kokeen": then there is nothing else to look for) and after a single l, r or h
# before the last vowel of a name on -as, -es or -is ("Varas" → "Varkaan", besides
# "Vieras" → "Vieraan", "Kaunis" → "Kauniin"). The stems with the k are rarely other
# words ("varkaa-", "rukii-", "kokee-" are the names' own forms), so the guess costs
# little; and the base form must still have three letters ("Koe", "Ies"), the stem four.
_K_DROPPED_AFTER = set("lrh")
MIN_K_DROPPED_NAME_LENGTH = 3
# The vowels before a final -s whose word inflects on a long vowel (Kangas → Kankaan,
# Kirves → Kirveen, Kauris → Kauriin; -äs is folded to -as). A name on -us, -ys or -os
# inflects on -kse- (Rasmus → Rasmuksen) or -de- (Kalleus → Kalleuden), never so.
_CONTRACTED_VOWELS = "aei"
# The plural endings on the plural stem ("Kankai-den", "Rintei-llä", "Kankai-siin"), fewer
# than the singular ones: "kaltai-sta", "kaltai-sen" are forms of kaltainen, not of a name.
_PLURAL_ENDING = r"(?:den|tten|ta|ssa|lla|lta|lle|hin|siin)" + _CLITIC


def _strong_grade(head: str, cluster: str, *, kept: tuple[str, ...] = ()) -> str | None:
    """The consonants `cluster`, after `head`, on their strong grade ("ng" → "nk"), or None
    when none of them grades back (or they end in one of `kept`)."""
    for weak, strong in _REVERSE_GRADATION:
        if not cluster.endswith(weak):
            continue
        before = (head + cluster[: -len(weak)])[-1:]
        if weak in kept or (len(weak) == 1 and weak != "d" and before not in _REVERSE_SINGLE_AFTER):
            return None
        return cluster[: -len(weak)] + strong
    return None


def _surname_strong_stems(word: str) -> tuple[list[str], list[str]]:
    """The long-vowel stems of a surname ending in -as, -es or -is, or in -e, singular and
    plural, on the strong grade and as the base form has its consonants (they may be ones
    that do not grade: Kallis → Kalliin, Kirves → Kirveen): "kangas" → ["kankaa", "kangaa"],
    ["kankai", "kangai"]; "rinne" → ["rintee", "rinnee"], ["rintei", "rinnei"]; with a k
    restored where the weak grade dropped it: "varas" → ["varkaa", "varaa"], ...; "ruis" →
    ["rukii"], ["rukii"]; "koe" → ["kokee"], ["kokei"]. None for other surnames or a
    short one.

    Only surnames are looked at so: a first name on -e or -as inflects on its own vowel
    ("Aune": "Aunelle"; "Helle": "Hellen", while "helteessä" is the weather) or on -kse-
    ("Tuomas"). A surname that is a word ("Laine", "Kangas") has that word's forms
    refused with it ("laineilla" is also the Laines, "kankaalla" also Kangas), as Mäki's
    "mäen" is: a text about waves or cloth is then worded otherwise."""
    if len(word) < MIN_K_DROPPED_NAME_LENGTH or " " in word:
        return [], []
    contracted = word.endswith("s") and word[-2] in _CONTRACTED_VOWELS
    if contracted:
        base, kept = word[:-1], _KEPT_IN_CONTRACTED  # "kangas" → "kanga"
    elif word.endswith("e"):
        base, kept = word, ()  # "rinne"
    else:
        return [], []
    if match := _LAST_SYLLABLE.match(base):
        if len(word) < MIN_CONSONANT_NAME_LENGTH:
            return [], []
        head, cluster, vowel = match["head"], match["cluster"], match["vowel"]
        clusters = [cluster]
        if strong := _strong_grade(head, cluster, kept=kept):
            clusters.insert(0, strong)
        elif contracted and cluster in _K_DROPPED_AFTER:
            clusters.insert(0, cluster + "k")  # "Varas" → "Varkaan"
    elif len(base) >= 2 and base[-2] in _VOWELS and base[-2] != base[-1]:
        # A vowel before the last one ("Kiuas", "Ruis", "Koe"): the k between them was
        # dropped. Not after the same vowel: "-aas", "-ee" are a long vowel, not this.
        head, clusters, vowel = base[:-1], ["k"], base[-1]
    else:
        return [], []
    singular = [head + c + vowel + vowel for c in clusters]
    plural = [head + c + vowel + "i" for c in clusters]
    return (
        [stem for stem in singular if len(stem) >= MIN_STEM_LENGTH],
        [stem for stem in plural if len(stem) >= MIN_STEM_LENGTH],
    )


# Plural forms of a name ending in a vowel: the family, "Koivistot", "Koivistojen perhe",
# "Koivistoilla", "Mäkelät", "Mäkelöille", "Tietävät", "Tietäville". The plural -t on the
# name itself; the plural -i- stem with the case endings; the plural genitive and
# partitive on -j- after the stem's vowel ("Koivisto-jen", "Koivisto-ja"). The plural stem
# changes the name's last vowel as Finnish does: o, u and y keep it ("Koivistoi-lle"), e
# keeps it too ("Kallei-lle"), a and ä become o ("Mäkelöi-lle", "Sannoi-lle") or are
# dropped before the i ("Tietävi-lle", "Kukki-en"): in a name of two syllables a becomes
# i after o or u in the first ("Honka": "Honkien") and o otherwise ("Ranta": "Rannoille"),
# ä becomes i ("Kylä": "Kylille"); in a longer name either may be. A name on -i inflects
# in the plural much as in the singular ("Niemi-lle", "Niemi-en", "Nieme-t"), a -nen
# surname and a surname on -as, -es or -is or on -e on their own plural stems above.
_PLURAL_I_CASE = r"(?:lle|lla|ssa|sta|lta|ksi|na|ne|hin|tta|den|tten|ta)"
_PLURAL_J_CASE = r"(?:jen|ja)"
# After a plural stem that dropped the name's last vowel ("tietävi-"): -en and -a, no j.
_PLURAL_DROPPED_CASE = r"(?:en|a)"


def _syllables(word: str) -> int:
    return len(re.findall(rf"[{_VOWELS}]+", word))


def _plural_forms(word: str, written: str) -> list[str]:
    """The patterns of the plural of `word` (folded; `written` as in the client's data, whose
    ä and ö fold tells apart): see above. None for a name ending in a consonant or in -i,
    or on a stem shorter than MIN_STEM_LENGTH."""
    last = word[-1:]
    if last not in "aeouy" or len(word) < MIN_STEM_LENGTH:
        return []
    forms = [re.escape(word) + "t" + _CLITIC]  # Koivistot, Mäkelät, Tietävät
    stems = [word]
    if weak := _weak_stem(word):
        stems.append(weak)  # Mikko: Miko-ille; Virta: Virro-ille
    for stem in stems:
        if len(stem) < MIN_STEM_LENGTH:
            continue
        head = stem[:-1]
        if last != "a":
            kept = [stem]  # Koivisto-i-lle, Kalle-i-lle
            dropped = []
        elif _syllables(word) > 2:
            kept, dropped = [head + "o"], [head]  # Mäkelö-i-lle, Tietäv-i-lle
        elif written.lower().endswith("ä") or word.lstrip(_CONSONANTS)[:1] in "ou":
            kept, dropped = [], [head]  # Kyl-i-lle, Honk-i-en
        else:
            kept, dropped = [head + "o"], []  # Ranno-i-lle, Sanno-ja
        for base in kept:
            forms.append(re.escape(base + "i") + _PLURAL_I_CASE + _CLITIC)
            forms.append(re.escape(base) + _PLURAL_J_CASE + _CLITIC)
        for base in dropped:
            forms.append(
                re.escape(base + "i")
                + r"(?:"
                + _PLURAL_I_CASE
                + "|"
                + _PLURAL_DROPPED_CASE
                + ")"
                + _CLITIC
            )
    return forms


def _inflected_pattern(word: str, *, surname: bool = False, written: str = "") -> str:
    """The name as a whole word: as it is or with a case ending, and on its inflection
    stems with a case ending (see the module docstring); a `surname` also on its e-stems
    and its long-vowel stems."""
    # As it is, with a Finnish ending, or with the Swedish genitive -s ("Kaarinas").
    forms = [re.escape(word) + r"(?:s|" + _ENDING + r")"]
    if surname:
        forms += [re.escape(stem) + _STEM_ENDING for stem in _surname_e_stems(word)]
        if consonant_stem := _surname_consonant_stem(word):
            forms.append(re.escape(consonant_stem) + r"(?:ta|ten)" + _CLITIC)  # Saar-ta
        singular, plural = _surname_strong_stems(word)
        forms += [re.escape(stem) + _STEM_ENDING for stem in singular]
        forms += [re.escape(stem) + _PLURAL_ENDING for stem in plural]
        if singular and word.endswith("s"):
            # Kangas: Kangas-ten, besides Kankai-den.
            forms.append(re.escape(word) + "ten" + _CLITIC)
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
        if (
            surname
            and weak
            and MIN_SURNAME_WEAK_STEM_LENGTH <= len(weak) < MIN_STEM_LENGTH
            and word[-1] not in "ie"
        ):
            forms.append(re.escape(weak) + _WEAK_GRADE_ENDING)  # Haka: Haa-n, Haa-lle
        stems += _consonant_stems(word)
        forms += [re.escape(stem) + _STEM_ENDING for stem in stems if len(stem) >= MIN_STEM_LENGTH]
        forms += _plural_forms(word, written or word)
    # Word boundaries that understand Finnish letters: no letter or digit on either side.
    return r"(?<![\w])(?:" + "|".join(forms) + r")(?![\w])"


def _found(pattern: str, text: str) -> bool:
    return re.search(pattern, text, flags=re.IGNORECASE | re.UNICODE) is not None


# Where a clause ends after a number: a mark, the end of the line, or "and" ("Asiakas on 41
# vuotta ja asuu yksin"). "Asiakas on 41 vuotta" is an age; "on 41 vuotta työkokemusta" is not.
_CLAUSE_END = r"(?=\s*(?:[.,;:!?)\n]|$)|\s+(?:ja|eika|mutta|och|men|and|but)(?![\w]))"
# When an English or Swedish "turns 41" goes on: "turned 41 last week", "fyller 41 i maj".
_TIME_AFTER = (
    r"(?=\s+(?:in|on|at|last|next|this|today|yesterday|tomorrow|soon"
    r"|i|pa|nasta|om|snart|idag|imorgon)(?![\w]))"
)


def _exact_age_pattern(age: int) -> str:
    """The client's exact age written as an age, in the folded text, which the age band shown
    in its place would give away: "52-vuotias", "52-vuotiaalle", "52 v.", "52v", "ikä 52",
    "iältään 52", "52 vuotta vanha", "52 vuoden ikäinen", "52-årig", "52 år gammal",
    "vid 52 års ålder", "52 years old", "52 years of age", "aged 52"; and after a verb
    saying what age one is or turns: "on 52 vuotta", "oli 52 vuotta" (where the clause ends
    there), "täyttää 52 vuotta", "täytti 52", "är 52 år", "var 52 år", "fyller 52 år",
    "blir 52 år", "is 52", "was 52" (where the clause ends there), "turns 52", "turned 52
    last week". The number alone ("52 tuntia", "viikko 52") or years of something else
    ("52 vuotta töissä", "on 52 vuotta työkokemusta", "siitä on 52 vuotta", "det är 52 år
    sedan", "52 years ago") are not an age."""
    n = rf"(?<![0-9]){age}(?![0-9])"
    # The verb a whole word, not the end of another one ("ton 52", "this 52").
    verb = r"(?<![\w'])"
    return (
        r"(?:"
        + rf"{n}\s*-?\s*(?:vuotia\w*|v\.|v(?![\w]))"
        + rf"|(?<![\w])(?:ika|ialtaan|alder|age[d]?)\s*:?\s*{n}"
        + rf"|{n}\s*-?\s*(?:arig\w*|ar\s+gammal|years?\s*-?\s*old)"
        + rf"|{n}\s+(?:vuotta\s+vanh\w*|vuoden\s+ikai\w*|ars\s+alder|years?\s+of\s+age)"
        # "Siitä on 52 vuotta" (it is 52 years since) is no age.
        + rf"|{verb}(?<!siita )(?<!tasta )(?<!siihen )(?:on|oli)\s+{n}\s+vuotta{_CLAUSE_END}"
        + rf"|{verb}taytt\w*\s+{n}(?:\s+vuotta(?![\w])|{_CLAUSE_END})"
        + rf"|{verb}(?:ar|var|blir|blev)\s+{n}\s+ar(?![\w])(?!\s+(?:sedan|senare|kvar))"
        + rf"|{verb}(?:fyller|fyllde|fyllt)\s+{n}(?:\s+ar(?![\w])|{_CLAUSE_END}|{_TIME_AFTER})"
        + rf"|(?:{verb}(?:is|was)|'s)\s+{n}(?:\s+years?)?{_CLAUSE_END}"
        + rf"|{verb}turn(?:s|ed|ing)?\s+{n}(?:{_CLAUSE_END}|{_TIME_AFTER})"
        + r")"
    )


def _birth_year_pattern(born: datetime.date) -> str:
    """The birth year written as one, in the folded text: after a word for birth ("s. 1974",
    "s.1974", "synt. 1974", "syntynyt vuonna 1974", "syntymävuosi: 1974", "född 1974",
    "born in 1974", also "s. -74" or "s. '74") or before one ("1974 syntynyt", "vuonna 1974
    syntynyt", "74-syntynyt"). A decade ("syntynyt 1970-luvulla", "född på 1970-talet") or
    the year alone ("vuodesta 1974") is not a birth year."""
    year = rf"(?<![0-9])(?:{born.year}|'?{born.year % 100:02d})(?![0-9])(?!\s*(?:luv|luk|tal))"
    before = (
        r"(?<![\w])(?:s\.|synt\.|syntyn\w*|syntyi|syntymavuo\w*|fodd|f\.|fodelsear\w*"
        r"|born|b\.|birth\s+year|year\s+of\s+birth)"
    )
    joiner = r"\s*:?\s*(?:(?:vuonna|v\.|ar|in)\s*)?"
    after = r"\s*(?:syntyn\w*|syntyi|fodd\w*|born)(?![\w])"
    return rf"(?:{before}{joiner}{year}|(?<![\w']){year}{after})"


def _identity_mentions(client, text: str, folded: str) -> list[str]:
    """The client's names, identity code or birth date in `text` (`folded` is it folded)."""
    found: list[str] = []
    surnames = set(_name_forms(client.last_name))
    names = [
        written
        for word, written in _name_words(client).items()
        if _found(_inflected_pattern(word, surname=word in surnames, written=written), folded)
    ]
    if names:
        found.append(_("asiakkaan nimi (%(names)s)") % {"names": ", ".join(names)})
    lowered = text.lower()
    codes = _code_forms(client)
    if any(code.lower() in lowered for code in codes) or any(
        _found(_code_pattern(code), text) for code in codes if len(code) == 11
    ):
        found.append(_("henkilötunnus"))
    elif (
        _found(_birth_date_pattern(client.birth_date), text)
        or _found(_written_date_pattern(client.birth_date), text)
        or _found(_month_name_date_pattern(client.birth_date), folded)
    ):
        found.append(_("syntymäaika"))
    return found


def identifying_mentions(client, text: str) -> list[str]:
    """What in `text` identifies the client, in words for the worker (a name as written in
    the client's data, whatever its case and accents in the text); empty when nothing does."""
    if not text:
        return []
    folded = _fold(text)
    found = _identity_mentions(client, text, folded)
    # The code and the birth date carry the year already.
    dated = _("henkilötunnus") in found or _("syntymäaika") in found
    if not dated and _found(_birth_year_pattern(client.birth_date), folded):
        found.append(_("syntymävuosi"))
    # Folded line by line: where a line ends, a clause ends ("Asiakas on 52 vuotta\n...").
    folded_lines = "\n".join(_fold(line) for line in text.splitlines())
    if _found(_exact_age_pattern(client.age_on(timezone.localdate())), folded_lines):
        found.append(_("tarkka ikä"))
    return found


def names_another_client(others, text: str) -> bool:
    """Whether `text` names one of `others` (the clients of the other cases its readers
    see) or carries their identity code or birth date. Their age and birth year are not
    looked for: a number that happens to be another client's age is no name."""
    if not text:
        return False
    folded = _fold(text)
    return any(_identity_mentions(other, text, folded) for other in others)


def check_pseudonymous(client, *, others=(), tell_what: bool = True, **texts: str) -> None:
    """ValidationError, next to each field, when a text every participant sees (the question,
    the pseudonymous summary, the minutes, a recommendation) names the client or carries
    their code, or names one of `others`: the clients of the other cases on the session's
    agenda, whom the same participants may see only pseudonymously. That error does not
    say which case's client matched.

    `tell_what` says what identified the client (their name as written, the code), for a
    writer who knows the client (the worker asking). Without it, for a writer who may see
    the case only pseudonymously (the coordinator's note, reason, minutes and
    recommendations), every match gets one message that confirms no guess: neither what
    matched nor whose it was."""
    errors = {}
    for field, text in texts.items():
        found = identifying_mentions(client, text)
        if found and tell_what:
            errors[field] = _(
                "Tekstissä on tunnistetietoja: %(found)s. Kirjoita se niin, ettei asiakasta voi tunnistaa."
            ) % {"found": ", ".join(found)}
        elif found or names_another_client(others, text):
            errors[field] = (
                _(
                    "Tekstissä on toisen esityslistan asiakkaan nimi, henkilötunnus tai syntymäaika. "
                    "Kaikki osallistujat näkevät tekstin: kirjoita se niin, ettei ketään asiakasta "
                    "voi tunnistaa."
                )
                if tell_what
                else UNNAMED_MATCH
            )
    if errors:
        raise ValidationError(errors)


# What a writer who may see the case pseudonymously is told when a text identifies a client.
UNNAMED_MATCH = _lazy(
    "Tekstissä on asiakkaan tunnistetietoja (nimi, henkilötunnus, syntymäaika tai ikä). Kaikki "
    "osallistujat näkevät tekstin: kirjoita se niin, ettei ketään asiakasta voi tunnistaa."
)


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
