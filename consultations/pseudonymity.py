"""What a pseudonymous case may say: no name, no identity code, an age band.

`identifying_mentions(client, text)` finds the client's names (first names,
last name, calling name: whole words, also with a Finnish case ending, case-
and accent-insensitive) and
identity code (the full code, its masked form, the birth date as ddmmyy and
as a written date) in a text the worker wants every participant to see;
`check_pseudonymous` refuses such a text.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clients import identity
from clients.names import fold

MIN_NAME_LENGTH = 2


def _name_words(client) -> set[str]:
    """Every name and every part of a double name ("Anna-Liisa": also "Anna" and "Liisa")."""
    words: set[str] = set()
    for name in (client.first_names, client.last_name, client.calling_name):
        folded = fold(name)
        if not folded:
            continue
        words.add(folded)
        words.update(part for part in folded.split() if len(part) >= MIN_NAME_LENGTH)
    return words


def _date_forms(born: datetime.date) -> list[str]:
    day, month, year = born.day, born.month, born.year
    return [
        f"{day:02d}{month:02d}{year % 100:02d}",
        f"{day}.{month}.{year}",
        f"{day:02d}.{month:02d}.{year}",
        f"{day}.{month}.{year % 100:02d}",
        f"{day:02d}.{month:02d}.{year % 100:02d}",
    ]


def _code_forms(client) -> list[str]:
    forms = [client.identity_code_masked.rstrip("*")]
    forms.append(identity.decrypt(client.identity_code_encrypted))
    return [form for form in forms if form]


# Finnish case endings and clitics, accents folded as in clients.names.fold: a name is
# still the name as "Kaarinan", "Koivistolle" or "Kaarinakin" (a whole word with an
# ending), but not inside another word ("Koivistonkadulla", "onnistui" for Onni).
_ENDING = (
    r"(?:n|a|ta|na|ksi|ssa|sta|lla|lta|lle|tta|ineen|h[aeiouy]n|seen|sen|[aeiouy]n)?"
    r"(?:kin|kaan)?"
)


def _contains_word(haystack: str, needle: str, *, inflected: bool = False) -> bool:
    # Word boundaries that understand Finnish letters: no letter or digit on either side.
    ending = _ENDING if inflected else ""
    pattern = r"(?<![\w])" + re.escape(needle) + ending + r"(?![\w])"
    return re.search(pattern, haystack, flags=re.IGNORECASE | re.UNICODE) is not None


def identifying_mentions(client, text: str) -> list[str]:
    """What in `text` identifies the client, in words for the worker; empty when nothing does."""
    if not text:
        return []
    found: list[str] = []
    folded = fold(text)
    names = sorted(
        word for word in _name_words(client) if _contains_word(folded, word, inflected=True)
    )
    if names:
        found.append(_("asiakkaan nimi (%(names)s)") % {"names": ", ".join(names)})
    lowered = text.lower()
    if any(code.lower() in lowered for code in _code_forms(client)):
        found.append(_("henkilötunnus"))
    elif any(_contains_word(lowered, form) for form in _date_forms(client.birth_date)):
        found.append(_("syntymäaika"))
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
