"""ETags, 304s and Cache-Control: clients can reuse what they have, and what is served from
memory is byte for byte what the routes compute."""

import pytest

from app.main import app

URLS = ["/v1/ports", "/v1/ports/bakti", "/v1/ports/alataw/metrics/cargo_tonnage", "/v1/observations", "/v1/observations?format=csv", "/v1/metrics", "/v1/sources", "/openapi.json", "/docs", "/static/swagger-ui/swagger-ui.css"]  # fmt: skip


@pytest.mark.parametrize("url", URLS)
def test_every_get_has_a_strong_etag_and_a_cache_lifetime(client, url):
    response = client.get(url)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=3600"


@pytest.mark.parametrize("url", URLS)
def test_if_none_match_gives_304_without_a_body(client, url):
    etag = client.get(url).headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(url, headers={"If-None-Match": if_none_match})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_representations_have_their_own_etags(client):
    json_tag = client.get("/v1/observations").headers["etag"]
    csv_tag = client.get("/v1/observations", headers={"Accept": "text/csv"}).headers["etag"]
    assert json_tag != csv_tag
    assert "Accept" in client.get("/v1/observations").headers["vary"]


def test_etag_is_the_same_on_every_answer(client):
    first, second = client.get("/v1/ports/bakti"), client.get("/v1/ports/bakti")
    assert first.headers["etag"] == second.headers["etag"]
    assert first.content == second.content


def test_served_from_memory_is_what_the_route_computes(client):
    """The cache keeps the first answer; the routes, asked again directly, give the same bytes."""
    cache = next(m for m in app.user_middleware if m.cls.__name__ == "ResponseCache")
    assert cache  # the cache is in the stack
    for url in URLS[:6]:
        cached = client.get(url).content
        uncached = client.get(url, headers={"Range": "bytes=0-"})  # Range bypasses the cache
        assert uncached.content == cached, url


def test_healthz_must_be_revalidated(client):
    assert client.get("/healthz").headers["cache-control"] == "no-cache"


def test_errors_are_not_cached(client):
    response = client.get("/v1/ports/atlantis")
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers


def test_head_has_the_same_etag(client):
    assert client.head("/v1/ports").headers["etag"] == client.get("/v1/ports").headers["etag"]
