"""Who a log row is about: the clients app registers how to find and name a client.

audit imports no domain app (DESIGN.md "Layout"), yet the DPO's report needs
to find a client by identity code and show names. The clients app registers
two functions in its `AppConfig.ready()`:

    register_client_resolver(find_by_identity_code, describe_clients)

`find_by_identity_code(code, organisation_id)` returns the ClientSubject of that
organisation's register, or None, and raises
django.core.exceptions.ValidationError for an invalid code;
`describe_clients(uuids)` returns {uuid: ClientSubject} in one query.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ClientSubject:
    """What the logs need to know of a client: its id, its name, its organisation, and the
    language a report for the client is printed in unless another is chosen."""

    uuid: uuid.UUID
    name: str
    organisation_id: int | None
    language: str = "fi"


FindByIdentityCode = Callable[[str, int], ClientSubject | None]
DescribeClients = Callable[[Iterable[uuid.UUID]], dict[uuid.UUID, ClientSubject]]

_resolver: dict[str, Callable] = {}


def register_client_resolver(
    find_by_identity_code: FindByIdentityCode, describe_clients: DescribeClients
) -> None:
    """Registers (or replaces) the client implementation; calling it twice is harmless."""
    _resolver["find"] = find_by_identity_code
    _resolver["describe"] = describe_clients


def _get(name: str) -> Callable:
    try:
        return _resolver[name]
    except KeyError:
        raise ImproperlyConfigured(
            "No client resolver registered: the clients app calls "
            "audit.subjects.register_client_resolver() in its AppConfig.ready()."
        ) from None


def find_client_by_identity_code(code: str, organisation_id: int) -> ClientSubject | None:
    """The client with this identity code in the organisation's register, or None;
    ValidationError for an invalid code.

    The code is passed through and never stored or logged here.
    """
    return _get("find")(code, organisation_id)


def describe_clients(uuids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ClientSubject]:
    """Names and organisations of the given clients, in one query; unknown ids are left out."""
    wanted = {u for u in uuids if u is not None}
    if not wanted:
        return {}
    return _get("describe")(wanted)
