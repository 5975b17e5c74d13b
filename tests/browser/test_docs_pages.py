"""The docs pages work in a real browser: Debian's Chromium, driven by Playwright, against the
real app under uvicorn serving a real seeded database. They must need nothing from outside the
app's own origin, and must log no errors. Each page's screenshot goes to test-artifacts/."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from tests.browser.conftest import ARTIFACTS
from tests.helpers import FIGURES, sources

TITLE = "Xinjiang land port statistics"
SOURCES = "/v1/sources"  # where the description sends readers for the articles
ALATAW = "alataw-cargo-tonnage-2023-01"
SUMMARIES = ["List the ports", "One port's figures for one metric", "List and filter the observations"]


class Watched:
    """A page whose every request, and every sign of trouble, is written down."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url} {request.failure}"))
        page.on("response", self.on_response)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def assert_clean(self) -> None:
        """Everything came from the app itself, and nothing went wrong."""
        self.page.wait_for_load_state("networkidle")  # late requests count too
        # ReDoc runs its search in a worker made from a blob: URL, which belongs to the page's own origin.
        own = (self.base_url + "/", "blob:" + self.base_url + "/")
        outside = [url for url in self.requests if not url.startswith(own)]
        assert not outside, f"requests outside {self.base_url}: {outside}"
        assert not self.problems, self.problems


@pytest.fixture
def watched(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Watched]:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(15_000)
    watched = Watched(page, live_server)
    yield watched
    # Taken after the test, passed or failed: a failure is when the picture helps most.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    page.close()


def test_swagger_ui_says_what_the_api_is(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base_url + "/docs")
    info = page.locator(".swagger-ui .information-container")
    expect(info.locator(".title")).to_contain_text(TITLE)
    expect(info).to_contain_text(SOURCES)
    for tag in ("ports", "metrics", "observations", "sources", "health"):
        expect(page.locator(f'.opblock-tag[data-tag="{tag}"]')).to_be_visible()
    for summary in SUMMARIES:
        expect(page.get_by_text(summary, exact=True)).to_be_visible()
    watched.assert_clean()


def test_swagger_ui_try_it_out_shows_the_figure(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base_url + "/docs")
    operation = page.locator(".opblock").filter(has=page.locator('[data-path="/v1/ports/{port}/metrics/{metric}"]'))
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    figure = FIGURES[ALATAW]
    operation.locator('tr[data-param-name="port"] input').fill(str(figure["port"]))
    operation.locator('tr[data-param-name="metric"] input').fill(str(figure["metric"]))
    operation.get_by_role("button", name="Execute").click()
    response = operation.locator(".live-responses-table tr.response")  # the server's answer, not the documented ones
    expect(response.locator(".response-col_status")).to_have_text("200")
    expect(response).to_contain_text(f'"value": {figure["value"]}')
    expect(response).to_contain_text(f'"value_text": "{figure["value_text"]}"')
    watched.assert_clean()


def test_redoc_says_what_the_api_is_and_renders_the_operations(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base_url + "/redoc")
    expect(page.locator("h1").first).to_contain_text(TITLE)
    expect(page.locator(".api-info")).to_contain_text(SOURCES)
    for summary in SUMMARIES:
        # Each operation appears in the side menu and as its own heading.
        expect(page.locator("h2", has_text=summary).first).to_be_visible()
    watched.assert_clean()


def test_redoc_shows_the_licence_whole_and_not_as_a_dead_link(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base_url + "/redoc")
    licence = page.locator(".api-info span", has_text="License:")
    expect(licence).to_have_text("License: MIT")
    expect(licence.locator("a")).to_have_count(0)
    assert licence.evaluate("e => e.scrollWidth <= e.clientWidth")  # not clipped
    watched.assert_clean()


@pytest.mark.parametrize("path", ["/docs", "/redoc", f"/v1/sources/{sources()[0].id}/view", "/v1/ports"])
def test_every_page_has_an_icon_from_the_app(watched: Watched, path: str) -> None:
    """Pages name their icon; anything else (a JSON answer) gets /favicon.ico. Watched fails the
    test on any 404, the browser's own request for an icon included."""
    page = watched.page
    page.goto(watched.base_url + path)
    icon = page.evaluate("document.querySelector('link[rel=icon]')?.href ?? location.origin + '/favicon.ico'")
    response = page.request.get(icon)
    assert response.status == 200 and response.headers["content-type"].startswith("image/"), icon
    watched.assert_clean()
