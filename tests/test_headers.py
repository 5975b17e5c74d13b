"""Headers every answer carries: no sniffing, a strict CSP, open CORS for reading, no server banner."""

import os
import subprocess

import httpx
import pytest

from app.settings import PROJECT_ROOT
from tests.server import free_port, wait_until_up

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


def test_make_run_serves_without_a_server_banner(tmp_path):
    """The newcomer path itself: `make run` seeds and serves, and says nothing of its software."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp_path}/ports.db"}
    server = subprocess.Popen(["make", "-s", "run"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        response = wait_until_up(port, server, timeout=60)
        assert response.status_code == 200
        assert "server" not in response.headers
        assert httpx.get(f"http://127.0.0.1:{port}/v1/ports/horgos").json()["observations"] == []
    finally:
        server.terminate()
        server.communicate(timeout=10)
