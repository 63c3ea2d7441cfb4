"""The one suppression helper: no group of fewer than five clients is shown, nor recoverable."""

from django.utils import translation

from reports.suppression import COMPLEMENTARY, SMALL, count, median_days, part_of, split, table


def test_a_count_of_four_is_hidden_and_five_is_shown():
    assert count(4).hidden
    assert count(4).value is None
    assert count(4).text == "alle 5"
    assert not count(5).hidden
    assert count(5).text == "5"


def test_zero_is_fewer_than_five():
    assert count(0).text == "alle 5"


def test_things_are_hidden_by_the_number_of_distinct_clients():
    assert count(12, clients=4).hidden
    assert count(12, clients=5).text == "12"


def test_one_small_cell_hides_the_smallest_other_cell_too():
    figures = table([("a", 20, None), ("b", 3, None), ("c", 6, None), ("d", 6, None)])
    assert figures["b"].suppressed == SMALL
    assert figures["c"].suppressed == COMPLEMENTARY
    assert figures["c"].text == "ei näytetä"
    assert figures["c"].value is None
    assert figures["a"].text == "20"
    assert figures["d"].text == "6"


def test_small_cells_of_five_clients_together_need_no_complement():
    figures = table([("a", 20, None), ("b", 3, None), ("c", 2, None)])
    assert [figures[k].suppressed for k in "abc"] == ["", SMALL, SMALL]


def test_cells_are_hidden_until_the_hidden_ones_hold_five_clients():
    figures = table(
        [("a", 20, None), ("b", 1, None), ("c", 2, None), ("d", 9, None), ("e", 7, None)]
    )
    assert [figures[k].suppressed for k in "abcde"] == ["", SMALL, SMALL, "", COMPLEMENTARY]


def test_a_cell_of_no_client_gives_nothing_away():
    figures = table([("a", 6, None), ("b", 5, None), ("c", 0, None)])
    assert [figures[k].text for k in "abc"] == ["6", "5", "alle 5"]


def test_a_lone_shown_cell_beside_cells_of_no_client_is_hidden():
    """With a plan 6, without none: shown beside the total (6), "6" would tell that every
    client has a plan, the 100 % a share never shows."""
    figures = table([("with", 6, None), ("without", 0, None)])
    assert [figures[k].suppressed for k in ("with", "without")] == [COMPLEMENTARY, SMALL]
    by_ids = table([("a", 5, [1, 2, 3]), ("b", 0, [])])  # steps of three clients
    assert by_ids["a"].suppressed == SMALL
    by_ids = table([("a", 7, [1, 2, 3, 4, 5]), ("b", 0, []), ("c", 0, [])])
    assert [by_ids[k].text for k in "abc"] == ["ei näytetä", "alle 5", "alle 5"]


def test_a_table_without_small_cells_is_shown_whole():
    figures = table([("a", 5, None), ("b", 9, None)])
    assert [figures[k].text for k in "ab"] == ["5", "9"]


def test_a_table_cell_counts_distinct_clients():
    figures = table([("a", 30, 10), ("b", 8, 4), ("c", 9, 6)])
    assert figures["b"].suppressed == SMALL
    assert figures["c"].suppressed == COMPLEMENTARY


def test_hidden_cells_that_share_clients_hold_them_once():
    """Steps of clients x, y and z in one small cell and of x and y in another: five clients
    counted cell by cell, but three together, so the total minus the shown cell would tell the
    steps of three clients. Given the clients' ids, the cells are told apart by them."""
    figures = table([("a", 6, set(range(10, 16))), ("b", 3, {1, 2, 3}), ("c", 2, {1, 2})])
    assert [figures[k].suppressed for k in "abc"] == [COMPLEMENTARY, SMALL, SMALL]


def test_hidden_cells_of_distinct_clients_need_no_more_by_their_ids():
    figures = table([("a", 20, set(range(10, 30))), ("b", 3, {1, 2, 3}), ("c", 2, {4, 5})])
    assert [figures[k].suppressed for k in "abc"] == ["", SMALL, SMALL]


def test_a_share_needs_both_parts_of_at_least_five():
    assert split(5, 10).share.text == "50 %"
    assert split(4, 10).share.hidden  # 4 have it
    assert split(6, 10).share.hidden  # 4 do not
    assert split(4, 10).rest.suppressed == COMPLEMENTARY
    assert split(9, 9).share.hidden  # 100 % says something of every client
    assert split(9, 9).part.suppressed == COMPLEMENTARY
    assert split(0, 12).share.hidden
    assert split(0, 12).rest.text == "ei näytetä"
    assert split(0, 12).whole.text == "12"
    assert split(3, 4).whole.text == "alle 5"


def test_a_share_is_rounded_and_localised():
    assert split(6, 11).share.text == "55 %"
    assert split(6, 11).share.value == 600 / 11


def test_a_share_is_rounded_half_up_and_its_shown_value_is_the_number_shown():
    for part, whole, shown in [(63, 127, 50), (99, 200, 50), (352, 500, 70), (141, 200, 71)]:
        share = split(part, whole).share
        assert share.shown_value == shown
        assert share.text == f"{shown} %"
    assert split(6, 11).whole.shown_value == 11  # a count is shown as it is


def test_a_part_of_a_whole_is_hidden_while_the_rest_is_under_five():
    assert part_of(10, 13).suppressed == COMPLEMENTARY
    # All of them: "7 of 7" tells of every client of the whole.
    assert part_of(7, 7).suppressed == COMPLEMENTARY
    assert part_of(7, 12).text == "7"
    assert part_of(4, 20).suppressed == SMALL


def test_a_median_needs_five_clients():
    assert median_days(6.0, clients=4).text == "ei näytetä (alle 5)"
    assert median_days(6.0, clients=5).text == "6"
    with translation.override("fi"):
        assert median_days(6.5, clients=5).text == "6,5"
    assert median_days(None, clients=8).hidden
