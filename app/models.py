"""The SQLite tables. The public shapes the API returns live in app/schemas.py."""

from datetime import date

from sqlmodel import Field, SQLModel

# The Alembic revision that creates these tables. A new migration must change it;
# tests/test_migrations.py fails until it does.
SCHEMA_REVISION = "0001"


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
    id: str = Field(primary_key=True)
    port_id: str = Field(foreign_key="port.id", index=True)
    metric_id: str = Field(foreign_key="metric.id", index=True)
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
    quote: str
    quote_start: int
    quote_end: int
    note: str | None = None
