"""The pure rules that read the article's numbers, qualifiers and periods."""

from datetime import date

import pytest

from app.figures import (
    FigureError,
    dateline_in,
    fold_name,
    half_unit,
    locate,
    numbers_in,
    parse_change,
    parse_number,
    parse_qualifier,
    prior_year_value,
    reference_day,
    resolve_period,
    sentence_spans,
    unaccounted_numbers,
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
        ("1,351", 1351),
        ("7.64 billion U.S. dollars", 7_640_000_000),
        ("$3.65 billion", 3_650_000_000),
        ("more than $3.65 billion", 3_650_000_000),
        ("105,800", 105_800),
        ("more than 30,000", 30_000),
        ("20 to 30 minutes", 30),  # a range is its upper bound
        ("two hours", 120),
        ("an hour and a half", 90),
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
        ("surpassed 3,000", "more_than"),
        ("topped 3,000", "more_than"),
        ("no less than 5", "at_least"),
        ("nearly 5", "less_than"),
        ("almost 5", "less_than"),
        ("close to 5", "approximately"),
        ("some 5", "approximately"),
        ("up to 5", "at_most"),
        ("more than $3.65 billion", "more_than"),
        ("20 to 30 minutes", "at_most"),
        ("between 20 and 30 minutes", "at_most"),
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
        ("grew 8 percent from a year ago", (8, "exact")),
        ("a decrease of nearly 4.5 percent", (-4.5, "more_than")),
        # A list sharing its verb: the change is the last percentage.
        ("down 3 percent and 5 percent", (-5, "exact")),
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
        ("in December", (date(2022, 12, 1), date(2022, 12, 31))),
        ("on Monday", (date(2023, 2, 6), date(2023, 2, 6))),  # the article is of Thursday 9 February
        # The reference day's own weekday is that day: a report filed on a Thursday writes "as of
        # Thursday" for the day it is filed.
        ("on Thursday", (date(2023, 2, 9), date(2023, 2, 9))),
    ],
)
def test_resolve_period(text: str, period: tuple[date, date]) -> None:
    assert resolve_period(text, PUBLISHED) == period


JULY_4 = date(2023, 7, 4)  # a Tuesday


@pytest.mark.parametrize(
    "text, period",
    [
        ("in June", (date(2023, 6, 1), date(2023, 6, 30))),
        ("in August", (date(2022, 8, 1), date(2022, 8, 31))),
        ("in Sept.", (date(2022, 9, 1), date(2022, 9, 30))),
        ("in the first quarter", (date(2023, 1, 1), date(2023, 3, 31))),
        ("in the first half", (date(2023, 1, 1), date(2023, 6, 30))),
        ("in the first half of this year", (date(2023, 1, 1), date(2023, 6, 30))),
        ("in the first half of 2022", (date(2022, 1, 1), date(2022, 6, 30))),
        ("in the first three quarters", (date(2022, 1, 1), date(2022, 9, 30))),  # not over yet: last year's
        ("in the first five months", (date(2023, 1, 1), date(2023, 5, 31))),
        ("in the first 11 months", (date(2022, 1, 1), date(2022, 11, 30))),
        ("from January to June", (date(2023, 1, 1), date(2023, 6, 30))),
        ("from January to May this year", (date(2023, 1, 1), date(2023, 5, 31))),
        ("January-May", (date(2023, 1, 1), date(2023, 5, 31))),
        ("between January and April", (date(2023, 1, 1), date(2023, 4, 30))),
        ("so far this year", (date(2023, 1, 1), JULY_4)),
        ("so far in 2023", (date(2023, 1, 1), JULY_4)),
        ("since the beginning of this year", (date(2023, 1, 1), JULY_4)),
        ("as of June 30 this year", (date(2023, 1, 1), date(2023, 6, 30))),
        ("so far this year, as of Sunday", (date(2023, 1, 1), date(2023, 7, 2))),
        ("by the end of June this year", (date(2023, 1, 1), date(2023, 6, 30))),
        ("this year", (date(2023, 1, 1), JULY_4)),
        ("As of Sunday, the port had handled 3,000 trains this year", (date(2023, 1, 1), date(2023, 7, 2))),
        ("last year", (date(2022, 1, 1), date(2022, 12, 31))),
        ("last month", (date(2023, 6, 1), date(2023, 6, 30))),
        ("throughout 2022", (date(2022, 1, 1), date(2022, 12, 31))),
        ("in the January-May period", (date(2023, 1, 1), date(2023, 5, 31))),
        ("since the start of 2023", (date(2023, 1, 1), JULY_4)),
        ("in 2021", (date(2021, 1, 1), date(2021, 12, 31))),
        ("on Monday", (date(2023, 7, 3), date(2023, 7, 3))),
        ("on Tuesday", (date(2023, 7, 4), date(2023, 7, 4))),  # the reference day's own weekday: that day
        ("on Monday", (date(2023, 7, 3), date(2023, 7, 3))),  # else the last one before it
        ("on June 28", (date(2023, 6, 28), date(2023, 6, 28))),
        # A period that starts on the day something happened runs to the reference day.
        ("since the reopening of the pass on April 1 this year", (date(2023, 4, 1), JULY_4)),
        ("since April 1", (date(2023, 4, 1), JULY_4)),
        # A day named with "in <this year>" or "this year ... on <day>": the year so far, to that day.
        ("as of May 10, the port had handled trains in 2023", (date(2023, 1, 1), date(2023, 5, 10))),
        ("this year on Monday", (date(2023, 1, 1), date(2023, 7, 3))),
    ],
)
def test_resolve_period_against_a_july_dateline(text: str, period: tuple[date, date]) -> None:
    assert resolve_period(text, JULY_4) == period


@pytest.mark.parametrize(
    "text, end",
    [
        ("as of Sunday", date(2023, 7, 2)),
        ("as of June 30", date(2023, 6, 30)),
        ("by the end of June", date(2023, 6, 30)),
        ("by the end of last year", date(2022, 12, 31)),
        ("by May 31", date(2023, 5, 31)),
        ("to date", JULY_4),
        ("since 2011", JULY_4),
        ("since the service began", JULY_4),
        ("on Monday", date(2023, 7, 3)),
    ],
)
def test_a_running_total_has_no_start(text: str, end: date) -> None:
    assert resolve_period(text, JULY_4, cumulative=True) == (None, end)


@pytest.mark.parametrize(
    "text",
    [
        "in July",  # the reference day's own month: the month so far, or last year's?
        "as of Sunday",  # a day, but since when?
        "by the end of June",
        "by May 31",
        "to date",  # a running total must say so (cumulative)
        "since 2011",
        "during the Spring Festival holiday",
        "from June to January",
        "in 2023",  # the reference day's own year has not ended: the year so far, to which day?
        "by May",  # a month, not a day
        "since the reopening on August 1 this year",  # after the reference day
    ],
)
def test_resolve_period_refuses_what_it_cannot_resolve_without_guessing(text: str) -> None:
    with pytest.raises(FigureError):
        resolve_period(text, JULY_4)


@pytest.mark.parametrize(
    "opening, published, day",
    [
        ("URUMQI, July 4 (Xinhua) -- The port", date(2023, 7, 5), date(2023, 7, 4)),
        ("URUMQI, Feb. 9 (Xinhua) -- The port", date(2023, 2, 9), date(2023, 2, 9)),
        ("HORGOS, Xinjiang, Dec. 31 (Xinhua) -- The port", date(2024, 1, 2), date(2023, 12, 31)),
        ("The port handled", date(2023, 7, 5), date(2023, 7, 5)),  # no dateline: the publication date
    ],
)
def test_reference_day_is_the_datelines_day(opening: str, published: date, day: date) -> None:
    assert reference_day(opening, published) == day


def test_dateline_in() -> None:
    assert dateline_in("URUMQI, Feb. 9 (Xinhua) -- A train") == (0, 14)
    assert dateline_in("Urumqi is a city, Feb. 9 was a day") is None


def test_numbers_in_lists_every_run_of_digits() -> None:
    text = "COVID-19 aside, 1,351 trains and 6,500th train, 1.11 million tonnes, up 12.8 percent in 2022."
    assert [(n.written, text[n.start : n.end]) for n in numbers_in(text)] == [
        ("19", "19"),
        ("1,351", "1,351"),
        ("6,500", "6,500"),
        ("1.11", "1.11"),
        ("12.8", "12.8"),
        ("2022", "2022"),
    ]


ARTICLE = "HORGOS, May 3 (Xinhua) -- The port saw 120 trains in April, up 5 percent year on year. It has 12 routes."


def test_unaccounted_numbers_names_what_no_figure_or_exclusion_covers() -> None:
    value = ARTICLE.index("120 trains")
    accounted = [(0, 13), (value, value + len("120 trains"))]
    missed, problems = unaccounted_numbers(ARTICLE, accounted, [])
    assert [n.written for n in missed] == ["5", "12"]
    assert problems == []
    excluded = [
        {"text": "5", "quote": "up 5 percent", "reason": "a change the curator left out"},
        {"text": "12", "quote": "It has 12 routes.", "reason": "a count of routes"},
    ]
    assert unaccounted_numbers(ARTICLE, accounted, excluded) == ([], [])


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"text": "7", "quote": "It has 12 routes.", "reason": "a count"}, "excludes no number"),
        ({"text": "120", "quote": "120 trains", "reason": "a count"}, "excludes no number"),  # a figure's own
        ({"text": "12", "quote": "12 routes", "reason": ""}, "give a reason"),
        ({"text": "12", "quote": "It has 13 routes.", "reason": "a count"}, "not in the article"),
    ],
)
def test_an_exclusion_that_excludes_nothing_is_a_problem(entry: dict[str, str], problem: str) -> None:
    value = ARTICLE.index("120 trains")
    _, problems = unaccounted_numbers(ARTICLE, [(value, value + 10)], [entry])
    assert any(problem in p for p in problems), problems


def test_sentence_spans() -> None:
    text = (
        'URUMQI, Feb. 9 (Xinhua) -- Trade hit 7.64 billion U.S. dollars in Jan. 2023. "We are busy.'
        ' Clearance takes 20 minutes," he said.\nA second paragraph. ■'
    )
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Trade hit 7.64 billion U.S. dollars in Jan. 2023.",
        '"We are busy.',
        'Clearance takes 20 minutes," he said.',
        "A second paragraph.",
    ]
    months = "Trains ran in May. Trucks ran in Jan. 2023."
    assert [months[a:b] for a, b in sentence_spans(months)] == [
        "Trains ran in May.",
        "Trucks ran in Jan. 2023.",
    ]


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
