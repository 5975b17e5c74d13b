"""ETags, 304s and Cache-Control: clients can reuse what they have, and what is served from
memory is byte for byte what the routes compute."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.middleware import ResponseCache
from tests.helpers import observations

FIGURE = observations()[0]  # a port and a metric with a figure
URLS = ["/v1/ports", f"/v1/ports/{FIGURE.port_id}", f"/v1/ports/{FIGURE.port_id}/metrics/{FIGURE.metric_id}", "/v1/observations", "/v1/observations?format=csv", "/v1/metrics", "/v1/sources", "/openapi.json", "/docs", "/static/swagger-ui/swagger-ui.css"]  # fmt: skip


@pytest.mark.parametrize("url", URLS)
def test_every_get_has_a_strong_etag_and_a_cache_lifetime(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=3600"


@pytest.mark.parametrize("url", URLS)
def test_if_none_match_gives_304_without_a_body(client: TestClient, url: str) -> None:
    etag = client.get(url).headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(url, headers={"If-None-Match": if_none_match})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_representations_have_their_own_etags(client: TestClient) -> None:
    json_tag = client.get("/v1/observations").headers["etag"]
    csv_tag = client.get("/v1/observations", headers={"Accept": "text/csv"}).headers["etag"]
    assert json_tag != csv_tag
    assert "Accept" in client.get("/v1/observations").headers["vary"]


def response_cache(app: FastAPI) -> ResponseCache:
    # Any: the layers of the middleware stack are ASGI callables of many classes, each with an `app`.
    layer: Any = app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return layer


def test_served_from_memory_is_what_the_routes_compute(app: FastAPI, client: TestClient) -> None:
    """The cache replays the first answer; emptied, it asks the routes again and gets the same bytes."""
    cached = {url: client.get(url) for url in URLS}
    response_cache(app).clear()
    for url in URLS:
        fresh = client.get(url)
        assert fresh.content == cached[url].content, url
        assert fresh.headers["etag"] == cached[url].headers["etag"], url


def test_range_and_conditions_are_answered_from_the_whole_representation(client: TestClient) -> None:
    whole = client.get("/static/swagger-ui/swagger-ui.css")
    for headers in ({"Range": "bytes=0-9"}, {"If-Modified-Since": "Wed, 01 Jan 2100 00:00:00 GMT"}):
        response = client.get("/static/swagger-ui/swagger-ui.css", headers=headers)
        assert response.status_code == 200
        assert response.content == whole.content
        assert response.headers["etag"] == whole.headers["etag"]


def test_the_cache_holds_a_bounded_number_of_bytes(app: FastAPI, client: TestClient) -> None:
    cache = response_cache(app)
    for n in range(30):  # 30 copies of a 1.7 MB file under made-up query strings
        assert client.get(f"/static/swagger-ui/swagger-ui-bundle.js?v={n}").status_code == 200
    assert cache.bytes == sum(entry.size for entry in cache.entries.values())
    assert cache.bytes <= cache.max_bytes


def test_concurrent_first_requests_keep_the_count_of_bytes_right(app: FastAPI, client: TestClient) -> None:  # noqa: ARG001
    """Identical requests that all miss the cache at once (StaticFiles reads in a thread, so they
    interleave) store one entry, and the cache's count of bytes stays the sum of its entries.
    `client` is there for its lifespan: it has opened the database the app serves."""
    cache = response_cache(app)

    async def at_once() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            url = "/static/swagger-ui/swagger-ui-bundle.js?at-once"
            await asyncio.gather(*(http.get(url, headers={"Accept-Encoding": "gzip"}) for _ in range(8)))

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: other tests may leave one running here
        thread.submit(asyncio.run, at_once()).result()
    assert cache.bytes == sum(entry.size for entry in cache.entries.values())


def test_identical_first_requests_are_rendered_once(app: FastAPI, client: TestClient) -> None:  # noqa: ARG001
    """A burst of the same request on a cold cache (a restart under load) costs one rendering:
    the others wait for its answer instead of each taking a thread and a connection."""
    queries: list[str] = []

    def count(*arguments: Any) -> None:
        queries.append(arguments[2])

    async def at_once(url: str, times: int) -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            answers = await asyncio.gather(*(http.get(url) for _ in range(times)))
        assert {answer.status_code for answer in answers} == {200}

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        with ThreadPoolExecutor(1) as thread:  # a loop of its own, as above
            thread.submit(asyncio.run, at_once("/v1/ports?limit=3&burst=1", 1)).result()
            once = len(queries)
            thread.submit(asyncio.run, at_once("/v1/ports?limit=3&burst=8", 8)).result()
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
    assert once > 0 and len(queries) == 2 * once


def test_healthz_must_be_revalidated(client: TestClient) -> None:
    assert client.get("/healthz").headers["cache-control"] == "no-cache"


def test_errors_are_not_cached(client: TestClient) -> None:
    response = client.get("/v1/ports/atlantis")
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers


def test_head_has_the_same_etag(client: TestClient) -> None:
    assert client.head("/v1/ports").headers["etag"] == client.get("/v1/ports").headers["etag"]
