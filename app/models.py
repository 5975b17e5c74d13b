"""The SQLite tables. The public shapes the API returns live in app/schemas.py."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

# The Alembic revision that creates these tables. A new migration must change it;
# tests/test_migrations.py fails until it does.
SCHEMA_REVISION = "0003"


class Source(SQLModel, table=True):
    id: str = Field(primary_key=True)
    publisher: str
    dateline: str
    published: date
    headline: str
    url: str
    language: str
    text: str
    sha256: str


class Port(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str


class PortName(SQLModel, table=True):
    __tablename__ = "port_name"

    port_id: str = Field(foreign_key="port.id", primary_key=True)
    name: str = Field(primary_key=True)
    language: str  # BCP 47 tag, such as "zh-Hans" or "kk-Cyrl"
    source_url: str  # where the name was found


class Metric(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str
    unit: str
    description: str


class Observation(SQLModel, table=True):
    # Lists come in chronological order, (period_end, id), and are filtered by port and metric:
    # one index per combination, in that order, so that a page is a range of one index whatever
    # the size of the table. period_start rides along at the end, so that a period filter is
    # checked in the index without reading the row.
    __table_args__ = (
        Index("ix_observation_period", "period_end", "id", "period_start"),
        Index("ix_observation_port", "port_id", "period_end", "id", "period_start"),
        Index("ix_observation_metric", "metric_id", "period_end", "id", "period_start"),
        Index("ix_observation_port_metric", "port_id", "metric_id", "period_end", "id", "period_start"),
        # Figures without a period start (running totals, statements of how things stand) overlap
        # every later period, so a period filter finds them here rather than by scanning.
        Index("ix_observation_open_period", "period_start", "period_end", "id"),
        Index("ix_observation_open_metric", "metric_id", "period_start", "period_end", "id"),
        Index("ix_observation_source", "source_id", "quote_start", "id"),
    )

    id: str = Field(primary_key=True)
    port_id: str = Field(foreign_key="port.id")
    metric_id: str = Field(foreign_key="metric.id")
    source_id: str = Field(foreign_key="source.id")
    value: float
    qualifier: str
    unit: str
    value_text: str
    unit_text: str
    scope: str | None = None
    period_start: date | None = None
    period_end: date
    period_text: str | None = None
    yoy_change_pct: float | None = None
    yoy_qualifier: str | None = None
    yoy_text: str | None = None
    # DERIVED when the database is built (app.figures.prior_year_value), never stated by a source:
    # stored so that neither a request nor a reader of the SQLite file has to work it out again.
    prior_year_value: float | None = None
    prior_year_qualifier: str | None = None
    # DERIVED when the database is built (app.intervals): the interval the value's words prove, and
    # the one its prior-year value is known to lie in (null where the change proves nothing). A null
    # high end is no upper bound.
    value_low: float | None = None
    value_high: float | None = None
    low_inclusive: bool | None = None
    high_inclusive: bool | None = None
    prior_year_low: float | None = None
    prior_year_high: float | None = None
    prior_year_low_inclusive: bool | None = None
    prior_year_high_inclusive: bool | None = None
    quote: str
    quote_start: int
    quote_end: int
    note: str | None = None


class PortKey(SQLModel, table=True):
    """Every name that addresses a port, folded (app.figures.fold_name), so that a look-up by any
    spelling is one index search. Written by the seed, which refuses a key that two ports share."""

    __tablename__ = "port_key"

    key: str = Field(primary_key=True)
    port_id: str = Field(foreign_key="port.id", index=True)


class ObservationCount(SQLModel, table=True):
    """How many observations each port has of each metric, counted at seed time: list totals
    without counting rows per request."""

    __tablename__ = "observation_count"

    # The ports having a metric, in port order (a metric's series links), from one index range.
    __table_args__ = (Index("ix_observation_count_metric_port", "metric_id", "port_id"),)

    port_id: str = Field(foreign_key="port.id", primary_key=True)
    metric_id: str = Field(foreign_key="metric.id", primary_key=True, index=True)
    observations: int


class DatasetInfo(SQLModel, table=True):
    """One row, written last by the seed: what the server must know at start without reading
    anything in proportion to the data."""

    __tablename__ = "dataset"

    version: str = Field(primary_key=True)  # SHA-256 of every row of every table, in key order
    ports: int
    metrics: int
    sources: int
    observations: int
    # The longest period with a start, in days: a period filter need look no further than this
    # past its end for periods that overlap it.
    longest_period_days: int


class ObservationsCsvPart(SQLModel, table=True):
    """The bulk download of every observation as CSV, written when the database is built, in
    parts of up to 1,000 observations in list order (the first with the header row), each
    compressed with zlib. Served part by part, it costs no more per row than copying bytes."""

    __tablename__ = "observations_csv"

    part: int = Field(primary_key=True)
    observations: int
    csv: bytes


class SeriesPoint(SQLModel, table=True):
    """One point of a port's series of one metric (app.series): what every statement about that
    period proves together, or what statements about other periods imply. Built by the seed; the
    primary key, in list order, makes a page of a series one range of one index."""

    __tablename__ = "series_point"

    port_id: str = Field(foreign_key="port.id", primary_key=True)
    metric_id: str = Field(foreign_key="metric.id", primary_key=True)
    period_end: date = Field(primary_key=True)
    # The period's start as text, "" for a running total with none: a key column cannot be null.
    start_key: str = Field(primary_key=True)
    period_start: date | None = None
    kind: str  # "stated" or "derived"
    value_low: float
    value_high: float | None = None
    low_inclusive: bool
    high_inclusive: bool | None = None
    observations: str  # the ids of the statements it rests on, space-separated, in id order
    how: str
    overrides: str | None = None  # statements set aside by a curated resolution, space-separated
    resolution: str | None = None  # why, as the resolution says
    warning: str | None = None  # where a derivation contradicts what is stated
