"""`python -m app.extract PATH/<id>.txt`: read a report's figures about Xinjiang's land ports and
propose them as seeds, with every other number excluded with its reason.

The article's metadata is `<id>.toml` beside it; the ports (ports.toml and gazetteer.toml) and
the metrics (metrics.toml, with how each is recognized) come from the configured seeds directory
(SEEDS_DIR). It prints TOML in the format of `seeds/<id>.figures.toml`; `--json` prints the same
for programs; `--write` writes `seeds/<id>.figures.toml` (and adds a port that only the gazetteer
knows to ports.toml), so that `make seed` loads it.

It never guesses. A figure whose port or period it cannot attribute is `unresolved`, with the
reason; a figure of a region, the country, several ports together, a company or a single day is
no port's and is excluded, with the reason. Every proposal has passed `check_figure`, the seed's
own check. Plain regular expressions: the genre writes its figures in a small family of phrasings,
and the rules stay readable and unit-tested (tests/test_extract.py).
"""

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.curator_page import curator_page
from app.figures import (
    QUALIFIER_WORDS,
    WORD_DURATIONS,
    FigureError,
    NumberAt,
    check_figure,
    dateline_in,
    figure_spans,
    numbers_in,
    paragraph_spans,
    parse_change,
    parse_number,
    parse_qualifier,
    reference_day,
    resolve_period,
    sentence_spans,
)
from app.seed_files import FIGURES_SUFFIX, read_toml
from app.settings import get_settings

# --- What the seeds say: ports and metrics ------------------------------------------------------


@dataclass
class Port:
    id: str
    name: str
    names: list[dict[str, str]]  # attested names: name, language, source_url
    spellings: list[str]  # every spelling read in a report, attested or not
    not_port: list[str] = field(default_factory=list)
    in_ports_toml: bool = True
    source_url: str = ""


@dataclass
class MetricReading:
    id: str
    unit: str
    unit_words: list[str]
    prefix_words: list[str]
    subject_words: list[str]
    required_words: list[str]
    scope_words: list[str]


def read_ports(seeds_dir: Path) -> list[Port]:
    """The ports of ports.toml with all their names, and the gazetteer's spellings and ports."""
    ports: dict[str, Port] = {}
    for row in read_toml(seeds_dir / "ports.toml")["port"]:
        names = list(row.get("names", []))
        ports[row["id"]] = Port(row["id"], row["name"], names, [row["name"], *(n["name"] for n in names)])
    gazetteer = seeds_dir / "gazetteer.toml"
    for row in read_toml(gazetteer)["port"] if gazetteer.exists() else []:
        names = list(row.get("names", []))
        spellings = [row["name"], *(n["name"] for n in names), *row.get("unattested", [])]
        port = ports.get(row["id"])
        if port is None:
            port = ports[row["id"]] = Port(
                row["id"], row["name"], names, [], in_ports_toml=False, source_url=row.get("source_url", "")
            )
        port.spellings += [s for s in spellings if s not in port.spellings]
        port.not_port += row.get("not_port", [])
    return list(ports.values())


def read_metrics(seeds_dir: Path) -> list[MetricReading]:
    metrics = []
    for row in read_toml(seeds_dir / "metrics.toml")["metric"]:
        reading = row.get("reading", {})
        metrics.append(
            MetricReading(
                row["id"],
                row["unit"],
                *(
                    sorted(reading.get(key, []), key=len, reverse=True)
                    for key in ("unit_words", "prefix_words", "subject_words", "required_words", "scope_words")
                ),
            )
        )
    return metrics


# --- The genre's phrasings ---------------------------------------------------------------------

_QUALIFIER = "|".join(sorted(QUALIFIER_WORDS, key=len, reverse=True))
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s+(?:thousand|million|billion|trillion))?"
_PERCENT = rf"(?:{_NUM})\s*(?:percent|per cent|%)"
_LAST_YEAR = r"(?:last|the (?:previous|prior|preceding)) year"
_YOY_WORDS = (
    rf"(?:year on year|year-on-year|from a year (?:ago|earlier)|over (?:the same period (?:of |in )?{_LAST_YEAR}|a year earlier)"
    rf"|from the same period (?:of |in )?{_LAST_YEAR}"
    rf"|compared (?:with|to) (?:the same period (?:of |in )?{_LAST_YEAR}|a year (?:earlier|ago)|{_LAST_YEAR})"
    rf"|on the previous year|over {_LAST_YEAR})"
)
# "up 41.8 percent over 2019": year on year only for a figure of 2020 (_versus_year_fits).
_VERSUS_YEAR = r"(?:over|compared (?:with|to)|from|against)\s+(?:19|20)\d\d\b"
_YOY = rf"(?:,?\s+(?:{_YOY_WORDS}|{_VERSUS_YEAR}))"
_UP = (
    r"up|down|rising|rose|risen|grew|grown|growing|increased|increasing|jumped|jumping|surged|surging|soared|soaring"
    r"|climbed|climbing|fell|fallen|falling|dropped|dropping|declined|declining|decreased|decreasing|slid|plunged"
)
_NOUN_CHANGE = r"increase|decrease|rise|growth|drop|decline|jump|surge"
_CHANGE = re.compile(
    rf"(?:\b(?:{_UP})(?:\s+(?:slightly|sharply|steadily|significantly|markedly))?(?:\s+by)?|\b(?:an?\s+)?(?:year-on-year\s+)?(?:{_NOUN_CHANGE})\s+of)"
    rf"\s+(?:(?:{_QUALIFIER})\s+)?{_PERCENT}(?:(?:,|,? and)\s+(?:(?:{_QUALIFIER})\s+)?{_PERCENT})*{_YOY}?"
    rf"|\b(?:an?\s+)?(?:(?:{_QUALIFIER})\s+)?{_PERCENT}\s+(?:year-on-year\s+)?(?:{_NOUN_CHANGE}){_YOY}?",
    re.IGNORECASE,
)
_YOY_ANYWHERE = re.compile(_YOY_WORDS, re.IGNORECASE)

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_MONTH_WORDS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR_OF = r"(?:,?\s+(?:of\s+)?(?:this year|the year|last year|\d{4}))?"
_COUNT = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven)"
_DAY = rf"(?:(?:\d{{1,2}}:\d{{2}}\s*(?:a\.m\.|p\.m\.)?\s+)?{_WEEKDAY}|{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?|the end of (?:{_MONTH}|last year|\d{{4}})(?:\s+(?:this year|\d{{4}}))?)"
# Longest first: a period is the longest phrase that reads as one.
_PERIOD = re.compile(
    "|".join(
        [
            rf"\bsince\s+(?:[^,;.]{{0,80}}?\s+on\s+)?{_MONTH}\s+\d{{1,2}}(?:,\s+\d{{4}})?(?:\s+this year)?",
            rf"\b(?:so far this year|since the (?:beginning|start) of (?:this|the) year),?\s+(?:as of|by)\s+{_DAY}",
            rf"\b(?:as of|by)\s+{_DAY}(?:\s+this year)?",
            rf"\b(?:as of|by)\s+{_MONTH}(?!\s*\d)",  # "by May": no day, so it cannot be resolved
            rf"\b(?:as of|by|in|since)\s+(?:late|early|mid)[- ]?{_MONTH}",  # nor "as of late August"
            rf"\b(?:in|during|over|for)\s+the\s+(?:first|second|third|fourth)\s+(?:quarter|half|three quarters){_YEAR_OF}",
            rf"\b(?:in|during|over|for)\s+the\s+first\s+{_COUNT}\s+months{_YEAR_OF}",
            rf"\b(?:(?:in|during)\s+)?(?:from|between)\s+{_MONTH}\s+(?:to|and|through)\s+{_MONTH}{_YEAR_OF}",
            rf"\b(?:in|during)\s+{_MONTH}\s+(?:and|to|through)\s+{_MONTH}{_YEAR_OF}",
            rf"\b(?:(?:in|during)\s+(?:the\s+)?)?{_MONTH}\s*[-–]\s*{_MONTH}(?:\s+period)?{_YEAR_OF}",
            r"\bso far (?:this year|in \d{4})\b|\bsince the (?:beginning|start) of (?:this|the) year\b",
            rf"\b(?:in|during)\s+{_MONTH}(?:\s+\d{{4}}|\s+last year)?",
            rf"\bon\s+(?:{_WEEKDAY}|{_MONTH}\s+\d{{1,2}})\b",
            r"\b(?:in|during)\s+\d{4}\b",
            r"\blast year\b|\blast month\b",
            r"\b(?:throughout|for the whole of)\s+\d{4}\b",
            r"\bsince the (?:beginning|start) of \d{4}\b",
            r"\bthis year\b",
            r"\bto date\b|\bsince \d{4}\b|\bsince (?:its|the) (?:launch|opening|start|service began|route opened)(?: in \d{4})?\b",
        ]
    ),
    re.IGNORECASE,
)
# A running total: it counts from no particular day (the 6,500th train; a cumulative total).
_CUMULATIVE = re.compile(
    r"\b(?:cumulative(?:ly)?|in total|to date|so far(?! (?:this year|in \d{4}))|since \d{4}|since (?:its|the) (?:launch|opening|start)(?! of)"
    r"|since the service began|accumulated)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_ORDINAL = re.compile(r"^\d[\d,]*(?:st|nd|rd|th)$")

# Whose figure it is, when no port is its subject.
_NOT_A_PORT = [
    (
        re.compile(
            r"\b(?:daily(?! necessities| goods| commodities| needs)|a day|per day|each day|every day|on average|average|single-day|per hour|a month|per month|monthly|annually|per year|per annum|each year|every year)\b(?!-)",
            re.I,
        ),
        "an average or a single day's figure, not the port's total",
    ),
    (
        re.compile(
            r"\b(?:Xinjiang|the region|autonomous region|prefecture|county|the city|Kashgar|Ili)\b(?!\s+(?:port|land port))",
            re.I,
        ),
        "a region's total, not a port's",
    ),
    (
        re.compile(r"\b(?:China(?![-‐])|the country|nationwide|national|across the country)\b", re.I),
        "the whole country's figure, not a port's",
    ),
    (
        re.compile(
            r"\b(?:(?:the|these|both|two|three|four|five|its|all)\s+(?:\w+\s+)?ports|ports in|land ports)\b",
            re.I,
        ),
        "several ports together, not one port's",
    ),
    (
        re.compile(r"\b(?:company|companies|firm|firms|enterprise|enterprises|Co\.|Ltd|Group|warehouse)\b", re.I),
        "a company's figure, not a port's",
    ),
]
# Several ports as the subject of the main clause: "the two ports have handled" (not "bested
# other railway ports in 2020").
_SEVERAL_PORTS_SUBJECT = re.compile(
    r"\b(?:the|these|both|all)\s+(?:two\s+|three\s+)?(?:\w+\s+)?ports\b(?!\s+in\b)", re.I
)
_DIGIT_VALUES = re.compile(rf"(?<![\w.,])(?:{_NUM})(?![\w-])")
_REFERENCE = re.compile(r"\b(?:the (?:land |border |highway |railway )?port|there|they|it|its|among them)\b", re.I)
# A photo caption: credited, or ending in the day the photo was taken ("..., Sept. 26, 2023.").
_CAPTION = re.compile(r"\((?:Xinhua|Photo|photo|VCG)[^)]*\)\s*\.?\s*$|,\s+[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}\.\s*$")
_CONNECTIVE = re.compile(
    r"^(?:Therefore|However|Meanwhile|Moreover|Furthermore|In addition|Besides|Additionally|Also),\s+"
)
_CLAUSE_BREAK = re.compile(r";|,\s+(?:while|whereas|and|but)\s+|\s+while\s+")


# --- One reading of one article ----------------------------------------------------------------


@dataclass
class Quantity:
    start: int  # the value_text's start, in the article
    end: int
    number: NumberAt
    metric: MetricReading
    unit_text: str
    unit_start: int
    shared_bound: str = ""  # the bound written before an earlier item of the list it ends


@dataclass
class Change:
    start: int
    end: int
    texts: list[tuple[int, int]]  # each percentage's yoy_text, for "respectively" lists
    yoy: bool
    of_what: str = ""  # what the change names as its own: "42.6% in vehicle traffic"


@dataclass
class Reading:
    """What the extractor read: figures (proposed or unresolved), their ports, and exclusions."""

    figures: list[dict[str, Any]]
    ports: list[Port]
    excluded: list[dict[str, str]]


def claim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence as a quote: without the opening quotation mark or a leading connective
    ("Therefore, "), and, for quoted speech, without the attribution (`," said ...`)."""
    sentence = text[start:end]
    lead = re.match(r'^["“‘]\s*', sentence)
    if lead:
        start += lead.end()
    connective = _CONNECTIVE.match(text[start:end])
    if connective:
        start += connective.end()
    speech_end = re.search(r'[,.!?]["”’]\s', text[start:end])
    if speech_end and lead is None and text[start:end].count('"') + text[start:end].count("”") == 1:
        end = start + speech_end.start()
    elif speech_end and lead is not None:
        end = start + speech_end.start()
    elif text[end - 1 : end] in ('"', "”") and lead is not None:
        end -= 1
    return start, end


def _unit_after(text: str, at: int, metrics: list[MetricReading]) -> tuple[MetricReading, int, int] | None:
    """The metric whose unit is written right after a number, or after up to three words that
    describe it ("3,800 inbound and outbound vehicles", "100,000 cross-border passenger trips")."""
    position = at
    for _ in range(4):
        after = text[position : position + 60]
        spaces = re.match(r"\s+", after)
        if spaces is None:
            return None
        after = after[spaces.end() :]
        best: tuple[MetricReading, int, int] | None = None
        for metric in metrics:
            for word in metric.unit_words:
                if re.match(rf"{re.escape(word)}\b", after, re.I) and (best is None or len(word) > best[2] - best[1]):
                    best = (metric, position + spaces.end(), position + spaces.end() + len(word))
        if best and not re.match(rf"\s+(?:{'|'.join(_COUNTED)})\b", text[best[2] : best[2] + 30], re.I):
            return best
        if best:
            return None  # "121 freight train routes" counts routes, not trains
        of_the = (
            re.match(r"(?:of\s+(?:the|these|them|those)|were|was|are|trips\s+of)\s*", after) if position == at else None
        )
        if of_the:  # "8,420 of the trains"; "791 were outbound trains"; "13,000 trips of freight trains"
            position += spaces.end() + of_the.end() - 1
            continue
        # A word, or a parenthesis inside the name: "China-Europe (Central Asia) freight trains".
        describing = re.match(r"[A-Za-z][\w-]*|\([A-Z][\w -]{0,30}\)", after)
        if describing is None or describing[0].lower() in _NOT_DESCRIBING:
            return None
        position += spaces.end() + describing.end()
    return None


_VERBS = {
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "will",
    "would",
    "passed",
    "went",
    "left",
    "came",
    "more",
    "less",
}
# What a number counts when it is not a metric's unit, though one stands before it.
_COUNTED = [
    "routes?",
    "lines?",
    "services",
    "countries",
    "cities",
    "regions",
    "companies",
    "days",
    "years",
    "months",
    "hours",
]
# Words that end the description of a unit: "3,000 in January" has no unit.
_NOT_DESCRIBING = {"in", "on", "at", "of", "to", "from", "by", "with", "for", "than", "as", "per", "a", "an", "the"}
_NOT_DESCRIBING |= {"up", "down", "year", "last", "this", "since", "during", "were", "was", "had", "have"}
_NOT_DESCRIBING |= {"over", "under", "through", "via", "across", "into", "after", "before", "while", "so", "when"}
_NOT_DESCRIBING |= {"respectively", "compared", "year-on-year", "or", "but", "which", "that", "its", "their"}


# Where a relative clause begins: "a daily average of 17 trips, which brought the cargo to 8.5
# million tonnes" states the average in one clause and the port's total in the next.
_RELATIVE_BREAK = re.compile(r",\s+(?:which|bringing|taking|pushing|lifting|while|and)\b|;")


def _own_clause(text: str, start: int, q: "Quantity", end: int) -> str:
    """The words of the clause a value stands in, between the relative clauses around it: an
    average stated in another clause of the sentence is not this value's."""
    for brk in _RELATIVE_BREAK.finditer(text, start, q.start):
        start = brk.end()
    stop = next((brk.start() for brk in _RELATIVE_BREAK.finditer(text, q.end, end)), end)
    return text[start:stop]


def _clause_start(text: str, start: int, at: int) -> int:
    for brk in _CLAUSE_BREAK.finditer(text, start, at):
        start = brk.end()
    return start


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] == " ":
        at += 1
    return at


def _find_quantities(
    text: str,
    start: int,
    end: int,
    metrics: list[MetricReading],
    before: str = "",
    previous: MetricReading | None = None,
) -> tuple[list[Quantity], dict[int, str]]:
    """The figures a sentence states, each with its metric; and why each other number of it is
    not a figure (by the number's offset). `previous`: the metric of the last figure of the
    sentence before, which "The figure for Horgos was 1,100" goes on counting."""
    quantities: list[Quantity] = []
    reasons: dict[int, str] = {}
    low_of_range: set[int] = set()
    sentence = text[start:end]
    # The words a metric requires may stand in the sentence before ("Of the total, ...").
    lowered = (before + " " + sentence).lower()
    for relative in numbers_in(sentence):
        at, stop = start + relative.start, start + relative.end
        number = NumberAt(at, stop, relative.written)
        preceding, after = text[max(start, at - 30) : at], text[stop:end]
        if re.search(r"[A-Za-z]-$", preceding):
            reasons[at] = f"part of a name: {re.search(r'[A-Za-z][A-Za-z.]*-$', preceding)[0]}{number.written}"  # type: ignore[index]
            continue
        if re.match(r"-[A-Za-z]", after):
            reasons[at] = f"part of a compound word: {number.written}{re.match(r'-[A-Za-z]+', after)[0]}"  # type: ignore[index]
            continue
        if re.search(rf"\b{_MONTH}\s*$|\b(?:{_MONTH_WORDS})\s+$", preceding):
            reasons[at] = "a date"
            continue
        if re.search(r"\bNo\.\s*$", preceding):
            reasons[at] = "part of a name: No. " + number.written
            continue
        if re.match(r"\s*(?:percent|per cent|%)", after):
            continue  # a change or a share: read with the changes
        if re.search(r"\bas\s+(?:little|few|short|many|much|long|high|low)\s+as\s+$", preceding, re.I):
            # "trains leave in as little as 20 minutes": the best case, which no bound of ours says
            reasons[at] = "a best or worst case ('as little as'), not a figure as things stand"
            continue
        ranged = re.match(rf"\s*(?:to|-|–)\s*(?:{_NUM})", after) or (
            re.search(r"\bbetween\s+$", preceding) and re.match(rf"\s*and\s*(?:{_NUM})", after)
        )
        if ranged and not _YEAR.fullmatch(number.written):
            low_of_range.add(at)
            continue  # the low end of a range: part of the value that ends it
        scaled = re.match(rf"(?:st|nd|rd|th)?{_SCALE}", after)
        value_end = stop + (scaled.end() if scaled else 0)
        # A list shares the unit written after its last item: "3,000 and 2,500 freight trains".
        listed = re.match(
            rf"(?:(?:,\s*|,?\s+and\s+|\s+or\s+)(?:(?:{_QUALIFIER})\s+)?(?:{_NUM}){_SCALE})+", text[value_end:end]
        )
        found = _unit_after(text, value_end + (listed.end() if listed else 0), metrics)
        prefix = None
        for metric in metrics:
            for word in metric.prefix_words:
                if preceding.endswith(word):
                    prefix = (metric, at - len(word), at)
                    break
        durations = [m for m in metrics if "minutes" in m.unit_words]
        if prefix:
            metric, unit_start, unit_end = prefix
            value_start = unit_start
        elif found:
            metric, unit_start, unit_end = found
            value_start = at
        else:
            counted = re.match(r"\s+([A-Za-z][\w-]*)", text[value_end:end])
            other_noun = counted is not None and counted[1].lower() not in _NOT_DESCRIBING | _VERBS | {"and", "or"}
            subject = (
                None if _YEAR.fullmatch(number.written) or other_noun else _subject_metric(text, start, at, metrics)
            )
            if counted is not None and counted[1].lower() in ("trips", "trip"):
                trips = (value_end + counted.start(1), value_end + counted.end(1))
                subject = _trips_metric(text, start, at, trips, metrics)
            elliptical = re.match(r"\s*(?:[,.;]|respectively\b|$)", text[value_end:end])
            if subject is None and elliptical and quantities and not _YEAR.fullmatch(number.written):
                # "the Horgos port handled 7,600 trains, while the Alashankou port handled 6,700"
                earlier = quantities[-1]
                subject = (earlier.metric, earlier.unit_start, earlier.unit_start + len(earlier.unit_text))
            if subject is None and previous is not None and elliptical and _THE_FIGURE_FOR.search(text[start:at]):
                subject = (previous, at, at)  # no unit written: the quote has none (unit_text "")
            if subject is None:
                next_word = re.match(r"\s+([A-Za-z][\w-]*)", text[value_end:end])
                if _YEAR.fullmatch(number.written):
                    pass  # a date if in a period, else a year (_exclusions)
                elif next_word and next_word[1].lower() not in _NOT_DESCRIBING | _VERBS | {"and"}:
                    described = re.match(
                        r"(?:\s+(?!(?:in|on|at|of|to|from|by|with|for|than|as|per|and|last|this)\b)[A-Za-z][\w-]*){1,3}",
                        text[value_end:end],
                    )
                    unit = described[0].strip() if described else next_word[1]
                    reasons[at] = f"a quantity of {unit}, not a metric the seeds know"
                else:
                    reasons[at] = "a number with no unit or metric the extractor reads"
                continue
            metric, unit_start, unit_end = subject
            value_start = at
        own_period = _PERIOD.match(text, _skip_spaces(text, max(unit_end, value_end)))
        if not own_period and re.search(
            r"\b(?:compared with|compared to|up from|down from|from|against)\s+(?:(?:about|around|over|nearly)\s+)?(?:\d[\d,.]*\s*(?:to|-)\s*)?$",
            text[start:value_start] if prefix is None else text[start:at],
        ):
            reasons[at] = "the earlier value it is compared with"
            continue
        if re.search(
            r"\b(?:the\s+)?(?:mark|milestone|threshold|level)\s+of\s+(?:(?:over|more than)\s+)?$",
            text[start:value_start],
        ):
            reasons[at] = "a threshold the figure passed, not a figure"
            continue
        if re.search(r"\bfor the first time\b|\bthe first time\b", text[start:end], re.I) and re.search(
            r"\b(?:surpass|exceed|top|pass|break|cross|hit)\w*\s+(?:(?:the\s+)?mark of\s+)?$",
            text[start:value_start],
            re.I,
        ):
            # "the first time cargo has topped 1 million tonnes since the port opened in 2002"
            reasons[at] = "a threshold passed for the first time, not a figure"
            continue
        if metric.unit in ("yuan", "usd") and _is_price(text, start, value_start, value_end, number):
            reasons[at] = "a price or a small sum, not the port's trade"
            continue
        if re.search(
            r"\b(?:expects?|expected|forecasts?|projected|plans?|aims?|target(?:s|ed)?|will|would|is set)\b[^.;]*$",
            text[_clause_start(text, start, value_start) : value_start],
            re.I,
        ):
            reasons[at] = "a forecast or target, not a figure stated as happened"
            continue
        if metric.required_words and not any(w in lowered for w in metric.required_words):
            reasons[at] = f"{metric.unit} not said to be of {', '.join(metric.required_words[:2])}"
            continue
        if metric in durations and metric.required_words and not any(w in lowered for w in metric.required_words):
            continue
        # The value as written: its bound, the number, its scale, and a unit written right after.
        low = re.search(rf"(?:between\s+)?(?:{_NUM})\s*(?:to|-|–|and)\s*$", text[start:value_start])
        low_number = re.search(_NUM, low[0]) if low else None
        if low and low_number and start + low.start() + low_number.start() in low_of_range:
            value_start = start + low.start()
        qualifier = re.search(rf"\b(?:{_QUALIFIER})\s+$", text[start:value_start], re.I)
        value_text_start = start + qualifier.start() if qualifier else value_start
        adjacent = (
            found is not None and unit_start == value_end + 1 and not _ORDINAL.match(text[at:value_end].split()[0])
        )
        value_text_end = unit_end if adjacent else value_end
        if metric.unit == "usd" and prefix is None and not adjacent:
            value_text_end = value_end
        shared = None if qualifier else _LIST_BOUND.search(text[start:value_text_start])
        quantities.append(
            Quantity(
                value_text_start,
                value_text_end,
                number,
                metric,
                text[unit_start:unit_end],
                unit_start,
                shared[1] if shared else "",
            )
        )
    # Durations written in words: "within half an hour".
    for words in WORD_DURATIONS:
        for match in re.finditer(rf"\b{words}\b", sentence, re.I):
            at = start + match.start()
            minutes = [m for m in metrics if "minutes" in m.unit_words and any(w in lowered for w in m.required_words)]
            if minutes and not any(q.start <= at < q.end for q in quantities):
                qualifier = re.search(rf"\b(?:{_QUALIFIER})\s+$", text[start:at], re.I)
                value_start = start + qualifier.start() if qualifier else at
                number = NumberAt(at, at + len(match[0]), match[0])
                quantities.append(Quantity(value_start, at + len(match[0]), number, minutes[0], match[0], at))
    for low_at in low_of_range:
        # The low end of a range shares what became of the range.
        higher = [n for n in reasons if n > low_at]
        if low_at not in reasons and higher and not any(q.start <= low_at < q.end for q in quantities):
            reasons[low_at] = reasons[min(higher)]
    quantities.sort(key=lambda q: q.start)
    # "50.7 billion yuan (about 7 billion U.S. dollars)": the same figure converted, not another.
    kept = []
    for q in quantities:
        opening = text.rfind("(", start, q.start)
        converted = (
            opening >= 0
            and text.find(")", opening) >= q.end
            and any(
                other.metric.unit != q.metric.unit and other.end <= opening and not text[other.end : opening].strip()
                for other in quantities
            )
        )
        if converted:
            reasons[q.number.start] = "the figure before it, converted into another currency"
        else:
            kept.append(q)
    return kept, reasons


# "The figure for Horgos was 1,100": the metric of the sentence before, for another port.
_THE_FIGURE_FOR = re.compile(
    rf"\b(?:figure|number|tally|count)\s+(?:for|at)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:[Pp]ort|Pass))?"
    rf"\s+(?:was|were|stood at|reached|hit|came to)\s+(?:(?:{_QUALIFIER})\s+)?$"
)

# A bound that a list may share: "exceeded 7,000 and 6,500", "over 105,800 trips and 98,500 vehicles".
_LIST_BOUND = re.compile(
    rf"\b({_QUALIFIER})\s+(?:{_NUM}){_SCALE}(?:\s+[A-Za-z][\w-]*){{0,3}}(?:,\s*|,?\s+and\s+)$", re.I
)

# Who counts people's crossings: an immigration (border) inspection station's "trips" are people's.
_COUNTS_PEOPLE = re.compile(
    r"\b(?:immigration|exit-entry|border|frontier)\s+(?:\w+\s+)?(?:inspection|checkpoint|station)|\bimmigration\b", re.I
)


def _trips_metric(
    text: str, start: int, at: int, trips: tuple[int, int], metrics: list[MetricReading]
) -> tuple[MetricReading, int, int] | None:
    """What "N trips" counts: the trains or vehicles the clause names before it ("trains returning
    via the port ... made 1,065 trips"); with none named, people, where the article's counter is an
    immigration or border inspection station ("the station handled 105,800 trips and 9,800
    vehicles"). Else nothing: trips of what cannot be told."""
    subject = _subject_metric(text, start, at, metrics)
    if subject is not None:
        return subject[0], trips[0], trips[1]
    people = next((m for m in metrics if m.unit == "people"), None)
    if people is not None and _COUNTS_PEOPLE.search(text):
        return people, trips[0], trips[1]
    return None


_PRICE_WORDS = re.compile(
    r"\b(?:(?:priced|sold|selling|retail(?:ing|s)?)\s+(?:at|for)|sells?\s+for|costs?|cost|prices?\s+of|each|apiece|per)\s+"
    r"(?:(?:about|around|over|nearly|up to|between)\s+)?(?:[$¥]|US\$)?$",
    re.I,
)


def _is_price(text: str, start: int, value_start: int, value_end: int, number: NumberAt) -> bool:
    """A sum of money that is a price, not trade through a port: "cars sell for 300,000 yuan",
    "valued at 200,000 to 400,000 yuan". The genre states a port's trade in millions or billions;
    a sum written without a scale and under a million is a price or a firm's money."""
    if _PRICE_WORDS.search(re.sub(rf"(?:{_NUM})\s*(?:to|-|–)\s*$", "", text[start:value_start])):
        return True
    scaled = re.search(r"\b(?:million|billion|trillion)\b", text[number.start : value_end + 12])
    return scaled is None and parse_number(number.written) < 1_000_000


def _subject_metric(
    text: str, start: int, at: int, metrics: list[MetricReading]
) -> tuple[MetricReading, int, int] | None:
    """The metric named before a number with no unit after it, in the same clause."""
    clause_start = start
    for brk in _CLAUSE_BREAK.finditer(text, start, at):
        clause_start = brk.end()
    subject = text[clause_start:at]
    best: tuple[MetricReading, int, int] | None = None
    for metric in metrics:
        for word in metric.subject_words:
            for match in re.finditer(rf"\b{re.escape(word)}\b", subject, re.I):
                if best is None or clause_start + match.start() > best[1]:
                    best = (metric, clause_start + match.start(), clause_start + match.end())
    return best


def _find_changes(text: str, start: int, end: int) -> list[Change]:
    changes = []
    sentence = text[start:end]
    yoy_in_sentence = _YOY_ANYWHERE.search(sentence) is not None
    for match in _CHANGE.finditer(sentence):
        versus = re.search(rf"{_VERSUS_YEAR}$", match[0], re.I) is not None
        percents = list(re.finditer(_PERCENT, match[0]))
        texts = [(start + match.start(), start + match.start() + p.end()) for p in percents]
        if len(texts) == 1:
            texts = [(start + match.start(), start + match.end())]
        # "an increase of 42.6% in vehicle traffic": the change says whose it is, in words the
        # extractor does not match to a figure; "up 5 percent in May" names a period instead.
        named = re.match(
            r"\s+in\s+((?!the\b|this\b|last\b)[a-z][\w-]*(?:\s+[a-z][\w-]*)?)", text[start + match.end() : end]
        )
        of_what = named[1] if named and not _PERIOD.match(text, start + match.end() + 1) else ""
        changes.append(Change(start + match.start(), start + match.end(), texts, yoy_in_sentence or versus, of_what))
    return changes


def _find_periods(
    text: str, start: int, end: int, inside: list[tuple[int, int]], reference_year: int = 0
) -> list[tuple[int, int]]:
    """The period phrases of a sentence. "By the end of October ... this year" is one period, the
    year so far up to that day, though the figure stands between its words; so is "as of May 10
    ... in 2023" in a report of 2023."""
    periods = []
    for match in _PERIOD.finditer(text, start, end):
        s, e = match.start(), match.end()
        if any(a <= s and e <= b for a, b in inside):
            continue  # "from the same period last year" belongs to a change
        if re.search(
            r"\b(?:said|announced|reported|added|told [\w ]{1,30}?|according to [\w ]{1,30}?)\s*$", text[start:s]
        ):
            continue  # "the port said on Wednesday": when it was said, not the figure's period
        periods.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in periods:
        phrase = text[s:e].lower()
        if merged:
            last = text[merged[-1][0] : merged[-1][1]].lower()
            this_year = (
                bool(
                    re.fullmatch(
                        r"this year|so far this year|since the (?:beginning|start) of (?:this|the) year", phrase
                    )
                )
                or phrase == f"in {reference_year}"
            )
            by_day = re.match(r"(?:as of|by|on)\b", last) and "this year" not in last and this_year
            # "this year as of Sunday": the year so far, up to that day.
            # "this year at the port, with 9,000 vehicles by Sunday": the year so far, though a clause
            # stands between its words.
            year_first = (
                last == "this year" and re.match(r"(?:as of|by|on)\b", phrase) and ";" not in text[merged[-1][1] : s]
            )
            if by_day or year_first:
                merged[-1] = (merged[-1][0], e)
                continue
        merged.append((s, e))
    return merged


# A port's name inside the name of a company or a bureau, which is not the port: "China Railway
# Urumqi Group", "the Horgos Logistics Co.", "Urumqi Railway Bureau".
_IN_A_NAME_AFTER = re.compile(
    r"\s+(?:(?:[A-Z][\w-]*|\(\w+\))\s+){0,3}?(?:Group|Co\.|Company|Corporation|Corp\.|Ltd\b|Bureau|Holdings?)\b"
)
_IN_A_NAME_BEFORE = re.compile(r"\bChina\s+Railway\s+$")


def _port_mentions(text: str, start: int, end: int, ports: list[Port]) -> list[tuple[int, int, Port]]:
    """Every port named between start and end, by any spelling, longest first."""
    mentions: list[tuple[int, int, Port]] = []
    blocked = [
        (m.start(), m.end())
        for port in ports
        for phrase in port.not_port
        for m in re.finditer(re.escape(phrase), text[start:end])
    ]
    spellings = sorted(((s, p) for p in ports for s in p.spellings), key=lambda sp: len(sp[0]), reverse=True)
    for spelling, port in spellings:
        for match in re.finditer(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", text[start:end]):
            s, e = start + match.start(), start + match.end()
            if any(a <= s - start < b for a, b in blocked) or any(a <= s < b for a, b, _ in mentions):
                continue
            if _IN_A_NAME_AFTER.match(text, e) or _IN_A_NAME_BEFORE.search(text[max(0, s - 40) : s]):
                continue  # "China Railway Urumqi Group Co., Ltd.": a company named after the city
            mentions.append((s, e, port))
    return sorted(mentions, key=lambda m: m[0])


def _scope(text: str, quote: tuple[int, int], value: tuple[int, int], metric: MetricReading) -> str | None:
    best: tuple[int, str] | None = None
    for word in metric.scope_words:
        for match in re.finditer(rf"\b{re.escape(word)}\b", text[quote[0] : quote[1]], re.I):
            s, e = quote[0] + match.start(), quote[0] + match.end()
            if s < value[1] and e > value[0]:
                continue
            distance = value[0] - e if e <= value[0] else s - value[1]
            if best is None or distance < best[0]:
                best = (distance, match[0])
    return best[1] if best else None


def _period_slug(start: date | None, end: date) -> str:
    if start is None or start == end:
        return end.isoformat()
    if start.day == 1 and start.month == 1 and end.month == 12 and end.day == 31 and start.year == end.year:
        return str(start.year)
    month_end = (end.replace(day=28) + (end.replace(day=28) - end.replace(day=27)) * 4).replace(day=1)
    whole_months = start.day == 1 and (month_end - end).days == 1
    if whole_months and (start.year, start.month) == (end.year, end.month):
        return start.strftime("%Y-%m")
    if whole_months:
        return f"{start:%Y-%m}-to-{end:%Y-%m}"
    return f"{start.isoformat()}-to-{end.isoformat()}"


def extract(
    text: str,
    published: date,
    ports: list[Port],
    metrics: list[MetricReading],
    taken_ids: set[str] | None = None,
    headline: str = "",
) -> Reading:
    """Read one article: every figure it states about a land port, and every other number. The
    headline (the metadata's) only suggests a period to the curator (_headline_hint)."""
    taken = set(taken_ids or ())
    reference = reference_day(text, published)
    sentences = sentence_spans(text)
    paragraphs = paragraph_spans(text)
    captions = {p for p in paragraphs if _CAPTION.search(text[p[0] : p[1]])}

    def paragraph_of(offset: int) -> tuple[int, int]:
        return next(p for p in paragraphs if p[0] <= offset <= p[1])

    figures: list[dict[str, Any]] = []
    reasons: dict[int, str] = {}
    named_ports: dict[str, Port] = {}
    not_ports: set[int] = set()  # sentences whose figures are a region's, the country's or several ports'
    last_metric: MetricReading | None = None

    for index, (s_start, s_end) in enumerate(sentences):
        paragraph = paragraph_of(s_start)
        before = (
            text[sentences[index - 1][0] : sentences[index - 1][1]]
            if index and sentences[index - 1][1] >= paragraph[0]
            else ""
        )
        quantities, number_reasons = _find_quantities(text, s_start, s_end, metrics, before, last_metric)
        last_metric = quantities[-1].metric if quantities else None
        reasons.update(number_reasons)
        if paragraph in captions:
            for q in quantities:
                reasons[q.number.start] = "in a photo caption"
            for n in numbers_in(text[s_start:s_end]):
                reasons.setdefault(s_start + n.start, "in a photo caption")
            continue
        changes = _find_changes(text, s_start, s_end)
        periods = _find_periods(text, s_start, s_end, [(c.start, c.end) for c in changes], reference.year)
        mentions = _port_mentions(text, s_start, s_end, ports)
        quote = claim_span(text, s_start, s_end)
        respectively = "respectively" in text[s_start:s_end]

        change_of: dict[int, tuple[int, int]] = {}
        used_changes: set[int] = set()
        if respectively:
            flat = [span for c in changes for span in c.texts]
            if len(flat) == len(quantities) and flat:
                change_of = dict(enumerate(flat))
                used_changes = set(range(len(changes)))
        if not change_of:
            for ci, change in enumerate(changes):
                following = [
                    qi
                    for qi, q in enumerate(quantities)
                    if q.start >= change.end
                    and re.fullmatch(
                        r"[^.;]{0,25}?(?:\bto\s+(?:(?:reach|hit|total|stand at)\s+)?|,\s*(?:reaching|hitting|totaling|totalling)\s+)",
                        text[change.end : q.start],
                    )
                ]
                preceding = [qi for qi, q in enumerate(quantities) if q.end <= change.start and qi not in change_of]
                target = following[0] if following else (preceding[-1] if preceding else None)
                attachable = len(change.texts) == 1 and change.yoy and not change.of_what
                if target is not None and target not in change_of and attachable:
                    change_of[target] = change.texts[0]
                    used_changes.add(ci)
        for ci, change in enumerate(changes):
            if ci not in used_changes:
                why = "a change with no figure of a port beside it"
                if not change.yoy:
                    why = "a change not stated against the year before (year on year)"
                elif change.of_what:
                    why = f"a change of what it names ({change.of_what!r}), not matched to a figure"
                for n in numbers_in(text[change.start : change.end]):
                    reasons[change.start + n.start] = why

        port_by_quantity: dict[int, tuple[Port | None, str, tuple[int, int] | None]] = {}
        distinct = {m[2].id for m in mentions}
        if respectively and len(mentions) == len(quantities) and len(distinct) == len(mentions) > 1:
            for qi, mention in enumerate(mentions):
                port_by_quantity[qi] = (mention[2], "", None)
        for qi, q in enumerate(quantities):
            if qi in port_by_quantity:
                continue
            port_by_quantity[qi] = _attribute_port(
                text, sentences, index, q, mentions, captions, ports, len(quantities) - qi, frozenset(not_ports)
            )

        for qi, q in enumerate(quantities):
            port, refusal, port_context = port_by_quantity[qi]
            if refusal.startswith("excluded:"):
                reasons[q.number.start] = refusal.removeprefix("excluded: ")
                if any(refusal.endswith(why) for _, why in _NOT_A_PORT[1:4]):
                    not_ports.add(index)
                if qi in change_of:
                    for n in numbers_in(text[change_of[qi][0] : change_of[qi][1]]):
                        reasons[change_of[qi][0] + n.start] = "the change of " + refusal.removeprefix("excluded: ")
                continue
            figure = _figure(
                text, reference, published, q, quote, change_of.get(qi), periods, port, port_context, sentences, index
            )
            if qi in change_of and "yoy_text" not in figure and figure["status"] == "proposed":
                for n in numbers_in(text[change_of[qi][0] : change_of[qi][1]]):
                    reasons[change_of[qi][0] + n.start] = (
                        "a change against a year that is not the one before the figure's"
                    )
            if refusal:
                figure["status"], figure["reason"] = "unresolved", refusal
            elif q.shared_bound and figure["status"] == "proposed":
                figure["status"], figure["reason"] = (
                    "unresolved",
                    f"{q.shared_bound!r} before the list may bound this value too, and the seed records only a"
                    " bound written before the value itself",
                )
            if _repeats_as_milestone(text, q, figure, figures):
                reasons[q.number.start] = "the milestone of a figure stated before it (the Nth of the same count)"
                continue
            figures.append(figure)
            if port is not None:
                named_ports[port.id] = port

    for figure in figures:
        if figure["status"] == "proposed":
            base = f"{figure['port']}-{figure['metric'].replace('_', '-')}-{_period_slug(figure.get('period_start'), figure['period_end'])}"
            figure_id, suffix = base, 2
            while figure_id in taken:
                figure_id, suffix = f"{base}-{suffix}", suffix + 1
            taken.add(figure_id)
            figure["id"] = figure_id

    hint = _headline_hint(headline, text, reference)
    for figure in figures:
        if hint and figure["status"] == "unresolved" and figure["reason"].startswith("no period stated"):
            figure["reason"] += hint
    excluded = _exclusions(text, figures, reasons)
    return Reading(figures, list(named_ports.values()), excluded)


def _repeats_as_milestone(text: str, q: Quantity, figure: dict[str, Any], figures: list[dict[str, Any]]) -> bool:
    """ "The port has seen 1,500 trains this year ... a train from Germany became the 1,500th":
    the ordinal is the milestone of the count already read, not a running total of its own."""
    if not _ORDINAL.match(text[q.number.start : q.number.end + 2].strip().split()[0]):
        return False
    return any(
        (f["port"], f["metric"], f["value"]) == (figure["port"], figure["metric"], figure["value"]) for f in figures
    )


def _headline_hint(headline: str, text: str, reference: date) -> str:
    """What the headline says of a period the body does not state ("Port handles 150,000 passengers
    in 2024"), for the curator: a figure takes no period from it. The headline is not the article's
    text that the seed checks a figure against, and it often rounds or summarizes; so it is offered
    only where it states one period and repeats a number of the body."""
    periods = list(_PERIOD.finditer(headline))
    numbers = {n.written for n in numbers_in(headline)} - {m for p in periods for m in re.findall(_NUM, p[0])}
    if len(periods) != 1 or not numbers & {n.written for n in numbers_in(text)}:
        return ""
    try:
        start, end = resolve_period(periods[0][0], reference)
    except FigureError:
        return ""
    return (
        f"; the headline says {periods[0][0].strip()!r} ({start} to {end}), but the seed checks a period"
        " against the article's text, and the headline is not part of it"
    )


def _attribute_port(
    text: str,
    sentences: list[tuple[int, int]],
    index: int,
    q: Quantity,
    mentions: list[tuple[int, int, Port]],
    captions: set[tuple[int, int]],
    ports: list[Port],
    quantities_after: int = 1,
    not_ports: frozenset[int] = frozenset(),
) -> tuple[Port | None, str, tuple[int, int] | None]:
    """(port, refusal, context): the port a figure is about. The refusal is "excluded: <why>"
    for a figure that is no port's, or why the port cannot be told. `not_ports`: the sentences
    before whose figures were excluded as a region's, the country's or several ports'."""
    s_start, s_end = sentences[index]
    clause_start = s_start
    for brk in _CLAUSE_BREAK.finditer(text, s_start, q.start):
        clause_start = brk.end()
    subject = text[clause_start : q.start]
    clause_end = next((brk.start() for brk in _CLAUSE_BREAK.finditer(text, q.end, s_end)), s_end)
    in_clause = [m for m in mentions if clause_start <= m[0] < q.start]
    daily_reason = _NOT_A_PORT[0]
    if daily_reason[0].search(_own_clause(text, clause_start, q, clause_end)):
        return None, f"excluded: {daily_reason[1]}", None
    company = _NOT_A_PORT[-1]
    if company[0].search(text[s_start : q.start]):
        return None, f"excluded: {company[1]}", None
    if in_clause and re.search(r"\bports\b", text[clause_start : in_clause[0][0]], re.I):
        # "Ports across the prefecture, led by Horgos, ...": several ports, one named among them.
        return None, "excluded: several ports together, not one port's", None
    after_port = text[in_clause[-1][1] : q.start] if in_clause else ""
    if in_clause and _SEVERAL_PORTS_SUBJECT.search(after_port[after_port.rfind(",") + 1 :]):
        # "Along with Alataw Pass, another rail port, the two ports have handled ...": the subject
        # after the last comma, not an apposition ("Torugart, one of two land ports on the border,").
        return None, "excluded: several ports together, not one port's", None
    if in_clause:
        first = in_clause[0]
        joined = len({m[2].id for m in in_clause}) > 1 and re.fullmatch(
            r"\s*(?:(?:land\s+|border\s+)?ports?\s*)?(?:,|and|,\s*and)\s*(?:the\s+)?",
            text[first[1] : in_clause[1][0]],
            re.I,
        )
        if joined:
            values = quantities_after
            together = re.search(r"\b(?:together|combined|in total|jointly)\b", text[s_start:clause_end], re.I)
            if values > 1 and "respectively" not in text[s_start:s_end] and not together:
                return None, "several ports and several values, without 'respectively' to pair them", None
            return None, "excluded: several ports together, not one port's", None
        return first[2], "", None
    for phrase in (phrase for port in ports for phrase in port.not_port):
        if phrase in subject:
            return None, f"excluded: {phrase} is not the port (gazetteer.toml: not_port)", None
    for pattern, why in _NOT_A_PORT[1:]:
        if pattern.search(subject):
            return None, f"excluded: {why}", None
    if not mentions and not _REFERENCE.search(text[s_start:s_end]):
        # "121 million tonnes had been shipped by rail in Xinjiang": the region named after the value,
        # and no port, nor a reference to one, in the sentence.
        for pattern, why in _NOT_A_PORT[1:3]:
            if pattern.search(text[q.end : clause_end]):
                return None, f"excluded: {why}", None
    before = [m for m in mentions if m[0] < q.start]
    if before and len({m[2].id for m in mentions}) == 1:
        return before[-1][2], "", None
    if mentions:
        if len({m[2].id for m in mentions}) == 1:
            return mentions[0][2], "", None
        return None, "several ports are named in the sentence and none is the figure's subject", None
    # No port in the sentence: "the port", "there", "they" or no subject at all refer back to the
    # port the sentence before or the paragraph names, or the paragraph before if this one names none.
    # Reports chain their references: "the port" three paragraphs on is still the one named last.
    in_captions = [(a, b) for a, b in sentences[:index] if any(p[0] <= a <= p[1] for p in captions)]
    candidates = [sentence for sentence in reversed(sentences[:index]) if sentence not in in_captions]
    names_a_port = re.search(r"\b(?:the (?:land |border |highway |railway )?port|there)\b", text[s_start:s_end], re.I)
    for a, b in candidates:
        found = _port_mentions(text, a, b, ports)
        if not found and sentences.index((a, b)) in not_ports and not names_a_port:
            # "... 10,180 trains nationwide. The trains shipped 927,000 TEU": it goes on about that.
            return None, "the sentence before states a figure that is no port's, and this one may go on about it", None
        if found:
            if len({m[2].id for m in found}) > 1:
                return None, "the sentence names no port, and the one it refers to names several", None
            return found[0][2], "", (a, b)
    return None, "no port named in the sentence or before it", None


def _figure(
    text: str,
    reference: date,
    published: date,
    q: Quantity,
    quote: tuple[int, int],
    change: tuple[int, int] | None,
    periods: list[tuple[int, int]],
    port: Port | None,
    port_context: tuple[int, int] | None,
    sentences: list[tuple[int, int]],
    index: int,
) -> dict[str, Any]:
    value_text = text[q.start : q.end]
    figure: dict[str, Any] = {
        "id": None,
        "port": port.id if port else None,
        "metric": q.metric.id,
        "quote": text[quote[0] : quote[1]],
        "value_text": value_text,
        "value": _number(parse_number(value_text)),
        "qualifier": parse_qualifier(value_text),
        "unit": q.metric.unit,
        "unit_text": q.unit_text,
        "status": "proposed",
    }
    scope = _scope(text, quote, (q.start, q.end), q.metric)
    if scope:
        figure["scope"] = scope
    sentence = text[sentences[index][0] : sentences[index][1]]
    ordinal = _ORDINAL.match(text[q.number.start : q.number.end + 2].strip().split()[0])
    # "the 5,000th train this year" counts the year so far; "the 6,500th train" all since the first.
    this_year = any(re.search(r"\bthis year\b", text[a:b], re.I) for a, b in periods)
    cumulative = bool((ordinal and not this_year) or _CUMULATIVE.search(sentence))
    needed: list[tuple[int, int]] = [port_context] if port_context else []
    period: tuple[int, int] | None = None
    own = [p for p in periods if not (q.metric.unit == "minutes" and re.search(r"[,;]", _between(text, q, p)))]
    anaphoric = _SAME_PERIOD.search(sentence)
    since_day = [p for p in own if _SINCE_A_DAY.match(text[p[0] : p[1]])]
    if since_day:
        # "Since clearance resumed on April 1, ... so far": counted from that day, not a running total.
        cumulative = False
        own = since_day
    if own and not anaphoric:
        # The period written right after the value ("1.11 million tonnes of cargo transported in
        # January") is its own; else the nearest.
        right_after = [p for p in own if p[0] >= q.end and not re.search(r"[,;]", text[q.end : p[0]])]
        # A running total ends on the day it names ("As of Sunday, a cumulative total of ...").
        days = [
            p
            for p in own
            if re.match(r"(?:as of|by|on)\b", text[p[0] : p[1]], re.I)
            and not re.search(r"\bsince\b[^,;]*$", text[sentences[index][0] : p[0]], re.I)  # "since ... on April 1"
        ]
        running = [p for p in own if days and p in days or _CUMULATIVE.fullmatch(text[p[0] : p[1]])]
        if cumulative:
            # A running total ends on the day it names ("As of Sunday, a cumulative total of ..."),
            # not in the year it began ("since the first train crossed in 2011").
            candidates = days or running
        else:
            candidates = right_after or own
        if candidates:
            period = min(candidates, key=lambda p: (q.start - p[1]) if p[1] <= q.start else (p[0] - q.end))
    elif q.metric.unit != "minutes":  # how long something takes is stated as things stand
        # "In the same period", "over the period": the period stated last, up to four sentences
        # back. With no period at all, only the sentence before in the same paragraph.
        # Reports write one sentence a paragraph, so the sentence before may stand in the paragraph before.
        reach = 4 if anaphoric else 2
        for a, b in list(reversed(sentences[:index]))[:reach]:
            inherited = _find_periods(text, a, b, [(c.start, c.end) for c in _find_changes(text, a, b)], reference.year)
            if len(inherited) == 1:
                period = inherited[0]
                needed.append((a, b))
                break
            if inherited:
                break  # several periods before: which one is meant cannot be told
    if port is not None and not any(_names(text[quote[0] : quote[1]], s) for s in port.spellings):
        if not port_context:
            needed.append(sentences[index])  # the port is named outside the quote ("..., said X of Horgos")
    if period is not None and not (quote[0] <= period[0] and period[1] <= quote[1]):
        if not any(a <= period[0] and period[1] <= b for a, b in needed):
            needed.append(sentences[index])
    context = (min(a for a, _ in needed), max(b for _, b in needed)) if needed else None
    if change:
        figure["yoy_text"] = text[change[0] : change[1]]
        figure["yoy_change_pct"], figure["yoy_qualifier"] = parse_change(figure["yoy_text"])
        figure["yoy_change_pct"] = _number(figure["yoy_change_pct"])
    if context:
        figure["context"] = text[context[0] : context[1]]
    figure["cumulative"] = cumulative
    try:
        if period is not None:
            figure["period_text"] = text[period[0] : period[1]]
            start, end = resolve_period(figure["period_text"], reference, cumulative)
        elif cumulative or q.metric.unit == "minutes":
            # A running total up to the report, or how long something takes as the report stands.
            start, end = None, reference
        else:
            raise FigureError("no period stated in the sentence or the one before")
        figure["period_start"], figure["period_end"] = start, end
        if change and not _versus_year_fits(figure["yoy_text"], start, end):
            for key in ("yoy_text", "yoy_change_pct", "yoy_qualifier"):
                figure.pop(key, None)
    except FigureError as error:
        figure["period_start"] = figure["period_end"] = None
        figure["status"], figure["reason"] = "unresolved", str(error)
    if port is None and figure["status"] == "proposed":
        figure["status"], figure["reason"] = "unresolved", "no port"
    if figure["status"] == "proposed" and port is not None:
        try:
            check_figure(_as_seed(figure), text, published, port.spellings + [port.id])
        except FigureError as error:
            figure["status"], figure["reason"] = "unresolved", f"the seed's check refuses it: {error}"
    return figure


def _versus_year_fits(yoy_text: str, start: date | None, end: date) -> bool:
    """A change "over 2019" is year on year only for a figure of the calendar year 2020; against
    any other year ("up 10 percent compared to 2019" in 2021) it is no year-on-year change."""
    versus = re.search(rf"(?:{_VERSUS_YEAR})$", yoy_text, re.I)
    if versus is None:
        return True
    year = int(versus[0][-4:])
    whole_year = start is not None and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    return whole_year and end.year == year + 1


# A period that starts on a day: "since passenger clearance resumed on April 1 this year".
_SINCE_A_DAY = re.compile(rf"since\b(?:[^,;.]*?\s+on)?\s+{_MONTH}\s+\d{{1,2}}\b", re.I)

# A period that refers back to the one stated before it.
_SAME_PERIOD = re.compile(
    r"\b(?:(?:in|over|during|for)\s+the\s+(?:same\s+)?(?:period|month|quarter|time)|(?:in|over|during)\s+this\s+period)\b"
    r"(?!\s+(?:of\s+)?last\s+year)",
    re.I,
)


def _between(text: str, q: Quantity, span: tuple[int, int]) -> str:
    return text[q.end : span[0]] if span[0] >= q.end else text[span[1] : q.start]


def _names(text: str, spelling: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", text) is not None


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


_SEED_FIELDS = (
    "id", "port", "metric", "quote", "context", "value_text", "value", "qualifier", "unit", "unit_text",
    "scope", "period_text", "cumulative", "period_start", "period_end", "yoy_text", "yoy_change_pct", "yoy_qualifier",
)  # fmt: skip


def _as_seed(figure: dict[str, Any]) -> dict[str, Any]:
    """A figure's [[figure]] entry, as the seed reads it: without empty fields and status."""
    seed = {key: figure[key] for key in _SEED_FIELDS if figure.get(key) is not None}
    if not seed.get("cumulative"):
        seed.pop("cumulative", None)
    if seed.get("period_start") is None:
        seed.pop("period_start", None)
    return seed


def _exclusions(text: str, figures: list[dict[str, Any]], reasons: dict[int, str]) -> list[dict[str, str]]:
    """An [[excluded]] entry for every number that no proposed figure accounts for and that is not
    the dateline's date: the number as written, a short quote around it that is unique in the
    article, and why. Numbers of unresolved figures are listed with their figure, not here."""
    accounted = [span for f in figures if f["status"] == "proposed" for span in figure_spans(_as_seed(f), text)]
    unresolved = [span for f in figures if f["status"] == "unresolved" for span in figure_spans(_as_seed(f), text)]
    dateline = dateline_in(text)
    if dateline:
        accounted.append(dateline)
    entries = []
    for number in numbers_in(text):
        if any(a <= number.start and number.end <= b for a, b in accounted + unresolved):
            continue
        if _in_period(text, number) and not reasons.get(number.start, "").startswith("part of"):
            reasons.pop(number.start, None)
            default = "a date"
        elif _YEAR.fullmatch(number.written):
            default = "a year"
        else:
            default = "not a figure of a port"
        reason = reasons.get(number.start, default)
        entries.append({"text": number.written, "quote": _unique_quote(text, number), "reason": reason})
    return entries


def _in_period(text: str, number: NumberAt) -> bool:
    return any(m.start() <= number.start and number.end <= m.end() for m in _PERIOD.finditer(text))


def _unique_quote(text: str, number: NumberAt) -> str:
    """The shortest run of whole words around a number that occurs once in the article."""
    start, end = number.start, number.end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    while True:
        while start > line_start and not text[start - 1].isspace():
            start -= 1
        while end < line_end and not text[end].isspace():
            end += 1
        quote = text[start:end].strip(' ,.;:()"“”')
        if text.count(quote) == 1 or (start <= line_start and end >= line_end):
            return quote
        if start > line_start:
            start -= 1
        if end < line_end:
            end += 1


# --- Output ------------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)  # JSON's escapes are TOML's basic-string escapes


def to_toml(reading: Reading, source_id: str) -> str:
    """`seeds/<id>.figures.toml`: the proposed figures, the unresolved ones commented out with their
    reason (so that the seed names their numbers until a curator decides), and the exclusions."""
    lines = [
        f"# The figures of seeds/{source_id}.txt, proposed by python -m app.extract; reviewed by a curator.",
        "# Unresolved figures are commented out with the reason: complete or exclude each, or the seed",
        '# names its numbers. docs/data.md ("The seeds: one figures file per article") explains every field.',
    ]
    for figure in reading.figures:
        seed = _as_seed(figure)
        prefix = "" if figure["status"] == "proposed" else "# "
        lines.append("")
        if figure["status"] != "proposed":
            lines.append(f"# unresolved: {figure['reason']}")
        lines.append(f"{prefix}[[figure]]")
        lines += [f"{prefix}{key} = {_toml_value(value)}" for key, value in seed.items()]
    for entry in reading.excluded:
        lines += ["", "[[excluded]]"] + [f"{key} = {_toml_value(entry[key])}" for key in ("text", "quote", "reason")]
    return "\n".join(lines) + "\n"


def to_json(reading: Reading) -> dict[str, Any]:
    def jsonable(figure: dict[str, Any]) -> dict[str, Any]:
        shown = {**_as_seed(figure), "status": figure["status"]}
        for key in ("port", "period_start", "period_end", "yoy_change_pct", "yoy_qualifier"):
            shown[key] = figure.get(key)
        shown["cumulative"] = bool(figure.get("cumulative"))
        for key in ("period_start", "period_end"):
            if isinstance(shown[key], date):
                shown[key] = shown[key].isoformat()
        if "reason" in figure:
            shown["reason"] = figure["reason"]
        return shown

    ports = [
        {"id": p.id, "name": p.name, "names": p.spellings, "in_ports_toml": p.in_ports_toml} for p in reading.ports
    ]
    return {"figures": [jsonable(f) for f in reading.figures], "ports": ports, "excluded": reading.excluded}


def port_toml(port: Port) -> str:
    """A [[port]] block for ports.toml, with the gazetteer's attested names only."""
    lines = ["", "[[port]]", f"id = {_toml_value(port.id)}", f"name = {_toml_value(port.name)}"]
    if port.source_url:
        lines[1] = f"# {port.name}: {port.source_url}\n[[port]]"
    if port.names:
        lines.append("names = [")
        for name in port.names:
            fields = ", ".join(f"{key} = {_toml_value(name[key])}" for key in ("name", "language", "source_url"))
            lines.append(f"    {{ {fields} }},")
        lines.append("]")
    return "\n".join(lines) + "\n"


def read_article(path: Path, seeds_dir: Path) -> tuple[str, dict[str, Any], Reading]:
    text = path.read_bytes().decode("utf-8")
    meta = read_toml(path.with_suffix(".toml"))
    taken = {
        row["id"]
        for other in seeds_dir.glob(f"*{FIGURES_SUFFIX}")
        if other.name != f"{meta['id']}{FIGURES_SUFFIX}"
        for row in read_toml(other).get("figure", [])
    }
    reading = extract(
        text, meta["published"], read_ports(seeds_dir), read_metrics(seeds_dir), taken, meta.get("headline", "")
    )
    return text, meta, reading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.extract", description=__doc__.split("\n\n")[0])
    parser.add_argument("article", type=Path, help="the article, PATH/<id>.txt, with PATH/<id>.toml beside it")
    parser.add_argument("--json", action="store_true", help="print JSON for programs instead of TOML")
    parser.add_argument("--write", action="store_true", help="write SEEDS_DIR/<id>.figures.toml (and new ports)")
    parser.add_argument("--force", action="store_true", help="with --write: replace an existing figures file")
    parser.add_argument(
        "--html",
        type=Path,
        metavar="PATH",
        help="write the curator's page: the article, each number marked by its fate",
    )
    args = parser.parse_args(argv)
    seeds_dir = get_settings().seeds_dir
    text, meta, reading = read_article(args.article, seeds_dir)
    target = seeds_dir / f"{meta['id']}{FIGURES_SUFFIX}"
    if args.write and target.exists() and not args.force:
        # A curator's reviewed file holds notes and decisions the extractor cannot make again.
        sys.stderr.write(f"extract: {target} exists; nothing written (--force replaces it)\n")
        return 1
    if args.json:
        sys.stdout.write(json.dumps(to_json(reading), ensure_ascii=False, indent=2) + "\n")
    elif not args.html:
        sys.stdout.write(to_toml(reading, meta["id"]))
    if args.write:
        if args.article.resolve().parent != seeds_dir.resolve():
            sys.stderr.write(
                f"extract: the seed reads only articles in {seeds_dir}: put {args.article.name} there too\n"
            )
        target.write_text(to_toml(reading, meta["id"]), encoding="utf-8")
        new_ports = [p for p in reading.ports if not p.in_ports_toml]
        if new_ports:
            with (seeds_dir / "ports.toml").open("a", encoding="utf-8") as f:
                f.writelines(port_toml(p) for p in new_ports)
        unresolved = sum(f["status"] != "proposed" for f in reading.figures)
        sys.stderr.write(
            f"extract: wrote {target}: {len(reading.figures) - unresolved} figures proposed, {unresolved} unresolved"
            f" (commented out), {len(reading.excluded)} numbers excluded"
            + (f"; added {', '.join(p.id for p in new_ports)} to ports.toml" if new_ports else "")
            + "\n"
        )
    if args.html:  # after --write, so that the page shows what the seeds now hold
        figures_file = seeds_dir / f"{meta['id']}{FIGURES_SUFFIX}"
        loaded = read_toml(figures_file) if figures_file.exists() else None
        args.html.write_text(curator_page(text, meta, to_json(reading), loaded), encoding="utf-8")
        sys.stderr.write(f"extract: wrote {args.html}: open it in a browser ({args.html.resolve().as_uri()})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
