"""The series chart (GET /v1/ports/{port}/metrics/{metric}/series.svg) in a real browser, at desktop
and phone width, under a Content-Security-Policy stricter than the app's own: it draws, every point
links to its statements' permalinks, and the screenshots are kept (test-artifacts/chart-*.png)."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize

from app.main import CONTENT_SECURITY_POLICY
from app.seed import seed
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_source_view import PHONE, STRICT_CSP
from tests.server import uvicorn_server
from tests.test_series import CONFLICT, CONFLICTING, seeds_of, series_articles

DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def series_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the made-up articles of tests/test_series.py, a resolved conflict included."""
    tmp_path = tmp_path_factory.mktemp("chart")
    database = tmp_path / "ports.db"
    seed(seeds_of(tmp_path, *series_articles(), CONFLICT / CONFLICTING, resolutions=True), database)
    with uvicorn_server(database, tmp_path / "server.log", "--no-access-log") as port:
        yield f"http://127.0.0.1:{port}"


def chart_page(browser: Browser, base: str, path: str, viewport: ViewportSize) -> tuple[Page, list[str]]:
    """The chart opened under STRICT_CSP; the messages of anything the policy refused."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    def with_csp(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route(f"{base}{path}", with_csp)
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    return page, refused


CHARTS = [
    ("live", "alataw", "cargo_tonnage"),  # today's seeds: a stated point and its prior year
    ("series", "horgos", "freight_trains"),  # year-to-date totals and the months they imply
    ("series", "alataw", "cargo_tonnage"),  # a conflict a curator resolved
]


@pytest.mark.parametrize("server, port, metric", CHARTS)
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_chart_draws_under_a_strict_policy_and_links_every_point(
    browser: Browser, live_server: str, series_server: str, server: str, port: str, metric: str, width: str
) -> None:
    base = live_server if server == "live" else series_server
    path = f"/v1/ports/{port}/metrics/{metric}/series.svg"
    series = httpx.get(f"{base}/v1/ports/{port}/metrics/{metric}/series").json()["items"]
    viewport = DESKTOP if width == "desktop" else PHONE
    page, refused = chart_page(browser, base, path, viewport)
    try:
        assert refused == []
        assert page.locator("script").count() == 0
        assert page.locator("[style], style").count() == 0
        # One group per point, in the series' order, each linking to its first statement; every
        # further statement has a link of its own.
        groups = page.locator("g.point")
        assert groups.count() == len(series)
        for i, point in enumerate(series):
            hrefs = groups.nth(i).locator("a").evaluate_all("all => all.map(a => a.getAttribute('href'))")
            assert hrefs == [ref["href"] for ref in point["statements"]]
            assert "stated" in (groups.nth(i).get_attribute("class") or "") or point["kind"] == "derived"
        if any(point["resolution"] for point in series):
            assert page.get_by_text("!", exact=True).count() >= 1
        # It fits the window: no scrolling sideways, the drawing as wide as the viewport.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        box = page.locator("svg").bounding_box()
        assert box is not None and box["width"] >= viewport["width"] * 0.9
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=Path(ARTIFACTS) / f"chart-{server}-{port}-{metric}-{width}.png"
        )  # a whole SVG document fits the window
        # A point's link leads to its statement.
        first = series[-1]["statements"][0]["href"]
        with page.expect_navigation():
            groups.nth(len(series) - 1).locator("a").first.locator("rect").click()
        assert page.url == f"{base}{first}"
    finally:
        page.context.close()


def test_the_chart_draws_under_the_apps_own_policy(browser: Browser, live_server: str) -> None:
    """As served, with the app's own Content-Security-Policy header: nothing refused, at phone width."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        response = page.goto(f"{live_server}/v1/ports/alataw/metrics/cargo_tonnage/series.svg")
        assert response is not None and response.status == 200
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert page.locator("g.point").count() >= 1
        assert refused == []
    finally:
        context.close()
