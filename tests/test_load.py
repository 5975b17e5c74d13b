"""Load on loopback: 256 connections at once, for a few seconds, against a real uvicorn with one
worker and with two. Every answer must be a 2xx, and no connection may fail.

Marked `load`: `make test` leaves it out, `make test-load` (and .ci/run) runs it.

The client is a few lines of asyncio speaking HTTP/1.1 with keep-alive, so it needs nothing
installed and is cheap enough to share two cores with the server. It opens all 256 connections
before it sends anything and keeps them open to the end, and each must be answered at least
once, so the server really held 256 at the same time.
"""

import asyncio
import resource
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.server import uvicorn_server

pytestmark = pytest.mark.load

CONNECTIONS = 256
SECONDS = 4
TIMEOUT = 30  # per answer; generous, so that only a stuck server fails on a busy CI machine
URLS = [
    "/v1/ports", "/v1/ports/bakti", "/v1/ports/alashankou/metrics/cargo_tonnage", "/v1/metrics/cargo_tonnage",
    "/v1/observations", "/v1/observations?format=csv", "/v1/observations?port=bakti&period_from=2023-01-01",
    "/v1/sources/xinhua-2023-02-09-xinjiang-land-ports", "/healthz",
]  # fmt: skip


@dataclass
class Result:
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    answered: list[int] = field(default_factory=lambda: [0] * CONNECTIONS)
    latencies: list[float] = field(default_factory=list)


async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, url: str) -> int:
    """One GET on an open connection; returns the status once the whole body has been read."""
    writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in head[1:] if line)
    await reader.readexactly(int(headers["content-length"]))
    return int(head[0].split(" ")[1])


async def load(port: int) -> Result:
    result = Result()
    loop = asyncio.get_running_loop()
    connections = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", port) for _ in range(CONNECTIONS)))
    stop = loop.time() + SECONDS

    async def client(i: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while loop.time() < stop:
                started = loop.time()
                status = await asyncio.wait_for(
                    get(reader, writer, URLS[(i + result.answered[i]) % len(URLS)]), TIMEOUT
                )
                result.latencies.append(loop.time() - started)
                result.statuses[status] += 1
                result.answered[i] += 1
        except (OSError, EOFError, asyncio.IncompleteReadError, TimeoutError, KeyError, ValueError) as error:
            result.errors[f"{type(error).__name__}: {error}"[:100]] += 1
        finally:
            writer.close()

    await asyncio.gather(*(client(i, *connection) for i, connection in enumerate(connections)))
    return result


@pytest.fixture(autouse=True)
def enough_file_descriptors() -> Iterator[None]:
    """The client holds 256 sockets, and the server, which inherits this limit, as many: raise the
    soft limit where it is lower (1024 is a common default), within the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 4 * CONNECTIONS
    if soft != resource.RLIM_INFINITY and soft < needed:
        assert hard == resource.RLIM_INFINITY or hard >= needed, f"file descriptor limit {hard} < {needed}"
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        yield
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    else:
        yield


def wait_for_workers(log: Path, workers: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while log.read_text().count("Application startup complete") < workers:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


@pytest.mark.parametrize("workers", [1, 2])
def test_256_concurrent_connections_all_answered_2xx(database: Path, tmp_path: Path, workers: int) -> None:
    log = tmp_path / "uvicorn.log"
    with uvicorn_server(database, log, "--workers", str(workers)) as port:
        wait_for_workers(log, workers)
        result = asyncio.run(load(port))
    latencies = sorted(result.latencies)
    total = sum(result.statuses.values())
    print(
        f"{workers} worker(s), {CONNECTIONS} connections, {SECONDS} s: {total} answers, {total / SECONDS:.0f}/s, "
        f"p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms, statuses {dict(result.statuses)}, errors {dict(result.errors)}"
    )
    assert result.errors == Counter()
    assert all(200 <= status < 300 for status in result.statuses), result.statuses
    assert min(result.answered) >= 1, "some connections were never answered"
    assert "Traceback" not in log.read_text()
