"""Starting the real app under uvicorn, for the tests that need a real server on a real port."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    database: Path,
    port: int,
    *extra: str,
    output: int | IO[str] = subprocess.PIPE,
    settings: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """uvicorn serving `database` on `port`, started as `make run` does, with `settings` in its
    environment (app/settings.py). Its output goes to a pipe by default, for tests that read it once
    the server has stopped; a server that runs for long should write to a file (`output`), as a pipe
    nobody reads fills up and stalls it."""
    env = {**os.environ, **(settings or {}), "DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--no-server-header", *extra]
    return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)


def wait_until_up(
    port: int, server: subprocess.Popen[str] | subprocess.Popen[bytes], timeout: float = 15.0
) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read() if server.stdout else "the server stopped"
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError("server did not start")


@contextmanager
def uvicorn_server(database: Path, log: Path, *extra: str, timeout: float = 30) -> Iterator[int]:
    """A real server for the length of a `with`, its output in `log`; yields its port once /healthz answers."""
    port = free_port()
    with log.open("w") as output:
        server = start_server(database, port, *extra, output=output)
    try:
        wait_until_up(port, server, timeout)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)
