"""Many statements, one series: each port's figures of one metric consolidated into one point per
period, at seed time (docs/data.md, "One series from many statements").

- A **stated** point is the intersection of every statement about that port, metric and period
  (app.intervals.intersect). Statements that share no value stop the seed (ConflictError, naming
  both quotes and sources) unless a curated resolution (seeds/resolutions.toml) says which stands;
  the point then cites it.
- A **derived** point is what statements about other periods imply: the year before, from a stated
  year-on-year change (the observation's prior-year interval); a month or a quarter, from two
  year-to-date totals of the same year (Jan–Aug minus Jan–Jul, Jan–Jun minus Jan–Mar).
- A derived point never overrides a stated one: where both exist, the point is their intersection,
  still `stated`; where they share no value, the stated point stands alone, with a warning.

`consolidate` is pure (tests/test_series.py); `write_series` reads the observation table in
(port, metric, period) order and writes `series_point`, one series in memory at a time.
"""

import calendar
import functools
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import SQLModel

from app import models
from app.intervals import Interval, difference, intersect, shown
from app.seed_files import read_toml

RESOLUTIONS_FILE = "resolutions.toml"


class ConflictError(ValueError):
    """Statements about one period that cannot all be true, with no resolution recorded."""


@dataclass(frozen=True)
class Resolution:
    """A curator's decision between two statements that do not agree: which stands, and why."""

    stands: str
    overrides: str
    why: str


@dataclass(frozen=True)
class Statement:
    id: str
    source: str
    quote: str
    period_start: date | None
    period_end: date
    value: Interval
    prior: Interval | None = None  # the prior-year interval its change implies
    change_pct: float | None = None


@dataclass
class Point:
    period_start: date | None
    period_end: date
    kind: str  # "stated" or "derived"
    interval: Interval
    observations: list[str]
    how: str
    overrides: list[str] = field(default_factory=list)
    resolution: str | None = None
    warning: str | None = None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=65536)  # the same few hundred months, for every series
def _is_month_end(day: date) -> bool:
    return day == _month_end(day.year, day.month)


def year_before(day: date) -> date:
    """The same day a year earlier; a month's last day stays its month's last day."""
    if _is_month_end(day):
        return _month_end(day.year - 1, day.month)
    return day.replace(year=day.year - 1)


@functools.lru_cache(maxsize=65536)
def period_label(start: date | None, end: date) -> str:
    """A period in few words: "2023-01", "2023-Q2", "Jan–Aug 2023", "2022", "to 2023-02-06"."""
    if start is None:
        return f"to {end.isoformat()}"
    if start.day == 1 and _is_month_end(end) and start.year == end.year:
        months = end.month - start.month + 1
        if months == 1:
            return f"{start:%Y-%m}"
        if months == 12:
            return f"{start:%Y}"
        if months == 3 and start.month % 3 == 1:
            return f"{start:%Y}-Q{start.month // 3 + 1}"
        return f"{start:%b}–{end:%b} {start:%Y}"
    return f"{start.isoformat()} to {end.isoformat()}"


def _key(start: date | None, end: date) -> tuple[date, str]:
    return end, "" if start is None else start.isoformat()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _intersect_all(intervals: Iterable[Interval]) -> Interval | None:
    result: Interval | None = None
    for interval in intervals:
        result = interval if result is None else intersect(result, interval)
        if result is None:
            return None
    return result


def _stated(port_metric: str, statements: list[Statement], resolutions: dict[str, Resolution], used: set[str]) -> Point:
    """The point of statements about one period: their intersection, after setting aside those a
    resolution overrides; ConflictError where two that remain share no value."""
    ids = {s.id for s in statements}
    set_aside = [s for s in statements if s.id in resolutions and resolutions[s.id].stands in ids]
    kept = [s for s in statements if s not in set_aside]
    used.update(s.id for s in set_aside)
    for a, b in itertools.combinations(kept, 2):
        if intersect(a.value, b.value) is None:
            raise ConflictError(
                f"{port_metric} {period_label(a.period_start, a.period_end)}: {a.id} ({a.source}) says "
                f"{shown(a.value)} and {b.id} ({b.source}) says {shown(b.value)}, which share no value. "
                f"Fix the figures, or record which stands in seeds/{RESOLUTIONS_FILE} "
                "([[resolution]] stands, overrides, why).\n"
                f"  quote ({a.source}): {a.quote!r}\n  quote ({b.source}): {b.quote!r}"
            )
    interval = _intersect_all(s.value for s in kept)
    assert interval is not None  # intervals that meet pairwise all meet (Helly, in one dimension)
    how = "1 statement" if len(kept) == 1 else f"intersection of {_plural(len(kept), 'statement')}"
    point = Point(kept[0].period_start, kept[0].period_end, "stated", interval, sorted(s.id for s in kept), how)
    if set_aside:
        point.overrides = sorted(s.id for s in set_aside)
        point.resolution = "; ".join(f"{resolutions[s.id].stands} stands: {resolutions[s.id].why}" for s in set_aside)
        point.how += f"; {', '.join(point.overrides)} set aside by a curated resolution"
    return point


def _derivations(stated: dict[tuple[date, str], Point], statements: list[Statement]) -> list[Point]:
    """Every point the statements imply about a period other than their own."""
    derived = []
    for s in statements:
        if s.prior is None:
            continue
        start = None if s.period_start is None else year_before(s.period_start)
        end = year_before(s.period_end)
        how = (
            f"{period_label(start, end)} from a {s.change_pct:g} % change on "
            f"{period_label(s.period_start, s.period_end)}"
        )
        derived.append(Point(start, end, "derived", s.prior, [s.id], how))
    # Year-to-date totals: the stated points that start on January 1 and end on a month's end.
    to_date = [
        p
        for p in stated.values()
        if p.period_start is not None
        and p.period_start == date(p.period_end.year, 1, 1)
        and _is_month_end(p.period_end)
    ]
    to_date.sort(key=lambda p: p.period_end)
    pairs = (
        pair
        for _, of_year in itertools.groupby(to_date, key=lambda p: p.period_end.year)
        for pair in itertools.combinations(list(of_year), 2)
    )
    for shorter, longer in pairs:
        start = shorter.period_end + timedelta(days=1)
        months = longer.period_end.month - start.month + 1
        if not (months == 1 or (months == 3 and start.month % 3 == 1)):
            continue
        how = (
            f"{period_label(start, longer.period_end)} = {period_label(longer.period_start, longer.period_end)} "
            f"minus {period_label(shorter.period_start, shorter.period_end)}"
        )
        derived.append(
            Point(
                start,
                longer.period_end,
                "derived",
                difference(longer.interval, shorter.interval),
                sorted({*longer.observations, *shorter.observations}),
                how,
            )
        )
    return derived


def consolidate(
    port_metric: str,
    statements: list[Statement],
    resolutions: dict[str, Resolution] | None = None,
    used: set[str] | None = None,
) -> tuple[list[Point], list[str]]:
    """One port's series of one metric from its statements: the points in list order (period end,
    then start, a running total first), and the warnings where a derivation contradicts what is
    stated. `resolutions` maps an overridden statement's id to its resolution; the ids of those
    applied are added to `used`."""
    resolutions = resolutions or {}
    used = set() if used is None else used
    by_period: dict[tuple[date, str], list[Statement]] = {}
    for s in statements:
        by_period.setdefault(_key(s.period_start, s.period_end), []).append(s)
    points = {key: _stated(port_metric, group, resolutions, used) for key, group in by_period.items()}
    derived: dict[tuple[date, str], list[Point]] = {}
    for point in _derivations(points, statements):
        derived.setdefault(_key(point.period_start, point.period_end), []).append(point)
    warnings = []
    for key, candidates in derived.items():
        label = period_label(candidates[0].period_start, candidates[0].period_end)
        implied = _intersect_all(p.interval for p in candidates)
        if implied is None:
            warnings.append(
                f"{port_metric} {label}: the derivations disagree, so none is kept: "
                + "; ".join(f"{p.how} gives {shown(p.interval)}" for p in candidates)
            )
            continue
        ids = sorted({i for p in candidates for i in p.observations})
        how = candidates[0].how if len(candidates) == 1 else "intersection of " + "; ".join(p.how for p in candidates)
        stated = points.get(key)
        if stated is None:
            points[key] = Point(candidates[0].period_start, candidates[0].period_end, "derived", implied, ids, how)
            continue
        both = intersect(stated.interval, implied)
        if both is None:
            stated.warning = f"derived {shown(implied)} ({how}) contradicts the stated {shown(stated.interval)}"
            warnings.append(f"{port_metric} {label}: {stated.warning}")
            continue
        stated.interval = both
        stated.observations = sorted({*stated.observations, *ids})
        stated.how += f", intersected with {how}"
    return [points[key] for key in sorted(points)], warnings


def read_resolutions(path: Path) -> list[Resolution]:
    """The curated resolutions of seeds/resolutions.toml, if there is one."""
    if not path.exists():
        return []
    rows = read_toml(path).get("resolution", [])
    try:
        return [Resolution(stands=row["stands"], overrides=row["overrides"], why=row["why"]) for row in rows]
    except KeyError as error:
        raise ConflictError(
            f"{RESOLUTIONS_FILE}: a [[resolution]] lacks {error}: give stands, overrides and why"
        ) from None


_OBSERVATION = SQLModel.metadata.tables["observation"]


def _statement(row: Any) -> Statement:
    prior = None
    if row.prior_year_low is not None:
        prior = Interval(
            row.prior_year_low, row.prior_year_high, row.prior_year_low_inclusive, row.prior_year_high_inclusive
        )
    return Statement(
        id=row.id,
        source=row.source_id,
        quote=row.quote,
        period_start=row.period_start,
        period_end=row.period_end,
        value=Interval(row.value_low, row.value_high, row.low_inclusive, row.high_inclusive),
        prior=prior,
        change_pct=row.yoy_change_pct,
    )


def point_row(port: str, metric: str, point: Point) -> dict[str, Any]:
    return {
        "port_id": port,
        "metric_id": metric,
        "period_end": point.period_end,
        "start_key": "" if point.period_start is None else point.period_start.isoformat(),
        "period_start": point.period_start,
        "kind": point.kind,
        "value_low": point.interval.low,
        "value_high": point.interval.high,
        "low_inclusive": point.interval.low_inclusive,
        "high_inclusive": point.interval.high_inclusive,
        "observations": " ".join(point.observations),
        "how": point.how,
        "overrides": " ".join(point.overrides) or None,
        "resolution": point.resolution,
        "warning": point.warning,
    }


def write_series(connection: Connection, resolutions: Sequence[Resolution], warn: Callable[[str], None]) -> None:
    """Consolidate every port's series of every metric from the observation table into
    `series_point`. Raises ConflictError for statements that cannot all be true, and for a
    resolution that names statements that are not about one port, metric and period."""
    by_overridden = {r.overrides: r for r in resolutions}
    used: set[str] = set()
    o = _OBSERVATION.c
    query = select(
        o.id, o.port_id, o.metric_id, o.source_id, o.quote, o.period_start, o.period_end, o.value_low,
        o.value_high, o.low_inclusive, o.high_inclusive, o.prior_year_low, o.prior_year_high,
        o.prior_year_low_inclusive, o.prior_year_high_inclusive, o.yoy_change_pct,
    ).order_by(o.port_id, o.metric_id, o.period_end, o.id)  # fmt: skip
    rows = connection.execute(query)
    batch: list[dict[str, Any]] = []
    for (port, metric), group in itertools.groupby(rows, key=lambda row: (row.port_id, row.metric_id)):
        points, warnings = consolidate(f"{port} {metric}", [_statement(row) for row in group], by_overridden, used)
        for warning in warnings:
            warn(warning)
        batch.extend(point_row(port, metric, point) for point in points)
        if len(batch) >= 10_000:
            connection.execute(insert(models.SeriesPoint), batch)
            batch = []
    if batch:
        connection.execute(insert(models.SeriesPoint), batch)
    unused = [r for r in resolutions if r.overrides not in used]
    if unused:
        raise ConflictError(
            "\n".join(
                f"{RESOLUTIONS_FILE}: {r.stands} and {r.overrides} are not two statements about one port, "
                "metric and period"
                for r in unused
            )
        )
