"""The newcomer path itself: `make run` seeds and serves, with as many workers as WEB_CONCURRENCY
says, and no server banner."""

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.helpers import observation_ids, port_ids
from tests.server import free_port, wait_until_up


@pytest.mark.parametrize("workers", [1, 2])
def test_make_run_serves_with_web_concurrency_workers(tmp_path: Path, workers: int) -> None:
    port, log = free_port(), tmp_path / "server.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path}/ports.db",
        "WEB_CONCURRENCY": str(workers),
    }
    with log.open("w") as output:
        server = subprocess.Popen(
            ["make", "-s", "run"], cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        response = wait_until_up(port, server, timeout=60)
        assert response.status_code == 200
        assert "server" not in response.headers
        # What it serves is what it seeded, from the same seeds as the tests (SEEDS_DIR).
        served = httpx.get(f"http://127.0.0.1:{port}/v1/observations?limit=1000").json()["items"]
        assert [o["id"] for o in served] == observation_ids()[:1000]
        assert [p["id"] for p in httpx.get(f"http://127.0.0.1:{port}/v1/ports").json()["items"]] == port_ids()[:100]
        deadline = time.monotonic() + 30
        while log.read_text().count("Application startup complete") < workers:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert log.read_text().count("Started server process") == workers
    finally:
        server.terminate()
        server.wait(timeout=15)
