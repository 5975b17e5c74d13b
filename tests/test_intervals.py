"""The interval each statement's words prove (app.intervals), each reading worked out by hand."""

import pytest

from app.intervals import (
    Interval,
    change_interval,
    difference,
    intersect,
    prior_year_interval,
    shown,
    value_interval,
)


@pytest.mark.parametrize(
    "value, qualifier, text, expected",
    [
        # A scale word: half a unit of the last written digit either side, low in, high out.
        (1_160_000, "exact", "1.16 million tons", Interval(1_155_000, 1_165_000, True, False)),
        (7_640_000_000, "exact", "7.64 billion yuan", Interval(7_635_000_000, 7_645_000_000, True, False)),
        (1_100_000, "exact", "1.10 million", Interval(1_095_000, 1_105_000, True, False)),
        # Full digits are exact.
        (3800, "exact", "3,800", Interval(3800, 3800, True, True)),
        (1_163_000, "exact", "1,163,000 tonnes", Interval(1_163_000, 1_163_000, True, True)),
        (6500, "exact", "6,500th", Interval(6500, 6500, True, True)),
        # About: to the last non-zero digit, and never finer than written.
        (1000, "approximately", "about 1,000", Interval(500, 1500, True, False)),
        (3800, "approximately", "around 3,800", Interval(3750, 3850, True, False)),
        (1_160_000, "approximately", "about 1.16 million", Interval(1_155_000, 1_165_000, True, False)),
        (1_100_000, "approximately", "about 1.10 million", Interval(1_050_000, 1_150_000, True, False)),
        (30, "approximately", "about half an hour", Interval(25, 35, True, False)),
        (90, "approximately", "about 1.5 hours", Interval(87, 93, True, False)),
        # Bounds.
        (1_110_000, "more_than", "more than 1.11 million tonnes", Interval(1_110_000, None, False, None)),
        (3000, "at_least", "at least 3,000", Interval(3000, None, True, None)),
        (3000, "less_than", "nearly 3,000", Interval(0, 3000, True, False)),
        (30, "at_most", "within half an hour", Interval(0, 30, True, True)),
    ],
)
def test_a_value_proves_its_interval(value: float, qualifier: str, text: str, expected: Interval) -> None:
    assert value_interval(value, qualifier, text) == expected


def test_small_numbers_read_the_same_way() -> None:
    assert value_interval(3, "approximately", "about 3") == Interval(2.5, 3.5, True, False)
    assert value_interval(10, "approximately", "about 10") == Interval(5, 15, True, False)
    assert value_interval(400_000, "exact", "0.4 million") == Interval(350_000, 450_000, True, False)
    # A difference never goes below zero: [0, 100] minus [50, 50] is [0, 50], [10, 10] minus (20, ∞) is [0, 0].
    assert difference(Interval(0, 100, True, True), Interval(50, 50, True, True)) == Interval(0, 50, True, True)
    assert difference(Interval(10, 10, True, True), Interval(20, None, False, None)) == Interval(0, 0, True, True)


@pytest.mark.parametrize(
    "pct, qualifier, text, expected",
    [
        (12.8, "exact", "up 12.8 percent year on year", Interval(12.75, 12.85, True, False)),
        (125, "exact", "soared 125 percent", Interval(124.5, 125.5, True, False)),
        (-3, "exact", "down 3 percent", Interval(-3.5, -2.5, False, True)),
        (156, "more_than", "an increase of over 156 percent", Interval(156, None, False, None)),
        (-3, "less_than", "down over 3 percent", Interval(-100, -3, True, False)),
        (10, "approximately", "up about 10 percent", Interval(5, 15, True, False)),
    ],
)
def test_a_change_proves_its_interval(pct: float, qualifier: str, text: str, expected: Interval) -> None:
    assert change_interval(pct, qualifier, text) == expected


def test_the_prior_year_divides_the_value_by_the_change_rounded_outwards() -> None:
    # Alataw: more than 1,110,000, up 12.8 % (12.75 to 12.85): 1,110,000 / 1.1285 = 983,606.557...
    alataw = prior_year_interval(Interval(1_110_000, None, False, None), Interval(12.75, 12.85, True, False))
    assert alataw == Interval(983_606.55, None, False, None)
    # Exact 1,163,000 up 12.8 %: [1,163,000 / 1.1285, 1,163,000 / 1.1275] = [1,030,571.56.., 1,031,485.58..]
    exact = prior_year_interval(Interval(1_163_000, 1_163_000, True, True), Interval(12.75, 12.85, True, False))
    assert exact == Interval(1_030_571.55, 1_031_485.59, False, True)
    # More than 3,800, up more than 156 %: the year before could be anything.
    assert prior_year_interval(Interval(3800, None, False, None), Interval(156, None, False, None)) is None


def test_intersection_and_difference_keep_the_ends_honest() -> None:
    a, b = Interval(1_155_000, 1_165_000, True, False), Interval(1_163_000, 1_163_000, True, True)
    assert intersect(a, b) == b
    assert intersect(Interval(0, 3000, True, False), Interval(3000, None, True, None)) is None
    assert intersect(Interval(0, 3000, True, True), Interval(3000, None, True, None)) == Interval(
        3000, 3000, True, True
    )
    # [3,631, 3,631] minus (3,000, ∞): [0, 631)
    assert difference(Interval(3631, 3631, True, True), Interval(3000, None, False, None)) == Interval(
        0, 631, True, False
    )
    # [1,155,000, 1,165,000) minus [500, 1,500): low 1,155,000 - 1,500 (out), high 1,165,000 - 500 (out)
    assert difference(Interval(1_155_000, 1_165_000, True, False), Interval(500, 1500, True, False)) == Interval(
        1_153_500, 1_164_500, False, False
    )
    assert shown(Interval(1_110_000, None, False, None)) == "(1,110,000, ∞)"
    assert shown(Interval(1_155_000, 1_165_000, True, False)) == "[1,155,000, 1,165,000)"
