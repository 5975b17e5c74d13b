"""`python -m app.seed`: check every curated figure against its article, then build the
database in a new file and swap it in, so a failed seed leaves the old database as it was.

Seeding twice from the same seeds gives the same bytes: rows are written in a fixed order
and nothing depends on the time of the run.
"""

import glob
import hashlib
import itertools
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, insert, select
from sqlmodel import SQLModel

from app import models
from app.dataset import all_csv_rows
from app.figures import (
    QUALIFIERS,
    FigureError,
    check_figure,
    dateline_in,
    figure_spans,
    fold_name,
    half_unit,
    prior_year_value,
    sentence_at,
    unaccounted_numbers,
)
from app.intervals import INTERVAL_FIELDS, interval_columns
from app.observations_csv import to_csv
from app.seed_files import FIGURES_SUFFIX, read_toml
from app.series import RESOLUTIONS_FILE, ConflictError, Resolution, read_resolutions, write_series
from app.settings import PROJECT_ROOT, get_settings

CSV_PART_ROWS = 1000


class SeedError(ValueError):
    """Seeds that cannot be loaded; the message names each bad figure and its quote."""


@dataclass
class Seeds:
    sources: list[models.Source]
    ports: list[models.Port]
    port_names: list[models.PortName]
    port_keys: list[models.PortKey]
    metrics: list[models.Metric]
    observations: list[models.Observation]


def read_sources(seeds_dir: Path) -> list[models.Source]:
    """Each article is a .txt kept byte for byte beside a .toml of the same name with its metadata."""
    sources = []
    for text_path in sorted(seeds_dir.glob("*.txt")):
        meta = read_toml(text_path.with_suffix(".toml"))
        raw = text_path.read_bytes()
        if meta["id"] != text_path.stem:
            raise SeedError(
                f"{text_path.with_suffix('.toml')}: id {meta['id']!r} must be the file name {text_path.stem!r}"
            )
        sources.append(models.Source(**meta, text=raw.decode("utf-8"), sha256=hashlib.sha256(raw).hexdigest()))
    return sources


def load_seeds(seeds_dir: Path) -> Seeds:
    """Read and check all seeds. Raises SeedError listing every problem found, not just the first."""
    sources = {source.id: source for source in read_sources(seeds_dir)}
    port_rows = read_toml(seeds_dir / "ports.toml")["port"]
    metrics = {
        # `reading` is how the extractor recognizes a metric (app/extract.py), not a column.
        row["id"]: models.Metric(**{key: value for key, value in row.items() if key != "reading"})
        for row in read_toml(seeds_dir / "metrics.toml")["metric"]
    }
    ports = [models.Port(id=row["id"], name=row["name"]) for row in port_rows]
    port_names = [models.PortName(port_id=row["id"], **name) for row in port_rows for name in row.get("names", [])]
    names_of = {port.id: [port.id, port.name] for port in ports}
    for name in port_names:
        names_of[name.port_id].append(name.name)
    keys = port_keys(names_of)
    # A quote may name a port by a spelling only the gazetteer knows ("Jimunai"): it counts for
    # the check, though only ports.toml's attested names are served.
    spelled = {
        port_id: [*names, *gazetteer_spellings(seeds_dir).get(port_id, [])] for port_id, names in names_of.items()
    }

    errors: list[str] = []
    observations: list[models.Observation] = []
    seen: set[str] = set()
    for path in sorted(seeds_dir.glob(f"*{FIGURES_SUFFIX}")):
        if path.name.removesuffix(FIGURES_SUFFIX) not in sources:
            errors.append(f"{path.name}: no article {path.name.removesuffix(FIGURES_SUFFIX)}.txt beside it")
    for source in sources.values():
        path = seeds_dir / f"{source.id}{FIGURES_SUFFIX}"
        seeded = read_toml(path) if path.exists() else {}
        unknown_tables = seeded.keys() - {"figure", "excluded"}
        if unknown_tables:
            errors.append(f"{path.name}: unknown tables {', '.join(sorted(unknown_tables))}")
        for figure in seeded.get("figure", []):
            try:
                if "source" in figure:
                    raise FigureError(f"the source is the file's name ({source.id}); drop the source field")
                observations.append(_figure_row({**figure, "source": source.id}, sources, spelled, metrics, seen))
            except (FigureError, KeyError, TypeError, ValueError) as error:
                reason = f"missing field {error}" if isinstance(error, KeyError) else str(error)
                errors.append(
                    f"{path.name}: figure {figure.get('id', '?')!r}: {reason}\n  quote: {figure.get('quote', '')!r}"
                )
        errors.extend(f"{path.name}: {problem}" for problem in account_for_numbers(source, seeded))
    if errors:
        raise SeedError("\n".join(errors))
    return Seeds(
        sources=list(sources.values()),
        ports=ports,
        port_names=port_names,
        port_keys=keys,
        metrics=list(metrics.values()),
        observations=observations,
    )


def gazetteer_spellings(seeds_dir: Path) -> dict[str, list[str]]:
    """Every spelling seeds/gazetteer.toml knows for each port id (attested or not)."""
    path = seeds_dir / "gazetteer.toml"
    rows = read_toml(path)["port"] if path.exists() else []
    return {
        row["id"]: [row["name"], *(n["name"] for n in row.get("names", [])), *row.get("unattested", [])] for row in rows
    }


def account_for_numbers(source: models.Source, seeded: dict[str, Any]) -> list[str]:
    """Nothing missed: every number of the article is a figure's value, change or period as they
    stand in it, the dateline's date, or in an [[excluded]] entry; each a problem otherwise."""
    accounted = [span for figure in seeded.get("figure", []) for span in figure_spans(figure, source.text)]
    dateline = dateline_in(source.text)
    if dateline is not None:
        if source.text[dateline[0] : dateline[1]] != source.dateline:
            return [
                f"the article's dateline {source.text[dateline[0] : dateline[1]]!r} is not its metadata's {source.dateline!r}"
            ]
        accounted.append(dateline)
    missed, problems = unaccounted_numbers(source.text, accounted, seeded.get("excluded", []))
    for number in missed:
        problems.append(
            f"the number {number.written!r} is neither a figure's value, change or period nor excluded"
            f"\n  in: {sentence_at(source.text, number.start)!r}"
        )
    return problems


def port_keys(names_of: dict[str, list[str]]) -> list[models.PortKey]:
    """The look-up key of every name of every port (id, name and other names), folded once, here.
    Raises SeedError where two ports would share a key: a name must address one port."""
    owner_of: dict[str, str] = {}
    for port_id, names in names_of.items():
        for name in names:
            key = fold_name(name)
            if owner_of.setdefault(key, port_id) != port_id:
                raise SeedError(f"ports.toml: the name {name!r} would address both {owner_of[key]} and {port_id}")
    return [models.PortKey(key=key, port_id=port_id) for key, port_id in sorted(owner_of.items())]


# Fields of a figures file that are not columns: references by id, and what only the check uses.
_FIGURE_ONLY_FIELDS = {"port", "metric", "source", "context", "cumulative"}
# Columns the build works out; a curator who wrote one would be overruled, so it is refused.
_DERIVED_FIELDS = {"prior_year_value", "prior_year_qualifier", *INTERVAL_FIELDS}


def _figure_row(
    figure: dict[str, Any],
    sources: dict[str, models.Source],
    names_of: dict[str, list[str]],
    metrics: dict[str, models.Metric],
    seen: set[str],
) -> models.Observation:
    """The observation row of one curated figure, once it has passed every check."""
    unknown = figure.keys() - (models.Observation.model_fields.keys() - _DERIVED_FIELDS) - _FIGURE_ONLY_FIELDS
    if unknown:
        raise FigureError(f"unknown fields {', '.join(sorted(unknown))}")
    if figure["id"] in seen:
        raise FigureError("duplicate id")
    seen.add(figure["id"])
    for field, known in (("source", sources), ("port", names_of), ("metric", metrics)):
        if figure[field] not in known:
            raise FigureError(f"unknown {field} {figure[field]!r}; known: {', '.join(sorted(known))}")
    if figure["unit"] != metrics[figure["metric"]].unit:
        raise FigureError(f"unit {figure['unit']!r} is not the metric's unit {metrics[figure['metric']].unit!r}")
    for field in ("qualifier", "yoy_qualifier"):
        if figure.get(field, "exact") not in QUALIFIERS:
            raise FigureError(f"{field} must be one of {', '.join(QUALIFIERS)}")
    source = sources[figure["source"]]
    quote_start, quote_end = check_figure(figure, source.text, source.published, names_of[figure["port"]])
    fields = {key: value for key, value in figure.items() if key not in _FIGURE_ONLY_FIELDS}
    return models.Observation(
        **fields,
        port_id=figure["port"],
        metric_id=figure["metric"],
        source_id=figure["source"],
        quote_start=quote_start,
        quote_end=quote_end,
    )


def alembic_config() -> Config:
    return Config(toml_file=PROJECT_ROOT / "pyproject.toml")


def build_database(
    path: Path,
    tables: Iterable[Sequence[SQLModel]],
    observations: Iterable[dict[str, Any]],
    resolutions: Sequence[Resolution] = (),
    warn: Callable[[str], None] | None = None,
) -> None:
    """Write a fresh database at `path` (which must not exist): the newest migration, the rows of
    `tables` (lists of model rows, referenced tables first), then `observations` (column dicts, in
    batches, so that millions never sit in memory at once), and last what the server reads at start
    instead of the data: counts, the bulk CSV, the longest period and the dataset's version. The file is checked
    whole (`PRAGMA integrity_check`) before it is handed over; the server does not check it again.
    Used by the seed and by the synthetic datasets of the scale tests (tests/perf/synthetic.py)."""
    config = alembic_config()
    url = f"sqlite:///{path}"
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
    engine = create_engine(url)
    with engine.begin() as connection:
        # A half-built file is thrown away, never served: no journal needed while building.
        connection.exec_driver_sql("PRAGMA journal_mode = OFF")
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for building the indexes
        for rows in tables:
            if rows:
                connection.execute(insert(type(rows[0])), [row.model_dump() for row in rows])
        observation_rows = map(with_prior_year, observations)
        while batch := list(itertools.islice(observation_rows, 10_000)):
            connection.execute(insert(models.Observation), batch)
        # Each port's series of each metric, consolidated (app.series); a conflict stops the build.
        try:
            write_series(connection, resolutions, warn or _warn)
        except ConflictError as error:
            raise SeedError(str(error)) from None
        write_observations_csv(connection)
        connection.exec_driver_sql(
            "INSERT INTO observation_count (port_id, metric_id, observations) "
            "SELECT port_id, metric_id, count(*) FROM observation GROUP BY port_id, metric_id"
        )
        counts = {
            table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            for table in ("port", "metric", "source", "observation")
        }
        longest = connection.exec_driver_sql(
            "SELECT max(julianday(period_end) - julianday(period_start)) FROM observation WHERE period_start IS NOT NULL"
        ).scalar()
        connection.execute(
            insert(models.DatasetInfo).values(
                version=content_version(connection),
                ports=counts["port"],
                metrics=counts["metric"],
                sources=counts["source"],
                observations=counts["observation"],
                longest_period_days=int(longest or 0),
            )
        )
    with engine.connect() as connection:
        integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
    engine.dispose()
    if integrity != "ok":
        raise SeedError(f"the database built at {path} failed SQLite's integrity check: {integrity}")


def with_prior_year(observation: dict[str, Any]) -> dict[str, Any]:
    """An observation's columns with its derived prior-year value and qualifier added."""
    prior, qualifier = prior_year_value(
        observation["value"],
        observation["qualifier"],
        observation.get("yoy_change_pct"),
        observation.get("yoy_qualifier"),
        half_unit(observation.get("yoy_text") or ""),
    )
    return {
        **observation,
        "prior_year_value": prior,
        "prior_year_qualifier": qualifier,
        **interval_columns(observation),  # app.intervals: what the words prove
    }


def _warn(message: str) -> None:
    print(f"seed: warning: {message}", file=sys.stderr)


def write_observations_csv(connection: Connection) -> None:
    """The bulk download, written once here from the rows as the API reads them, in list order:
    parts of CSV_PART_ROWS observations, zlib-compressed (about a fifth of the text)."""
    rows = all_csv_rows(connection)
    part = 0
    while batch := list(itertools.islice(rows, CSV_PART_ROWS)):
        text = to_csv(batch, header=part == 0)
        row = models.ObservationsCsvPart(part=part, observations=len(batch), csv=zlib.compress(text.encode(), 1))
        connection.execute(insert(models.ObservationsCsvPart).values(**row.model_dump()))
        part += 1


def content_version(connection: Connection) -> str:
    """SHA-256 of every row of every data table, in table and key order: the dataset's version.
    It changes exactly when the data does, whatever SQLite's page layout."""
    digest = hashlib.sha256()
    for table in SQLModel.metadata.sorted_tables:
        if table.name == models.DatasetInfo.__tablename__:
            continue
        digest.update(f"\0table {table.name}\0".encode())
        for row in connection.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def write_atomically(database_path: Path, build: Callable[[Path], None]) -> None:
    """Build a database with `build(new_path)` beside `database_path` and swap it in, so that a
    failed or killed build leaves the old file as it was."""
    database_path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(database_path)
    new_path = database_path.with_name(f".{database_path.name}.{os.getpid()}.new")
    _remove_with_journal(new_path)  # a leftover of an earlier process that had our pid
    try:
        build(new_path)
        with new_path.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(new_path, database_path)
    finally:
        _remove_with_journal(new_path)


def seed(seeds_dir: Path, database_path: Path) -> Seeds:
    """Check the seeds, build the database beside `database_path` and swap it in atomically."""
    seeds = load_seeds(seeds_dir)
    tables = (seeds.sources, seeds.ports, seeds.port_names, seeds.port_keys, seeds.metrics)
    observations = [row.model_dump() for row in sorted(seeds.observations, key=lambda o: (o.period_end, o.id))]
    try:
        resolutions = read_resolutions(seeds_dir / RESOLUTIONS_FILE)
    except ConflictError as error:
        raise SeedError(str(error)) from None
    write_atomically(database_path, lambda path: build_database(path, tables, observations, resolutions))
    return seeds


def remove_leftovers(database_path: Path) -> None:
    """Delete what killed seeds left beside the database: half-built `.<name>.<pid>.new` files and
    their SQLite journals. They never break anything (the server opens only the database, and each
    seed builds in a file of its own), but they would pile up. A seed still running keeps its own."""
    prefix = f".{database_path.name}."
    for path in database_path.parent.glob(f"{glob.escape(prefix)}*.new*"):
        pid = path.name.removeprefix(prefix).split(".")[0]
        if pid.isdigit() and not _is_running(int(pid)):
            path.unlink(missing_ok=True)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's
    return True


def _remove_with_journal(path: Path) -> None:
    # A journal left beside a new file of the same name would be "hot": SQLite would roll it into it.
    path.unlink(missing_ok=True)
    path.with_name(f"{path.name}-journal").unlink(missing_ok=True)


def main() -> int:
    settings = get_settings()
    try:
        seeds = seed(settings.seeds_dir, settings.database_path)
    except SeedError as error:
        print(f"seed: nothing written, {settings.database_path} is unchanged. Bad seeds:\n{error}", file=sys.stderr)
        return 1
    print(
        f"seed: wrote {settings.database_path}: {len(seeds.ports)} ports, {len(seeds.metrics)} metrics, "
        f"{len(seeds.sources)} sources, {len(seeds.observations)} observations"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
