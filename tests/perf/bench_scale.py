"""`make bench-scale`: this API and Datasette on the same files, at 5, 100,000 and 1,000,000 observations.

Size 5 stands for the seeds, whatever they hold (app.seed, from SEEDS_DIR); the others are synthetic
(tests/perf/synthetic.py), built once into .bench-scale/ and reused until the migrations, the
builder, the generator or the seeds change. For each size, each server in
turn runs alone under the same uvicorn, one worker, on the loopback, and is measured as a new user
would meet it:
- start: from the process starting to its first 200 on a data URL, the median of three starts
  (the file read through first, for both: see read_through);
- first answers: each probe route five times, on five URLs it has not seen (other ports, periods,
  page sizes), so that nothing is answered from a cache; the 1st and the 100th page following `next`;
- RSS after the probes, and the largest answer;
- the bulk CSV: rows per second, and the server's RSS before and at its peak during the download.
Then it checks the targets of issue 9 and says which hold. BENCH_SCALE_SIZES (default "5 100000
1000000") picks the sizes. Run with the bench venv's python from the checkout (make bench-scale).
"""

import hashlib
import http.client
import json
import os
import sqlite3
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.seed import seed
from app.settings import get_settings
from tests.perf.bench import ROOT, Server
from tests.perf.synthetic import build

SIZES = [int(n) for n in os.environ.get("BENCH_SCALE_SIZES", "5 100000 1000000").split()]
FILES = ROOT / ".bench-scale"
SEEDS = get_settings().seeds_dir
VARIANTS = 5
PAGES = 100


def build_key() -> str:
    """What the files depend on: the migrations, the builder, the generator and the seeds. A change
    to any of them builds the files anew."""
    sources = sorted((ROOT / "migrations" / "versions").glob("*.py")) + [
        ROOT / "app" / "seed.py",
        ROOT / "app" / "series.py",
        ROOT / "app" / "intervals.py",
        Path(__file__).with_name("synthetic.py"),
        *sorted(path for path in SEEDS.iterdir() if path.is_file()),
    ]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()[:12]


def database(size: int) -> Path:
    path = FILES / f"ports-{size}-{build_key()}.db"
    if not path.exists():
        started = time.monotonic()
        if size == 5:
            seed(SEEDS, path)
        else:
            build(size, path)
        print(f"built {path.name} in {time.monotonic() - started:.1f} s", flush=True)
        # Measured while the kernel still wrote the new file out, every answer was slower.
        os.sync()
    return path


@dataclass
class Sample:
    """What the probes need to know of a file: ids that exist, read straight from it."""

    ports: list[str]
    metrics: list[str]
    observations: list[str]
    months: list[str]  # "YYYY-MM" of periods that exist
    metrics_of: dict[str, list[str]]  # the metrics each sampled port has figures of

    @classmethod
    def of(cls, path: Path) -> "Sample":
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        ports = [r[0] for r in db.execute("SELECT DISTINCT port_id FROM observation_count ORDER BY port_id LIMIT 5")]
        metrics = [r[0] for r in db.execute("SELECT id FROM metric ORDER BY id")]
        ids = [r[0] for r in db.execute("SELECT id FROM observation ORDER BY rowid DESC LIMIT 5")]
        months = [
            r[0][:7] for r in db.execute("SELECT DISTINCT period_end FROM observation ORDER BY period_end LIMIT 240")
        ]
        metrics_of: dict[str, list[str]] = {}
        placeholders = ",".join("?" * len(ports))
        for port, metric in db.execute(
            f"SELECT port_id, metric_id FROM observation_count WHERE port_id IN ({placeholders}) ORDER BY port_id, metric_id",
            ports,
        ):
            metrics_of.setdefault(port, []).append(metric)
        db.close()
        return cls(ports, metrics, ids, [months[len(months) * k // VARIANTS] for k in range(VARIANTS)], metrics_of)

    def port(self, i: int) -> str:
        # Another spelling where the file has fewer ports than variants, so that the URL is new.
        port = self.ports[i % len(self.ports)]
        return port if i < len(self.ports) else port.upper()

    def series_metric(self, i: int) -> str:
        """A metric the port `port(i)` has figures of, so that its series holds points."""
        port = self.ports[i % len(self.ports)]
        metrics = self.metrics_of.get(port) or self.metrics
        return metrics[i % len(metrics)]

    def metric(self, i: int) -> str:
        metric = self.metrics[i % len(self.metrics)]
        return metric if i < len(self.metrics) else metric.upper()


def api_probes(s: Sample, i: int) -> dict[str, str]:
    m, size = s.months[i], 100 - i
    return {
        "port": f"/v1/observations?port={s.port(i)}&limit={size}",
        "port and metric": f"/v1/observations?port={s.port(i)}&metric={s.metric(i)}&limit={size}",
        "metric and period": f"/v1/observations?metric={s.metric(i)}&period_from={m}-01&period_to={m}-28&limit={size}",
        "period alone": f"/v1/observations?period_from={m}-01&period_to={m}-28&limit={size}",
        "one observation": f"/v1/observations/{s.observations[i % len(s.observations)]}",
        "1,000-row CSV page": f"/v1/observations?format=csv&limit={1000 - i}",
        "port detail": f"/v1/ports/{s.port(i)}",
        "metric detail": f"/v1/metrics/{s.metric(i)}",
        # Issue 17: a page of a consolidated series and its chart, each one range of series_point's key.
        "series": f"/v1/ports/{s.port(i)}/metrics/{s.series_metric(i)}/series?limit={size}",
        "series chart": f"/v1/ports/{s.port(i)}/metrics/{s.series_metric(i)}/series.svg?limit={size}",
    }


def datasette_probes(s: Sample, i: int, db: str) -> dict[str, str]:
    m, size, table = s.months[i], 100 - i, f"/{db}/observation"
    return {
        "port": f"{table}.json?port_id={s.port(i).lower()}&_size={size}",
        "port and metric": f"{table}.json?port_id={s.port(i).lower()}&metric_id={s.metric(i).lower()}&_size={size}",
        "metric and period": f"{table}.json?metric_id={s.metric(i).lower()}&period_end__gte={m}-01&period_start__lte={m}-28&_size={size}",
        "period alone": f"{table}.json?period_end__gte={m}-01&period_start__lte={m}-28&_size={size}",
        "one observation": f"{table}/{s.observations[i % len(s.observations)]}.json",
        "1,000-row CSV page": f"{table}.csv?_size={1000 - i}",
        "port detail": f"/{db}/port/{s.port(i).lower()}.json?_v={i}",
        "metric detail": f"/{db}/metric/{s.metric(i).lower()}.json?_v={i}",
        # The same rows of the same table, read as Datasette reads any table (it draws no chart).
        "series": f"/{db}/series_point.json?port_id={s.port(i).lower()}&metric_id={s.series_metric(i).lower()}&_size={size}",
        "series chart": f"/{db}/series_point.json?port_id={s.port(i).lower()}&metric_id={s.series_metric(i).lower()}&_size={size}&_v={i}",
    }


class Client:
    """One keep-alive connection, as a client library would hold."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, path: str) -> tuple[int, bytes, dict[str, str], float]:
        started = time.perf_counter()
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, dict(response.getheaders()), time.perf_counter() - started


@dataclass
class Result:
    start_s: float = 0.0
    first_ms: dict[str, list[float]] = field(default_factory=dict)
    page_1_ms: float = 0.0
    page_100_ms: float = 0.0
    rss_mb: float = 0.0
    largest_bytes: int = 0
    bulk_rows_per_s: float = 0.0
    bulk_rss_before_mb: float = 0.0
    bulk_rss_peak_mb: float = 0.0


def next_of(body: bytes) -> str | None:
    """The next page: this API's links.next, Datasette's next_url (made relative)."""
    document: dict[str, Any] = json.loads(body)
    link: str | None = document.get("links", {}).get("next") if "links" in document else document.get("next_url")
    if link and link.startswith("http"):
        parts = urlsplit(link)
        link = f"{parts.path}?{parts.query}"
    return link


STARTS = 3  # a start is one sample of a noisy second: the median of three


def started(make_server: Callable[[], Server]) -> tuple[Server, float]:
    """A running server, and the median of STARTS timed starts (all but the last stopped again)."""
    times = []
    for attempt in range(STARTS):
        server = make_server()
        try:
            times.append(server.wait_ready())
        except BaseException:
            server.stop()
            raise
        if attempt < STARTS - 1:
            server.stop()
    return server, statistics.median(times)


def measure(server: Server, start_s: float, probes: list[dict[str, str]], first_page: str, bulk: str) -> Result:
    result = Result(start_s=start_s)
    client = Client(server.port)
    path: str | None  # each probe's, then each page's, until no page follows
    for variant in probes:
        for name, path in variant.items():
            status, body, _, seconds = client.get(path)
            if status != 200:
                raise RuntimeError(f"{server.name}: {path} answered {status}: {body[:300]!r}")
            result.first_ms.setdefault(name, []).append(seconds * 1000)
            result.largest_bytes = max(result.largest_bytes, len(body))
    path, times = first_page, []
    for _ in range(PAGES):
        status, body, _, seconds = client.get(path)
        assert status == 200, (path, status)
        times.append(seconds * 1000)
        result.largest_bytes = max(result.largest_bytes, len(body))
        path = next_of(body)
        if path is None:
            break
    result.page_1_ms, result.page_100_ms = times[0], times[-1]
    result.rss_mb = server.rss_mb()
    result.bulk_rss_before_mb = server.rss_mb()
    peak, done = [result.bulk_rss_before_mb], threading.Event()

    def sample_rss() -> None:
        while not done.wait(0.02):
            peak.append(server.rss_mb())

    sampler = threading.Thread(target=sample_rss)
    sampler.start()
    started, rows = time.perf_counter(), 0
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    connection.request("GET", bulk)
    response = connection.getresponse()
    assert response.status == 200, (bulk, response.status)
    while chunk := response.read(1 << 20):
        rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    result.bulk_rows_per_s = (rows - 1) / elapsed
    result.bulk_rss_peak_mb = max(peak)
    result.rss_mb = max(result.rss_mb, server.rss_mb())  # after the probes and the bulk download
    return result


def read_through(path: Path) -> None:
    """Read the file once, so that both servers meet it in the operating system's page cache, as
    a replica that has served for a while does. Left cold (this machine reclaims idle page cache),
    every first answer waited on random reads from disk, the same for both servers, and the
    numbers varied by 3x from run to run with no change to either."""
    with path.open("rb") as f:
        while f.read(8 << 20):
            pass


def run(size: int, logs: Path) -> dict[str, Result]:
    path = database(size)
    read_through(path)
    sample = Sample.of(path)
    results = {}
    api, start_s = started(
        lambda: Server("api", "app.main:app", {"DATABASE_URL": f"sqlite:///{path}"}, "/v1/observations?limit=1", logs)
    )
    try:
        results["api"] = measure(
            api, start_s, [api_probes(sample, i) for i in range(VARIANTS)], "/v1/observations?limit=100",
            "/v1/downloads/observations.csv",
        )  # fmt: skip
    finally:
        api.stop()
    db = path.stem
    datasette, start_s = started(
        lambda: Server(
            "datasette",
            "tests.perf.datasette_app:app",
            {"BENCH_DATASETTE_DB": str(path)},
            f"/{db}/observation.json?_size=1",
            logs,
        )  # fmt: skip
    )
    try:
        results["datasette"] = measure(
            datasette, start_s, [datasette_probes(sample, i, db) for i in range(VARIANTS)],
            f"/{db}/observation.json?_size=100", f"/{db}/observation.csv?_stream=on&_size=max",
        )  # fmt: skip
    finally:
        datasette.stop()
    return results


def table(all_results: dict[int, dict[str, Result]]) -> str:
    probes = list(next(iter(all_results.values()))["api"].first_ms)
    sizes = list(all_results)
    head = "| | " + " | ".join(f"{server} at {size:,}" for size in sizes for server in ("API", "Datasette")) + " |"
    lines = [head, "|---" * (1 + 2 * len(sizes)) + "|"]

    def row(label: str, cell: Callable[[Result], str]) -> None:
        cells = [cell(all_results[size][server]) for size in sizes for server in ("api", "datasette")]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("start to first 200", lambda r: f"{r.start_s:.2f} s")
    row("RSS after probes and bulk", lambda r: f"{r.rss_mb:.0f} MB")
    for probe in probes:

        def first_answers(r: Result, p: str = probe) -> str:
            return f"{statistics.median(r.first_ms[p]):.1f} ({max(r.first_ms[p]):.1f}) ms"

        row(f"{probe}: first answer, median (max)", first_answers)
    row("1st page following next", lambda r: f"{r.page_1_ms:.1f} ms")
    row(f"{PAGES}th page following next", lambda r: f"{r.page_100_ms:.1f} ms")
    row("largest answer", lambda r: f"{r.largest_bytes / 1024:,.0f} KB")
    row("bulk CSV", lambda r: f"{r.bulk_rows_per_s:,.0f} rows/s")
    row("RSS before bulk, peak during", lambda r: f"{r.bulk_rss_before_mb:.0f}, {r.bulk_rss_peak_mb:.0f} MB")
    return "\n".join(lines)


def verdicts(all_results: dict[int, dict[str, Result]]) -> list[tuple[bool, str]]:
    small, large = all_results[min(all_results)], all_results[max(all_results)]
    api, peer, base = large["api"], large["datasette"], small["api"]
    firsts = [t for times in api.first_ms.values() for t in times] + [api.page_1_ms, api.page_100_ms]
    return [
        (
            api.start_s <= 1.3 * base.start_s,
            f"start {api.start_s:.2f} s <= 1.3 x own start at {min(all_results):,} ({base.start_s:.2f} s)",
        ),
        (api.start_s <= 2 * peer.start_s, f"start {api.start_s:.2f} s <= 2 x Datasette's ({peer.start_s:.2f} s)"),
        (
            api.rss_mb <= 1.5 * base.rss_mb,
            f"RSS {api.rss_mb:.0f} MB <= 1.5 x own RSS at {min(all_results):,} ({base.rss_mb:.0f} MB)",
        ),
        (max(firsts) < 50, f"every first answer < 50 ms (slowest {max(firsts):.1f} ms)"),
        (statistics.median(firsts) < 10, f"median first answer < 10 ms ({statistics.median(firsts):.1f} ms)"),
        (
            api.page_100_ms <= 2 * max(api.page_1_ms, 1.0),
            f"100th page {api.page_100_ms:.1f} ms within 2 x the 1st ({api.page_1_ms:.1f} ms)",
        ),
        (api.largest_bytes <= 2 << 20, f"no answer over 2 MB (largest {api.largest_bytes / 1024:,.0f} KB)"),
        (
            api.bulk_rows_per_s >= 3 * peer.bulk_rows_per_s,
            f"bulk {api.bulk_rows_per_s:,.0f} rows/s >= 3 x Datasette's ({peer.bulk_rows_per_s:,.0f})",
        ),
        (
            api.bulk_rss_peak_mb - api.bulk_rss_before_mb <= 20,
            f"bulk RSS flat: +{api.bulk_rss_peak_mb - api.bulk_rss_before_mb:.1f} MB (<= 20)",
        ),
    ]


def main() -> int:
    FILES.mkdir(exist_ok=True)
    logs = FILES / "logs"
    logs.mkdir(exist_ok=True)
    all_results = {}
    for size in SIZES:
        print(f"measuring at {size:,} observations", flush=True)
        all_results[size] = run(size, logs)
    report = table(all_results)
    checks = verdicts(all_results)
    report += "\n\n" + "\n".join(f"- {'PASS' if ok else 'FAIL'}: {text}" for ok, text in checks)
    print(report)
    (FILES / "results.md").write_text(report + "\n")
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
