"""Headers every answer carries: no sniffing, a strict CSP, open CORS for reading, no server banner."""

import pytest

URLS = ["/v1/ports", "/v1/ports/atlantis", "/docs", "/redoc", "/static/redoc/redoc.standalone.js", "/nope"]


@pytest.mark.parametrize("url", URLS)
def test_security_headers_on_every_answer(client, url):
    headers = client.get(url).headers
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp
    assert "server" not in headers


def test_cors_allows_reading_from_any_origin(client):
    response = client.get("/v1/ports", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()


def test_cors_preflight(client):
    response = client.options(
        "/v1/observations",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_cors_does_not_allow_writes(client):
    response = client.options(
        "/v1/observations",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "Disallowed CORS method" in response.json()["detail"]

