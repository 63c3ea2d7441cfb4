"""The timeline's axis is read by clients in the printed summary: months with whole years,
in words in the print's language; on the worker's page as "7/2026"."""

import datetime
import itertools
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.dates import MONTHS

from pathways import timeline
from pathways.factories import make_step
from services.calendar import add_months

# The print's font (static/polku/print.css) and the axis labels' size in the SVG's units
# (pathways/pdf/summary.html).
PRINT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TICK_FONT_SIZE = 11


def label_width(label: str) -> float:
    """How wide `label` is drawn in the print's font, in the SVG's units (its glyphs' advance)."""
    from fontTools.ttLib import TTFont

    font = TTFont(PRINT_FONT)
    glyphs, advances = font.getBestCmap(), font["hmtx"]
    units = sum(advances[glyphs[ord(char)]][0] for char in label)
    return units / font["head"].unitsPerEm * TICK_FONT_SIZE


def test_the_axis_names_each_month_with_its_whole_year(worker, client_of, today):
    client = client_of()
    make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=today - datetime.timedelta(days=200),
        planned_end_on=today + datetime.timedelta(days=200),
    )
    drawn = timeline.build(list(client.pathway_steps.select_related("service_type")), today)
    labels = [label for _x, label in drawn.ticks]
    assert len(labels) >= 6
    for label in labels:
        month, year = label.split("/")
        assert 1 <= int(month) <= 12 and len(year) == 4, labels
    assert f"{today.month}/{today.year}" in labels or any(
        label.endswith(str(today.year)) for label in labels
    )


def test_every_bar_is_within_the_picture_also_a_step_planned_far_ahead(worker, client_of, today):
    """A planned step without an end, starting years ahead, sizes the axis too; a step of one
    day is still a visible bar."""
    client = client_of()
    make_step(
        client,
        "education",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        planned_end_on=today - datetime.timedelta(days=30),
    )
    far = make_step(
        client,
        "supported_employment",
        created_by=worker,
        start_on=today + datetime.timedelta(days=3 * 365),
    )
    drawn = timeline.build(list(client.pathway_steps.select_related("service_type")), today)
    assert drawn.end > far.start_on
    for bar in drawn.bars:
        assert bar.x >= 0 and bar.x + bar.width <= drawn.width, (bar.step, bar.x, bar.width)
        assert bar.width >= timeline.MIN_BAR_WIDTH
    for x, _label in drawn.ticks:
        assert 0 <= x <= drawn.width


@pytest.mark.parametrize("language", [None, "fi", "sv", "en"])
@pytest.mark.parametrize("months", [4, 11, 13, 14, 16, 17, 20, 26, 40])
def test_the_axis_labels_never_crowd_and_the_last_one_fits_in_the_picture(
    worker, client_of, today, months, language
):
    """A month label ("10/2026" on the page, "marraskuu 2026" or "September 2026" on paper)
    closer to the next than its width runs into it, and one at the right edge is cut off.
    However long the pathway, the labels keep their distance and every one is inside the
    picture: measured with the glyphs of the print's font."""
    if not PRINT_FONT.exists():
        pytest.skip("the print's font (DejaVu Sans) is not installed")
    client = client_of()
    start = today.replace(day=1) - datetime.timedelta(days=60)
    make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=start,
        planned_end_on=add_months(start, months) - datetime.timedelta(days=1),
    )
    drawn = timeline.build(
        list(client.pathway_steps.select_related("service_type")), today, language=language
    )
    assert len(drawn.ticks) >= 2, drawn.ticks
    for (x, label), (next_x, _next) in itertools.pairwise(drawn.ticks):
        assert next_x - x >= label_width(label) + 6, drawn.ticks
    last_x, last = drawn.ticks[-1]
    assert last_x + label_width(last) <= drawn.width, drawn.ticks


@pytest.mark.parametrize(
    ("language", "january"), [("fi", "tammikuu"), ("sv", "januari"), ("en", "January")]
)
def test_the_printed_axis_names_months_in_words_and_marks_each_new_year(
    worker, client_of, today, language, january
):
    """The client reads "heinäkuu 2026", not "7/2026": no numbers to decode, no abbreviations.
    The labelled months are a whole part of a year apart, counted from January, so a new
    year's January is always among them."""
    client = client_of()
    make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=today - datetime.timedelta(days=200),
        planned_end_on=today + datetime.timedelta(days=400),
    )
    drawn = timeline.build(
        list(client.pathway_steps.select_related("service_type")), today, language=language
    )
    labels = [label for _x, label in drawn.ticks]
    with translation.override(language):
        names = [str(MONTHS[number]) for number in range(1, 13)]
    for label in labels:
        name, year = label.rsplit(" ", 1)
        assert name in names and re.fullmatch(r"\d{4}", year), labels
        assert "/" not in label and "." not in label, labels
    years = sorted({int(label.rsplit(" ", 1)[1]) for label in labels})
    assert len(years) >= 2, labels
    for year in years[1:]:
        assert f"{january} {year}" in labels, labels


def test_the_workers_page_keeps_its_short_numeric_months(worker, client_of, today):
    client = client_of()
    make_step(client, "social_rehabilitation", created_by=worker, start_on=today)
    drawn = timeline.build(list(client.pathway_steps.select_related("service_type")), today)
    assert drawn.ticks and all(re.fullmatch(r"\d{1,2}/\d{4}", label) for _x, label in drawn.ticks)
