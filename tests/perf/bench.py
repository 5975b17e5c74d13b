"""`make bench`: this API against Datasette and against the framework ceiling, under wrk.

Three servers run under the same uvicorn with the same flags and one worker each, all on the
loopback: this API (app.main:app), Datasette serving the same SQLite file (datasette_app.py), and
a bare Starlette app that answers with this API's own bytes from a dict (ceiling_app.py). A fourth
is this API with two workers. Every server and endpoint is driven by wrk once per round. What is
compared runs side by side, and the order changes from round to round, so that a noisy moment on
the machine does not fall on one server only. The result is the ratios, each taken within a round:
the absolute numbers depend on the machine.

Settings: BENCH_DURATION (seconds per run, default 5), BENCH_ROUNDS (default 3),
BENCH_WARMUP (seconds of discarded load per server and endpoint before the rounds, default 1).
Run with the bench venv's python from the checkout (make bench does); wrk must be on PATH.
"""

import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path
from typing import Literal, TypedDict, cast

ROOT = Path(__file__).resolve().parents[2]
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))

CARGO = "/v1/ports/alataw/metrics/cargo_tonnage"
ENDPOINTS = [CARGO, "/v1/observations", "/v1/ports/bakti", "/v1/observations?format=csv"]
# The same figure as CARGO, looked up by primary key: /<file stem>/<table>/<pk>.json.
# The id needs no escaping: Datasette's tilde-encoding leaves letters, digits, "-" and "_" alone.
DATASETTE_ROW = "/ports/observation/alataw-cargo-tonnage-2023-01.json"

# urllib would send even loopback requests through an http_proxy from the environment.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(url: str) -> tuple[int, bytes]:
    try:
        with HTTP.open(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group a server was started in, SIGKILL if it is still there after 10 s."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Server:
    """One uvicorn process (and its workers), in its own process group so that it can be ended whole."""

    def __init__(self, name: str, target: str, env: dict[str, str], ready_path: str, logs: Path, workers: int = 1):
        self.name, self.ready_path, self.port = name, ready_path, free_port()
        # The same flags for every server; loop and http stay uvicorn's "auto" (uvloop and httptools).
        self.command = [
            sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(workers), "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        self.log = logs / f"{name.replace(' ', '-')}.log"
        self.started = time.monotonic()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 60) -> float:
        """Seconds from the start of the process to its first 200 on ready_path."""
        while time.monotonic() - self.started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if get(self.url(self.ready_path))[0] == 200:
                    return time.monotonic() - self.started
            except OSError:
                pass  # not listening yet
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} gave no 200 on {self.ready_path} within {timeout} s:\n{self.log.read_text()}")

    def rss_mb(self) -> float:
        """Resident memory of every process of the server (with --workers 2: supervisor and workers)."""
        total_kb = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # Field 5 is the process group; the name before it may hold spaces, so split after ")".
                if int(stat.read_text().rpartition(")")[2].split()[2]) != self.process.pid:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, ValueError):
                continue  # gone meanwhile
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            total_kb += int(match[1]) if match else 0
        return total_kb / 1024

    def stop(self) -> None:
        stop_process_group(self.process)


UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


class WrkResult(TypedDict):
    """What one wrk run measured."""

    rps: float
    p50: float  # ms
    p99: float  # ms
    bad_status: int
    socket_errors: int
    socket_detail: str


class Run(WrkResult):
    rss: float  # MB, every process of the server, after the run


Measure = Literal["rps", "p50", "p99", "rss"]


def to_ms(text: str) -> float:
    # cast: wrk writes every latency as a number and a unit
    number, unit = cast(re.Match[str], re.fullmatch(r"([\d.]+)([a-z]+)", text)).groups()
    return float(number) * UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.M)
        if not match:
            raise RuntimeError(f"cannot read {pattern!r} in wrk's output:\n{output}")
        return match

    # wrk prints these two lines only when their counts are not zero.
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(find(r"^Requests/sec:\s+([\d.]+)")[1]),
        "p50": to_ms(find(r"^\s+50%\s+(\S+)")[1]),
        "p99": to_ms(find(r"^\s+99%\s+(\S+)")[1]),
        "bad_status": int(bad_status[1]) if bad_status else 0,
        # A timeout is a request without an answer within wrk's 2 s; a busy machine causes them too.
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "socket_detail": socket_errors[0] if socket_errors else "",
    }


def wrk(url: str, seconds: int) -> WrkResult:
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def label(server: Server, path: str) -> str:
    return f"{server.name:<10} {path:<52}"


def load_average() -> str:
    # Other work on the machine skews every number; the alternating rounds only spread it evenly.
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    if not shutil.which("wrk"):
        print("bench: wrk is not installed (make bench installs it with apt-get)", file=sys.stderr)
        return 2
    # Progress lines in order with the seed's output, even when make's output goes to a pipe.
    # cast: typeshed types sys.stdout as a TextIO, which has no reconfigure; it is a TextIOWrapper.
    cast(io.TextIOWrapper, sys.stdout).reconfigure(line_buffering=True)
    # Servers run in their own process groups, so Ctrl-C does not reach them: the finally below
    # ends them. A SIGTERM or SIGHUP to the benchmark goes through it too.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        database = tmp / "ports.db"
        api_env = {"DATABASE_URL": f"sqlite:///{database}"}
        subprocess.run([sys.executable, "-m", "app.seed"], cwd=ROOT, env={**os.environ, **api_env}, check=True)

        servers: list[Server] = []

        def start(name: str, target: str, env: dict[str, str], ready_path: str, workers: int = 1) -> Server:
            servers.append(Server(name, target, env, ready_path, logs=tmp, workers=workers))
            return servers[-1]

        try:
            # Start-up, alone on the machine: from the process's start to its first 200 on /healthz.
            startups = []
            for _ in range(ROUNDS):
                server = start("api start", "app.main:app", api_env, "/healthz")
                startups.append(server.wait_ready())
                server.stop()
                servers.remove(server)

            api = start("api", "app.main:app", api_env, "/healthz")
            api2 = start("api x2", "app.main:app", api_env, "/healthz", workers=2)
            ceiling = start(
                "ceiling", "tests.perf.ceiling_app:app", api_env | {"BENCH_PATHS": "\n".join(ENDPOINTS)}, ENDPOINTS[0]
            )
            datasette = start(
                "datasette", "tests.perf.datasette_app:app", {"BENCH_DATASETTE_DB": str(database)}, DATASETTE_ROW
            )
            for server in servers:
                server.wait_ready()
            print(f"load average before the runs: {load_average()}")
            print(f"this API: {' '.join(api.command)}")

            # What is compared runs side by side, in one block, so that a ratio compares two runs
            # a few seconds apart: on a shared machine the load drifts over minutes.
            blocks = [[(api, CARGO), (ceiling, CARGO), (datasette, DATASETTE_ROW), (api2, CARGO)]]
            blocks += [[(api, path), (ceiling, path)] for path in ENDPOINTS[1:]]
            targets = [target for block in blocks for target in block]
            # Before any load: every target answers 200, and the ceiling serves this API's very bytes.
            for server, path in targets:
                status, body = get(server.url(path))
                if status != 200:
                    raise RuntimeError(f"{server.name} {path}: status {status}, expected 200")
                if server is ceiling and body != get(api.url(path))[1]:
                    raise RuntimeError(f"ceiling {path}: not the same bytes as this API's")

            print(f"warm-up: {WARMUP} s per server and endpoint")
            for server, path in targets:
                wrk(server.url(path), WARMUP)

            runs: dict[tuple[Server, str], list[Run]] = {target: [] for target in targets}
            for round_ in range(ROUNDS):
                # Each round starts with another block, and every other round runs each block
                # backwards, so that no server always goes first or last.
                shift = round_ % len(blocks)
                for block in blocks[shift:] + blocks[:shift]:
                    for server, path in block if round_ % 2 == 0 else block[::-1]:
                        run: Run = {**wrk(server.url(path), DURATION), "rss": server.rss_mb()}
                        runs[server, path].append(run)
                        print(
                            f"round {round_ + 1}/{ROUNDS}  {label(server, path)} {run['rps']:>9.0f} req/s"
                            f"  p99 {run['p99']:7.1f} ms  non-2xx/3xx {run['bad_status']}  {run['socket_detail']}".rstrip()
                        )
        finally:
            for server in servers:
                server.stop()

    report(runs, api, api2, ceiling, datasette, startups)
    return 0


def report(
    runs: dict[tuple[Server, str], list[Run]],
    api: Server,
    api2: Server,
    ceiling: Server,
    datasette: Server,
    startups: list[float],
) -> None:
    def median(server: Server, path: str, key: Measure) -> float:
        return statistics.median(run[key] for run in runs[server, path])

    print()
    print(
        f"{DURATION} s per run, {ROUNDS} rounds, median over rounds; wrk -t2 -c64; {os.cpu_count()} cores; "
        f"uvicorn {version('uvicorn')}, fastapi {version('fastapi')}, starlette {version('starlette')}, "
        f"datasette {version('datasette')}; load average after: {load_average()}"
    )

    def errors(server: Server, path: str) -> int:
        return sum(run["bad_status"] + run["socket_errors"] for run in runs[server, path])

    def ratio(a: tuple[Server, str], b: tuple[Server, str]) -> float:
        """Median over rounds of a's req/s over b's in the same round: b ran next to a."""
        return statistics.median(x["rps"] / y["rps"] for x, y in zip(runs[a], runs[b], strict=True))

    print(f"{'server':<10} {'endpoint':<52} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7} {'RSS MB':>7}")
    for server, path in runs:
        print(
            f"{label(server, path)} {median(server, path, 'rps'):>9.0f} {median(server, path, 'p50'):>7.2f}"
            f" {median(server, path, 'p99'):>7.2f} {errors(server, path):>7} {median(server, path, 'rss'):>7.1f}"
        )
    print(
        "(errors: all rounds together, non-2xx/3xx plus socket errors; RSS: after each run, every process of the server)"
    )

    vs_datasette = ratio((api, CARGO), (datasette, DATASETTE_ROW))
    vs_ceiling = {path: ratio((api, path), (ceiling, path)) for path in ENDPOINTS}
    print()
    print("ratios of req/s, each the median over rounds of the ratio within a round:")
    print(f"this API / Datasette, {CARGO} vs {DATASETTE_ROW}: {vs_datasette:.2f}x")
    for path in ENDPOINTS:
        print(f"this API / ceiling, {path}: {vs_ceiling[path]:.2f}x")
    print(f"this API, 2 workers / 1 worker, {CARGO}: {ratio((api2, CARGO), (api, CARGO)):.2f}x")

    api_errors = sum(errors(server, path) for server, path in runs if server in (api, api2))
    other_errors = sum(errors(server, path) for server, path in runs if server in (ceiling, datasette))
    cargo_p99 = median(api, CARGO, "p99")
    rss = max(run["rss"] for path in ENDPOINTS for run in runs[api, path])
    startup = statistics.median(startups)
    checks = [
        (vs_datasette >= 15, f"cargo_tonnage >= 15x Datasette: {vs_datasette:.2f}x"),
        (vs_ceiling[CARGO] >= 0.5, f"cargo_tonnage >= 0.5x ceiling: {vs_ceiling[CARGO]:.2f}x"),
        (vs_ceiling[CARGO] >= 0.8, f"cargo_tonnage >= 0.8x ceiling (stretch): {vs_ceiling[CARGO]:.2f}x"),
        (cargo_p99 <= 25, f"cargo_tonnage p99 <= 25 ms: {cargo_p99:.1f} ms"),
        (api_errors == 0, f"this API: zero errors, every run: {api_errors}"),
        (
            vs_ceiling["/v1/observations"] >= 0.4,
            f"/v1/observations >= 0.4x ceiling: {vs_ceiling['/v1/observations']:.2f}x",
        ),
        (
            vs_ceiling["/v1/observations?format=csv"] >= 0.4,
            f"/v1/observations?format=csv >= 0.4x ceiling: {vs_ceiling['/v1/observations?format=csv']:.2f}x",
        ),
        (rss <= 80, f"RSS of one worker <= 80 MB after the runs: {rss:.1f} MB (the largest seen)"),
        (startup <= 1.5, f"start to first 200 on /healthz <= 1.5 s: {startup:.2f} s (median of {len(startups)})"),
    ]
    print()
    for ok, text in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    if other_errors:
        print(f"WARNING: the ceiling and Datasette had {other_errors} errors: the ratios to them are suspect")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # The servers are already stopped (main's finally); a traceback would only hide that.
        print("bench: interrupted", file=sys.stderr)
        sys.exit(130)
