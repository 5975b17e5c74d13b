"""Every test runs against the real app and a real SQLite file, seeded from the real seeds."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.seed import seed
from app.settings import Settings
from tests.helpers import SEEDS, file_sha256


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seeded database the app under test serves. After the whole session of serving it, in
    process and from real servers, it must be byte for byte as seeded, with no journal, WAL or
    shared-memory file beside it: serving never writes."""
    path = tmp_path_factory.mktemp("db") / "ports.db"
    seed(SEEDS, path)
    seeded = file_sha256(path)
    yield path
    assert file_sha256(path) == seeded, f"{path} changed while it was served"
    assert [p.name for p in path.parent.iterdir()] == ["ports.db"]


@pytest.fixture(scope="session")
def app(database: Path) -> FastAPI:
    """The real app, built from explicit settings, serving the seeded test database."""
    return create_app(Settings(database_url=f"sqlite:///{database}"))


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A copy of the seeds that a test may break."""
    return Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
