"""Readable names for what the logs store as codes: dotted action codes, role codes, and
the channels and purposes of disclosures.

Each app registers the labels of the action codes it writes (in its
`AppConfig.ready()`); an unregistered code is shown as it is, so a report is
never missing a row because a label is missing.

    register_action_labels({"consents.consent.revoked": _("Perui suostumuksen")})
"""

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


def register_action_labels(labels: dict[str, Label]) -> None:
    _actions.update(labels)


def register_role_labels(labels: dict[str, Label]) -> None:
    _roles.update(labels)


def register_channel_labels(labels: dict[str, Label]) -> None:
    _channels.update(labels)


def register_purpose_labels(labels: dict[str, Label]) -> None:
    _purposes.update(labels)


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
    """A text the logs keep in Finnish (what was disclosed: "Henkilöllisyys- ja
    yhteystiedot, Tulot ja etuudet"), shown in the reader's language: each comma-separated
    part that is one of Polku's own texts (a catalogue msgid, such as an information
    category) is translated; any other part, typed by a user, stays as it was logged."""
    from django.utils.translation import gettext

    return ", ".join(gettext(part) if part.strip() else part for part in text.split(", "))
