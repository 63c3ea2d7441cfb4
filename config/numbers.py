"""Numbers as Polku shows them in text: hours, weekly hours, a rule's minimum.

One way everywhere (the step page, the attendance summary, the rule set page, the summary
PDF, the rules' error messages): the active language's format (config/formats: a decimal
comma in every language) without needless trailing zeros, so 6.00 reads "6" and 4.50 "4,5".
A template filter of the same name (a builtin, config/settings.py TEMPLATES).
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
