"""Pure rules for the figures: reading numbers and periods as the article writes them,
checking a curated figure against its quote, and deriving prior-year values.

Nothing here touches a database or the network, so every rule is tested on its own
(tests/test_figures.py).
"""

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, get_args

Qualifier = Literal["exact", "more_than", "at_least", "less_than", "at_most", "approximately"]
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)

# Words that turn a number into a bound: the one table of readings (docs/data.md repeats it).
# Matched just before the number, longest first, so "no more than" wins over "more than".
QUALIFIER_WORDS = {
    "more than": "more_than",
    "over": "more_than",
    "exceeded": "more_than",
    "exceeding": "more_than",
    "exceeds": "more_than",
    "surpassed": "more_than",
    "topped": "more_than",
    "above": "more_than",
    "greater than": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "nearly": "less_than",
    "almost": "less_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "below": "less_than",
    "within": "at_most",
    "up to": "at_most",
    "at most": "at_most",
    "no more than": "at_most",
    "about": "approximately",
    "around": "approximately",
    "roughly": "approximately",
    "approximately": "approximately",
    "some": "approximately",
    "close to": "approximately",
}
_QUALIFIER_WORDS = QUALIFIER_WORDS
_QUALIFIER_PATTERN = "|".join(sorted(_QUALIFIER_WORDS, key=len, reverse=True))

_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
_NUMBER = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?(?:st|nd|rd|th)?"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion))?\b"
)
# Every run of digits, with its thousands separators and decimals: what the seed must account for.
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?")
# A range is read as its upper bound, "at most": "20 to 30 minutes" -> at most 30.
_RANGE = re.compile(
    r"(?:between\s+)?(?P<low>\d[\d,.]*)\s*(?:to|-|–|and)\s*(?P<high>\d[\d,.]*)"
    r"(?=\s*(?:thousand|million|billion|minutes?|hours?|percent|per cent|%|[a-z]|$))"
)
# Durations written in words, in minutes.
_WORD_DURATIONS = {
    "an hour and a half": 90,
    "one and a half hours": 90,
    "a quarter of an hour": 15,
    "half an hour": 30,
    "half a day": 720,
    "an hour": 60,
}
WORD_DURATIONS = _WORD_DURATIONS
_DURATION_UNITS = {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_DECREASE_WORDS = re.compile(
    r"\b(down|fell|fall|falls|falling|dropped|drop|dropping|declined|declines?|declining|decreased?|decreases|decreasing|slid|shrank|plunged)\b"
)

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
# As datelines and tables abbreviate them ("Feb. 9", "Sept. 30").
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}

# The bound a qualifier puts on the true value: +1 "at least this", -1 "at most this".
_DIRECTION = {"more_than": 1, "at_least": 1, "less_than": -1, "at_most": -1}
_STRICT = {1: "more_than", -1: "less_than"}
_INCLUSIVE = {1: "at_least", -1: "at_most"}


class FigureError(ValueError):
    """A curated figure that its own quote does not support."""


def parse_number(text: str) -> float:
    """The first number written in `text`: "1.11 million" -> 1110000, "3,800" -> 3800,
    "6,500th" -> 6500, "$3.65 billion" -> 3650000000, "half an hour" -> 30 and "two hours" -> 120
    (durations come out in minutes). A range is its upper bound: "20 to 30 minutes" -> 30."""
    lowered = text.lower()
    for words, minutes in _WORD_DURATIONS.items():
        if re.search(rf"\b{words}\b", lowered):
            return float(minutes)
    word = re.search(rf"\b({'|'.join(_NUMBER_WORDS)})\s+({'|'.join(_DURATION_UNITS)})\b", lowered)
    digits = _NUMBER.search(lowered)
    if word and (digits is None or word.start() < digits.start()):
        return float(_NUMBER_WORDS[word[1]] * _DURATION_UNITS[word[2]])
    match = digits
    span = _RANGE.search(lowered)
    if match is not None and span is not None and span.start("low") == match.start() and _is_range(span):
        match = _NUMBER.search(lowered, span.start("high"))
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
    """The bound the words just before the number put on it (QUALIFIER_WORDS); "exact" when
    there are none. A range ("20 to 30 minutes") is read as at most its upper end."""
    lowered = text.lower()
    number = re.search(rf"\d|{'|'.join(_WORD_DURATIONS)}|\b({'|'.join(_NUMBER_WORDS)})\s", lowered)
    position = number.start() if number else len(text)
    # A currency sign stands between the bound and the digits: "more than $3 billion".
    before = lowered[:position].rstrip("$¥€£ ")
    match = re.search(rf"\b({_QUALIFIER_PATTERN})\s*$", before)
    if match:
        return QUALIFIER_WORDS[match[1]]
    span = _RANGE.search(lowered)
    if span is not None and span.start("low") == position and _is_range(span):
        return "at_most"
    return "exact"


def _is_range(match: re.Match[str]) -> bool:
    # "2022 to 2023" and "12.8 and 156" are not ranges of one figure; a range rises.
    try:
        low = float(match["low"].replace(",", "").rstrip("."))
        high = float(match["high"].replace(",", "").rstrip("."))
    except ValueError:
        return False
    written_as_range = " and " not in match[0] or match[0].startswith("between")
    return low < high and written_as_range


def parse_change(text: str) -> tuple[float, str]:
    """A year-on-year change as written ("up 12.8 percent", "an increase of over 156 percent")
    -> (signed percent, qualifier). A bound on a decrease flips: "down over 3 percent" is
    a change of less than -3. In a list that shares its verb ("down 3 percent and 5 percent")
    the change is the last percentage."""
    lowered = text.lower()
    percents = list(re.finditer(r"(\d[\d,.]*\d|\d)\s*(?:percent|per cent|%)", lowered))
    if not percents:
        raise FigureError(f"no percentage in {text!r}")
    last = percents[-1]
    if len(percents) > 1:
        lowered = lowered[: percents[0].start()] + lowered[last.start() :]
    pct, qualifier = parse_number(lowered), parse_qualifier(lowered)
    if _DECREASE_WORDS.search(lowered):
        pct = -pct
        if qualifier in _DIRECTION:
            direction = -_DIRECTION[qualifier]
            strict = qualifier in ("more_than", "less_than")
            qualifier = (_STRICT if strict else _INCLUSIVE)[direction]
    return pct, qualifier


# A dateline opens an article: "URUMQI, Feb. 9 (Xinhua) --". Its day is the reference day.
_DATELINE = re.compile(
    rf"^\s*(?P<dateline>[A-Z][A-Z .'-]*(?:, [A-Z][A-Za-z .'-]*)?, (?P<month>{_MONTH_PATTERN})\.? (?P<day>\d{{1,2}}))\b",
    re.IGNORECASE,
)


def dateline_in(text: str) -> tuple[int, int] | None:
    """Where the dateline the article opens with stands ("URUMQI, Feb. 9"), or None."""
    match = _DATELINE.match(text)
    if match is None or not match["dateline"].split(",")[0].isupper():
        return None
    return match.start("dateline"), match.end("dateline")


def reference_day(text: str, published: date) -> date:
    """The day relative periods are counted from: the dateline's day where the article opens with
    one, else the publication date. The dateline gives no year: it is the publication's, or the
    year before if the dateline's month comes after the publication's (a report filed on Dec. 31
    and published on Jan. 1)."""
    span = dateline_in(text)
    if span is None:
        return published
    match = _DATELINE.match(text)
    assert match is not None
    month, day = _MONTHS[match["month"].lower()], int(match["day"])
    year = published.year - 1 if month > published.month else published.year
    try:
        return date(year, month, day)
    except ValueError:
        return published


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _last_month(month: int, reference: date, phrase: str) -> tuple[date, date]:
    """The last whole <month> before the reference day; in the reference day's own month it is
    unclear whether the month so far or last year's is meant, so that is refused."""
    if month == reference.month:
        raise FigureError(f"cannot resolve {phrase!r}: it is the reference day's own month ({reference})")
    year = reference.year if month < reference.month else reference.year - 1
    return date(year, month, 1), _month_end(year, month)


def _span_of_year(first: int, last: int, year: int | None, reference: date) -> tuple[date, date]:
    """Months first..last of `year`, or of the reference day's year if it has ended by then, else
    of the year before."""
    if year is None:
        year = reference.year if _month_end(reference.year, last) < reference else reference.year - 1
    return date(year, first, 1), _month_end(year, last)


def _day(phrase: str, reference: date) -> date:
    """A day as written: "Monday" (the last on or before the reference day: a report datelined on a
    Tuesday writes "as of Tuesday" for that day, and "last Tuesday" for the week before), "June 30"
    (the last before or on it), "the end of June", "the end of last year", "the end of 2022"."""
    phrase = re.sub(r"\s+", " ", phrase.strip().lower().rstrip(".,"))
    phrase = re.sub(r"^\d{1,2}:\d{2}(?: ?[ap]\.m\.)? ", "", phrase)  # "8:00 a.m. Wednesday": that day
    if phrase in _WEEKDAYS:
        days_back = (reference.weekday() - _WEEKDAYS[phrase]) % 7
        return reference - timedelta(days=days_back)
    if match := re.fullmatch(rf"({_MONTH_PATTERN})\.? (\d{{1,2}})(?:,? (\d{{4}}))?(?: this year)?", phrase):
        month, day = _MONTHS[match[1]], int(match[2])
        if match[3]:
            return date(int(match[3]), month, day)
        year = reference.year if (month, day) <= (reference.month, reference.day) else reference.year - 1
        return date(year, month, day)
    if match := re.fullmatch(r"(?:the )?end of (last year|\d{4})", phrase):
        year = reference.year - 1 if match[1] == "last year" else int(match[1])
        return date(year, 12, 31)
    if match := re.fullmatch(rf"(?:the )?end of ({_MONTH_PATTERN})(?: (\d{{4}}|this year|last year))?", phrase):
        month = _MONTHS[match[1]]
        if match[2] and match[2][0].isdigit():
            return _month_end(int(match[2]), month)
        if match[2] == "last year":
            return _month_end(reference.year - 1, month)
        return _last_month(month, reference, phrase)[1]
    raise FigureError(f"cannot read the day {phrase!r}")


_ORDINAL_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_ORDINAL_COUNTS.update({"ten": 10, "eleven": 11})
_OF_YEAR = r"(?:,? (?:of )?(?:the year|(?P<year>\d{4}|this year|last year)))?"
# Words that say a figure counts from no particular day: a running total.
# A period that starts on a day an event happened: "since the resumption on April 1 this year".
_SINCE_DAY = re.compile(
    rf"since (?:(?:the |its )?[^,;]*? on )?(?P<day>(?:{_MONTH_PATTERN})\.? \d{{1,2}}(?:,? \d{{4}})?)(?P<this_year> this year)?"
)
_RUNNING_SINCE = re.compile(
    r"(?:since (?:\d{4}|(?:the|its) (?:service|route|line|launch|opening|start)\b.*|it (?:was )?(?:began|opened|launched).*)"
    r"|to date|so far|in total|cumulatively)$"
)


def resolve_period(period_text: str, reference: date, cumulative: bool = False) -> tuple[date | None, date]:
    """The dates a period as written means, counted from the reference day (the dateline's day,
    else the publication date). Returns (start, end); start is None for a running total
    (`cumulative`). Raises FigureError for a period it cannot resolve without guessing.

    - "in January": the last whole January before the reference day (refused in its own month);
    - "on Monday": the last Monday before it; "on June 30": that day;
    - "in the first quarter/half", "in the first N months", "from January to June",
      "January-May": that span of the reference year, or of the year before if not yet over;
    - "so far this year", "since the beginning of this year", "this year", alone or with
      "as of X" or "by X": January 1 to X (X the reference day when absent);
    - "as of X", "by X", "by the end of <month>": refused unless the figure is a running total,
      which then ends on X; "to date", "since 2011", "since the service began": a running total
      up to the reference day;
    - "since <something> on April 1 (this year)", "since April 1": from that day to the reference day;
    - "last year": the previous calendar year; "in 2022", "throughout 2022": that year;
      "last month": the calendar month before the reference day's."""
    phrase = re.sub(r"\s+", " ", period_text.strip().lower().rstrip(".,"))
    phrase = re.sub(r"^(?:in|during|over|for|on|of|throughout) (?:the )?(?:whole of )?", "", phrase)
    phrase = re.sub(r" period$", "", phrase)  # "in the January-October period"
    phrase = phrase.replace("–", "-").replace(" - ", "-")

    def year_of(match: re.Match[str]) -> int | None:
        written = match["year"]
        if written is None:
            return None
        return reference.year - 1 if written == "last year" else int(written)

    def span(first: int, last: int, match: re.Match[str]) -> tuple[date | None, date]:
        written = match["year"]
        if written == "this year":
            start, end = date(reference.year, first, 1), _month_end(reference.year, last)
            if end >= reference:
                raise FigureError(f"cannot resolve {period_text!r}: it has not ended on {reference}")
        else:
            start, end = _span_of_year(first, last, year_of(match), reference)
        return (None if cumulative else start), end

    if match := re.fullmatch(rf"(?P<month>{_MONTH_PATTERN})(?: (?P<year>\d{{4}}|last year))?", phrase):
        month = _MONTHS[match["month"]]
        if match["year"]:
            year = reference.year - 1 if match["year"] == "last year" else int(match["year"])
            return (None if cumulative else date(year, month, 1)), _month_end(year, month)
        start, end = _last_month(month, reference, period_text)
        return (None if cumulative else start), end
    if match := re.fullmatch(rf"first (?P<which>quarter|half|three quarters){_OF_YEAR}", phrase):
        last = {"quarter": 3, "half": 6, "three quarters": 9}[match["which"]]
        return span(1, last, match)
    if match := re.fullmatch(rf"(?P<which>second|third|fourth) quarter{_OF_YEAR}", phrase):
        first = {"second": 4, "third": 7, "fourth": 10}[match["which"]]
        return span(first, first + 2, match)
    if match := re.fullmatch(rf"second half{_OF_YEAR}", phrase):
        return span(7, 12, match)
    if match := re.fullmatch(rf"first (?P<count>\d{{1,2}}|{'|'.join(_ORDINAL_COUNTS)}) months{_OF_YEAR}", phrase):
        count = int(match["count"]) if match["count"].isdigit() else _ORDINAL_COUNTS[match["count"]]
        if not 1 <= count <= 12:
            raise FigureError(f"cannot resolve {period_text!r}")
        return span(1, count, match)
    months = (
        rf"(?:from |between )?(?P<first>{_MONTH_PATTERN})\.?(?: to | and |-| through )(?P<last>{_MONTH_PATTERN})\.?"
    )
    if match := re.fullmatch(months + _OF_YEAR, phrase):
        first, last = _MONTHS[match["first"]], _MONTHS[match["last"]]
        if first > last:
            raise FigureError(f"cannot resolve {period_text!r}: the months run backwards")
        return span(first, last, match)
    if match := re.fullmatch(r"(?P<year>\d{4})|last year", phrase):
        year = int(match["year"]) if match["year"] else reference.year - 1
        if date(year, 12, 31) > reference and not cumulative:
            # "in 2023" in a report of May 2023: the year so far, to a day it does not name.
            raise FigureError(f"cannot resolve {period_text!r}: the year has not ended on {reference}")
        return (None if cumulative else date(year, 1, 1)), date(year, 12, 31)
    # The year so far: from January 1 to the day named, or to the reference day.
    if phrase == "last month":
        month_end = date(reference.year, reference.month, 1) - timedelta(days=1)
        return (None if cumulative else month_end.replace(day=1)), month_end
    if match := re.fullmatch(r"since the (?:beginning|start) of (\d{4})", phrase):
        if int(match[1]) != reference.year:
            raise FigureError(f"cannot resolve {period_text!r}: not the reference day's year ({reference})")
        return (None if cumulative else date(reference.year, 1, 1)), reference
    so_far = r"(?:so far this year|since the (?:beginning|start) of (?:this|the) year|this year)"
    if re.fullmatch(so_far, phrase):
        return (None if cumulative else date(reference.year, 1, 1)), reference
    if match := re.fullmatch(r"so far in (\d{4})", phrase):
        if int(match[1]) != reference.year:
            raise FigureError(f"cannot resolve {period_text!r}: not the reference day's year ({reference})")
        return (None if cumulative else date(reference.year, 1, 1)), reference
    if _SINCE_DAY.fullmatch(phrase) is None and re.search(rf"\b{so_far}\b", phrase):
        # "this year ... on Monday" (the 5,000th train this year left on Monday): the year so far, to that day.
        on_day = re.search(rf"(?:^|\bon )((?:{'|'.join(_WEEKDAYS)})|(?:{_MONTH_PATTERN})\.? \d{{1,2}})\b", phrase)
        if on_day and not re.search(r"\b(?:as of|by|till|until)\b", phrase):
            named = _day(on_day[1], reference)
            return (None if cumulative else date(named.year, 1, 1)), named
    for keyword in re.finditer(r"\b(?:as of|by|till|until) (?=.)", phrase):
        # "as of June 30", "by the end of June this year", "As of Sunday, the port ... this year":
        # the longest run of words after "as of" that reads as a day; the first "by" that is
        # followed by one ("goods handled this year by the port ... as of Thursday").
        words = phrase[keyword.end() :].replace(",", " ,").split()
        day = None
        for count in range(min(len(words), 6), 0, -1):
            try:
                day = _day(" ".join(words[:count]).replace(" ,", ","), reference)
                break
            except FigureError:
                continue
        if day is None:
            continue
        # "As of May 10, the port had handled 2,715 trains in 2023": the year so far, up to that day.
        if re.search(rf"\b{so_far}\b", phrase) or re.search(rf"\bin {day.year}\b", phrase):
            return (None if cumulative else date(day.year, 1, 1)), day
        if not cumulative:
            raise FigureError(f"cannot resolve {period_text!r}: it says when, not since when")
        return None, day
    if match := _SINCE_DAY.fullmatch(phrase):
        # "since passenger clearance resumed on April 1 (this year)": from that day to the reference day.
        start = _day(match["day"], reference)
        if start > reference or (match["this_year"] and start.year != reference.year):
            raise FigureError(f"cannot resolve {period_text!r}: it starts after {reference}")
        return (None if cumulative else start), reference
    if _RUNNING_SINCE.fullmatch(phrase):
        if not cumulative:
            raise FigureError(f"{period_text!r} is a running total: mark the figure cumulative")
        return None, reference
    try:
        day = _day(phrase, reference)
    except FigureError:
        raise FigureError(f"cannot resolve the period {period_text!r}") from None
    return (None if cumulative else day), day


def half_unit(text: str) -> float:
    """Half the unit of the last digit of the last number written in `text`: "12.8 percent" ->
    0.05, "125 percent" -> 0.5. A number written so stands for anything that rounds to it."""
    matches = list(_NUMBER.finditer(text.lower()))
    match = matches[-1] if matches else None  # a list's change is its last number (parse_change)
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
    context, and the period what the written period means on the article's reference day
    (reference_day: the dateline's day, else the publication date)."""
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

    expected = _expected_period(figure, quoted, reference_day(article, published))
    stored = (figure.get("period_start"), figure["period_end"])
    if stored != expected:
        shown = ", ".join("none" if day is None else day.isoformat() for day in stored)
        wanted = ", ".join("none" if day is None else day.isoformat() for day in expected)
        raise FigureError(f"period ({shown}) does not match {figure.get('period_text')!r}: expected ({wanted})")
    return span


def _expected_period(figure: dict[str, Any], quoted: str, reference: date) -> tuple[date | None, date]:
    period_text = figure.get("period_text")
    if period_text is None:
        # No period written: a statement of how things stand on the reference day.
        return None, reference
    if period_text not in quoted:
        raise FigureError(f"period_text {period_text!r} is not in the quote or its context")
    return resolve_period(period_text, reference, cumulative=bool(figure.get("cumulative")))


# Nothing missed: every number of an article is a figure's value, change or period, or excluded.


@dataclass(frozen=True)
class NumberAt:
    """A number as the article writes it, and where: `text[start:end] == written`."""

    start: int
    end: int
    written: str


def numbers_in(text: str) -> list[NumberAt]:
    """Every run of digits in `text`, with its thousands separators and decimals ("1,351",
    "12.8", the "19" of "COVID-19", the "6,500" of "6,500th"). Numbers spelled out in words
    ("two", "half an hour") are not listed: the genre writes its statistics in digits, and
    words are mostly not figures ("the two countries")."""
    return [NumberAt(m.start(), m.end(), m[0]) for m in _DIGITS.finditer(text)]


def figure_spans(figure: dict[str, Any], article: str) -> list[tuple[int, int]]:
    """Where a figure's value_text and yoy_text stand (their first place in the quote) and its
    period_text (in the quote, else in the context): the numbers the figure accounts for."""
    quote_start = article.find(figure["quote"])
    if quote_start < 0:
        return []
    spans = []
    for field in ("value_text", "yoy_text", "period_text"):
        written = figure.get(field)
        if not written:
            continue
        at = figure["quote"].find(written)
        if at >= 0:
            spans.append((quote_start + at, quote_start + at + len(written)))
        elif field == "period_text" and figure.get("context"):
            context_start = article.find(figure["context"])
            at = figure["context"].find(written)
            if context_start >= 0 and at >= 0:
                spans.append((context_start + at, context_start + at + len(written)))
    return spans


def unaccounted_numbers(
    article: str, accounted: list[tuple[int, int]], excluded: list[dict[str, Any]]
) -> tuple[list[NumberAt], list[str]]:
    """The numbers of `article` that lie in none of the `accounted` spans (the figures', the
    dateline's) and in no excluded entry's quote with the same `text`; and the problems of the
    excluded entries themselves: a quote not unique in the article, or one that excludes no
    number that is not already accounted for."""
    numbers = numbers_in(article)

    def inside(number: NumberAt, start: int, end: int) -> bool:
        return start <= number.start and number.end <= end

    problems: list[str] = []
    excluded_numbers: set[NumberAt] = set()
    for entry in excluded:
        try:
            start, end = locate(entry["quote"], article)
        except FigureError as error:
            problems.append(f"excluded {entry.get('text')!r} ({entry['quote']!r}): {error}")
            continue
        except KeyError as error:
            problems.append(f"excluded entry {entry!r}: missing field {error}")
            continue
        if not entry.get("reason"):
            problems.append(f"excluded {entry.get('text')!r} ({entry['quote']!r}): give a reason")
        covered = {n for n in numbers if n.written == str(entry.get("text")) and inside(n, start, end)}
        covered = {n for n in covered if not any(inside(n, a, b) for a, b in accounted)}
        if not covered:
            problems.append(f"excluded {entry.get('text')!r} ({entry['quote']!r}) excludes no number of the article")
        excluded_numbers |= covered
    missed = [n for n in numbers if n not in excluded_numbers and not any(inside(n, a, b) for a, b in accounted)]
    return missed, problems


# Sentences: the units a quote is made of, with their offsets. A period after these words (or an
# initial) abbreviates, it does not end a sentence: "7.64 billion U.S. dollars", "Feb. 9".
_ABBREVIATED = {"u.s", "u.k", "u.n", "co", "ltd", "inc", "no", "mr", "mrs", "ms", "dr", "st", "jr", "a.m", "p.m"}
# "May." ends a sentence: the month is never abbreviated.
_ABBREVIATED |= {name.lower() for name in calendar.month_abbr if name and name != "May"} | {"sept"}
_SENTENCE_END = re.compile(r"[.!?]+[\"”’]?(?=\s+[\"“‘(]?[A-Z0-9])")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Each line that holds words: a paragraph."""
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of `text`, paragraph by paragraph, as (start, end), the dateline and its
    "(Xinhua) --" left out of the first, and a closing "■" left out of the last. A sentence
    ends at ".", "!" or "?" (with a closing quotation mark) before a capital or a digit, not
    after an abbreviation such as "U.S." or "Feb."."""
    spans: list[tuple[int, int]] = []
    opening = re.match(r"[^\n]*?\)\s*(?:--|—|–)\s*", text) if dateline_in(text) else None
    for para_start, para_end in paragraph_spans(text):
        start = opening.end() if opening and para_start == 0 else para_start
        cuts = []
        for match in _SENTENCE_END.finditer(text, start, para_end):
            word = re.search(r"([A-Za-z.]+)$", text[start : match.start()])
            abbreviated = match[0] == "." and word is not None
            if abbreviated and word is not None and (word[1].lower() in _ABBREVIATED or len(word[1]) == 1):
                continue
            cuts.append(match.end())
        for end in [*cuts, para_end]:
            first, last = start, end
            while first < last and text[first].isspace():
                first += 1
            while last > first and (text[last - 1].isspace() or text[last - 1] == "■"):
                last -= 1
            if last > first:
                spans.append((first, last))
            start = end
    return spans


def sentence_at(text: str, offset: int) -> str:
    """The sentence of `text` that holds `offset`, for messages."""
    for start, end in sentence_spans(text):
        if start <= offset < end:
            return text[start:end]
    return text[max(0, offset - 60) : offset + 60]
