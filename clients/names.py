"""Name search: every beginning of every word of the name, folded in Python (lower case,
accents folded), stored as an array with a GIN index. A query matches when each of its
words begins some word of the name, in any order: "aino äijälä", "äijälä aino" and
"kerttu" all find "Aino Kerttu Äijälä". Core PostgreSQL only (`@>` on text[])."""

import unicodedata

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


# The Finnish and Swedish alphabets end …x, y, z, å, ä, ö. The list key keeps those three
# letters apart from a and o and puts them after z in plain code-point order ("{", "|", "}"
# follow "z"), so the database orders the key with the "C" collation, which every
# PostgreSQL has (an ICU collation such as fi-FI-x-icu is missing from builds without ICU,
# the embedded server of `make run` among them). Æ and ø are ä and ö there, ü is y.
_OWN_LETTERS = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}", "ü": "y"})


def sort_name(first_names: str, last_name: str) -> str:
    """Stored with each client as the list order's key: "<last> <first names>" in lower
    case with other accents folded (é is e), and å, ä, ö after z (`_OWN_LETTERS`)."""
    text = unicodedata.normalize("NFC", f"{last_name} {first_names}".lower())
    text = text.replace("ß", "ss").translate(_OWN_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").split())


# Longer query words are cut to this length, as the stored beginnings are.
MAX_PREFIX = 30


def search_prefixes(first_names: str, last_name: str) -> list[str]:
    """Stored with each client: every beginning of every word of the name, folded."""
    words = search_key(first_names, last_name).split()
    return sorted({word[:n] for word in words for n in range(1, min(len(word), MAX_PREFIX) + 1)})


def query_words(text: str) -> list[str]:
    """The words of a search, folded and cut as the stored beginnings are."""
    return sorted({word[:MAX_PREFIX] for word in fold(text).split()})
