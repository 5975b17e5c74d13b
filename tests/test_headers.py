"""Headers every answer carries: no sniffing, a strict CSP, open CORS for reading, no server banner."""

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.helpers import assert_problem

URLS = ["/v1/ports", "/v1/ports/atlantis", "/docs", "/redoc", "/static/redoc/redoc.standalone.js", "/nope"]


@pytest.mark.parametrize("url", URLS)
def test_security_headers_on_every_answer(client: TestClient, url: str) -> None:
    headers = client.get(url).headers
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp
    assert "server" not in headers


def test_cors_allows_reading_from_any_origin(client: TestClient) -> None:
    response = client.get("/v1/ports", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()


def test_cors_preflight(client: TestClient) -> None:
    response = client.options(
        "/v1/observations",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_cors_does_not_allow_writes(client: TestClient) -> None:
    response = client.options(
        "/v1/observations",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "DELETE"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "Disallowed CORS method" in response.json()["detail"]


def test_an_options_that_is_no_preflight_is_the_plain_405(client: TestClient) -> None:
    body = assert_problem(client.options("/v1/observations"), 405)
    assert body["detail"] == "This API only reads. Allowed methods: GET, HEAD."


def test_a_500_is_a_problem_with_the_standard_headers_and_its_traceback_is_logged(
    database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A route that exists only in this test app fails: the answer is a problem document with every
    standard header, and the log has the traceback."""
    app = create_app(Settings(database_url=f"sqlite:///{database}"))

    def fail() -> None:
        raise RuntimeError("forced failure for the test")

    app.add_api_route("/v1/fail", fail)
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR):
        response = client.get("/v1/fail")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank", "title": "Internal Server Error", "status": 500, "detail": "Internal error; it has been logged."
    }  # fmt: skip
    for name in ("x-content-type-options", "content-security-policy", "referrer-policy", "access-control-allow-origin"):
        assert name in response.headers, name
    logged = [record for record in caplog.records if record.exc_info]
    assert logged and "unhandled error on GET /v1/fail" in logged[0].getMessage()
    assert "RuntimeError: forced failure for the test" in caplog.text  # the traceback, not "NoneType: None"
