"""What a statement's words prove, as an interval: pure rules, tested on their own
(tests/test_intervals.py), applied when the database is built.

A figure is a claim about an unknown true number. Its qualifier says which side of the written
number the truth lies on, and the precision it is written to says how far a rounded number may be
from it:
- a number with a scale word or decimals ("1.16 million", "7.64 billion", "2.5 hours") stands for
  anything that rounds to it: half a unit of its last written digit either side, low end included,
  high end excluded. "1.16 million" is [1,155,000, 1,165,000);
- a number in full digits ("3,800", "1,163,000") is exact: [3,800, 3,800];
- "about X" (approximately): X rounded to its last non-zero digit. "about 1,000" is [500, 1,500),
  "about 1.16 million" [1,155,000, 1,165,000). The writer says the number is rounded, not to what;
  trailing zeros in "1,000" are the shape of a round number, not a precision, so the last digit
  that is not a zero is the finest rounding the words allow;
- more_than X: (X, ∞); at_least X: [X, ∞); less_than X ("nearly", "almost"): [0, X), for "nearly"
  proves only the upper bound, not how near; at_most X: [0, X].
Counts and durations are never negative: a low end is at least 0. A year-on-year change is a
percentage, always rounded to its last written digit ("up 12.8 percent" is [12.75, 12.85)), and
never below -100 %.
"""

import math
import re
from decimal import Decimal
from typing import NamedTuple

from app.figures import WORD_DURATIONS


class Interval(NamedTuple):
    """Where the truth lies: from `low` to `high` (None: no upper bound), each end included or not.
    An unbounded end has no inclusiveness (None)."""

    low: float
    high: float | None
    low_inclusive: bool
    high_inclusive: bool | None


EVERYTHING = Interval(0.0, None, True, None)  # what a count is known to be before anyone speaks

_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
_DURATIONS = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}
# The number as app.figures.parse_number reads it: digits, decimals, a scale word, a unit of time.
_WRITTEN = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?:st|nd|rd|th)?"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion))?\b(?:\s+(?P<time>minutes?|hours?|days?)\b)?"
)
_PERCENT = re.compile(r"(\d[\d,.]*\d|\d)\s*(?:percent|per cent|%)")


def _multiplier(match: re.Match[str]) -> Decimal:
    scale = _SCALES[match["scale"]] if match["scale"] else 1
    return Decimal(scale * (_DURATIONS[match["time"]] if match["time"] else 1))


def _last_digit_unit(written: str) -> Decimal:
    """The unit of the last digit of `written` ("1.16" -> 0.01, "3,800" -> 1)."""
    _, _, fraction = written.partition(".")
    return Decimal(1).scaleb(-len(fraction))


def _last_non_zero_unit(written: str) -> Decimal:
    """The unit of the last digit that is not a zero ("1,000" -> 1000, "1.10" -> 0.1, "0" -> 1)."""
    digits = written.replace(",", "")
    whole, _, fraction = digits.partition(".")
    if fraction.rstrip("0"):
        return Decimal(1).scaleb(-len(fraction.rstrip("0")))
    stripped = whole.rstrip("0")
    return Decimal(1).scaleb(len(whole) - len(stripped)) if stripped else Decimal(1)


def _number(number: float) -> float:
    return round(number, 6)  # binary noise off: 1.11 * 1e6 = 1110000.0000000002


def rounding(value: float, written: str) -> Interval:
    """A written number read as rounded: [value - half, value + half) for the half unit `written`'s
    precision gives (_last_digit_unit), clipped at 0."""
    return _around(value, written, approximate=False)


def _around(value: float, text: str, approximate: bool) -> Interval:
    lowered = text.lower()
    match = _WRITTEN.search(lowered)
    if match is None or any(re.search(rf"\b{words}\b", lowered) for words in WORD_DURATIONS):
        # No digits ("half an hour"): only "about" widens it, to the value's own last non-zero digit.
        if not approximate:
            return Interval(value, value, True, True)
        as_digits = f"{value:f}".rstrip("0").rstrip(".")
        half = _last_non_zero_unit(as_digits) / 2
    else:
        written = match["digits"] + (match["fraction"] or "")
        rounded = bool(match["fraction"] or match["scale"])
        if not approximate and not rounded:
            return Interval(value, value, True, True)
        unit = _last_non_zero_unit(written) if approximate else _last_digit_unit(written)
        # "about 1.16 million" is no finer than it is written: the larger of the two units.
        unit = max(unit, _last_digit_unit(written)) if approximate else unit
        half = unit * _multiplier(match) / 2
    low = Decimal(str(value)) - half
    return Interval(_number(float(max(low, Decimal(0)))), _number(float(Decimal(str(value)) + half)), True, False)


def value_interval(value: float, qualifier: str, value_text: str) -> Interval:
    """The interval a stated value proves (see the module's docstring for each qualifier)."""
    if qualifier == "exact":
        return _around(value, value_text, approximate=False)
    if qualifier == "approximately":
        return _around(value, value_text, approximate=True)
    if qualifier == "more_than":
        return Interval(value, None, False, None)
    if qualifier == "at_least":
        return Interval(value, None, True, None)
    if qualifier == "less_than":
        return Interval(0.0, value, True, False)
    if qualifier == "at_most":
        return Interval(0.0, value, True, True)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def change_interval(change_pct: float, qualifier: str, yoy_text: str) -> Interval:
    """The interval of true changes, in percent, that a stated year-on-year change allows. Its
    last percentage is the change (app.figures.parse_change), rounded to its last written digit
    where exact, to its last non-zero digit where "about"; a decrease mirrors the interval of its
    size ("down 3 percent" is (-3.5, -2.5]). A bound is read as written: "over 156 percent" is
    (156, ∞), "down over 3 percent" (-100, -3). No change is below -100 %."""
    if qualifier in ("exact", "approximately"):
        percents = list(_PERCENT.finditer(yoy_text.lower()))
        written = percents[-1][1] if percents else f"{abs(change_pct):g}"
        size = abs(change_pct)
        unit = _last_non_zero_unit(written) if qualifier == "approximately" else _last_digit_unit(written)
        half = float(max(unit, _last_digit_unit(written)) / 2)
        low, high = _number(size - half), _number(size + half)
        if change_pct >= 0:
            return Interval(max(low, -100.0), high, True, False)
        return Interval(max(-high, -100.0), -low, -high <= -100.0, True)
    if qualifier == "more_than":
        return Interval(change_pct, None, False, None)
    if qualifier == "at_least":
        return Interval(change_pct, None, True, None)
    if qualifier == "less_than":
        return Interval(-100.0, change_pct, True, False)
    if qualifier == "at_most":
        return Interval(-100.0, change_pct, True, True)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def prior_year_interval(value: Interval, change: Interval) -> Interval | None:
    """The year-earlier values that a value's interval and its change's interval allow: the value
    divided by (1 + change/100), the low end from the lowest value over the highest change, the
    high end from the highest value over the lowest change, rounded outwards to the cent. None
    where that proves nothing more than that a count is not negative."""
    if change.high is None:
        low, low_inclusive = 0.0, value.low == 0 and value.low_inclusive
    else:
        low = math.floor(value.low / (1 + change.high / 100) * 100) / 100
        low_inclusive = value.low_inclusive and bool(change.high_inclusive)
    if value.high is None or change.low <= -100:
        high, high_inclusive = None, None
    else:
        high = math.ceil(_number(value.high / (1 + change.low / 100)) * 100) / 100
        high_inclusive = bool(value.high_inclusive) and change.low_inclusive
    if low == 0 and high is None:
        return None
    return Interval(low, high, low_inclusive, high_inclusive)


def intersect(a: Interval, b: Interval) -> Interval | None:
    """The values both intervals allow, or None where they share none."""
    if a.low > b.low or (a.low == b.low and not a.low_inclusive):
        low, low_inclusive = a.low, a.low_inclusive
    else:
        low, low_inclusive = b.low, b.low_inclusive
    if b.high is None or (a.high is not None and (a.high < b.high or (a.high == b.high and not a.high_inclusive))):
        high, high_inclusive = a.high, a.high_inclusive
    else:
        high, high_inclusive = b.high, b.high_inclusive
    if high is not None and (low > high or (low == high and not (low_inclusive and high_inclusive))):
        return None
    return Interval(low, high, low_inclusive, high_inclusive)


def difference(total: Interval, part: Interval) -> Interval:
    """What is left of `total` once `part` is taken away (a year-to-date total minus a shorter
    one): low = low(total) - high(part), high = high(total) - low(part), clipped at 0. An end is
    included only where both ends it comes from are; no upper bound on the part leaves the low at 0."""
    if part.high is None:
        low, low_inclusive = 0.0, True
    else:
        low = _number(total.low - part.high)
        low_inclusive = total.low_inclusive and bool(part.high_inclusive)
        if low <= 0:
            low, low_inclusive = 0.0, True
    if total.high is None:
        return Interval(low, None, low_inclusive, None)
    high = _number(total.high - part.low)
    high_inclusive = bool(total.high_inclusive) and part.low_inclusive
    if high < low or (high == low and not (low_inclusive and high_inclusive)):
        high, high_inclusive = low, True  # clipped at 0: nothing is left but nothing
    return Interval(low, high, low_inclusive, high_inclusive)


def shown(interval: Interval) -> str:
    """The interval in the usual notation: "(1,110,000, ∞)", "[1,155,000, 1,165,000)"."""

    def number(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")

    opening = "[" if interval.low_inclusive else "("
    if interval.high is None:
        return f"{opening}{number(interval.low)}, ∞)"
    closing = "]" if interval.high_inclusive else ")"
    return f"{opening}{number(interval.low)}, {number(interval.high)}{closing}"


# The observation columns interval_columns() fills in.
INTERVAL_FIELDS = (
    "value_low", "value_high", "low_inclusive", "high_inclusive",
    "prior_year_low", "prior_year_high", "prior_year_low_inclusive", "prior_year_high_inclusive",
)  # fmt: skip


def interval_columns(observation: dict[str, object]) -> dict[str, object]:
    """The interval columns of one observation row (its value and its derived prior-year value),
    from its value, qualifier, written text and year-on-year change."""
    value = value_interval(
        float(observation["value"]),  # type: ignore[arg-type]
        str(observation["qualifier"]),
        str(observation["value_text"]),
    )
    prior = None
    if observation.get("yoy_change_pct") is not None and observation.get("yoy_qualifier") is not None:
        change = change_interval(
            float(observation["yoy_change_pct"]),  # type: ignore[arg-type]
            str(observation["yoy_qualifier"]),
            str(observation.get("yoy_text") or ""),
        )
        prior = prior_year_interval(value, change)
    return {
        "value_low": value.low,
        "value_high": value.high,
        "low_inclusive": value.low_inclusive,
        "high_inclusive": value.high_inclusive,
        "prior_year_low": None if prior is None else prior.low,
        "prior_year_high": None if prior is None else prior.high,
        "prior_year_low_inclusive": None if prior is None else prior.low_inclusive,
        "prior_year_high_inclusive": None if prior is None else prior.high_inclusive,
    }
