"""The timeline's axis is read by clients in the printed summary: months with whole years."""

import datetime
import itertools

import pytest

from pathways import timeline
from pathways.factories import make_step
from services.calendar import add_months


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


@pytest.mark.parametrize("months", [4, 11, 13, 14, 16, 17, 20, 26, 40])
def test_the_axis_labels_never_crowd_and_the_last_one_fits_in_the_picture(
    worker, client_of, today, months
):
    """A month label ("10/2026") is about 50 units wide at the timeline's font size: labels
    closer than that run into each other, and one at the right edge is cut off. However
    long the pathway, the labels keep their distance and every one is inside the picture."""
    client = client_of()
    start = today.replace(day=1) - datetime.timedelta(days=60)
    make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=start,
        planned_end_on=add_months(start, months) - datetime.timedelta(days=1),
    )
    drawn = timeline.build(list(client.pathway_steps.select_related("service_type")), today)
    xs = [x for x, _label in drawn.ticks]
    assert len(xs) >= 3, drawn.ticks
    assert min(b - a for a, b in itertools.pairwise(xs)) >= timeline.TICK_LABEL_WIDTH, drawn.ticks
    assert xs[-1] + timeline.TICK_LABEL_WIDTH <= drawn.width, drawn.ticks
