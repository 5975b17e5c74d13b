"""The database as the API sees it: opened read-only, and checked at start."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, exc
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from app.settings import PROJECT_ROOT

REBUILD = "build it with `make seed` (python -m app.seed)"


class DatabaseError(RuntimeError):
    """The database cannot be served; the message names the file and what to run."""


def alembic_config() -> Config:
    return Config(toml_file=PROJECT_ROOT / "pyproject.toml")


def open_readonly(path: Path) -> Engine:
    """An engine that cannot write: SQLite opens the file read-only and, as `immutable`,
    takes no locks and creates no journal, so serving never changes a byte of it."""
    return create_engine(
        f"sqlite:///file:{path.resolve()}?mode=ro&immutable=1&uri=true",
        connect_args={"check_same_thread": False},
    )


def check_database(path: Path) -> Engine:
    """Open the database read-only and make sure it is whole and at the app's schema,
    or raise DatabaseError saying what is wrong with which file."""
    if not path.is_file():
        raise DatabaseError(f"database {path} does not exist: {REBUILD}")
    engine = open_readonly(path)
    try:
        with engine.connect() as connection:
            integrity = connection.exec_driver_sql("PRAGMA quick_check").scalar()
            if integrity != "ok":
                raise DatabaseError(f"database {path} is corrupt ({integrity}): re{REBUILD}")
            context = MigrationContext.configure(connection)
            current = set(context.get_current_heads())
            expected = set(ScriptDirectory.from_config(alembic_config()).get_heads())
            if current != expected:
                found = ", ".join(sorted(current)) or "none"
                raise DatabaseError(
                    f"database {path} is at migration {found}, the app needs {', '.join(sorted(expected))}: re{REBUILD}"
                )
            differences = compare_metadata(context, SQLModel.metadata)
            if differences:
                raise DatabaseError(f"database {path} has a schema unlike the app's ({differences[0]}): re{REBUILD}")
    except exc.DatabaseError as error:
        engine.dispose()
        raise DatabaseError(f"database {path} is corrupt or not a SQLite database ({error.orig}): re{REBUILD}") from None
    except DatabaseError:
        engine.dispose()
        raise
    return engine
