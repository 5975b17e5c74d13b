"""The design that keeps every cost flat, proven on a synthetic dataset small enough for `make test`:
every query a route runs is an index search in list order, never a scan of the table or a sort;
cursor pages return every item once; embedded lists are capped; the bulk CSV is the CSV pages end
to end; a download cut off leaves the server serving. `make bench-scale` measures the same at a
million observations."""

import csv
import io
import re
import socket
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
from sqlmodel import SQLModel

from app.main import create_app
from app.settings import Settings
from tests.helpers import assert_problem
from tests.perf.synthetic import build
from tests.server import uvicorn_server

# 40 series of 300 months, four metrics at each of ten ports (kakaka, kakaro, kakatu, ...): more
# than a period filter counts (app.dataset.MAX_COUNT).
OBSERVATIONS = 12_000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "ports.db"
    build(OBSERVATIONS, path)
    return path


@pytest.fixture(scope="module")
def app(synthetic: Path) -> FastAPI:
    return create_app(Settings(database_url=f"sqlite:///{synthetic}"))


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def statements(app: FastAPI, client: TestClient, url: str) -> list[tuple[str, Any]]:
    """Every SQL statement the app runs to answer `url`, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(
        _connection: Connection,
        _cursor: DBAPICursor,
        statement: str,
        parameters: Any,  # whatever the DB-API driver is given: a sequence or a mapping
        _context: ExecutionContext | None,
        _executemany: bool,
    ) -> None:
        seen.append((statement, parameters))

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    assert response.status_code == 200, (url, response.text)
    return seen


TABLES = {table.name for table in SQLModel.metadata.sorted_tables}
_INDEX = re.compile(r"USING (?:COVERING )?INDEX (\w+)|USING (?:INTEGER )?PRIMARY KEY")
# The end of a WHERE clause in the SQL that SQLAlchemy writes.
_AFTER_WHERE = re.compile(r" ORDER BY | GROUP BY | LIMIT |\)? UNION ALL |$")


def _where_columns(sql: str, table: str) -> set[str]:
    """The columns of `table` that the WHERE clauses of `sql` test, named with or without the table."""
    columns: set[str] = set()
    for clause in sql.split(" WHERE ")[1:]:
        where = clause[: _AFTER_WHERE.search(clause).start()]  # type: ignore[union-attr]  # "$" always matches
        columns |= {
            word
            for name, word in re.findall(r"(?:\b(\w+)\.)?\b(\w+)\b", where)
            if name == table or (not name and word in SQLModel.metadata.tables[table].columns)
        }
    return columns


def _index_columns(database: sqlite3.Connection, table: str, step: str) -> set[str]:
    """The columns of the index a plan step walks: a named index, or the table's primary key."""
    match = _INDEX.search(step)
    assert match, step
    if match[1]:
        return {row[2] for row in database.execute(f"PRAGMA index_info({match[1]})")}
    return {row[1] for row in database.execute(f'PRAGMA table_info("{table}")') if row[5]} | {"rowid"}


def plan_problems(database: sqlite3.Connection, sql: str, parameters: Any) -> list[str]:
    """What in SQLite's plan for `sql` could read past one page of rows: a sort of what it found, a
    scan of a table under a condition or without a LIMIT, or an index walked under a condition on a
    column the index does not hold, which SQLite can only test by reading rows the page may not keep.

    Each SELECT of a compound statement (UNION ALL) is held to the step SQLite plans for it."""
    plan = [row[-1] for row in database.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
    sql = " ".join(sql.split())  # SQLAlchemy breaks its lines before FROM, WHERE, ...
    steps = [step for step in plan if step.startswith(("SCAN", "SEARCH")) and step.split()[1] in TABLES]
    selects = sql.split(" UNION ALL ")
    problems = [f"{step}: sorts" for step in plan if "TEMP B-TREE" in step]
    for i, step in enumerate(steps):
        table = step.split()[1]
        tested = _where_columns(selects[i] if len(selects) == len(steps) else sql, table)
        if step.startswith("SCAN"):
            if tested or "LIMIT" not in sql:
                problems.append(
                    f"{step}: a scan, under {sorted(tested)}" if tested else f"{step}: a scan with no LIMIT"
                )
        elif missing := tested - _index_columns(database, table, step):
            problems.append(f"{step}: tests {sorted(missing)}, which the index does not hold")
    problems += [f"{step}: a scan with no LIMIT" for step in plan if step.startswith("SCAN") and "LIMIT" not in sql]
    known = ("SEARCH", "SCAN", "MERGE", "LEFT", "RIGHT", "COMPOUND", "LIST SUBQUERY", "CO-ROUTINE", "USE TEMP")
    problems += [f"unexpected step {step!r}" for step in plan if not step.startswith(known)]
    return problems


# The question each route asks, with and without a cursor and a period.
ROUTE_URLS = [
    "/v1/observations", "/v1/observations?after=2010-01-31~kakaka-cargo-tonnage-2010-01",
    "/v1/observations?port=kakaka", "/v1/observations?port=Какака&after=2010-01-31~x",
    "/v1/observations?metric=cargo_tonnage", "/v1/observations?metric=cargo_tonnage&after=2010-01-31~x",
    "/v1/observations?port=kakaka&metric=freight_trains", "/v1/observations?port=kakaka&metric=freight_trains&after=2010-01-31~x",
    "/v1/observations?period_from=2010-01-01&period_to=2010-01-31",
    "/v1/observations?period_from=2010-01-01&period_to=2010-01-31&after=2010-01-31~x",
    "/v1/observations?metric=freight_trains&period_from=2010-01-01&period_to=2010-12-31",
    "/v1/observations?metric=freight_trains&period_from=2010-01-01&after=2010-06-30~x",
    "/v1/observations?port=kakaka&period_from=2010-01-01", "/v1/observations?period_to=2003-01-31",
    "/v1/observations?port=kakaka&metric=cargo_tonnage&period_from=2010-01-01&period_to=2011-01-01",
    "/v1/observations?limit=1000&format=csv",
    "/v1/observations/kakaka-cargo-tonnage-2010-01", "/v1/observations/kakaka-cargo-tonnage-2010-01/citation",
    "/v1/ports", "/v1/ports?after=kakaka", "/v1/ports/卡卡卡", "/v1/ports/kakaka/metrics/cargo_tonnage",
    "/v1/metrics", "/v1/metrics/cargo_tonnage", "/v1/sources", "/v1/sources?after=synthetic-bulletin-2010-01",
    "/v1/sources/synthetic-bulletin-2010-01", "/v1/sources/synthetic-bulletin-2010-01/view", "/healthz",
    "/v1/ports/kakaka/metrics/cargo_tonnage/series", "/v1/ports/kakaka/metrics/cargo_tonnage/series?after=2010-01-31~",
    "/v1/ports/kakaka/metrics/freight_trains/series.csv?after=2010-01-31~2010-01-01&limit=1000",
    "/v1/ports/Какака/metrics/cargo_tonnage/series.svg", "/v1/ports/kakaka/metrics/cargo_tonnage/series.svg?after=2020-01-31~",
]  # fmt: skip


@pytest.mark.parametrize("url", ROUTE_URLS)
def test_every_query_reads_one_page_at_most(app: FastAPI, client: TestClient, synthetic: Path, url: str) -> None:
    """EXPLAIN QUERY PLAN of every statement the route runs (plan_problems): each table is reached
    through an index that holds every column the statement tests, in the order the list is cut,
    never by a sort; the only scan of a table is the first page of an unfiltered list, which walks
    the index in list order and which LIMIT stops after one page."""
    database = sqlite3.connect(f"file:{synthetic}?mode=ro", uri=True)
    for statement, parameters in statements(app, client, url):
        assert plan_problems(database, statement, parameters) == [], (url, statement)
    database.close()


@pytest.mark.parametrize(
    "sql",
    [
        # A filter added as a plain WHERE, as a contributor might add ?qualifier=: without an index of
        # its own, SQLite walks the list's index and reads rows until a page of them matches.
        "SELECT id FROM observation WHERE qualifier = 'exact' ORDER BY period_end, id LIMIT 101",
        "SELECT id FROM observation WHERE port_id = 'kakaka' AND qualifier = 'exact' ORDER BY period_end, id LIMIT 101",
        "SELECT id FROM observation ORDER BY value LIMIT 101",  # a sort
        "SELECT id FROM observation WHERE value > 5",  # no LIMIT
    ],
)
def test_the_plan_check_fails_a_query_that_reads_past_one_page(synthetic: Path, sql: str) -> None:
    database = sqlite3.connect(f"file:{synthetic}?mode=ro", uri=True)
    assert plan_problems(database, sql, ()) != []
    database.close()


def overlaps(row: sqlite3.Row, period_from: str | None, period_to: str | None) -> bool:
    start, end = row["period_start"], row["period_end"]
    return (period_from is None or end >= period_from) and (period_to is None or start is None or start <= period_to)


def expected_ids(
    synthetic: Path,
    port: str | None = None,
    metric: str | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> list[str]:
    """The list, computed straight from the table with no index and no cleverness."""
    database = sqlite3.connect(f"file:{synthetic}?mode=ro", uri=True)
    database.row_factory = sqlite3.Row
    rows = database.execute("SELECT id, port_id, metric_id, period_start, period_end FROM observation").fetchall()
    database.close()
    kept = [
        r
        for r in rows
        if (port is None or r["port_id"] == port)
        and (metric is None or r["metric_id"] == metric)
        and overlaps(r, period_from, period_to)
    ]
    return [r["id"] for r in sorted(kept, key=lambda r: (r["period_end"], r["id"]))]


def follow(client: TestClient, url: str | None) -> tuple[list[str], set[int | None]]:
    """Every item of a list, following links.next to the end, and the pages' totals."""
    ids: list[str] = []
    totals: set[int | None] = set()
    while url:
        body = client.get(url).json()
        ids += [item["id"] for item in body["items"]]
        totals.add(body["total"])
        url = body["links"].get("next")
    return ids, totals


@pytest.mark.parametrize(
    "filters",
    [
        {}, {"port": "kakaka"}, {"metric": "freight_trains"}, {"port": "kakaka", "metric": "vehicle_crossings"},
        {"period_from": "2010-01-01", "period_to": "2010-03-31"}, {"period_to": "2001-06-30"},
        {"metric": "freight_trains", "period_from": "2024-06-01"}, {"port": "kakaro", "period_from": "2020-12-01", "period_to": "2020-12-31"},
    ],
)  # fmt: skip
def test_following_next_returns_every_item_once_in_order(
    client: TestClient, synthetic: Path, filters: dict[str, str]
) -> None:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    ids, totals = follow(client, f"/v1/observations?limit=97&{query}")
    period = {k: date.fromisoformat(v) for k, v in filters.items() if k.startswith("period")}
    expected = expected_ids(
        synthetic, filters.get("port"), filters.get("metric"), str(period.get("period_from") or "") or None,
        str(period.get("period_to") or "") or None,
    )  # fmt: skip
    assert expected, "the filter should find something"
    assert ids == expected
    assert totals == {len(expected)}


def test_pages_of_ports_and_sources_follow_next_to_the_end(client: TestClient) -> None:
    ports, totals = follow(client, "/v1/ports?limit=300")
    assert len(ports) == len(set(ports)) == 800 and totals == {800}
    assert ports == sorted(ports)
    sources, _ = follow(client, "/v1/sources?limit=7")
    assert len(sources) == len(set(sources)) == 300  # one bulletin a month


def test_next_is_also_a_link_header_and_relative(client: TestClient) -> None:
    response = client.get("/v1/observations?port=kakaka&limit=2&offset=3")
    next_link = response.json()["links"]["next"]
    assert next_link.startswith("/v1/observations?port=kakaka&limit=2&after=")
    assert "offset" not in next_link  # the cursor replaces the offset
    assert response.headers["link"] == f'<{next_link}>; rel="next"'
    assert response.json()["links"]["self"] == "/v1/observations?port=kakaka&limit=2&offset=3"
    csv_page = client.get("/v1/observations?port=kakaka&limit=2&format=csv")
    assert re.fullmatch(
        r'</v1/observations\?port=kakaka&limit=2&format=csv&after=[^>]+>; rel="next"', csv_page.headers["link"]
    )
    first = client.get("/v1/observations?port=kakatu&limit=1000").json()  # 1,200 in all
    last = client.get(first["links"]["next"])
    assert len(last.json()["items"]) == 200
    assert last.json()["links"]["next"] is None
    assert "link" not in last.headers


def test_offset_still_skips_items(client: TestClient) -> None:
    everything = client.get("/v1/observations?port=kakaka&limit=20").json()["items"]
    page = client.get("/v1/observations?port=kakaka&limit=5&offset=10").json()
    assert page["items"] == everything[10:15]
    assert page["offset"] == 10


def test_a_period_matching_more_than_can_be_counted_has_a_null_total(client: TestClient) -> None:
    body = client.get("/v1/observations?period_from=2001-01-01&limit=1").json()
    assert body["total"] is None and body["links"]["next"]


@pytest.mark.parametrize(
    "url, where", [("/v1/ports/kakaka", {"port": "kakaka"}), ("/v1/metrics/cargo_tonnage", {"metric": "cargo_tonnage"})]
)
def test_details_embed_one_page_and_say_how_many(
    client: TestClient, synthetic: Path, url: str, where: dict[str, str]
) -> None:
    body = client.get(url).json()
    expected = expected_ids(synthetic, where.get("port"), where.get("metric"))
    assert len(expected) > 100
    assert [o["id"] for o in body["observations"]] == expected[:100]
    assert body["observations_total"] == len(expected)
    assert body["links"]["observations"] == "/v1/observations?" + "&".join(f"{k}={v}" for k, v in where.items())


def test_a_404_does_not_list_800_ids(client: TestClient) -> None:
    response = client.get("/v1/ports/atlantis")
    assert response.status_code == 404
    body = response.json()
    assert "valid_values" not in body
    assert "800" in body["detail"] and "/v1/ports" in body["detail"]


def test_the_bulk_csv_is_the_csv_pages_end_to_end(client: TestClient) -> None:
    pages: list[str] = []
    url: str | None = "/v1/observations?format=csv&limit=1000"
    while url:
        response = client.get(url)
        pages.append(response.text)
        url = (
            cast(re.Match[str], re.match(r"<([^>]+)>", response.headers["link"]))[1]
            if "link" in response.headers
            else None
        )
    header = pages[0].split("\r\n", 1)[0]
    concatenated = pages[0] + "".join(page.removeprefix(header + "\r\n") for page in pages[1:])
    bulk = client.get("/v1/downloads/observations.csv")
    assert bulk.status_code == 200
    assert bulk.headers["content-type"].startswith("text/csv")
    assert bulk.text == concatenated
    assert len(list(csv.reader(io.StringIO(bulk.text)))) == OBSERVATIONS + 1


def test_downloads_carry_the_datasets_etag(client: TestClient, synthetic: Path) -> None:
    version = client.get("/healthz").json()["dataset_version"]
    for url in ("/v1/downloads/observations.csv", "/v1/downloads/ports.db"):
        etag = client.get(url).headers["etag"]
        assert version[:32] in etag
        not_modified = client.get(url, headers={"If-None-Match": etag})
        assert (not_modified.status_code, not_modified.content) == (304, b"")
    database = client.get("/v1/downloads/ports.db")
    assert database.content == synthetic.read_bytes()


def test_the_database_download_resumes_with_range(client: TestClient, synthetic: Path) -> None:
    part = client.get("/v1/downloads/ports.db", headers={"Range": "bytes=4096-8191"})
    assert part.status_code == 206
    assert part.content == synthetic.read_bytes()[4096:8192]
    etag = client.get("/v1/downloads/ports.db").headers["etag"]
    resumed = client.get("/v1/downloads/ports.db", headers={"Range": "bytes=100-", "If-Range": etag})
    assert (resumed.status_code, resumed.content) == (206, synthetic.read_bytes()[100:])


def test_a_range_outside_the_file_is_a_416_problem(client: TestClient, synthetic: Path) -> None:
    size = synthetic.stat().st_size
    response = client.get("/v1/downloads/ports.db", headers={"Range": f"bytes={size + 10}-"})
    assert "outside the file" in assert_problem(response, 416)["detail"]
    assert response.headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize("range_", ["bytes=abc", "bytes=5-2", "items=0-1", "bytes="])
def test_a_range_that_cannot_be_used_gets_the_whole_file(client: TestClient, synthetic: Path, range_: str) -> None:
    """RFC 9110, 14.2: a Range in an unknown unit is ignored, and an invalid one may be."""
    response = client.get("/v1/downloads/ports.db", headers={"Range": range_})
    assert (response.status_code, response.content) == (200, synthetic.read_bytes())


def test_the_downloads_answer_head(client: TestClient) -> None:
    for url in ("/v1/downloads/observations.csv", "/v1/downloads/ports.db"):
        get, head = client.get(url), client.head(url)
        assert head.status_code == 200 and head.content == b"", url
        assert head.headers["etag"] == get.headers["etag"], url
        assert head.headers["content-type"] == get.headers["content-type"], url


def test_a_killed_download_leaves_the_server_serving(synthetic: Path, tmp_path: Path) -> None:
    with uvicorn_server(synthetic, tmp_path / "server.log") as port:
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port)) as connection:
                connection.sendall(b"GET /v1/downloads/observations.csv HTTP/1.1\r\nHost: x\r\n\r\n")
                assert connection.recv(65536).startswith(b"HTTP/1.1 200")
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            # closed with a reset, mid-stream
        for url in ("/healthz", "/v1/observations?port=kakaka", "/v1/downloads/observations.csv"):
            assert httpx.get(f"http://127.0.0.1:{port}{url}", timeout=30).status_code == 200
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_csv_rows_hold_the_values_of_the_json_items(client: TestClient) -> None:
    """CSV is written from the rows without a model per row: the two projections must agree."""
    items = client.get("/v1/observations?limit=1000&after=2010-01-31~").json()["items"]
    rows = list(
        csv.DictReader(io.StringIO(client.get("/v1/observations?limit=1000&after=2010-01-31~&format=csv").text))
    )
    assert len(rows) == len(items) == 1000
    for item, row in zip(items, rows, strict=True):
        flat = {
            **item,
            "source_id": item["source"]["id"],
            "quote": item["source"]["quote"],
            "quote_start": item["source"]["start"],
            "quote_end": item["source"]["end"],
        }
        assert row == {name: "" if flat[name] is None else str(flat[name]) for name in row}, item["id"]


@pytest.mark.parametrize("metric", ["vehicle_crossings", "cargo_tonnage"])
def test_a_series_follows_next_to_its_end_in_order(client: TestClient, synthetic: Path, metric: str) -> None:
    """The synthetic series hold year-to-date runs (vehicle crossings, whose months are derived) and
    restated figures (cargo tonnage, two sources for some months); a series' pages end to end are
    its points, each once, in list order."""
    database = sqlite3.connect(f"file:{synthetic}?mode=ro", uri=True)
    expected = database.execute(
        "SELECT period_end, start_key, kind FROM series_point WHERE port_id = 'kakaka' AND metric_id = ?", (metric,)
    ).fetchall()
    database.close()
    kinds = {kind for _, _, kind in expected}
    assert kinds == ({"stated", "derived"} if metric == "vehicle_crossings" else {"stated"})
    seen: list[tuple[str, str, str]] = []
    restated: list[dict[str, Any]] = []  # points resting on a figure and its restatement
    url: str | None = f"/v1/ports/kakaka/metrics/{metric}/series?limit=37"
    while url:
        body = client.get(url).json()
        assert body["total"] == len(expected)
        seen += [(p["period_end"], p["period_start"] or "", p["kind"]) for p in body["items"]]
        assert all(p["warning"] is None for p in body["items"])  # the statements are all true of one truth
        restated += [
            p
            for p in body["items"]
            if len({ref["id"].removesuffix("-restated") for ref in p["statements"]}) < len(p["statements"])
        ]
        url = body["links"].get("next")
    assert seen == sorted(expected)
    assert bool(restated) == (metric == "cargo_tonnage")
