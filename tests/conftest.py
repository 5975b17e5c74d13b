"""Every test runs against the real app and a real SQLite file, seeded from the real seeds."""

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.dataset import file_sha256
from app.seed import seed
from app.settings import PROJECT_ROOT, get_settings

SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> Path:
    """The seeded database the app under test serves. After the whole session of serving it, in
    process and from real servers, it must be byte for byte as seeded, with no journal, WAL or
    shared-memory file beside it: serving never writes."""
    path = tmp_path_factory.mktemp("db") / "ports.db"
    seed(SEEDS, path)
    seeded = file_sha256(path)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    get_settings.cache_clear()
    yield path
    assert file_sha256(path) == seeded, f"{path} changed while it was served"
    assert [p.name for p in path.parent.iterdir()] == ["ports.db"]


@pytest.fixture(scope="session")
def client(database) -> TestClient:
    from app.main import app

    with TestClient(app) as client:
        yield client


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A copy of the seeds that a test may break."""
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def uvicorn_server(database: Path, log: Path, *extra: str, timeout: float = 30):
    """A real uvicorn serving `database` on a free loopback port, started as `make run` does; yields
    the port once /healthz answers. Its output goes to `log`, a file: a pipe nobody reads would
    fill up with access log lines and stall the server."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--no-server-header", *extra]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"server did not start:\n{log.read_text()}"
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)
