"""Pure rules for the figures: reading numbers and periods as the article writes them,
checking a curated figure against its quote, and deriving prior-year values.

Nothing here touches a database or the network, so every rule is tested on its own
(tests/test_figures.py).
"""

import calendar
import math
import re
import unicodedata
from datetime import date, timedelta
from typing import Any, Literal, get_args

Qualifier = Literal["exact", "more_than", "at_least", "less_than", "at_most", "approximately"]
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)

# Words that turn a number into a bound; longest first so "no more than" wins over "more than".
_QUALIFIER_WORDS = {
    "no more than": "at_most",
    "no less than": "at_least",
    "more than": "more_than",
    "greater than": "more_than",
    "exceeded": "more_than",
    "exceeding": "more_than",
    "over": "more_than",
    "above": "more_than",
    "at least": "at_least",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "at most": "at_most",
    "up to": "at_most",
    "within": "at_most",
    "approximately": "approximately",
    "about": "approximately",
    "around": "approximately",
    "roughly": "approximately",
}
_QUALIFIER_PATTERN = "|".join(sorted(_QUALIFIER_WORDS, key=len, reverse=True))

_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?:st|nd|rd|th)?"
    r"(?:\s+(?P<scale>thousand|million|billion))?\b"
)
# Durations written in words, in minutes.
_WORD_DURATIONS = {"a quarter of an hour": 15, "half an hour": 30, "an hour": 60}
_DURATION_UNITS = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60}
_DECREASE_WORDS = re.compile(r"\b(down|fell|fall|dropped|declined|decreased?|decline)\b")

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}

# The bound a qualifier puts on the true value: +1 "at least this", -1 "at most this".
_DIRECTION = {"more_than": 1, "at_least": 1, "less_than": -1, "at_most": -1}
_STRICT = {1: "more_than", -1: "less_than"}
_INCLUSIVE = {1: "at_least", -1: "at_most"}


class FigureError(ValueError):
    """A curated figure that its own quote does not support."""


def parse_number(text: str) -> float:
    """The first number written in `text`: "1.11 million" -> 1110000, "3,800" -> 3800,
    "6,500th" -> 6500, "half an hour" -> 30 (durations come out in minutes)."""
    lowered = text.lower()
    for words, minutes in _WORD_DURATIONS.items():
        if re.search(rf"\b{words}\b", lowered):
            return float(minutes)
    match = _NUMBER.search(lowered)
    if match is None:
        raise FigureError(f"no number in {text!r}")
    value = float(match["digits"].replace(",", "") + (match["fraction"] or ""))
    if match["scale"]:
        value *= _SCALES[match["scale"]]
    rest = lowered[match.end() :].split()
    if rest and rest[0].rstrip(".,") in _DURATION_UNITS:
        value *= _DURATION_UNITS[rest[0].rstrip(".,")]
    # Rounding removes binary noise such as 1.11 * 1e6 = 1110000.0000000002.
    return round(value, 6)


def parse_qualifier(text: str) -> str:
    """The bound the words just before the number put on it; "exact" when there are none."""
    number = re.search(rf"\d|{'|'.join(_WORD_DURATIONS)}", text.lower())
    before = text.lower()[: number.start() if number else len(text)]
    match = re.search(rf"\b({_QUALIFIER_PATTERN})\s*$", before)
    return _QUALIFIER_WORDS[match[1]] if match else "exact"


def parse_change(text: str) -> tuple[float, str]:
    """A year-on-year change as written ("up 12.8 percent", "an increase of over 156 percent")
    -> (signed percent, qualifier). A bound on a decrease flips: "down over 3 percent" is
    a change of less than -3."""
    if not re.search(r"\b(percent|per cent)\b|%", text.lower()):
        raise FigureError(f"no percentage in {text!r}")
    pct, qualifier = parse_number(text), parse_qualifier(text)
    if _DECREASE_WORDS.search(text.lower()):
        pct = -pct
        if qualifier in _DIRECTION:
            direction = -_DIRECTION[qualifier]
            strict = qualifier in ("more_than", "less_than")
            qualifier = (_STRICT if strict else _INCLUSIVE)[direction]
    return pct, qualifier


def resolve_period(period_text: str, published: date) -> tuple[date, date]:
    """The dates a relative period means in an article published on `published`:
    "in January" is the last whole January before it, "on Monday" the last Monday before it."""
    words = period_text.lower().split()
    if len(words) == 2 and words[0] == "in" and words[1] in _MONTHS:
        month = _MONTHS[words[1]]
        year = published.year if month < published.month else published.year - 1
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if len(words) == 2 and words[0] == "on" and words[1] in _WEEKDAYS:
        days_back = (published.weekday() - _WEEKDAYS[words[1]]) % 7 or 7
        day = published - timedelta(days=days_back)
        return day, day
    raise FigureError(f"cannot resolve the period {period_text!r}")


def half_unit(text: str) -> float:
    """Half the unit of the last digit of the first number written in `text`: "12.8 percent" ->
    0.05, "125 percent" -> 0.5. A number written so stands for anything that rounds to it."""
    match = _NUMBER.search(text.lower())
    decimals = len(match["fraction"]) - 1 if match and match["fraction"] else 0
    return 0.5 * 0.1**decimals


def prior_year_value(
    value: float,
    qualifier: str,
    change_pct: float | None,
    change_qualifier: str | None,
    change_half_unit: float = 0.0,
) -> tuple[float | None, str | None]:
    """The year-earlier value implied by a value and its year-on-year change, and what kind of
    bound it is. None where the bounds pull in opposite directions, as with "more than 3,800, up
    more than 156 percent", which says nothing about the year before.

    A stated change is itself rounded: "up 12.8 percent" (change_half_unit 0.05) is anything from
    12.75 to 12.85. So a bound is taken at the end of that range that makes it weakest and rounded
    outwards to the cent, and an exact value with a rounded change gives an approximate one."""
    if change_pct is None or change_qualifier is None or change_pct - change_half_unit <= -100:
        return None, None
    central = round(value / (1 + change_pct / 100), 2)
    # A larger value means a larger prior value; a larger change means a smaller one.
    bounds = [(_DIRECTION[qualifier], qualifier)] if qualifier in _DIRECTION else []
    if change_qualifier in _DIRECTION:
        bounds.append((-_DIRECTION[change_qualifier], change_qualifier))
    if "approximately" in (qualifier, change_qualifier):
        return (central, "approximately") if not bounds else (None, None)
    if not bounds:
        return central, "exact" if change_half_unit == 0 else "approximately"
    directions = {direction for direction, _ in bounds}
    if len(directions) > 1:
        return None, None
    direction = directions.pop()
    change = change_pct + (direction * change_half_unit if change_qualifier == "exact" else 0)
    prior = value / (1 + change / 100) * 100
    prior = (math.floor(prior) if direction > 0 else math.ceil(prior)) / 100
    strict = any(q in ("more_than", "less_than") for _, q in bounds)
    return prior, (_STRICT if strict else _INCLUSIVE)[direction]


def fold_name(name: str) -> str:
    """A port name reduced for look-up: case, diacritics, Unicode forms, spaces and
    punctuation do not matter ("Ürümqi" == "urumqi", "Alataw Pass" == "alatawpass")."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = (c for c in decomposed if not unicodedata.combining(c) and c.isalnum())
    return "".join(kept).casefold()


def locate(quote: str, text: str) -> tuple[int, int]:
    """Where `quote` stands in `text`; it must stand there exactly once, so the offsets
    are unambiguous."""
    start = text.find(quote)
    if start < 0:
        raise FigureError("the quote is not in the article")
    if text.find(quote, start + 1) >= 0:
        raise FigureError("the quote appears more than once in the article; quote more words")
    return start, start + len(quote)


def check_figure(figure: dict[str, Any], article: str, published: date, port_names: list[str]) -> tuple[int, int]:
    """Check one curated figure against the article; returns where its quote starts and ends.

    The quote must be in the article, the written value in the quote and equal to the stored
    value with the same qualifier, the change likewise, the port named in the quote or its
    context, and the period what the written period means for the publication date."""
    span = locate(figure["quote"], article)
    context = figure.get("context", "")
    if context:
        locate(context, article)
    quoted = figure["quote"] + " " + context

    value_text = figure["value_text"]
    if value_text not in figure["quote"]:
        raise FigureError(f"value_text {value_text!r} is not in the quote")
    if parse_number(value_text) != figure["value"]:
        raise FigureError(f"{value_text!r} reads as {parse_number(value_text):,.10g}, not {figure['value']:,.10g}")
    if parse_qualifier(value_text) != figure["qualifier"]:
        raise FigureError(f"{value_text!r} is qualified {parse_qualifier(value_text)}, not {figure['qualifier']}")
    for field in ("unit_text", "scope"):
        if field in figure and figure[field] not in figure["quote"]:
            raise FigureError(f"{field} {figure[field]!r} is not in the quote")

    if "yoy_text" in figure:
        if figure["yoy_text"] not in figure["quote"]:
            raise FigureError(f"yoy_text {figure['yoy_text']!r} is not in the quote")
        change = parse_change(figure["yoy_text"])
        if change != (figure.get("yoy_change_pct"), figure.get("yoy_qualifier")):
            raise FigureError(f"{figure['yoy_text']!r} reads as {change}, not the stored change")
    elif "yoy_change_pct" in figure or "yoy_qualifier" in figure:
        raise FigureError("a year-on-year change needs the yoy_text it was read from")

    folded = fold_name(quoted)
    if not any(fold_name(name) in folded for name in port_names):
        raise FigureError(f"the port {figure['port']!r} is not named in the quote or its context")

    expected = _expected_period(figure, quoted, published)
    stored = (figure.get("period_start"), figure["period_end"])
    if stored != expected:
        raise FigureError(f"period {stored} does not match {figure.get('period_text')!r}: expected {expected}")
    return span


def _expected_period(figure: dict[str, Any], quoted: str, published: date) -> tuple[date | None, date]:
    period_text = figure.get("period_text")
    if period_text is None:
        # No period written: a statement of how things stand when the article appeared.
        return None, published
    if period_text not in quoted:
        raise FigureError(f"period_text {period_text!r} is not in the quote or its context")
    start, end = resolve_period(period_text, published)
    # A running total since a service began counts from no particular day.
    return (None if figure.get("cumulative") else start), end
