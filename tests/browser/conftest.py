"""Browser tests: the real app under uvicorn on a loopback port, serving a freshly seeded database,
driven by Debian's Chromium through Playwright. No browser is ever downloaded: without
/usr/bin/chromium these tests fail, saying what to install."""

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from app.seed import seed
from app.settings import PROJECT_ROOT
from tests.helpers import SEEDS
from tests.server import free_port, start_server, wait_until_up

if TYPE_CHECKING:  # playwright itself is imported only once Chromium is known to be there
    from playwright.sync_api import Browser, Page, Route

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"  # screenshots, kept by CI
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    # The network is closed: keep Chromium from calling home, so nothing waits on a timeout.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the app, served by uvicorn as in production."""
    database = tmp_path_factory.mktemp("live") / "ports.db"
    seed(SEEDS, database)
    port = free_port()
    # No access log: nobody reads the pipe while the browser runs, and a full pipe would stall the server.
    server = start_server(database, port, "--no-access-log")
    try:
        wait_until_up(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.communicate(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    if not os.access(CHROMIUM, os.X_OK):
        # A failure, not a skip: these tests are part of `make test`, and a skip would hide them.
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium`. "
            "The browser tests never download a browser.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser: "Browser", live_server: str) -> Iterator["Page"]:
    """A fresh page that may only talk to the app: a request anywhere else is blocked, and fails the test."""
    context = browser.new_context()
    outside: list[str] = []

    def only_the_app(route: "Route") -> None:
        if route.request.url.startswith(live_server + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    yield context.new_page()
    context.close()
    assert not outside, f"the page made requests outside the app's origin {live_server}: {outside}"
