"""`make deploy-smoke`: nginx with deploy/nginx.conf.template in front of two replicas, measured.

Everything runs on this machine, on 127.0.0.1: two replicas (plain uvicorn processes, one worker
each, as the image runs them), nginx in front of them with the template's placeholders filled
with their ports, and one more uvicorn alone for comparison. All three serve one database, seeded
for the run as `make seed` does. Then, in order:

1. the cache answers right: MISS then HIT, a 304 from the cache for If-None-Match with the ETag,
   the gzip and identity representations (and JSON and CSV) cached apart and each served to the
   clients that asked for it, HEAD, nothing cached from /healthz or the bulk downloads; and the
   limits: an oversized header, a body, and a burst from another address (127.0.0.2) past limit_req;
2. wrk (as `make bench` drives it: -t2 -c64, alternating rounds) on a cached answer and on answers
   no cache holds (every request a new URL), through nginx and against the single uvicorn;
3. one replica SIGKILLed while wrk runs a mix of cached and new URLs through nginx, then restarted:
   every request must still be answered 2xx or 3xx;
4. 5,000 connections that send part of a request line and then nothing: nginx must hold them
   without opening a single connection to a replica, answer /healthz meanwhile, and close them
   after client_header_timeout. For comparison, 500 of them sent to the single uvicorn directly.

It prints a summary (the numbers docs/operations.md quotes) and exits 1 if a check fails.
Settings: DEPLOY_SMOKE_DURATION (seconds per wrk run, default 3), DEPLOY_SMOKE_ROUNDS (default 5).
Run with the project venv's python from the checkout (make deploy-smoke does); nginx and wrk
must be on PATH.
"""

import asyncio
import gzip
import http.client
import io
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from tests.perf.bench import Server, WrkResult, free_port, load_average, parse_wrk, stop_process_group

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
DURATION = int(os.environ.get("DEPLOY_SMOKE_DURATION", "3"))
ROUNDS = int(os.environ.get("DEPLOY_SMOKE_ROUNDS", "5"))
KILL_RUN = 10  # seconds of wrk around the kill: killed at 2 s, restarted at 4 s
SLOW_CLIENTS = 5000
SLOW_DIRECT = 500  # to the single uvicorn, for comparison: enough to show it, few enough to be harmless
CACHED = "/v1/ports"
TARGET_RATIO = 3.0
# Every request of the "new URLs" script is a page no cache has seen: limit 1..100 and offset
# 0..10,000 make 1,000,100 distinct URLs, and each wrk run starts RUN_SPACING further on.
RUN_SPACING = 100_000
WRK_SCRIPT = """
-- Each request a URL never asked before (deploy_smoke.py): page sizes 1..100 times offsets.
local counter = 0
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function init(args)
  base = tonumber(args[1])
  mix = args[2] == "mix"
end
function request()
  counter = counter + 1
  if mix and counter % 2 == 0 then
    return wrk.format("GET", "CACHED_PATH")
  end
  local g = base + id + 2 * counter
  return wrk.format("GET", "/v1/observations?limit=" .. (g % 100 + 1) .. "&offset=" .. (math.floor(g / 100) % 10001))
end
""".replace("CACHED_PATH", CACHED)


def fill_template(values: dict[str, str]) -> str:
    """The template with its ${NAME} placeholders filled, as envsubst with a list of names does."""
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    code = "\n".join(line.partition("#")[0] for line in text.splitlines())
    left = set(re.findall(r"\$\{([A-Z0-9_]+)\}", code))
    if left:
        raise RuntimeError(f"{TEMPLATE}: placeholders not filled: {sorted(left)}")
    return text


def header_timeout() -> float:
    match = re.search(r"^\s*client_header_timeout\s+(\d+)s;", TEMPLATE.read_text(), re.M)
    if not match:
        raise RuntimeError(f"{TEMPLATE} sets no client_header_timeout in seconds")
    return float(match[1])


class Replica(Server):
    """A uvicorn server that can be killed and started again on the same port."""

    def __init__(self, name: str, env: dict[str, str], logs: Path):
        self.env = env
        super().__init__(name, "app.main:app", env, "/healthz", logs)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def respawn(self) -> None:
        self.started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip


class Nginx:
    """nginx in the foreground in its own process group, with its state (cache, logs, pid) in `state`."""

    def __init__(self, state: Path, replicas: Sequence[Server]):
        self.state, self.port = state, free_port()
        self.conf = state / "nginx.conf"
        values = {"LISTEN": f"127.0.0.1:{self.port}", "STATE_DIR": str(state)}
        values |= {f"REPLICA_{i}": f"127.0.0.1:{r.port}" for i, r in enumerate(replicas, 1)}
        self.conf.write_text(fill_template(values))
        self.error_log = state / "error.log"
        base = ["nginx", "-p", f"{state}/", "-c", str(self.conf), "-e", str(self.error_log)]
        test = subprocess.run([*base, "-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{test.stderr}")
        self.test_output = test.stderr.strip()
        self.process = subprocess.Popen(
            [*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with code {self.process.returncode}:\n{self.error_log.read_text()}")
            try:
                if request(self.port, "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"nginx gave no 200 on /healthz within {timeout} s:\n{self.error_log.read_text()}")

    def stop(self) -> None:
        stop_process_group(self.process)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def request(
    port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET", body: bytes | None = None
) -> Answer:
    """One request on a connection of its own. http.client sends Accept-Encoding: identity
    unless told otherwise, as a client that takes no gzip does."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


# --- 1. The cache and the limits


def check_cache(nginx: Nginx) -> list[tuple[bool, str]]:
    """(passed, what) for each check of how nginx caches and limits."""
    port = nginx.port
    checks: list[tuple[bool, str]] = []

    def check(ok: bool, text: str) -> None:
        checks.append((ok, text))

    def cache(answer: Answer) -> str:
        return answer.headers.get("x-cache-status", "-")

    plain = [request(port, CACHED) for _ in range(2)]
    tag = plain[0].headers.get("etag", "")
    check(
        [a.status for a in plain] == [200, 200] and [cache(a) for a in plain] == ["MISS", "HIT"],
        f"{CACHED} identity: {plain[0].status} {cache(plain[0])}, then {plain[1].status} {cache(plain[1])}",
    )
    check(plain[0].body == plain[1].body and plain[1].headers.get("etag") == tag, "the HIT is the same bytes and ETag")
    check("content-encoding" not in plain[1].headers, "identity HIT has no Content-Encoding")
    revalidated = request(port, CACHED, {"If-None-Match": tag})
    check(
        revalidated.status == 304 and cache(revalidated) == "HIT" and revalidated.headers.get("etag") == tag,
        f"If-None-Match with its ETag: {revalidated.status} {cache(revalidated)} (from nginx's cache)",
    )
    zipped = [request(port, CACHED, {"Accept-Encoding": "gzip"}) for _ in range(2)]
    ztag = zipped[0].headers.get("etag", "")
    check(
        [cache(a) for a in zipped] == ["MISS", "HIT"]
        and all(a.headers.get("content-encoding") == "gzip" for a in zipped),
        f"gzip: {cache(zipped[0])}, then {cache(zipped[1])}, both Content-Encoding: gzip (its own entry)",
    )
    check(
        gzip.decompress(zipped[1].body) == plain[1].body and ztag != tag and ztag.endswith('-gzip"'),
        "the gzip HIT decompresses to the identity bytes, under its own ETag",
    )
    after = request(port, CACHED)
    check(
        cache(after) == "HIT" and "content-encoding" not in after.headers and after.body == plain[1].body,
        "identity still served plain after the gzip variant was cached",
    )
    z304 = request(port, CACHED, {"Accept-Encoding": "gzip", "If-None-Match": ztag})
    cross = request(port, CACHED, {"If-None-Match": ztag})
    check(z304.status == 304 and cache(z304) == "HIT", f"gzip If-None-Match with its ETag: {z304.status} {cache(z304)}")
    check(cross.status == 200, f"identity with the gzip ETag: {cross.status} (another representation)")
    head = [request(port, CACHED, method="HEAD") for _ in range(2)]
    check(
        cache(head[1]) == "HIT" and head[1].body == b"" and head[1].headers.get("etag") == tag,
        f"HEAD: {cache(head[0])}, then {cache(head[1])}, no body, the same ETag",
    )
    as_json = [request(port, "/v1/observations", {"Accept": "application/json"}) for _ in range(2)]
    as_csv = [request(port, "/v1/observations", {"Accept": "text/csv"}) for _ in range(2)]
    check(
        cache(as_json[1]) == cache(as_csv[1]) == "HIT"
        and as_json[1].headers.get("content-type", "").startswith("application/json")
        and as_csv[1].headers.get("content-type", "").startswith("text/csv"),
        "Accept: JSON and CSV cached apart, each HIT served with its own type",
    )
    health = [request(port, "/healthz") for _ in range(2)]
    check(cache(health[1]) != "HIT", f"/healthz (no-cache) not served from the cache: {cache(health[1])}")
    downloads = [request(port, "/v1/downloads/observations.csv") for _ in range(2)]
    check(
        all(a.status == 200 and "x-cache-status" not in a.headers for a in downloads),
        "/v1/downloads/ bypasses the cache (no X-Cache-Status)",
    )
    big = request(port, CACHED, {"X-Padding": "x" * 40_000})
    check(big.status in (400, 431, 414), f"a 40 KB header: {big.status} from nginx")
    posted = request(port, CACHED, {"Content-Type": "text/plain"}, method="POST", body=b"x" * 4096)
    check(posted.status == 413, f"a 4 KB body: {posted.status}")

    # 127.0.0.2 is loopback too, but not exempt from the limits as 127.0.0.1 is.
    statuses: list[int] = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=("127.0.0.2", 0))
    try:
        for _ in range(120):
            connection.request("GET", CACHED)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        connection.close()
    ok, limited = statuses.count(200), statuses.count(429)
    check(
        ok >= 50 and limited >= 1 and ok + limited == len(statuses),
        f"limit_req, 120 requests at once from 127.0.0.2: {ok} answered, {limited} refused with 429",
    )
    return checks


# --- 2. wrk


@dataclass
class Runs:
    script: Path
    next_base: int = 0

    def wrk(self, url: str, seconds: int, new_urls: bool = False, gzip: bool = False) -> WrkResult:
        command = self.command(url, seconds, new_urls, mix=False, gzip=gzip)
        return parse_and_check(subprocess.run(command, capture_output=True, text=True), new_urls)

    def command(self, url: str, seconds: int, new_urls: bool, mix: bool, gzip: bool = False) -> list[str]:
        command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
        if gzip:  # as browsers and HTTP libraries ask; wrk by itself sends no Accept-Encoding
            command += ["-H", "Accept-Encoding: gzip"]
        if new_urls:
            command += ["-s", str(self.script), url, "--", str(self.next_base), "mix" if mix else "new"]
            self.next_base += RUN_SPACING
        else:
            command.append(url)
        return command


def parse_and_check(done: "subprocess.CompletedProcess[str]", new_urls: bool) -> WrkResult:
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{done.stdout}{done.stderr}")
    # A thread's n-th request asks for number base + thread + 2n: a run spans up to twice its requests.
    if new_urls and 2 * requests_made(done.stdout) + 2 > RUN_SPACING:
        raise RuntimeError(f"wrk made {requests_made(done.stdout)} requests: its URLs may reach the next run's")
    return parse_wrk(done.stdout)


def requests_made(output: str) -> int:
    match = re.search(r"(\d+) requests in", output)
    return int(match[1]) if match else 0


# --- 4. Slow headers


def established(ports: set[int]) -> int:
    """TCP connections in ESTABLISHED whose local port is one of `ports`: accepted by those servers."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rpartition(":")[2], 16) in ports:
                count += 1
    return count


@dataclass
class SlowResult:
    opened: int
    closed: int  # by the server, within the wait
    close_seconds: list[float]  # from the partial request to the close, for each closed one
    peak_replica_connections: int  # above those before the slow clients came
    probe_ms: float  # /healthz through the server while they were held
    probe_status: int


async def slow_clients(port: int, count: int, wait: float, replica_ports: set[int], probe: bool = True) -> SlowResult:
    """`count` connections to `port`, each sending the start of a request line and then nothing,
    held until the server closes them or `wait` seconds pass. Meanwhile the connections the
    replicas have accepted are counted, and /healthz is asked once through the same server."""
    before = established(replica_ports)
    gate = asyncio.Semaphore(200)  # connects in flight at once: under the accept queue's depth

    peak = [0]  # the most connections the replicas held above `before`, updated by sample()
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], established(replica_ports) - before)
            await asyncio.sleep(0.25)

    async def open_one() -> tuple[asyncio.StreamReader, asyncio.StreamWriter, float] | None:
        async with gate:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
                writer.write(b"GET /v1/por")
                await writer.drain()
                return reader, writer, time.monotonic()
            except (OSError, TimeoutError):
                return None

    async def until_closed(reader: asyncio.StreamReader, sent_at: float) -> float | None:
        """Seconds from the partial request to the server's close, or None if still open after `wait`."""
        try:
            while await asyncio.wait_for(reader.read(1024), max(0.01, sent_at + wait - time.monotonic())):
                pass  # an error page before the close: read on until the close
        except TimeoutError:
            return None
        except OSError:
            pass  # reset by the server: closed too
        return time.monotonic() - sent_at

    sampler = asyncio.ensure_future(sample())  # from before the first connection
    opened = [c for c in await asyncio.gather(*(open_one() for _ in range(count))) if c is not None]

    async def ask_health() -> tuple[float, int]:
        await asyncio.sleep(1)  # every slow client is connected and waiting by then
        start = time.monotonic()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        return (time.monotonic() - start) * 1000, int(answer.split(b" ", 2)[1])

    tasks = [asyncio.ensure_future(until_closed(reader, sent_at)) for reader, _, sent_at in opened]
    probed = await ask_health() if probe else (0.0, 0)
    closes = await asyncio.gather(*tasks)
    stop.set()  # every connection closed or its wait over: nothing left to count
    await sampler
    for _, writer, _ in opened:
        writer.close()
    done = [c for c in closes if c is not None]
    return SlowResult(len(opened), len(done), done, peak[0], *probed)


def raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (min(needed, hard) if hard != resource.RLIM_INFINITY else needed, hard)
        )


# --- The run


def main() -> int:
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            print(
                f"deploy-smoke: {tool} is not installed (make deploy-smoke installs it with apt-get)", file=sys.stderr
            )
            return 2
    # New-URL runs: the warm-up, one a round and the kill's, each RUN_SPACING further on; the
    # checks' own URLs use offsets from 9,000 up (g of 900,000 and more), which no run reaches.
    if (ROUNDS + 2) * RUN_SPACING > 900_000:
        print("deploy-smoke: DEPLOY_SMOKE_ROUNDS may be at most 7 (the new URLs would repeat)", file=sys.stderr)
        return 2
    cast(io.TextIOWrapper, sys.stdout).reconfigure(line_buffering=True)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    raise_file_limit(SLOW_CLIENTS + SLOW_DIRECT + 1024)
    started = time.monotonic()
    checks: list[tuple[bool, str]] = []

    with tempfile.TemporaryDirectory(prefix="deploy-smoke-") as tmp_dir:
        tmp = Path(tmp_dir)
        tmp.chmod(0o755)  # nginx's workers (nobody, when started as root) write the cache under it
        # A database of its own, seeded as make seed does: what the checkout's data/ holds, or a
        # reseed of it meanwhile, cannot change what is served.
        env = {"DATABASE_URL": f"sqlite:///{tmp / 'ports.db'}"}
        subprocess.run([sys.executable, "-m", "app.seed"], cwd=ROOT, env={**os.environ, **env}, check=True)
        script = tmp / "new_urls.lua"
        script.write_text(WRK_SCRIPT)
        runs = Runs(script)
        processes: list[Server | Nginx] = []
        try:
            replicas = [Replica(f"replica-{i}", env, tmp) for i in (1, 2)]
            single = Replica("single", env, tmp)
            processes += [*replicas, single]
            for server in (*replicas, single):
                server.wait_ready()
            state = tmp / "nginx"
            state.mkdir(mode=0o755)
            nginx = Nginx(state, replicas)
            processes.append(nginx)
            nginx.wait_ready()
            print(f"== {nginx.test_output.splitlines()[-1]}")
            print(
                f"== nginx {nginx_version()} on :{nginx.port}; replicas on :{replicas[0].port} and :{replicas[1].port}; one uvicorn on :{single.port}"
            )

            print("== 1. the cache and the limits")
            cache_checks = check_cache(nginx)
            for ok, text in cache_checks:
                print(f"   {'ok  ' if ok else 'FAIL'} {text}")
            checks.append(
                (
                    all(ok for ok, _ in cache_checks),
                    f"cache and limits: {sum(ok for ok, _ in cache_checks)} of {len(cache_checks)} checks",
                )
            )

            fresh = f"/v1/observations?limit=7&offset={9_999}"
            first, second = request(nginx.port, fresh), request(nginx.port, fresh)
            print(
                f"   a new URL through nginx: {first.headers.get('x-cache-status')}, then {second.headers.get('x-cache-status')}"
            )

            print(f"== 2. wrk -t2 -c64, {DURATION} s a run, {ROUNDS} rounds; load average {load_average()}")
            # (url, new URLs, gzip): the cached answer as clients ask for it (gzip) and without
            # Accept-Encoding, and a new URL each time.
            kinds: dict[str, tuple[str, bool, bool]] = {
                "cached": (CACHED, False, True),
                "identity": (CACHED, False, False),
                "new": ("/", True, False),
            }
            servers: dict[str, Nginx | Server] = {"nginx": nginx, "single": single}
            targets = {
                (name, kind): (server.url(path), new_urls, zipped)
                for kind, (path, new_urls, zipped) in kinds.items()
                for name, server in servers.items()
            }
            for url, new_urls, zipped in targets.values():
                runs.wrk(url, 1, new_urls, zipped)  # warm-up: connections, page cache, nginx's cache of CACHED
            results: dict[tuple[str, str], list[WrkResult]] = {key: [] for key in targets}
            # What is compared runs side by side; each round starts with another block, and every
            # other round runs each block backwards, as make bench does.
            blocks = [[("nginx", kind), ("single", kind)] for kind in kinds]
            for round_ in range(ROUNDS):
                shift = round_ % len(blocks)
                for block in blocks[shift:] + blocks[:shift]:
                    for key in block if round_ % 2 == 0 else block[::-1]:
                        url, new_urls, zipped = targets[key]
                        result = runs.wrk(url, DURATION, new_urls, zipped)
                        results[key].append(result)
                        print(
                            f"   round {round_ + 1}/{ROUNDS} {key[0]:<6} {key[1]:<8} {result['rps']:>9.0f} req/s"
                            f"  p99 {result['p99']:7.2f} ms  non-2xx/3xx {result['bad_status']}  {result['socket_detail']}".rstrip()
                        )

            print(
                f"== 3. replica 1 SIGKILLed at 2 s of a {KILL_RUN} s wrk run (half cached, half new URLs), restarted at 4 s"
            )
            killed = replicas[0]
            log_before = nginx.error_log.stat().st_size
            wrk = subprocess.Popen(
                runs.command(nginx.url("/"), KILL_RUN, True, True),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            time.sleep(2)
            killed.kill()
            time.sleep(2)
            killed.respawn()
            back_after = killed.wait_ready()
            out, err = wrk.communicate(timeout=KILL_RUN + 30)
            kill_run = parse_and_check(subprocess.CompletedProcess(wrk.args, wrk.returncode, out, err), True)
            with nginx.error_log.open() as log:
                log.seek(log_before)
                failed_attempts = sum(f":{killed.port}" in line for line in log)
            lost = kill_run["bad_status"] + kill_run["socket_errors"]
            total = requests_made(out)
            print(
                f"   {total} requests, {kill_run['rps']:.0f} req/s, p99 {kill_run['p99']:.1f} ms;"
                f" nginx logged {failed_attempts} failed attempts on the killed replica, each sent on to the other;"
                f" the replica answered /healthz again {back_after:.1f} s after its restart, {2 + back_after:.1f} s after the kill"
            )
            time.sleep(5.5)  # its fail_timeout: then nginx sends it requests again
            before = established({killed.port})
            for i in range(20):
                request(nginx.port, f"/v1/observations?limit=3&offset={9_000 + i}")
            rejoined = established({killed.port}) > 0 or before > 0
            checks.append((lost == 0, f"failed requests while a replica was killed: {lost} (of {total})"))
            checks.append((rejoined, "the restarted replica takes requests from nginx again"))

            timeout = header_timeout()
            wait = timeout + 5
            print(
                f"== 4. {SLOW_CLIENTS} slow-header connections to nginx (client_header_timeout {timeout:g} s), up to {wait:g} s"
            )
            replica_ports = {r.port for r in replicas}
            slow = asyncio.run(slow_clients(nginx.port, SLOW_CLIENTS, wait, replica_ports))
            print(
                f"   opened {slow.opened}; reaching the replicas at the peak: {slow.peak_replica_connections};"
                f" /healthz through nginx meanwhile: {slow.probe_status} in {slow.probe_ms:.1f} ms;"
                f" closed by nginx: {slow.closed}, after a median {median(slow.close_seconds):.1f} s"
            )
            print(f"== 4b. for comparison: {SLOW_DIRECT} of them straight to the single uvicorn, {wait:g} s")
            direct = asyncio.run(slow_clients(single.port, SLOW_DIRECT, wait, {single.port}, probe=False))
            print(
                f"   opened {direct.opened}; held by uvicorn: {direct.peak_replica_connections}; closed by uvicorn: {direct.closed}"
            )
            checks.append(
                (
                    slow.opened == SLOW_CLIENTS
                    and slow.peak_replica_connections == 0
                    and slow.closed == slow.opened
                    and slow.probe_status == 200,
                    f"slow-header connections reaching the replicas: {slow.peak_replica_connections}"
                    f" ({slow.opened} of {SLOW_CLIENTS} opened, {slow.closed} closed by nginx after a median"
                    f" {median(slow.close_seconds):.1f} s, /healthz meanwhile {slow.probe_status} in {slow.probe_ms:.1f} ms)",
                )
            )
        finally:
            for process in processes:
                process.stop()

    checks = report(results, checks, kill_run, time.monotonic() - started, direct)
    return 0 if all(ok for ok, _ in checks) else 1


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def nginx_version() -> str:
    done = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    return done.stderr.strip().rpartition("/")[2]


def report(
    results: dict[tuple[str, str], list[WrkResult]],
    checks: list[tuple[bool, str]],
    kill_run: WrkResult,
    seconds: float,
    direct: SlowResult,
) -> list[tuple[bool, str]]:
    """Prints the summary; returns every check, the ratio's included."""

    def med(key: tuple[str, str], measure: Literal["rps", "p99"]) -> float:
        return statistics.median(run[measure] for run in results[key])

    def ratio(kind: str) -> float:
        pairs = zip(results["nginx", kind], results["single", kind], strict=True)
        return statistics.median(a["rps"] / b["rps"] for a, b in pairs)

    cached, identity, new = ratio("cached"), ratio("identity"), ratio("new")
    errors = sum(r["bad_status"] + r["socket_errors"] for runs in results.values() for r in runs)
    print()
    print(
        f"deploy-smoke summary: nginx {nginx_version()} with deploy/nginx.conf.template, 2 replicas of 1 uvicorn worker"
        f" each, against 1 uvicorn worker alone; wrk -t2 -c64, {DURATION} s a run, median of {ROUNDS} rounds;"
        f" {os.cpu_count()} cores shared by wrk, nginx and the servers; load average after: {load_average()}; {seconds:.0f} s in all"
    )
    print("| | nginx + 2 replicas | one uvicorn | ratio |")
    print("| --- | --- | --- | --- |")
    rows = (
        ("cached", f"cached answer ({CACHED}, gzip)"),
        ("identity", f"cached answer ({CACHED}, no Accept-Encoding)"),
        ("new", "uncached answers (a new URL each)"),
    )
    for kind, text in rows:
        print(
            f"| {text}: req/s | {med(('nginx', kind), 'rps'):,.0f} | {med(('single', kind), 'rps'):,.0f} |"
            f" {ratio(kind):.2f}x |"
        )
        print(f"| {text}: p99 | {med(('nginx', kind), 'p99'):.2f} ms | {med(('single', kind), 'p99'):.2f} ms | |")
    print(f"| errors in these runs | {errors} | | |")
    print(f"| replica 1 killed under load: req/s, p99 | {kill_run['rps']:,.0f}, {kill_run['p99']:.1f} ms | | |")
    print()
    print(f"cached answers: {cached:.2f}x one uvicorn")
    print(f"cached answers without Accept-Encoding (wrk's default): {identity:.2f}x one uvicorn")
    print(f"uncached answers: {new:.2f}x one uvicorn")
    for _, text in checks:
        print(text)
    print(
        f"for comparison, {direct.opened} slow-header connections straight to one uvicorn: {direct.peak_replica_connections}"
        f" held, {direct.closed} closed by it within the wait"
    )
    print()
    checks = [(cached >= TARGET_RATIO, f"cached answers >= {TARGET_RATIO:g}x one uvicorn: {cached:.2f}x"), *checks]
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text.partition(' (')[0]}")
    return checks


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("deploy-smoke: interrupted", file=sys.stderr)
        sys.exit(130)
