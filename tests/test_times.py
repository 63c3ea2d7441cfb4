"""A time range's end names its day when the range runs past midnight (config/times.py)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

HELSINKI = ZoneInfo("Europe/Helsinki")


def render(start, end) -> str:
    template = Template('{{ start|time:"TIME_FORMAT" }}–{{ end|end_time:start }}')
    return template.render(Context({"start": start, "end": end}))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_range_within_a_day_shows_times_only(language):
    start = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=HELSINKI)
    with translation.override(language):
        assert render(start, start + datetime.timedelta(minutes=90)) == "10.00–11.30"


def test_a_range_past_midnight_names_the_end_day():
    start = datetime.datetime(2026, 12, 5, 22, 30, tzinfo=HELSINKI)
    with translation.override("fi"):
        assert render(start, start + datetime.timedelta(hours=2)) == "22.30–6.12.2026 0.30"


def test_the_day_is_helsinkis_not_utcs():
    """1.00 Helsinki is 23.00 UTC the day before: the range 0.30–1.30 stays within one day."""
    start = datetime.datetime(2026, 12, 5, 22, 30, tzinfo=datetime.UTC)  # 0.30 in Helsinki
    with translation.override("fi"):
        assert render(start, start + datetime.timedelta(hours=1)) == "0.30–1.30"
