"""The whole dataset, read once at start from the read-only database.

The data never changes while the server runs (the file is opened immutable), so every request
is answered from these objects instead of a query: same answers, without paying SQLite per request.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from app import models, schemas
from app.figures import fold_name, half_unit, prior_year_value


class NotFound(LookupError):
    """No such id; carries the valid ones for the error message."""

    def __init__(self, kind: str, valid: list[str]):
        super().__init__(kind)
        self.kind = kind
        self.valid = valid


@dataclass
class Dataset:
    version: str
    ports: dict[str, schemas.Port]
    metrics: dict[str, schemas.Metric]
    sources: dict[str, schemas.SourceDetail]
    observations: dict[str, schemas.Observation]
    port_keys: dict[str, str]  # folded name -> port id

    def port(self, key: str) -> schemas.Port:
        """A port by id or any of its names, ignoring case, diacritics and punctuation."""
        port_id = self.port_keys.get(fold_name(key))
        if port_id is None:
            raise NotFound("port", list(self.ports))
        return self.ports[port_id]

    def metric(self, key: str) -> schemas.Metric:
        try:
            return self.metrics[key.lower()]
        except KeyError:
            raise NotFound("metric", list(self.metrics)) from None

    def source(self, key: str) -> schemas.SourceDetail:
        try:
            return self.sources[key.lower()]
        except KeyError:
            raise NotFound("source", list(self.sources)) from None

    def observation(self, key: str) -> schemas.Observation:
        try:
            return self.observations[key.lower()]
        except KeyError:
            raise NotFound("observation", list(self.observations)) from None

    def select(self, port: str | None = None, metric: str | None = None) -> list[schemas.Observation]:
        return [
            o
            for o in self.observations.values()
            if (port is None or o.port == port) and (metric is None or o.metric == metric)
        ]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_dataset(engine: Engine, version: str) -> Dataset:
    with Session(engine) as session:
        port_rows = session.exec(select(models.Port).order_by(models.Port.id)).all()
        name_rows = session.exec(select(models.PortName).order_by(models.PortName.port_id, models.PortName.name)).all()
        metric_rows = session.exec(select(models.Metric).order_by(models.Metric.id)).all()
        source_rows = session.exec(select(models.Source).order_by(models.Source.id)).all()
        observation_rows = session.exec(
            select(models.Observation).order_by(models.Observation.id)
        ).all()

    names_of: dict[str, list[models.PortName]] = {row.id: [] for row in port_rows}
    for name in name_rows:
        names_of[name.port_id].append(name)
    ports = {
        row.id: schemas.Port(
            id=row.id,
            name=row.name,
            aliases=[n.name for n in names_of[row.id]],
            names=[schemas.PortName(name=n.name, language=n.language, source_url=n.source_url) for n in names_of[row.id]],
            links=schemas.PortLinks(self=f"/v1/ports/{row.id}", observations=f"/v1/observations?port={row.id}"),
        )
        for row in port_rows
    }
    port_keys = {}
    for port in ports.values():
        for key in (port.id, port.name, *port.aliases):
            port_keys[fold_name(key)] = port.id
    metrics = {
        row.id: schemas.Metric(
            **row.model_dump(),
            links=schemas.MetricLinks(self=f"/v1/metrics/{row.id}", observations=f"/v1/observations?metric={row.id}"),
        )
        for row in metric_rows
    }
    sources = {row.id: schemas.SourceDetail(**row.model_dump(), href=f"/v1/sources/{row.id}") for row in source_rows}
    observations = {row.id: _observation(row) for row in observation_rows}
    return Dataset(
        version=version, ports=ports, metrics=metrics, sources=sources, observations=observations, port_keys=port_keys
    )


def _as_written(number: float) -> int | float:
    """Whole numbers stay whole: the article says 3,800, not 3800.0."""
    return int(number) if number.is_integer() else number


def _observation(row: models.Observation) -> schemas.Observation:
    prior, prior_qualifier = prior_year_value(
        row.value, row.qualifier, row.yoy_change_pct, row.yoy_qualifier, half_unit(row.yoy_text or "")
    )
    return schemas.Observation(
        **row.model_dump(
            exclude={"port_id", "metric_id", "source_id", "quote", "quote_start", "quote_end", "value", "yoy_change_pct"}
        ),
        value=_as_written(row.value),
        yoy_change_pct=None if row.yoy_change_pct is None else _as_written(row.yoy_change_pct),
        port=row.port_id,
        metric=row.metric_id,
        prior_year_value=prior,
        prior_year_qualifier=prior_qualifier,
        source=schemas.SourceRef(
            id=row.source_id,
            quote=row.quote,
            start=row.quote_start,
            end=row.quote_end,
            href=f"/v1/sources/{row.source_id}",
            view_href=f"/v1/sources/{row.source_id}/view#obs-{row.id}",
        ),
        href=f"/v1/observations/{row.id}",
    )
