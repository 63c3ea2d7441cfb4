"""Polku's own words in a task or reminder, kept so that each reader sees them in their
own language.

A task follows responsibility to another worker, and a user may change their
language; a title rendered once, for the first assignee, would stay in that
person's language. So Polku keeps the message itself: a Finnish msgid, marked
with gettext_noop so that makemessages finds it, and its named parameters.

    Text(gettext_noop("Konsultaation suositus: {client} ({case})"), client=name, case=ref)

`render_text` renders it in the active language (the reader's) when a page
shows it: the one place where a stored title or description becomes text.
Parameters are kept as given: a name, a case reference, a date or time (which
read alike in every language: config/formats) is plain text; a lazy
translation (a service's or an organisation's name, a choice's label) is kept
rendered in each of settings.LANGUAGES. Words a person wrote (a
recommendation, a handover note) are content, not Polku's: they stay plain
text, shown as written.
"""

from collections.abc import Mapping

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise


class Text:
    """A message of Polku's own with its parameters, rendered in the reader's language."""

    def __init__(self, msgid: str, /, **params: object) -> None:
        if isinstance(msgid, Promise) or not msgid:
            raise TypeError("A Text is a msgid marked with gettext_noop, not a lazy text.")
        self.msgid = msgid
        self.params = {name: _stored(value) for name, value in params.items()}

    def render(self, language: str) -> str:
        with translation.override(language):
            return str(self)

    def __str__(self) -> str:
        """The text in the active language."""
        return render_text(self.msgid, self.params, fallback=self.msgid)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r}, **{self.params!r})"


def _stored(value: object) -> str | dict[str, str]:
    if isinstance(value, Promise):
        values = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                values[code] = str(value)
        return values
    return str(value)


def _in_language(value: str | Mapping[str, str], language: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get(settings.LANGUAGE_CODE) or ""


def render_text(msgid: str, params: Mapping, *, fallback: str) -> str:
    """The message `msgid` with `params` in the active language, or `fallback` (the text as
    stored) when there is no message (a person's words, a row from before messages were
    kept) or its translation names a parameter the message lacks."""
    if not msgid:
        return fallback
    language = translation.get_language() or settings.LANGUAGE_CODE
    values = {name: _in_language(value, language) for name, value in params.items()}
    try:
        return translation.gettext(msgid).format(**values)
    except (KeyError, IndexError, ValueError):
        return fallback
