"""How well the extractor reads articles it was not built on: `python -m tests.extract_eval.evaluate [DIR]`
(`make extract-eval`).

For every `<id>.txt` in DIR (default: the articles beside this file) it runs
`python -m app.extract DIR/<id>.txt --json` with the project's seeds, and compares the figures it
proposes with the golden reading in `<id>.golden.toml` (README.md beside this file says how the
readings were made). A figure counts only when port, metric, unit, value, qualifier, period_start,
period_end, yoy_change_pct and yoy_qualifier are all right.

- precision: proposed figures (`status = "proposed"`) equal to a golden proposed figure, over all
  proposed figures. An `unresolved` prediction is an abstention, never a false positive.
- recall: golden figures matched, over all golden figures. A golden `unresolved` figure is matched by
  an unresolved prediction with the same value_text or value; proposing it instead is a miss and a
  false positive.

It prints a table per article, the totals, and each miss: the closest prediction and the fields that
differ, or "not proposed"; each false positive with its quote. The exit code is 0 whatever the
numbers; 1 if the extractor crashed or printed malformed JSON (the article is named), 2 if a golden
reading itself is wrong. `--check-golden` only checks the golden readings, and lists every number in
an article that no figure, change, period or exclusion accounts for.
"""

import argparse
import json
import math
import re
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
GOLDEN_SUFFIX = ".golden.toml"
TIMEOUT_SECONDS = 120

PORTS = frozenset(
    "urumqi alataw bakti horgos jeminay takeshiken hongshanzui laoyemiao ulastai dulata muzart torugart "
    "irkeshtam karasu khunjerab".split()
)
METRIC_UNITS = {
    "freight_trains": "trains",
    "cargo_tonnage": "tonnes",
    "vehicle_crossings": "vehicles",
    "inspection_time": "minutes",
    "passenger_crossings": "people",
    "trade_value": "yuan",
    "trade_value_usd": "usd",
    "containers": "teu",
}
QUALIFIERS = frozenset({"exact", "more_than", "at_least", "less_than", "at_most", "approximately"})
STATUSES = frozenset({"proposed", "unresolved"})
# The fields a figure must have right to count, in the order misses name them.
FIELDS = (
    "port",
    "metric",
    "unit",
    "value",
    "qualifier",
    "period_start",
    "period_end",
    "yoy_change_pct",
    "yoy_qualifier",
)
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
DATELINE = re.compile(r"^[A-Z][A-Z .'-]*, [A-Z][a-z]+\.? \d{1,2} \([^)]*\) --", re.MULTILINE)


class Malformed(Exception):
    """A golden reading or an extractor's answer that does not have the expected shape."""


@dataclass(frozen=True)
class Figure:
    port: str | None
    metric: str | None
    unit: str | None
    value: float | None
    qualifier: str | None
    period_start: str | None
    period_end: str | None
    yoy_change_pct: float | None
    yoy_qualifier: str | None
    status: str
    value_text: str
    quote: str = ""

    def describe(self) -> str:
        period = f"{self.period_start or '…'}..{self.period_end or '…'}"
        change = "" if self.yoy_change_pct is None else f", yoy {self.yoy_change_pct:+g} % {self.yoy_qualifier}"
        status = "" if self.status == "proposed" else f" [{self.status}]"
        if self.value is None:
            value = "?"
        else:
            value = f"{self.value:,.0f}" if self.value.is_integer() else f"{self.value:,}"
        return (
            f"{self.port} {self.metric} {self.qualifier} {value} {self.unit}, {period}{change}"
            f" «{self.value_text}»{status}"
        )


@dataclass(frozen=True)
class Excluded:
    text: str
    reason: str


@dataclass
class Score:
    article: str
    golden: list[Figure]
    predicted: list[Figure]
    excluded: list[Excluded]
    matched: list[tuple[Figure, Figure]] = field(default_factory=list)
    missed: list[Figure] = field(default_factory=list)
    false_positives: list[Figure] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(p.status == "proposed" for p in self.predicted)

    @property
    def correct_proposed(self) -> int:
        return sum(g.status == "proposed" for g, _ in self.matched)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differing(golden: Figure, predicted: Figure) -> list[str]:
    return [name for name in FIELDS if not same(getattr(golden, name), getattr(predicted, name))]


def _text(row: Mapping[str, Any], key: str, where: str, *, optional: bool = True) -> str | None:
    value = row.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Malformed(f"{where}: {key} must be a string, not {value!r}")
    return value


def _number(row: Mapping[str, Any], key: str, where: str) -> float | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Malformed(f"{where}: {key} must be a number, not {value!r}")
    return float(value)


def _day(row: Mapping[str, Any], key: str, where: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise Malformed(f"{where}: {key} must be an ISO day, not {value!r}")


def read_figure(row: object, where: str) -> Figure:
    if not isinstance(row, dict):
        raise Malformed(f"{where}: a figure must be an object, not {row!r}")
    status = row.get("status", "proposed")
    if status not in STATUSES:
        raise Malformed(f"{where}: status must be proposed or unresolved, not {status!r}")
    return Figure(
        port=_text(row, "port", where),
        metric=_text(row, "metric", where),
        unit=_text(row, "unit", where),
        value=_number(row, "value", where),
        qualifier=_text(row, "qualifier", where),
        period_start=_day(row, "period_start", where),
        period_end=_day(row, "period_end", where),
        yoy_change_pct=_number(row, "yoy_change_pct", where),
        yoy_qualifier=_text(row, "yoy_qualifier", where),
        status=status,
        value_text=_text(row, "value_text", where, optional=False) or "",
        quote=_text(row, "quote", where) or "",
    )


def check_golden(figure: Figure, text: str, where: str) -> None:
    """A golden figure must be whole and self-consistent: the scorer trusts it."""
    problems = []
    if figure.value_text not in text:
        problems.append(f"value_text {figure.value_text!r} is not in the article")
    if figure.value is None:
        problems.append("no value")
    if figure.status == "proposed":
        if figure.port not in PORTS:
            problems.append(f"unknown port {figure.port!r}")
        if figure.metric not in METRIC_UNITS:
            problems.append(f"unknown metric {figure.metric!r}")
        elif figure.unit != METRIC_UNITS[figure.metric]:
            problems.append(f"unit {figure.unit!r} is not {figure.metric}'s")
        if figure.qualifier not in QUALIFIERS:
            problems.append(f"qualifier {figure.qualifier!r}")
        if figure.period_end is None:
            problems.append("no period_end")
    if (figure.yoy_change_pct is None) != (figure.yoy_qualifier is None):
        problems.append("yoy_change_pct and yoy_qualifier go together")
    if figure.yoy_qualifier is not None and figure.yoy_qualifier not in QUALIFIERS:
        problems.append(f"yoy_qualifier {figure.yoy_qualifier!r}")
    if problems:
        raise Malformed(f"{where}: " + "; ".join(problems))


def read_golden(path: Path, text: str) -> tuple[list[Figure], list[Excluded], dict[str, Any]]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise Malformed(f"{path.name}: {error}") from error
    figures = []
    for i, row in enumerate(data.get("figure", []), 1):
        where = f"{path.name}, figure {i}"
        figure = read_figure(row, where)
        check_golden(figure, text, where)
        figures.append(figure)
    excluded = []
    for i, row in enumerate(data.get("excluded", []), 1):
        where = f"{path.name}, excluded {i}"
        entry = Excluded(_text(row, "text", where, optional=False) or "", _text(row, "reason", where) or "")
        if entry.text not in text:
            raise Malformed(f"{where}: {entry.text!r} is not in the article")
        excluded.append(entry)
    return figures, excluded, data


def run_extractor(module: str, article: Path) -> list[Figure]:
    """The extractor's figures for one article; Malformed if it crashes or prints bad JSON."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, str(article), "--json"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise Malformed(f"{article.name}: the extractor ran longer than {TIMEOUT_SECONDS} s") from error
    if done.returncode != 0:
        tail = "\n    ".join(done.stderr.strip().splitlines()[-5:])
        raise Malformed(f"{article.name}: the extractor exited with {done.returncode}\n    {tail}")
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise Malformed(f"{article.name}: the extractor's output is not JSON ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
        raise Malformed(f'{article.name}: the extractor\'s JSON has no "figures" list')
    for key in ("ports", "excluded"):
        if not isinstance(data.get(key), list):
            raise Malformed(f'{article.name}: the extractor\'s JSON has no "{key}" list')
    return [read_figure(row, f"{article.name}, predicted figure {i}") for i, row in enumerate(data["figures"], 1)]


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def overlaps(a: str, b: str) -> bool:
    a, b = _normal(a), _normal(b)
    return bool(a and b) and (a in b or b in a)


def matches(golden: Figure, predicted: Figure) -> bool:
    if golden.status != predicted.status:
        return False
    if golden.status == "unresolved":
        return overlaps(golden.value_text, predicted.value_text) or same(golden.value, predicted.value)
    return not differing(golden, predicted)


def score(article: str, golden: list[Figure], excluded: list[Excluded], predicted: list[Figure]) -> Score:
    result = Score(article, golden, predicted, excluded)
    free = list(predicted)
    for figure in golden:
        match = next((p for p in free if matches(figure, p)), None)
        if match is None:
            result.missed.append(figure)
        else:
            free.remove(match)
            result.matched.append((figure, match))
    result.false_positives = [p for p in free if p.status == "proposed"]
    return result


def closest(golden: Figure, score: Score) -> Figure | None:
    """The prediction most like a missed golden figure: same value or overlapping value_text, fewest
    differing fields, one not matched to another golden figure first."""
    taken = [id(p) for _, p in score.matched]
    candidates = [
        p for p in score.predicted if same(p.value, golden.value) or overlaps(p.value_text, golden.value_text)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (id(p) in taken, p.status != golden.status, len(differing(golden, p))))


def explain(golden: Figure, predicted: Figure) -> list[str]:
    notes = [f"{name} (golden {getattr(golden, name)}, got {getattr(predicted, name)})" for name in FIELDS]
    fields = [notes[FIELDS.index(name)] for name in differing(golden, predicted)]
    if golden.status != predicted.status:
        fields.insert(0, f"status (golden {golden.status}, got {predicted.status})")
    return fields


def percent(part: int, whole: int) -> str:
    return "–" if whole == 0 else f"{100 * part / whole:.1f}%"


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def report(scores: list[Score]) -> None:
    width = max([len(s.article) for s in scores] + [7])
    header = f"{'article':<{width}}  golden  proposed  abstained  correct  precision  recall"
    out(header)
    out("-" * len(header))
    for s in scores:
        abstained = len(s.predicted) - s.proposed
        out(
            f"{s.article:<{width}}  {len(s.golden):>6}  {s.proposed:>8}  {abstained:>9}  {len(s.matched):>7}"
            f"  {percent(s.correct_proposed, s.proposed):>9}  {percent(len(s.matched), len(s.golden)):>6}"
        )
    golden = sum(len(s.golden) for s in scores)
    proposed = sum(s.proposed for s in scores)
    correct = sum(len(s.matched) for s in scores)
    correct_proposed = sum(s.correct_proposed for s in scores)
    unresolved = sum(g.status == "unresolved" for s in scores for g in s.golden)
    out("-" * len(header))
    out(
        f"{'all':<{width}}  {golden:>6}  {proposed:>8}  {sum(len(s.predicted) for s in scores) - proposed:>9}"
        f"  {correct:>7}  {percent(correct_proposed, proposed):>9}  {percent(correct, golden):>6}"
    )
    out()
    out(f"Whole-figure precision: {percent(correct_proposed, proposed)} ({correct_proposed} of {proposed} proposed)")
    out(
        f"Whole-figure recall:    {percent(correct, golden)} ({correct} of {golden} golden figures,"
        f" {unresolved} of them unresolved)"
    )

    by_field: Counter[str] = Counter()
    lines: list[str] = []
    for s in scores:
        for figure in s.missed:
            near = closest(figure, s)
            lines.append(f"  {s.article}: missed {figure.describe()}")
            if near is None:
                by_field["not proposed"] += 1
                lines.append("      not proposed")
            else:
                fields = explain(figure, near)
                by_field.update(f.split(" ", 1)[0] for f in fields)
                lines.append(f"      closest: {near.describe()}")
                lines.extend(f"      differs: {f}" for f in fields)
        for figure in s.false_positives:
            by_field["false positive"] += 1
            lines.append(f"  {s.article}: not in the golden reading: {figure.describe()}")
            lines.append(f"      quote: {figure.quote}")
            for entry in s.excluded:
                if entry.text in figure.quote and overlaps(entry.text, figure.value_text):
                    lines.append(f"      the golden reading excludes «{entry.text}»: {entry.reason}")
    out()
    if not lines:
        out("No misses.")
        return
    out("Misses by field: " + ", ".join(f"{name} {n}" for name, n in by_field.most_common()))
    out()
    out("Misses:")
    for line in lines:
        out(line)


def uncovered_numbers(text: str, data: Mapping[str, Any]) -> list[str]:
    """Numbers of the article that no golden figure, change, period or exclusion accounts for."""
    spans = [m.span() for m in DATELINE.finditer(text)]
    covering: Iterable[str] = [
        str(row.get(key, ""))
        for table in ("figure", "excluded")
        for row in data.get(table, [])
        for key in ("value_text", "yoy_text", "period_text", "text")
    ]
    for piece in covering:
        if not piece:
            continue
        start = text.find(piece)
        while start >= 0:
            spans.append((start, start + len(piece)))
            start = text.find(piece, start + 1)
    return [m.group() for m in NUMBER.finditer(text) if not any(a <= m.start() and m.end() <= b for a, b in spans)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("dir", nargs="?", type=Path, default=ARTICLES_DIR, help="articles and golden readings")
    parser.add_argument("--extractor", default="app.extract", help="the module run as python -m MODULE")
    parser.add_argument("--check-golden", action="store_true", help="check the golden readings only")
    args = parser.parse_args(argv)

    articles = sorted(args.dir.glob("*.txt"))
    if not articles:
        out(f"No articles in {args.dir}")
        return 2
    readings = {}
    for article in articles:
        text = article.read_text(encoding="utf-8")
        try:
            readings[article] = read_golden(article.with_name(article.stem + GOLDEN_SUFFIX), text)
        except Malformed as error:
            out(f"Bad golden reading: {error}")
            return 2
        if args.check_golden:
            loose = uncovered_numbers(text, readings[article][2])
            if loose:
                out(f"{article.stem}: not accounted for: {', '.join(loose)}")
    if args.check_golden:
        figures = sum(len(r[0]) for r in readings.values())
        exclusions = sum(len(r[1]) for r in readings.values())
        out(f"{len(articles)} articles, {figures} golden figures, {exclusions} exclusions")
        return 0

    scores = []
    failures = []
    for article, (golden, excluded, _) in readings.items():
        try:
            predicted = run_extractor(args.extractor, article)
        except Malformed as error:
            failures.append(str(error))
            predicted = []
        scores.append(score(article.stem, golden, excluded, predicted))
    report(scores)
    if failures:
        out()
        out("The extractor failed on:")
        for failure in failures:
            out(f"  {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
