"""Readable names for what the logs store as codes: dotted action codes, role codes, and
the channels and purposes of disclosures.

Each app registers the labels of the action codes it writes (in its
`AppConfig.ready()`); an unregistered code is shown as it is, so a report is
never missing a row because a label is missing.

    register_action_labels({"consents.consent.revoked": _("Perui suostumuksen")})
"""

import re
from collections.abc import Callable, Iterable

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

_actions: dict[str, Label] = {
    "audit.client_log.viewed": _("Katseli asiakkaan lokiraporttia"),
    "audit.client_log.exported": _("Vei asiakkaan lokiraportin tiedostoon (CSV)"),
    "audit.client_log.print_requested": _("Pyysi asiakkaan lokiraportin PDF-tulosteen"),
    "audit.client_log.printed": _("Tulosti asiakkaan lokiraportin (PDF)"),
    "audit.user_log.viewed": _("Katseli käyttäjän käyttölokia"),
    "audit.user_log.client_listed": _("Asiakas näkyi käyttäjän käyttölokissa"),
    "audit.statistics.viewed": _("Katseli lokitilastoja"),
}
_roles: dict[str, Label] = {}
_channels: dict[str, Label] = {}
_purposes: dict[str, Label] = {}
# Texts with %(name)s placeholders that apps write into the logs, kept there in Finnish.
LOG_REPORT_PRINTED = _("Lokiraportti ajalta %(period)s")
_logged_templates: list[Promise] = [LOG_REPORT_PRINTED]


# How the consents app names consent versions for the reports ({id: "Kelan lomake Y 100,
# versio 1, annettu 5.12.2026"}), in one query for all the ids; audit imports no domain app.
ConsentDescriber = Callable[[Iterable[int]], dict[int, str]]
_consent_describers: list[ConsentDescriber] = []


def register_consent_describer(describer: ConsentDescriber) -> None:
    """Registers (or replaces) how consent versions are named; calling it twice is harmless."""
    _consent_describers[:] = [describer]


def describe_consents(ids: Iterable[int]) -> dict[int, str]:
    """The registered names of the consent versions, in the current language; an id without
    one (none registered, or no such version) is left out."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted or not _consent_describers:
        return {}
    return _consent_describers[0](wanted)


def register_action_labels(labels: dict[str, Label]) -> None:
    _actions.update(labels)


def register_role_labels(labels: dict[str, Label]) -> None:
    _roles.update(labels)


def register_channel_labels(labels: dict[str, Label]) -> None:
    _channels.update(labels)


def register_purpose_labels(labels: dict[str, Label]) -> None:
    _purposes.update(labels)


def register_logged_texts(*templates: Promise) -> None:
    """Registers texts with %(name)s placeholders (lazy translations) that an app writes into
    the logs through `as_logged`, so that `logged_text` shows them in the reader's language."""
    for template in templates:
        if template not in _logged_templates:
            _logged_templates.append(template)


def as_logged(template: Label, **params) -> str:
    """One of Polku's own texts as the logs keep it: in Finnish, its placeholders filled."""
    with translation.override("fi"):
        text = str(template)
    return text % params if params else text


def _label(labels: dict[str, Label], code: str) -> str:
    """The code's readable name in the current language, or the code itself."""
    label = labels.get(code)
    return str(label) if label is not None else code


def action_label(code: str) -> str:
    return _label(_actions, code)


def role_label(code: str) -> str:
    return _label(_roles, code)


def channel_label(code: str) -> str:
    """A disclosure channel's name."""
    return _label(_channels, code)


def purpose_label(code: str) -> str:
    """A disclosure purpose's name."""
    return _label(_purposes, code)


def logged_text(text: str) -> str:
    """A text the logs keep in Finnish, shown in the reader's language. A registered
    template ("Lokiraportti ajalta 1.1.2026–5.12.2026") is translated with its values kept,
    and the comma-separated parts that may follow it (a category added to a case's details)
    as below; otherwise each comma-separated part that is one of Polku's own texts (a catalogue
    msgid, such as an information category: "Henkilöllisyys- ja yhteystiedot, Tulot ja
    etuudet") is translated, and any other part, typed by a user, stays as it was logged."""
    for template in _logged_templates:
        match = _pattern(as_logged(template)).fullmatch(text)
        if match:
            values = match.groupdict()
            rest = values.pop(_REST)
            translated = str(template) % values
            return f"{translated}, {_parts(rest)}" if rest is not None else translated
    return _parts(text)


def _parts(text: str) -> str:
    """Each comma-separated part that is a catalogue msgid translated; the others as they are."""
    from django.utils.translation import gettext

    return ", ".join(gettext(part) if part.strip() else part for part in text.split(", "))


# The group of _pattern that holds what follows a template (", " and further parts).
_REST = "rest_of_text"


def _pattern(finnish: str) -> re.Pattern:
    """The Finnish template as a pattern: each %(name)s placeholder a named group, and
    comma-separated parts that may follow the template in the group _REST."""
    pieces = re.split(r"%\((\w+)\)s", finnish)
    return re.compile(
        "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+?)"
            for index, piece in enumerate(pieces)
        )
        + f"(?:, (?P<{_REST}>.+))?"
    )
