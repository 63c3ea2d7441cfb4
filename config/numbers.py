"""Numbers as Polku shows them in text: hours, weekly hours, a rule's minimum.

One way everywhere (the step page, the attendance summary, the rule set page, the summary
PDF, the rules' error messages): the active language's format (config/formats: a decimal
comma in every language) without needless trailing zeros, so 6.00 reads "6" and 4.50 "4,5".
A template filter of the same name (a builtin, config/settings.py TEMPLATES).

`plural_count` picks the plural form for such a number ("1 tunti", "4,5 tuntia").
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def plain_number(value) -> str:
    """`value` (a Decimal, int, float or numeric string) as text: "6", "4,5", "0,25"; "" for
    None or an empty string, and anything not a number as it is."""
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text))


@register.filter
def plural_count(value) -> int:
    """The count that picks the singular or plural form of a text about `value`, which may be
    a decimal (4.5 hours): ngettext and `{% blocktranslate count %}` take integers only. A
    whole number is its own count; a fraction counts as 2, for Finnish, Swedish and English
    put every number but exactly 1 in the plural ("1 tunti", "0,5 tuntia", "4,5 tuntia").
    The text shows the number itself with `plain_number`."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    whole = number.to_integral_value()
    return int(whole) if number == whole else 2
