"""Hours and other decimals read the same way on every page, in the PDF and in the rules'
messages (config.numbers): the decimal comma, no needless trailing zeros."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from config.numbers import plain_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("6.00"), "6"),
        (Decimal("4.50"), "4,5"),
        (Decimal("0.25"), "0,25"),
        (Decimal(10), "10"),
        (Decimal("10.00"), "10"),
        (20, "20"),
        (4.5, "4,5"),
        ("7.50", "7,5"),
        (None, ""),
    ],
)
def test_plain_number(value, expected):
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            assert plain_number(value) == expected


def test_the_filter_is_in_every_template():
    with translation.override("fi"):
        rendered = Template("{{ hours|plain_number }} h").render(
            Context({"hours": Decimal("4.50")})
        )
    assert rendered == "4,5 h"
