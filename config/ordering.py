"""Alphabetical order as Finnish and Swedish readers expect it: …x, y, z, å, ä, ö.

One rule, in Python (`alphabetical_key`) and in SQL (`Alphabetical`), so that a list
reads the same whichever sorted it and whatever locale the database was created with
(a C or en_US database puts Å among the A's or Ä before Å; an ICU collation such as
fi-FI-x-icu is missing from PostgreSQL builds without ICU, the embedded server of
`make run` among them). Lower case; å, ä and ö become the three code points after z
("{", "|", "}"), Æ and ø count as ä and ö, ü as y, other accents are dropped (é is e);
the result is compared with the "C" collation, which every PostgreSQL has.

The client list keeps this key in a column of its own (`Client.search_name`, set by `clients.names.sort_name`);
short lists of staff, units and organisations order by the expression. A name held in three
languages is ordered as the reader sees it, in the active language: `services.i18n.in_name_order`.
"""

import unicodedata

from django.db.models import Func, Value
from django.db.models.functions import Lower

_OWN_LETTERS = {"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}", "ü": "y"}
# The accented letters the SQL expression folds; Python folds every accent (NFKD).
_FOLDED_IN_SQL = {
    **{letter: "a" for letter in "áàâãā"},
    **{letter: "e" for letter in "éèêëē"},
    **{letter: "i" for letter in "íìîïī"},
    **{letter: "o" for letter in "óòôõō"},
    **{letter: "u" for letter in "úùûū"},
    **{letter: "c" for letter in "çč"},
    **{letter: "s" for letter in "šś"},
    **{letter: "z" for letter in "žź"},
    **{letter: "n" for letter in "ñń"},
    **{letter: "y" for letter in "ýÿ"},
    "-": " ",
}
_SQL_FROM = "".join(_OWN_LETTERS) + "".join(_FOLDED_IN_SQL)
_SQL_TO = "".join(_OWN_LETTERS.values()) + "".join(_FOLDED_IN_SQL.values())


def alphabetical_key(text: str) -> str:
    """`text` as a sort key: "Åkerlund" sorts after "Zetterberg", "Éliane" beside "Elina"."""
    text = unicodedata.normalize("NFC", (text or "").lower())
    text = text.replace("ß", "ss").translate(str.maketrans(_OWN_LETTERS))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("-", " ").split())


class Alphabetical(Func):
    """`alphabetical_key` in SQL, for `order_by()` and `Meta.ordering`:

    ordering = [Alphabetical("last_name"), Alphabetical("first_name")]
    """

    function = "TRANSLATE"
    template = '%(function)s(%(expressions)s) COLLATE "C"'

    def __init__(self, expression, **extra):
        super().__init__(Lower(expression), Value(_SQL_FROM), Value(_SQL_TO), **extra)
