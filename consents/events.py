"""The events an oral consent may be given for, offered by the apps that hold them.

An oral consent covers one transaction: one consultation session, one call
with Kela. Where Polku itself holds the event (a consultation session), the
worker picks it from a list and the consent names it by its reference, so that
`coverage` matches exactly that event and no other. An event Polku does not
hold (a call) gets a reference of its own when the consent is recorded, so two
calls on the same day are two events.

The consultations app registers its sessions here in its `ready()`; consents
never imports it:

    register_event_source(OralEventKind.CONSULTATION_SESSION, sessions_for_client)
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EventOption:
    """One event the client takes part in: `reference` is what coverage compares.

    `starts_at` and `ends_at`, when the source knows them (a consultation
    session's start and end), bound the event: an oral consent given for it
    covers nothing before it starts (not the morning before an afternoon
    session) and nothing after it ends.
    """

    reference: str
    label: str
    date: datetime.date
    ends_at: datetime.datetime | None = None
    starts_at: datetime.datetime | None = None


EventSource = Callable[[object], Iterable[EventOption]]

_sources: dict[str, EventSource] = {}


def register_event_source(kind: str, source: EventSource) -> None:
    """`source(client)` lists the events of `kind` an oral consent may be given for now."""
    _sources[kind] = source


def has_source(kind: str) -> bool:
    return kind in _sources


def event_options(kind: str, client) -> list[EventOption]:
    source = _sources.get(kind)
    return list(source(client)) if source else []


def find_event(kind: str, client, reference: str) -> EventOption | None:
    return next((o for o in event_options(kind, client) if o.reference == reference), None)


def own_reference(kind: str) -> str:
    """A reference for an event Polku does not hold, unique to the consent that names it."""
    return f"{kind}:{uuid.uuid4().hex}"
