"""`python -m tests.perf.synthetic --observations N --out PATH`: a synthetic database for scale tests.

It is written by the app's own builder (app.seed.build_database: the migrations, the models, the
derived counts and version), so the server accepts it unchanged and it cannot drift from the schema.
What it holds is made up and says so, but shaped like real port statistics:
- at least 800 ports, each named in Latin, Cyrillic and Chinese script, every name a look-up key;
- the first four metrics of the seeds' metrics.toml (SEEDS_DIR), each worded by its own name and
  unit, so that a new metric needs no code here, and four whatever the seeds add, so that the
  dataset's shape stays the one tests/test_scale.py expects; monthly from 2001-01 to 2025-12 (300
  months), one series per port and metric, as many series as N needs, port by port (so, as in the
  seeds, most ports of a small dataset have no figures); every December a freight-train figure is a
  running total since the service began (no period start), as in the seeds;
- one monthly bulletin per month as the source, whose text is the quotes of that month's figures,
  so that every quote (150 characters or more) stands at its offsets;
- qualifiers of every kind, and a year-on-year change on four rows in five;
- statements that overlap, as articles do (issue 17), all of them true of one made-up truth per
  series and month, so that the series consolidate without a conflict: the written value is the
  truth read through its qualifier ("more than" one below it), and a change is the truths' own,
  rounded to a tenth; every vehicle-crossing series is a year-to-date run (January, then January to
  N each month, from which the seed derives each month); and every fourth cargo-tonnage figure
  restates the month before's, from another bulletin (several sources for one period).
Rows are generated month by month, so memory stays flat whatever N.
"""

import argparse
import calendar
import hashlib
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from app import models
from app.seed import build_database, load_seeds, port_keys, write_atomically
from app.settings import get_settings

FIRST_YEAR, YEARS = 2001, 25
MONTHS = YEARS * 12
MIN_PORTS = 800
METRICS = 4  # series per port: the first four metrics of the seeds

# Three syllables name a port; the same syllables in Cyrillic and Chinese give its other names,
# so every name is distinct in every script (20**3 = 8,000 ports at most).
LATIN = [
    "ka",
    "ro",
    "tu",
    "mi",
    "sa",
    "le",
    "bo",
    "na",
    "ji",
    "ho",
    "ze",
    "pu",
    "di",
    "ga",
    "ye",
    "lo",
    "va",
    "shi",
    "ku",
    "ne",
]
CYRILLIC = [
    "ка",
    "ро",
    "ту",
    "ми",
    "са",
    "ле",
    "бо",
    "на",
    "джи",
    "хо",
    "зе",
    "пу",
    "ди",
    "га",
    "е",
    "ло",
    "ва",
    "ши",
    "ку",
    "не",
]
CHINESE = [
    "卡",
    "罗",
    "图",
    "米",
    "萨",
    "勒",
    "博",
    "纳",
    "吉",
    "霍",
    "泽",
    "普",
    "迪",
    "尕",
    "耶",
    "洛",
    "瓦",
    "什",
    "库",
    "内",
]

QUALIFIERS = {
    "exact": "",
    "more_than": "more than ",
    "approximately": "about ",
    "at_least": "at least ",
    "less_than": "less than ",
}
QUALIFIER_NAMES = list(QUALIFIERS)
SOURCE_URL = "urn:synthetic:port-statistics"
YEAR_TO_DATE_METRIC = "vehicle_crossings"  # every series of it a year-to-date run
RESTATED_METRIC = "cargo_tonnage"  # every fourth figure of it the month before's, restated


def syllables(n: int) -> list[int]:
    return [n // 400 % 20, n // 20 % 20, n % 20]


def port_rows(count: int) -> tuple[list[models.Port], list[models.PortName]]:
    ports, names = [], []
    for n in range(count):
        parts = syllables(n)
        latin = "".join(LATIN[p] for p in parts)
        ports.append(models.Port(id=latin, name=latin.capitalize()))
        names.append(
            models.PortName(
                port_id=latin,
                name="".join(CYRILLIC[p] for p in parts).capitalize(),
                language="ru",
                source_url=SOURCE_URL,
            )
        )
        names.append(
            models.PortName(
                port_id=latin, name="".join(CHINESE[p] for p in parts), language="zh-Hans", source_url=SOURCE_URL
            )
        )
    return ports, names


class Month(NamedTuple):
    start: date
    end: date
    name: str  # "January 2010"
    slug: str  # "2010-01"
    source_id: str


class MetricText(NamedTuple):
    """What a figure's text needs of its metric, as plain strings: read per row, millions of times."""

    id: str
    slug: str
    unit: str
    name: str


class Generator:
    def __init__(self, observations: int, metrics: list[models.Metric]):
        self.total = observations
        self.metrics = [MetricText(m.id, m.id.replace("_", "-"), m.unit, m.name.lower()) for m in metrics]
        self.series = -(-observations // MONTHS)  # one per port and metric, as many as needed
        self.ports, self.port_names = port_rows(max(MIN_PORTS, -(-self.series // len(metrics))))
        self.port_ids_and_names = [(port.id, port.name) for port in self.ports]  # plain strings: read per row

    def month(self, m: int) -> tuple[date, date]:
        year, month = FIRST_YEAR + m // 12, m % 12 + 1
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])

    def source_id(self, m: int) -> str:
        start, _ = self.month(m)
        return f"synthetic-bulletin-{start:%Y-%m}"

    def figures(self, m: int) -> list[dict[str, Any]]:
        """The figures of month `m`, in id order, their quotes placed one after another in its text."""
        start, end = self.month(m)
        month = Month(start, end, f"{start:%B %Y}", f"{start:%Y-%m}", self.source_id(m))
        figures = []
        for s in range(self.series):
            n = m * self.series + s
            if n >= self.total:
                break
            port_id, port_name = self.port_ids_and_names[s // len(self.metrics) % len(self.ports)]
            figures.append(self.figure(n, port_id, port_name, self.metrics[s % len(self.metrics)], month, m, s))
        figures.sort(key=lambda f: f["id"])
        offset = len(self.heading(m))
        for figure in figures:
            figure["quote_start"] = offset
            figure["quote_end"] = offset + len(figure["quote"])
            offset = figure["quote_end"] + 1
        return figures

    def monthly_truth(self, m: int, s: int) -> int:
        """The made-up true figure of series `s` in month `m`: around the series' own level."""
        base = (
            1000
            + int.from_bytes(hashlib.blake2b(s.to_bytes(8, "little"), digest_size=4).digest(), "little") % 1_000_000
        )
        noise = hashlib.blake2b((m * 100_003 + s).to_bytes(8, "little"), digest_size=2).digest()
        return base * (70 + int.from_bytes(noise, "little") % 61) // 100

    def truth(self, m: int, s: int, metric: MetricText) -> int:
        """What the figure of series `s` in month `m` counts truly: a year-to-date series sums its months."""
        if metric.id != YEAR_TO_DATE_METRIC:
            return self.monthly_truth(m, s)
        january = m - m % 12
        return sum(self.monthly_truth(k, s) for k in range(january, m + 1))

    def figure(
        self, n: int, port_id: str, port_name: str, metric: MetricText, month: Month, m: int = 0, s: int = 0
    ) -> dict[str, Any]:
        digest = hashlib.blake2b(n.to_bytes(8, "little"), digest_size=8).digest()
        qualifier = QUALIFIER_NAMES[digest[0] % len(QUALIFIER_NAMES)]
        restated = metric.id == RESTATED_METRIC and m % 4 == 3
        if restated:  # the month before's figure, again, from this month's bulletin
            m -= 1
            start, end = self.month(m)
            month = Month(start, end, f"{start:%B %Y}", f"{start:%Y-%m}", month.source_id)
        truth = self.truth(m, s, metric)
        # The written number, true of the truth through its qualifier.
        value = truth - 1 if qualifier == "more_than" else truth + 1 if qualifier == "less_than" else truth
        running = metric.id == "freight_trains" and month.start.month == 12
        to_date = metric.id == YEAR_TO_DATE_METRIC and month.start.month > 1
        period_start = None if running else date(month.start.year, 1, 1) if to_date else month.start
        if running:
            period = f"since the service began, as of the end of {month.name}"
        elif to_date:
            period = f"in the first {month.start.month} months of {month.start.year}"
        else:
            period = f"in {month.name}"
        value_text = f"{QUALIFIERS[qualifier]}{value:,} {metric.unit}"
        yoy = None
        if digest[4] % 5 and m >= 12:  # four rows in five, where there is a year before
            before = self.truth(m - 12, s, metric)
            change = (truth - before) / before * 100
            yoy = round(change, 1)
            if abs(change - yoy) > 0.0499:  # on the edge of its rounding: the change is left out
                yoy = None
        yoy_text = None if yoy is None else f"{'up' if yoy >= 0 else 'down'} {abs(yoy)} percent year on year"
        quote = (
            ("Earlier data showed that " if restated else "")
            + f"{'the' if restated else 'The'} {port_name} port reported {value_text} {period}"
            + (f", {yoy_text}" if yoy_text else "")
            + f", according to the monthly bulletin of the port authority, which compiles the {metric.name} "
            f"figures of every land port."
        )
        return {
            "id": f"{port_id}-{metric.slug}-{month.slug}" + ("-restated" if restated else ""),
            "port_id": port_id,
            "metric_id": metric.id,
            "value": float(value),
            "qualifier": qualifier,
            "unit": metric.unit,
            "value_text": value_text,
            "unit_text": metric.unit,
            "scope": None,
            "period_start": period_start,
            "period_end": month.end,
            "period_text": period,
            "yoy_change_pct": yoy,
            "yoy_qualifier": None if yoy is None else "exact",
            "yoy_text": yoy_text,
            "quote": quote,
            "note": "Synthetic: made up for scale tests.",
            "source_id": month.source_id,
        }

    def heading(self, m: int) -> str:
        start, _ = self.month(m)
        return f"Synthetic monthly bulletin of land port statistics, {start:%B %Y}.\n"

    def sources(self) -> list[models.Source]:
        sources = []
        for m in range(MONTHS):
            figures = self.figures(m)
            if not figures:
                break
            text = self.heading(m) + " ".join(f["quote"] for f in figures)
            start, end = self.month(m)
            sources.append(
                models.Source(
                    id=self.source_id(m),
                    publisher="Synthetic Port Statistics Bureau",
                    dateline=f"{end:%b. %-d}",
                    published=end,
                    headline=f"Land port statistics, {start:%B %Y}",
                    url=f"{SOURCE_URL}:{start:%Y-%m}",
                    language="en",
                    text=text,
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                )
            )
        return sources

    def observations(self) -> Iterator[dict[str, Any]]:
        """Month by month, so in list order (period_end, id), and never more than a month in memory."""
        for m in range(MONTHS):
            yield from self.figures(m)


def build(observations: int, out: Path) -> None:
    metrics = sorted(load_seeds(get_settings().seeds_dir).metrics[:METRICS], key=lambda m: m.id)
    generator = Generator(observations, metrics)
    names_of = {port.id: [port.id, port.name] for port in generator.ports}
    for name in generator.port_names:
        names_of[name.port_id].append(name.name)
    tables = (generator.sources(), generator.ports, generator.port_names, port_keys(names_of), metrics)
    write_atomically(out, lambda path: build_database(path, tables, generator.observations()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.monotonic()
    build(args.observations, args.out)
    print(f"synthetic: wrote {args.out}: {args.observations:,} observations in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
