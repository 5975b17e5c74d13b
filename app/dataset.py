"""The dataset as the API reads it: each request asks SQLite for what it needs, through an index.

Nothing proportional to the data is read at start; the one row of `DatasetInfo` the seed wrote
(version, counts, longest period) is all the server keeps. Every list comes in chronological
order, by (period_end, id), and is cut by keyset: a page starts after the last item of the one
before, so the millionth item costs what the first does.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    CompoundSelect,
    Connection,
    Date,
    Engine,
    Executable,
    Result,
    Row,
    Select,
    String,
    Table,
    func,
    literal,
    select,
    tuple_,
    type_coerce,
    union_all,
)
from sqlmodel import SQLModel

from app import links, models, schemas
from app.db import time_limit
from app.figures import fold_name
from app.observations_csv import COLUMNS as CSV_COLUMNS

# Ids are listed in a 404 while there are at most this many; beyond it the detail points at the
# collection instead, so that no error grows with the data.
MAX_VALID_VALUES = 100
# A period filter counts its matches up to this many; past it `total` is null, because counting
# further would cost as much as reading them all.
MAX_COUNT = 1_000
# Observations embedded in a port's or a metric's own answer; the rest are a link away.
EMBEDDED = 100

# The tables as SQLAlchemy Core sees them: queries here select columns, not ORM objects, which
# read many times faster, and whose types mypy can follow.
_tables = SQLModel.metadata.tables
OBSERVATION, PORT, PORT_KEY, PORT_NAME = (
    _tables["observation"],
    _tables["port"],
    _tables["port_key"],
    _tables["port_name"],
)
METRIC, SOURCE, OBSERVATION_COUNT = _tables["metric"], _tables["source"], _tables["observation_count"]
OBS = OBSERVATION.c
SERIES_POINT = _tables["series_point"]
SERIES = SERIES_POINT.c
# An observation's columns as a record is built from them: the days as SQLite stores them,
# 'YYYY-MM-DD' text. Read as dates they would be parsed here only to be written back as the same
# text in every CSV row and JSON answer, which cost a fifth of a CSV page.
RECORD_COLUMNS = [type_coerce(c, String).label(c.name) if isinstance(c.type, Date) else c for c in OBS]


class NotFound(LookupError):
    """No such id; carries the valid ids while there are few enough to list, and the collection."""

    def __init__(self, kind: str, valid: list[str] | None, count: int, collection: str):
        super().__init__(kind)
        self.kind = kind
        self.valid = valid
        self.count = count
        self.collection = collection


@dataclass(frozen=True)
class ObservationFilter:
    """Which observations a list holds: port and metric ids, already resolved, and a period they
    must overlap. A period without a start (a running total) counts as starting at the beginning."""

    port: str | None = None
    metric: str | None = None
    period_from: date | None = None
    period_to: date | None = None


@dataclass(frozen=True)
class Slice:
    """One page of a list: the items, and the cursor of the page after them, while more follow."""

    items: list[Any]
    next_after: str | None


def _slice(items: list[Any], more: bool, cursor: Callable[[Any], str]) -> Slice:
    return Slice(items, cursor(items[-1]) if more else None)


def observation_cursor(record: dict[str, Any]) -> str:
    """Where a page of observations ends, in list order: `<period_end>~<id>`. It holds its own
    position, so it needs no look-up and still works on another version of the data."""
    return f"{record['period_end']}~{record['id']}"


def series_cursor(point: Any) -> str:
    """Where a page of a series ends: `<period_end>~<period_start>`, the start empty for a running total."""
    return f"{point['period_end']}~{point['start_key']}"


def _csv_cursor(row: tuple[Any, ...]) -> str:
    return f"{row[_CSV_PERIOD_END]}~{row[_CSV_ID]}"


def _id(item: schemas.Port | schemas.Metric | schemas.Source) -> str:
    return item.id


class Dataset:
    """The queries of one request. Each holds a connection of the pool only while it runs, under
    the time limit, and reads its rows whole: between two queries, and while the answer is written
    out to a slow client, the request holds nothing. Its methods block, so routes call them off the
    event loop (they are plain `def`s, which FastAPI runs in its thread pool)."""

    def __init__(self, engine: Engine, info: models.DatasetInfo, query_time_limit: float):
        self.engine = engine
        self.info = info
        self.query_time_limit = query_time_limit

    def _execute(self, query: Executable) -> Result[Any]:
        """The whole result of `query`, read on a connection already back in the pool."""
        with self.engine.connect() as connection, time_limit(connection, self.query_time_limit):
            return connection.execute(query).freeze()()

    # Ports, metrics and sources: small tables, listed in id order.

    def port_id(self, key: str) -> str:
        """The id of the port with this id or any of its names, ignoring case, diacritics and punctuation."""
        port_id = self._execute(select(PORT_KEY.c.port_id).where(PORT_KEY.c.key == fold_name(key))).scalar()
        if port_id is None:
            raise self._not_found("port", PORT, self.info.ports, links.PORTS)
        return str(port_id)

    def port(self, key: str) -> schemas.Port:
        """A port by id or any of its names, with its names and links."""
        row = self._execute(select(PORT).where(PORT.c.id == self.port_id(key))).one()
        return self._ports([row])[0]

    def metric_id(self, key: str) -> str:
        return self.metric(key).id

    def ports(self, after: str | None, limit: int, offset: int) -> Slice:
        rows = self._by_id(PORT, after, limit, offset)
        return _slice(self._ports(rows[:limit]), len(rows) > limit, _id)

    def metric(self, key: str) -> schemas.Metric:
        row = self._execute(select(METRIC).where(METRIC.c.id == key.lower())).first()
        if row is None:
            raise self._not_found("metric", METRIC, self.info.metrics, links.METRICS)
        return _metric(row)

    def metrics(self, after: str | None, limit: int, offset: int) -> Slice:
        rows = self._by_id(METRIC, after, limit, offset)
        return _slice([_metric(row) for row in rows[:limit]], len(rows) > limit, _id)

    def source(self, key: str) -> schemas.SourceDetail:
        row = self._execute(select(SOURCE).where(SOURCE.c.id == key.lower())).first()
        if row is None:
            raise self._not_found("source", SOURCE, self.info.sources, links.SOURCES)
        return schemas.SourceDetail(**row._mapping, href=links.source(row.id))

    def sources(self, after: str | None, limit: int, offset: int) -> Slice:
        rows = self._by_id(SOURCE, after, limit, offset, [column for column in SOURCE.c if column.name != "text"])
        items = [schemas.Source(**row._mapping, href=links.source(row.id)) for row in rows[:limit]]
        return _slice(items, len(rows) > limit, _id)

    def quotes_of(self, source_id: str) -> list[tuple[int, int, str]]:
        """(start, end, observation id) of every quote in one source, in order: what its view marks.
        As many as that one article has figures, not as many as the dataset has."""
        query = (
            select(OBS.quote_start, OBS.quote_end, OBS.id)
            .where(OBS.source_id == source_id)
            .order_by(OBS.quote_start, OBS.id)
        )
        return [tuple(row) for row in self._execute(query)]

    # Observations.

    def observation(self, key: str) -> schemas.Observation:
        row = self._execute(select(*RECORD_COLUMNS).where(OBS.id == key.lower())).first()
        if row is None:
            raise self._not_found("observation", OBSERVATION, self.info.observations, links.OBSERVATIONS)
        return schemas.Observation.model_validate(observation_record(list(row._fields), row))

    def observations(self, where: ObservationFilter, after: str | None, limit: int, offset: int) -> Slice:
        """One page of the observations `where` selects, after the cursor `after` (observation_cursor),
        as observation_record()s."""
        columns, rows = self._observation_rows(where, after, limit, offset)
        records = [observation_record(columns, row) for row in rows[:limit]]
        return _slice(records, len(rows) > limit, observation_cursor)

    def observations_csv(self, where: ObservationFilter, after: str | None, limit: int, offset: int) -> Slice:
        """The same page as observations(), as CSV rows (csv_rows): CSV needs no model per row."""
        columns, rows = self._observation_rows(where, after, limit, offset)
        return _slice(list(csv_rows(columns, rows[:limit])), len(rows) > limit, _csv_cursor)

    def _observation_rows(
        self, where: ObservationFilter, after: str | None, limit: int, offset: int
    ) -> tuple[list[str], Sequence[Row[Any]]]:
        """The rows of one page, and one more where more follow; with the names of their columns."""
        position = tuple(after.split("~", 1)) if after is not None else None  # the pattern ensures one "~"
        query = observations_query(where, position, self.info.longest_period_days)
        result = self._execute(query.limit(limit + 1).offset(offset))
        return list(result.keys()), result.all()

    def embedded(self, where: ObservationFilter) -> dict[str, Any]:
        """The first page of the observations `where` selects, and their total, as a port's or a
        metric's own answer embeds them."""
        return {
            "observations": self.observations(where, None, EMBEDDED, 0).items,
            "observations_total": self.count(where),
        }

    def count(self, where: ObservationFilter) -> int | None:
        """How many observations `where` selects: from the counts the seed stored where no period
        is asked for; counted through the index otherwise, and None past MAX_COUNT."""
        if where.period_from is None and where.period_to is None:
            if where.port is None and where.metric is None:
                return self.info.observations
            counts = select(func.coalesce(func.sum(OBSERVATION_COUNT.c.observations), 0))
            if where.port is not None:
                counts = counts.where(OBSERVATION_COUNT.c.port_id == where.port)
            if where.metric is not None:
                counts = counts.where(OBSERVATION_COUNT.c.metric_id == where.metric)
            return int(self._execute(counts).scalar_one())
        matches = observations_query(where, None, self.info.longest_period_days, columns=[OBS.period_end, OBS.id])
        found = self._execute(select(func.count()).select_from(matches.limit(MAX_COUNT + 1).subquery()))
        total = int(found.scalar_one())
        return total if total <= MAX_COUNT else None

    # Series (app.series): each a range of series_point's primary key, in list order.

    def series(self, port: str, metric: str, after: str | None, limit: int, offset: int) -> Slice:
        """One page of a port's series of one metric, after the cursor `after` (series_cursor)."""
        query = select(SERIES_POINT).where(SERIES.port_id == port, SERIES.metric_id == metric)
        if after is not None:
            end, start_key = after.split("~", 1)  # the pattern ensures one "~"
            query = query.where(
                tuple_(SERIES.period_end, SERIES.start_key) > tuple_(literal(end, String), literal(start_key))
            )
        query = query.order_by(SERIES.period_end, SERIES.start_key).limit(limit + 1).offset(offset)
        rows = self._execute(query).all()
        return _slice([row._mapping for row in rows[:limit]], len(rows) > limit, series_cursor)

    def series_count(self, port: str, metric: str) -> int:
        query = select(func.count()).where(SERIES.port_id == port, SERIES.metric_id == metric)
        return int(self._execute(query.select_from(SERIES_POINT)).scalar_one())

    def series_links(self, port: str | None = None, metric: str | None = None) -> list[schemas.SeriesLink]:
        """The series of one port (one per metric it has figures of), or of one metric (one per port
        having it, the first EMBEDDED ports), from the counts the seed stored."""
        counts = OBSERVATION_COUNT.c
        if port is not None:
            query = select(counts.port_id, counts.metric_id).where(counts.port_id == port).order_by(counts.metric_id)
        else:
            query = select(counts.port_id, counts.metric_id).where(counts.metric_id == metric).order_by(counts.port_id)
        return [
            schemas.SeriesLink(
                port=row.port_id,
                metric=row.metric_id,
                series=links.series(row.port_id, row.metric_id),
                csv=links.series(row.port_id, row.metric_id, ".csv"),
                chart=links.series(row.port_id, row.metric_id, ".svg"),
            )
            for row in self._execute(query.limit(EMBEDDED))
        ]

    def _by_id(
        self, table: Table, after: str | None, limit: int, offset: int, columns: list[Column[Any]] | None = None
    ) -> Sequence[Row[Any]]:
        """A page of a small table in id order, one row more than `limit` if more follow."""
        query = select(*(columns or table.c)).order_by(table.c.id)
        if after is not None:
            query = query.where(table.c.id > after)
        return self._execute(query.limit(limit + 1).offset(offset)).all()

    def _ports(self, rows: Sequence[Row[Any]]) -> list[schemas.Port]:
        names_of: dict[str, list[schemas.PortName]] = {row.id: [] for row in rows}
        query = (
            select(PORT_NAME.c.port_id, PORT_NAME.c.name, PORT_NAME.c.language, PORT_NAME.c.source_url)
            .where(PORT_NAME.c.port_id.in_(list(names_of)))
            .order_by(PORT_NAME.c.port_id, PORT_NAME.c.name)
        )
        for row in self._execute(query):
            names_of[row.port_id].append(
                schemas.PortName(name=row.name, language=row.language, source_url=row.source_url)
            )
        return [
            schemas.Port(
                id=row.id,
                name=row.name,
                aliases=[n.name for n in names_of[row.id]],
                names=names_of[row.id],
                links=schemas.PortLinks(self=links.port(row.id), observations=links.observations(port=row.id)),
            )
            for row in rows
        ]

    def _not_found(self, kind: str, table: Table, count: int, collection: str) -> NotFound:
        valid = None
        if count <= MAX_VALID_VALUES:
            valid = list(self._execute(select(table.c.id).order_by(table.c.id)).scalars())
        return NotFound(kind, valid, count, collection)


def all_csv_rows(connection: Connection) -> Iterator[tuple[Any, ...]]:
    """Every observation as a CSV row, in list order, read as it is consumed: the bulk CSV."""
    result = connection.execute(observations_query(ObservationFilter(), None, 0))
    yield from csv_rows(list(result.keys()), result)


# Where each CSV column comes from in an observation row, where the names differ.
_CSV_SOURCE_COLUMNS = {"port": "port_id", "metric": "metric_id"}
_CSV_PERIOD_END, _CSV_ID = CSV_COLUMNS.index("period_end"), CSV_COLUMNS.index("id")
_INTERVAL_ENDS = ["value_low", "value_high", "prior_year_low", "prior_year_high"]
_CSV_AS_WRITTEN = [CSV_COLUMNS.index(name) for name in ["value", "yoy_change_pct", *_INTERVAL_ENDS]]


def csv_rows(columns: list[str], rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
    """Observation rows (of RECORD_COLUMNS, named `columns`) as rows of values in CSV_COLUMNS
    order: the same values as observation_record(), flattened, without building one per row.
    tests/test_observations.py holds the two to each other."""
    pick = itemgetter(*(columns.index(_CSV_SOURCE_COLUMNS.get(name, name)) for name in CSV_COLUMNS))
    for row in rows:
        values = list(pick(row))
        for i in _CSV_AS_WRITTEN:
            if values[i] is not None:
                values[i] = _as_written(values[i])
        yield tuple(values)


def observations_query(
    where: ObservationFilter, after: tuple[str, ...] | None, longest_period_days: int, columns: list[Any] | None = None
) -> Select[Any] | CompoundSelect[Any]:
    """The observations `where` selects, after the position `after` (period_end as written, id).

    Without a period, one range of one index. With one, two ranges merged in order: periods with a
    start, which overlap [from, to] only if they end between `from` and `to` plus the longest
    period there is, and periods without one, which overlap it if they end on or after `from`.
    Every condition on the list order is one row-value bound, so that SQLite walks the index that
    leads with the filter's equalities (given two bounds on period_end, it walked a wider one)."""
    lower = after
    if where.period_from is not None:
        # (period_end, id) > (from, "") is period_end >= from, as every id has a character.
        lower = max(lower or ("", ""), (where.period_from.isoformat(), ""))
    common: list[ColumnElement[bool]] = []
    if where.port is not None:
        common.append(OBS.port_id == where.port)
    if where.metric is not None:
        common.append(OBS.metric_id == where.metric)
    if lower is not None:
        # Compared as text, as SQLite stores dates: any cursor is a position, even one of no real date.
        common.append(tuple_(OBS.period_end, OBS.id) > tuple_(literal(lower[0], String), literal(lower[1])))
    selected = columns or RECORD_COLUMNS
    if where.period_from is None and where.period_to is None:
        return select(*selected).where(*common).order_by(OBS.period_end, OBS.id)
    closed = [*common, OBS.period_start.is_not(None)]
    open_ = [*common, OBS.period_start.is_(None)]
    if where.period_to is not None:
        closed.append(OBS.period_start <= where.period_to)
        closed.append(OBS.period_end <= where.period_to + timedelta(days=longest_period_days))
    # ORDER BY on the compound itself, so that SQLite merges the two ordered ranges.
    return union_all(select(*selected).where(*closed), select(*selected).where(*open_)).order_by("period_end", "id")


def _metric(row: Row[Any]) -> schemas.Metric:
    return schemas.Metric(
        **row._mapping,
        links=schemas.MetricLinks(self=links.metric(row.id), observations=links.observations(metric=row.id)),
    )


def _as_written(number: float) -> int | float:
    """Whole numbers stay whole: the article says 3,800, not 3800.0."""
    return int(number) if number.is_integer() else number


def observation_record(columns: list[str], row: Sequence[Any]) -> dict[str, Any]:
    """The public shape of one observation row (schemas.Observation, as plain data), with its
    links; JSON answers validate it into schemas.Observation. `columns` are the row's column
    names, asked of the result once rather than of every row."""
    o = dict(zip(columns, row, strict=True))  # a dict reads much faster than a Row's attributes, field by field
    return {
        "id": o["id"],
        "port": o["port_id"],
        "metric": o["metric_id"],
        "value": _as_written(o["value"]),
        "unit": o["unit"],
        "qualifier": o["qualifier"],
        "value_text": o["value_text"],
        "unit_text": o["unit_text"],
        "scope": o["scope"],
        "period_start": o["period_start"],
        "period_end": o["period_end"],
        "period_text": o["period_text"],
        "yoy_change_pct": None if o["yoy_change_pct"] is None else _as_written(o["yoy_change_pct"]),
        "yoy_qualifier": o["yoy_qualifier"],
        "yoy_text": o["yoy_text"],
        "prior_year_value": o["prior_year_value"],
        "prior_year_qualifier": o["prior_year_qualifier"],
        **{name: None if o[name] is None else _as_written(o[name]) for name in _INTERVAL_ENDS},
        "low_inclusive": o["low_inclusive"],
        "high_inclusive": o["high_inclusive"],
        "prior_year_low_inclusive": o["prior_year_low_inclusive"],
        "prior_year_high_inclusive": o["prior_year_high_inclusive"],
        "note": o["note"],
        "source": {
            "id": o["source_id"],
            "quote": o["quote"],
            "start": o["quote_start"],
            "end": o["quote_end"],
            "href": links.source(o["source_id"]),
            "view_href": links.source_view(o["source_id"], o["id"]),
        },
        "href": links.observation(o["id"]),
    }
