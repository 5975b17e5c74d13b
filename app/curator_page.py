"""The curator's page: an article with every number marked by what became of it, so that a person
checks what the extractor read in a minute. `python -m app.extract seeds/<id>.txt --html PATH`
writes it.

Each number of the article (each run of digits, as the seed counts them: `numbers_in`) stands in
exactly one mark, of one of four statuses:
- `loaded`: a figure's value, change or period, the figure being in `seeds/<id>.figures.toml`,
  which the seed loads;
- `proposed`: the same, for a figure the extractor reads that the seeds do not hold yet;
- `unresolved`: the same, for a figure the extractor read without a port or a period (the reason
  is shown);
- `excluded`: a number that is no port's figure, with the reason (the seeds' where they exclude
  it, else the extractor's; the dateline's date is accounted for by the metadata).
A figure's value written in words ("within half an hour") is marked too, though the seed does not
count it as a number. After each paragraph, every figure whose value stands in it is shown with
its port, metric, value, bound, period and change, and for a loaded figure whether the extractor
reads it the same.

The page is one self-contained file, opened from disk: the source view's template
(app/templates/source_view.html, extended by curator_page.html, autoescaped) with its stylesheet
inlined, no script, and a Content-Security-Policy that forbids loading anything at all.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from app.figures import NumberAt, dateline_in, numbers_in, paragraph_spans
from app.source_view import TEMPLATES

STYLESHEET = Path(__file__).with_name("static") / "source-view.css"
# Order matters where two readings claim the same words: what the seeds hold comes first.
STATUSES = ("loaded", "proposed", "unresolved", "excluded")
# Never expected: the extractor accounts for every number. Shown, not hidden, if it happens.
UNACCOUNTED = "unaccounted"
# The page's own policy: nothing may be loaded, not even from where the file is.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

BOUNDS = {
    "exact": "exact",
    "more_than": "more than",
    "at_least": "at least",
    "less_than": "less than",
    "at_most": "at most",
    "approximately": "approximately",
}
ROLES = {"value_text": "value", "yoy_text": "change", "period_text": "period"}
# The fields compared between a loaded figure and the extractor's reading of the same words.
COMPARED = (
    "port", "metric", "value", "qualifier", "unit", "value_text", "unit_text", "scope", "period_text",
    "period_start", "period_end", "cumulative", "yoy_text", "yoy_change_pct", "yoy_qualifier", "context",
)  # fmt: skip


@dataclass
class PageFigure:
    """One figure as the page shows it: numbered in the order its value stands in the text."""

    number: int
    status: str
    figure: dict[str, Any]
    reason: str | None = None
    differs: list[tuple[str, str, str]] = field(default_factory=list)  # (field, loaded, extractor's)
    read_by_extractor: bool = False


@dataclass
class Mark:
    start: int
    end: int
    status: str
    label: str
    figures: list[int] = field(default_factory=list)  # the page numbers of the figures it is part of


@dataclass
class Piece:
    text: str
    mark: Mark | None = None


@dataclass
class Paragraph:
    pieces: list[Piece]
    figures: list[PageFigure]


def curator_page(
    article_text: str,
    metadata: dict[str, Any],
    extraction: dict[str, Any],
    loaded: dict[str, Any] | None,
) -> str:
    """The page, as HTML. `extraction` is what `python -m app.extract --json` prints (figures,
    ports, excluded); `loaded` is the article's figures file as read (its `figure` and `excluded`
    tables), or None where there is none yet."""
    figures = page_figures(article_text, extraction, loaded or {})
    marks = page_marks(article_text, figures, extraction.get("excluded", []), (loaded or {}).get("excluded", []))
    paragraphs = _paragraphs(article_text, marks, figures)
    numbers = numbers_in(article_text)
    counts = {status: {"figures": 0, "numbers": 0} for status in (*STATUSES, UNACCOUNTED)}
    for figure in figures:
        counts[figure.status]["figures"] += 1
    for mark in marks:
        counts[mark.status]["numbers"] += len(numbers_in(article_text[mark.start : mark.end]))
    css = STYLESHEET.read_text(encoding="utf-8")
    if "</" in css:  # it goes into <style> as it is, so it must not be able to close it
        raise ValueError(f"{STYLESHEET} holds '</', which would end the inlined <style>")
    return TEMPLATES.get_template("curator_page.html").render(
        source=metadata,
        published=_iso(metadata.get("published")),
        article_link=metadata["url"] if str(metadata.get("url", "")).startswith(("https://", "http://")) else None,
        stylesheet=Markup(css),
        csp=CONTENT_SECURITY_POLICY,
        figures_file=loaded is not None,
        paragraphs=paragraphs,
        counts=counts,
        statuses=STATUSES,
        unaccounted=UNACCOUNTED,
        numbers=len(numbers),
        figures=len(figures),
        bound=BOUNDS,
        show=_show,
        plural=_plural,
        period=_period,
        change=_change,
    )


def page_figures(text: str, extraction: dict[str, Any], loaded: dict[str, Any]) -> list[PageFigure]:
    """Every figure the page shows: the loaded ones, and the extractor's that are not loaded (a
    reading of the same value in the same quote is the loaded figure's, compared field by field)."""
    read = {_key(f): f for f in extraction.get("figures", [])}
    shown: list[PageFigure] = []
    for figure in loaded.get("figure", []):
        extracted = read.pop(_key(figure), None)
        differs = []
        if extracted is not None:
            for name in COMPARED:
                mine, theirs = _comparable(figure.get(name)), _comparable(extracted.get(name))
                if mine != theirs:
                    differs.append((name, _show(figure.get(name)), _show(extracted.get(name))))
        shown.append(PageFigure(0, "loaded", figure, differs=differs, read_by_extractor=extracted is not None))
    for figure in read.values():
        status = "proposed" if figure.get("status") == "proposed" else "unresolved"
        shown.append(PageFigure(0, status, figure, reason=figure.get("reason"), read_by_extractor=True))
    shown.sort(key=lambda f: (_value_start(text, f.figure), STATUSES.index(f.status)))
    for number, figure in enumerate(shown, start=1):
        figure.number = number
    return shown


def page_marks(
    text: str,
    figures: list[PageFigure],
    extracted_excluded: list[dict[str, Any]],
    loaded_excluded: list[dict[str, Any]],
) -> list[Mark]:
    """The marks, in text order, none overlapping another: each figure's value, change and period
    where the seed finds them (a span two figures share is one mark), then every number no figure
    holds, excluded with its reason."""
    by_span: dict[tuple[int, int], Mark] = {}
    roles: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for figure in figures:
        for start, end, role in part_spans(figure.figure, text):
            mark = by_span.get((start, end))
            if mark is None:
                mark = by_span[(start, end)] = Mark(start, end, figure.status, "")
            elif STATUSES.index(figure.status) < STATUSES.index(mark.status):
                mark.status = figure.status
            mark.figures.append(figure.number)
            roles.setdefault((start, end), []).append((figure.number, role))
    for span, mark in by_span.items():
        mark.label = _label(mark.status, roles[span])
    # Where two readings claim crossing words (never in a well-formed reading), the one of the
    # higher status, then the longer, keeps them; a number left outside every mark is then marked
    # on its own below, so that each is still marked exactly once.
    kept: list[Mark] = []
    for mark in sorted(by_span.values(), key=lambda m: (STATUSES.index(m.status), m.start - m.end, m.start)):
        overlapping = next((k for k in kept if k.start < mark.end and mark.start < k.end), None)
        if overlapping is None:
            kept.append(mark)
        else:
            overlapping.figures += [n for n in mark.figures if n not in overlapping.figures]
    numbers = numbers_in(text)
    for mark in [k for k in kept if any(_cuts(k, n) for n in numbers)]:  # a value_text ending mid-number
        kept.remove(mark)
    reasons = _exclusion_reasons(text, extracted_excluded)
    reasons.update(_exclusion_reasons(text, loaded_excluded))  # the seeds' reason, where they give one
    dateline = dateline_in(text)
    for number in numbers:
        if any(k.start <= number.start and number.end <= k.end for k in kept):
            continue
        if dateline and dateline[0] <= number.start and number.end <= dateline[1]:
            status, reason = "excluded", "the dateline's date"
        elif number.start in reasons:
            status, reason = "excluded", reasons[number.start]
        else:
            status, reason = UNACCOUNTED, "neither a figure's nor excluded: the seed fails on it"
        kept.append(Mark(number.start, number.end, status, f"{status}: {reason}"))
    return sorted(kept, key=lambda m: m.start)


def _cuts(mark: Mark, number: NumberAt) -> bool:
    """Whether the mark holds part of the number but not all of it."""
    overlaps = mark.start < number.end and number.start < mark.end
    return overlaps and not (mark.start <= number.start and number.end <= mark.end)


def part_spans(figure: dict[str, Any], text: str) -> list[tuple[int, int, str]]:
    """Where a figure's value, change and period stand, as the seed finds them (figure_spans): the
    first place of each in the quote, and the period in the context where the quote lacks it."""
    quote_start = text.find(figure.get("quote") or "\0")
    if quote_start < 0:
        return []
    spans = []
    for name, role in ROLES.items():
        written = figure.get(name)
        if not written:
            continue
        at = figure["quote"].find(written)
        if at >= 0:
            spans.append((quote_start + at, quote_start + at + len(written), role))
        elif name == "period_text" and figure.get("context"):
            context_start, at = text.find(figure["context"]), figure["context"].find(written)
            if context_start >= 0 and at >= 0:
                spans.append((context_start + at, context_start + at + len(written), role))
    return spans


def _exclusion_reasons(text: str, entries: list[dict[str, Any]]) -> dict[int, str]:
    """Where each excluded number stands (the number of that text inside the entry's quote)."""
    reasons: dict[int, str] = {}
    for entry in entries:
        quote_start = text.find(entry.get("quote") or "\0")
        if quote_start < 0:
            continue
        for number in numbers_in(entry["quote"]):
            if number.written == entry.get("text"):
                reasons.setdefault(quote_start + number.start, str(entry.get("reason", "")))
    return reasons


def _paragraphs(text: str, marks: list[Mark], figures: list[PageFigure]) -> list[Paragraph]:
    """The text cut into paragraphs (each line that holds words), each cut into plain and marked
    pieces, with the figures whose value stands in it."""
    paragraphs = []
    spans = paragraph_spans(text)
    placed: set[int] = set()
    for index, (start, end) in enumerate(spans):
        pieces, at = [], start
        for mark in marks:
            if start <= mark.start and mark.end <= end:
                if mark.start > at:
                    pieces.append(Piece(text[at : mark.start]))
                pieces.append(Piece(text[mark.start : mark.end], mark))
                at = mark.end
        if at < end:
            pieces.append(Piece(text[at:end]))
        last = index == len(spans) - 1
        here = [
            f
            for f in figures
            if f.number not in placed and (last or 0 <= _value_start(text, f.figure) < spans[index + 1][0])
        ]
        placed.update(f.number for f in here)
        paragraphs.append(Paragraph(pieces, here))
    return paragraphs


def _label(status: str, roles: list[tuple[int, str]]) -> str:
    """What a mark says after it: `loaded 2` for a value, `2 change`, `4, 5 period`."""
    parts = []
    for role in ROLES.values():
        numbers = ", ".join(str(n) for n, r in roles if r == role)
        if numbers:
            parts.append(f"{status} {numbers}" if role == "value" else f"{numbers} {role}")
    return " · ".join(parts)


def _key(figure: dict[str, Any]) -> tuple[str, str]:
    return str(figure.get("quote", "")), str(figure.get("value_text", ""))


def _value_start(text: str, figure: dict[str, Any]) -> int:
    spans = [s for s in part_spans(figure, text) if s[2] == "value"]
    return spans[0][0] if spans else max(text.find(figure.get("quote") or "\0"), 0)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else (None if value is None else str(value))


def _comparable(value: Any) -> Any:
    """A value as both readings write it: TOML's dates and JSON's ISO days alike; no field and
    a false or empty one alike."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value or None


def _show(value: Any) -> str:
    """A field's value for a person: numbers with thousands separators, dates as ISO days."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,}" if float(value).is_integer() else f"{value:,.10g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _period(figure: dict[str, Any]) -> str:
    """The resolved period in words: `2023-01-01 to 2023-01-31`, `a running total up to …`."""
    start, end = _iso(figure.get("period_start")), _iso(figure.get("period_end"))
    if end is None:
        return "none"
    if figure.get("cumulative"):
        return f"a running total up to {end}"
    if start is None:
        return f"as things stood on {end}"
    return end if start == end else f"{start} to {end}"


def _change(figure: dict[str, Any]) -> str:
    """The year-on-year change with its bound as the article words it: `+12.8 % year on year`
    (exact), `more than +156 % year on year`, or `none stated`."""
    pct = figure.get("yoy_change_pct")
    if pct is None:
        return "none stated"
    qualifier = str(figure.get("yoy_qualifier") or "exact")
    sign = "+" if pct > 0 else ("−" if pct < 0 else "±")
    bound = "" if qualifier == "exact" else BOUNDS.get(qualifier, qualifier) + " "
    return f"{bound}{sign}{_show(abs(pct))} % year on year"
