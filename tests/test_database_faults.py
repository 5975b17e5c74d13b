"""The server refuses a database it cannot serve, naming the file; serving never writes to it."""

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import exc

from app.db import DatabaseError, check_database
from app.main import create_app
from app.seed import seed
from app.settings import Settings
from tests.helpers import SEEDS, observations
from tests.server import free_port, start_server, wait_until_up


def seeded(tmp_path: Path) -> Path:
    path = tmp_path / "ports.db"
    seed(SEEDS, path)
    return path


def corrupt(tmp_path: Path) -> Path:
    path = seeded(tmp_path)
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # wreck the second page
    path.write_bytes(bytes(data))
    return path


def not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "ports.db"
    path.write_text("this is not a database")
    return path


def unmigrated(tmp_path: Path) -> Path:
    path = tmp_path / "ports.db"
    sqlite3.connect(path).execute("create table other (x)").connection.commit()
    return path


def wrong_schema(tmp_path: Path) -> Path:
    path = seeded(tmp_path)
    connection = sqlite3.connect(path)
    connection.execute("alter table observation drop column note")
    connection.commit()
    connection.close()
    return path


def retyped_column(tmp_path: Path) -> Path:
    path = seeded(tmp_path)
    connection = sqlite3.connect(path)
    connection.executescript(
        "create table metric_new (id VARCHAR not null primary key, name VARCHAR not null, unit VARCHAR not null, description INTEGER not null);"
        "insert into metric_new select * from metric; drop table metric; alter table metric_new rename to metric;"
    )
    connection.close()
    return path


FAULTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda tmp_path: tmp_path / "absent.db", "does not exist"),
    "corrupt": (corrupt, "corrupt"),
    "not sqlite": (not_sqlite, "not a SQLite database"),
    "unmigrated": (unmigrated, "is at migration none"),
    "wrong schema": (wrong_schema, "schema unlike the app's (column observation.note is missing)"),
    "retyped column": (retyped_column, "column metric.description is INTEGER"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_check_database_names_the_file_and_what_to_run(tmp_path: Path, fault: str) -> None:
    make, message = FAULTS[fault]
    path = make(tmp_path)
    with pytest.raises(DatabaseError) as raised:
        check_database(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)
    assert "make seed" in str(raised.value)


@pytest.mark.parametrize("fault", ["missing", "corrupt", "unmigrated"])
def test_the_server_refuses_to_start(tmp_path: Path, fault: str) -> None:
    make, message = FAULTS[fault]
    path = make(tmp_path)
    server = start_server(path, free_port())
    output, _ = server.communicate(timeout=30)
    assert server.returncode != 0
    assert str(path) in output and message in output and "make seed" in output


def test_serving_never_writes_the_database(tmp_path: Path) -> None:
    path = seeded(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    port = free_port()
    server = start_server(path, port)
    try:
        assert wait_until_up(port, server).status_code == 200
        figure = observations()[0]
        for url in (
            "/v1/ports",
            f"/v1/ports/{figure.port_id}",
            "/v1/observations?format=csv",
            f"/v1/metrics/{figure.metric_id}",
        ):
            assert httpx.get(f"http://127.0.0.1:{port}{url}").status_code == 200
        assert httpx.post(f"http://127.0.0.1:{port}/v1/ports").status_code == 405
    finally:
        server.terminate()
        server.communicate(timeout=10)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ports.db"]  # no journal, no WAL, no shm


def test_the_served_engine_cannot_write(tmp_path: Path) -> None:
    """Even a bug could not change the data: SQLite itself refuses writes on the engine the app uses."""
    path = seeded(tmp_path)
    engine, _ = check_database(path)
    try:
        with engine.connect() as connection, pytest.raises(exc.OperationalError, match="readonly"):
            connection.exec_driver_sql("DELETE FROM observation")
    finally:
        engine.dispose()


def test_a_page_damaged_while_serving_is_a_logged_problem_never_wrong_bytes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The start check no longer reads every page. A page damaged on disk after the server started
    makes the request that reads it a 500 problem document, logged with the file's name."""
    path = seeded(tmp_path)
    database = sqlite3.connect(path)
    index_page = database.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_observation_1'"
    ).fetchone()[0]
    page_size = database.execute("PRAGMA page_size").fetchone()[0]
    database.close()
    with TestClient(create_app(Settings(database_url=f"sqlite:///{path}"))) as client:
        with path.open("r+b") as f:  # the observations' id index, which the permalink reads
            f.seek((index_page - 1) * page_size)
            f.write(b"\xff" * page_size)
        response = client.get("/v1/observations/alataw-cargo-tonnage-2023-01")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The data could not be read; the error has been logged."
    assert "etag" not in response.headers  # never kept by the cache
    assert any(str(path) in record.getMessage() and "make seed" in record.getMessage() for record in caplog.records)
