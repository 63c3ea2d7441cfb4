"""Name search: a normalised column (lower case, accents folded in Python) with a prefix index."""

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
