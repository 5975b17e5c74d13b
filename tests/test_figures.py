"""The pure rules that read the article's numbers, qualifiers and periods."""

from datetime import date

import pytest

from app.figures import (
    FigureError,
    fold_name,
    half_unit,
    locate,
    parse_change,
    parse_number,
    parse_qualifier,
    prior_year_value,
    resolve_period,
)

PUBLISHED = date(2023, 2, 9)


@pytest.mark.parametrize(
    "text, number",
    [
        ("1.11 million", 1_110_000),
        ("more than 1.11 million tonnes", 1_110_000),
        ("3,800", 3800),
        ("exceeded 3,800", 3800),
        ("6,500th", 6500),
        ("over 34,106 tonnes", 34106),
        ("12.8 percent", 12.8),
        ("half an hour", 30),
        ("within half an hour", 30),
        ("an hour", 60),
        ("2 hours", 120),
        ("45 minutes", 45),
        ("1.5 billion", 1_500_000_000),
    ],
)
def test_parse_number(text: str, number: float) -> None:
    assert parse_number(text) == number


def test_parse_number_without_a_number() -> None:
    with pytest.raises(FigureError):
        parse_number("many tonnes")


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("more than 1.11 million tonnes", "more_than"),
        ("over 34,106 tonnes", "more_than"),
        ("exceeded 3,800", "more_than"),
        ("within half an hour", "at_most"),
        ("at least 5", "at_least"),
        ("less than 5", "less_than"),
        ("no more than 5", "at_most"),
        ("about 5", "approximately"),
        ("6,500th", "exact"),
        ("up 12.8 percent", "exact"),
    ],
)
def test_parse_qualifier(text: str, qualifier: str) -> None:
    assert parse_qualifier(text) == qualifier


@pytest.mark.parametrize(
    "text, change",
    [
        ("up 12.8 percent year on year", (12.8, "exact")),
        ("an increase of over 156 percent year on year", (156, "more_than")),
        ("soared 125 percent year on year", (125, "exact")),
        ("down 3 percent", (-3, "exact")),
        # "down more than 3 percent" is a change below -3.
        ("down more than 3 percent", (-3, "less_than")),
    ],
)
def test_parse_change(text: str, change: tuple[float, str]) -> None:
    assert parse_change(text) == change


def test_parse_change_needs_a_percentage() -> None:
    with pytest.raises(FigureError):
        parse_change("up 3,800")


@pytest.mark.parametrize(
    "text, period",
    [
        ("in January", (date(2023, 1, 1), date(2023, 1, 31))),
        ("in February", (date(2022, 2, 1), date(2022, 2, 28))),  # February 2023 was not over yet
        ("in December", (date(2022, 12, 1), date(2022, 12, 31))),
        ("on Monday", (date(2023, 2, 6), date(2023, 2, 6))),  # the article is of Thursday 9 February
        ("on Thursday", (date(2023, 2, 2), date(2023, 2, 2))),
    ],
)
def test_resolve_period(text: str, period: tuple[date, date]) -> None:
    assert resolve_period(text, PUBLISHED) == period


def test_resolve_period_refuses_what_it_cannot_read() -> None:
    with pytest.raises(FigureError):
        resolve_period("since the beginning of this year", PUBLISHED)


@pytest.mark.parametrize(
    "value, qualifier, pct, pct_qualifier, half, expected",
    [
        # More than 1.11 million, up 12.8 (so at most 12.85) percent: more than 1,110,000 / 1.1285.
        (1_110_000, "more_than", 12.8, "exact", 0.05, (983606.55, "more_than")),
        (34106, "more_than", 125, "exact", 0.5, (15124.61, "more_than")),
        (225, "exact", 125, "exact", 0, (100.0, "exact")),
        (225, "exact", 125, "exact", 0.5, (100.0, "approximately")),
        (225, "exact", 125, "more_than", 0.5, (100.0, "less_than")),
        (225, "at_most", 125, "at_least", 0, (100.0, "at_most")),
        (225, "at_most", 125, "exact", 0.5, (100.23, "at_most")),  # 225 / 2.245, rounded up
        # More than 3,800 and up more than 156 percent: the year before could be anything.
        (3800, "more_than", 156, "more_than", 0.5, (None, None)),
        (225, "approximately", 125, "exact", 0.5, (100.0, "approximately")),
        (6500, "exact", None, None, 0, (None, None)),
    ],
)
def test_prior_year_value(
    value: float,
    qualifier: str,
    pct: float | None,
    pct_qualifier: str | None,
    half: float,
    expected: tuple[float | None, str | None],
) -> None:
    assert prior_year_value(value, qualifier, pct, pct_qualifier, half) == expected


@pytest.mark.parametrize(
    "text, half",
    [("up 12.8 percent year on year", 0.05), ("soared 125 percent", 0.5), ("up 3.25 percent", 0.005)],
)
def test_half_unit(text: str, half: float) -> None:
    assert half_unit(text) == pytest.approx(half)


@pytest.mark.parametrize("name", ["Ürümqi", "URUMQI", "urumqi", "Uru-mqi", "Ｕｒｕｍｑｉ"])
def test_fold_name(name: str) -> None:
    assert fold_name(name) == "urumqi"


def test_locate_needs_a_unique_quote() -> None:
    assert locate("b c", "a b c d") == (2, 5)
    with pytest.raises(FigureError, match="not in the article"):
        locate("x", "a b c")
    with pytest.raises(FigureError, match="more than once"):
        locate("a", "a b a")
