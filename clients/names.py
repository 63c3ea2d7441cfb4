"""Name search: every beginning of every word of the name, folded in Python (lower case,
accents folded), stored as an array with a GIN index. A query matches when each of its
words begins some word of the name, in any order: "aino äijälä", "äijälä aino" and
"kerttu" all find "Aino Kerttu Äijälä". Core PostgreSQL only (`@>` on text[])."""

import unicodedata

from config.ordering import alphabetical_key

# Finnish and Swedish letters stay letters of their own alphabet: å, ä, ö are
# folded to a, a, o only for search, so "Åkerlund" is found by "akerl" and "åkerl".
_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").lower().translate(_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").split())


def search_key(first_names: str, last_name: str) -> str:
    """Stored with each client: "<last> <first names>", folded."""
    return fold(f"{last_name} {first_names}")


# The length of the list order's key (Client.search_name).
SORT_NAME_MAX_LENGTH = 320


def sort_name(first_names: str, last_name: str) -> str:
    """Stored with each client as the list order's key: "<last> <first names>" in the
    alphabetical order of Finnish and Swedish (config/ordering.py: å, ä, ö after z).

    Folding may make a letter several (ß is ss, a ligature such as ﬃ three letters), so the
    key of names as long as the form takes may outgrow its column: it is cut to the column's
    length, which orders all but names alike for their first 320 letters."""
    return alphabetical_key(f"{last_name} {first_names}")[:SORT_NAME_MAX_LENGTH]


# Longer query words are cut to this length, as the stored beginnings are.
MAX_PREFIX = 30


def search_prefixes(first_names: str, last_name: str) -> list[str]:
    """Stored with each client: every beginning of every word of the name, folded."""
    words = search_key(first_names, last_name).split()
    return sorted({word[:n] for word in words for n in range(1, min(len(word), MAX_PREFIX) + 1)})


def query_words(text: str) -> list[str]:
    """The words of a search, folded and cut as the stored beginnings are."""
    return sorted({word[:MAX_PREFIX] for word in fold(text).split()})
