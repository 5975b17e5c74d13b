"""The migrations and the models describe the same schema."""

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from app.db import schema_differences
from app.models import SCHEMA_REVISION
from app.seed import alembic_config


def migrate(path: Path, revision: str = "head") -> Config:
    config = alembic_config()
    config.attributes["database_url"] = f"sqlite:///{path}"
    command.upgrade(config, revision)
    return config


def test_autogenerate_finds_no_difference_after_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    migrate(path)
    with create_engine(f"sqlite:///{path}").connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    config = migrate(path)
    command.downgrade(config, "base")
    tables = {row[0] for row in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert tables == {"alembic_version"}
    command.upgrade(config, "head")


def test_the_app_expects_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_heads() == [SCHEMA_REVISION]


def test_the_start_check_sees_no_difference_after_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    migrate(path)
    with create_engine(f"sqlite:///{path}").connect() as connection:
        assert schema_differences(connection, SQLModel.metadata) == []
