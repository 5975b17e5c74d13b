"""The database as the API sees it: opened read-only, and checked at start.

The check reads SQLite's own catalogue instead of loading Alembic: the server starts faster and
smaller, and tests/test_migrations.py holds the two descriptions of the schema to each other.

Every check at start costs the same whatever the size of the file: it exists, is SQLite, is at
the app's migration, has the app's tables and columns, and holds the dataset row the seed writes
last. The whole-file integrity check is not among them: it reads every page, which took longer
than everything else at a million observations. The seed runs it on the file it builds before
swapping it in (app/seed.py), the server opens that file read-only and immutable so nothing it
does can damage it, and a page found damaged later is an error answer that is logged, naming the
file, never wrong bytes (app/api/problems.py).
"""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, create_engine, exc, select
from sqlmodel import SQLModel

from app.models import SCHEMA_REVISION, DatasetInfo

BUILD = "build it with `make seed` (python -m app.seed)"
REBUILD = "rebuild it with `make seed` (python -m app.seed)"


# How many SQLite virtual-machine steps run between two looks at the clock: about a millisecond
# of work. Each look runs Python, so it takes the GIL from whatever else runs; Datasette's 1,000
# steps made a long query take it thousands of times a second, and delayed every other request.
PROGRESS_STEPS = 100_000


class DatabaseError(RuntimeError):
    """The database cannot be served; the message names the file and what to run."""


class QueryTimeLimit(Exception):
    """A query ran past the time limit and SQLite stopped it."""

    def __init__(self, seconds: float):
        super().__init__(f"a query ran past {seconds:g} s")
        self.seconds = seconds


def open_readonly(path: Path, connections: int = 5, wait: float = 30.0) -> Engine:
    """An engine that cannot write: SQLite opens the file read-only and, as `immutable`,
    takes no locks and creates no journal, so serving never changes a byte of it.

    At most `connections` are open at once (no overflow), and a query that finds none free waits
    `wait` seconds before sqlalchemy.exc.TimeoutError, which the API answers 503."""
    return create_engine(
        f"sqlite:///{_readonly_uri(path)}&uri=true",
        connect_args={"check_same_thread": False},
        pool_size=connections,
        max_overflow=0,
        pool_timeout=wait,
    )


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection of its own, outside the pool, read-only and immutable as the pool's are: for a
    download that streams for as long as its client takes to read, and closes it when it ends."""
    connection = sqlite3.connect(_readonly_uri(path), uri=True, check_same_thread=False)
    # It reads each page once, in order: a cache (2 MB by default) would only hold memory.
    connection.execute("PRAGMA cache_size = -64")
    return connection


def _readonly_uri(path: Path) -> str:
    return f"file:{path.resolve()}?mode=ro&immutable=1"


@contextmanager
def time_limit(connection: Connection, seconds: float) -> Iterator[Connection]:
    """`connection`, on which SQLite stops any statement still running `seconds` after the start
    (its progress handler, as Datasette does); the interrupted statement raises QueryTimeLimit."""
    deadline = time.monotonic() + seconds
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    driver.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
    try:
        yield connection
    except exc.OperationalError as error:
        if "interrupted" in str(error.orig):
            raise QueryTimeLimit(seconds) from None
        raise
    finally:
        driver.set_progress_handler(None, PROGRESS_STEPS)


def schema_differences(connection: Connection, metadata: MetaData) -> list[str]:
    """How the tables in the database differ from `metadata`: missing tables, and columns
    missing, extra, or with another type, nullability or primary-key membership."""
    differences = []
    for table in metadata.sorted_tables:
        found = {row[1]: row for row in connection.exec_driver_sql(f'PRAGMA table_info("{table.name}")')}
        if not found:
            differences.append(f"table {table.name} is missing")
            continue
        for column in table.columns:
            row = found.pop(column.name, None)
            if row is None:
                differences.append(f"column {table.name}.{column.name} is missing")
                continue
            _, _, declared, notnull, _, pk = row
            expected = (column.type.compile(connection.dialect), not column.nullable, column.primary_key)
            if (declared, bool(notnull), pk > 0) != expected:
                differences.append(
                    f"column {table.name}.{column.name} is {declared}, not null={bool(notnull)}, pk={pk > 0}"
                )
        differences.extend(f"column {table.name}.{name} is not in the models" for name in found)
    return differences


def check_database(path: Path, connections: int = 5, wait: float = 30.0) -> tuple[Engine, DatasetInfo]:
    """Open the database read-only (open_readonly) and make sure it is a seeded database at the
    app's schema, or raise DatabaseError saying what is wrong with which file. Returns the engine
    and the dataset's facts."""
    if not path.is_file():
        raise DatabaseError(f"database {path} does not exist: {BUILD}")
    engine = open_readonly(path, connections, wait)
    try:
        with engine.connect() as connection:
            has_versions = connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).scalar()
            current = (
                connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() if has_versions else None
            )
            if current != SCHEMA_REVISION:
                raise DatabaseError(
                    f"database {path} is at migration {current or 'none'}, the app needs {SCHEMA_REVISION}: {REBUILD}"
                )
            differences = schema_differences(connection, SQLModel.metadata)
            if differences:
                raise DatabaseError(f"database {path} has a schema unlike the app's ({differences[0]}): {REBUILD}")
            info = connection.execute(select(DatasetInfo)).first()
            if info is None:
                raise DatabaseError(f"database {path} has no dataset row, so it was never fully seeded: {REBUILD}")
    except exc.DatabaseError as error:
        engine.dispose()
        raise DatabaseError(f"database {path} is corrupt or not a SQLite database ({error.orig}): {REBUILD}") from None
    except DatabaseError:
        engine.dispose()
        raise
    return engine, DatasetInfo(**info._mapping)
