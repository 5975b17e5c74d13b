"""The source view in a real browser: every quote highlighted once, each mark linked to its
observation, and each observation's view_href landing on its mark."""

from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Route, ViewportSize

from tests.browser.conftest import ARTIFACTS
from tests.helpers import observation_ids, sources

SOURCE = sources()[0]  # the first article the API lists
PHONE: ViewportSize = {"width": 390, "height": 844}
QUOTED = """marks => marks.map(mark => {
    const link = document.querySelector(`a.obs-link[href$="/${mark.id.slice(4)}"]`);
    const range = document.createRange();
    range.setStartBefore(mark);
    range.setEndBefore(link);
    const quoted = range.cloneContents();
    quoted.querySelectorAll("a.obs-link").forEach(a => a.remove());
    return [mark.id, quoted.textContent];
})"""
# Stricter than the one the app is deployed with: not even inline styles.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'"


@pytest.fixture(scope="module")
def observations(live_server: str) -> list[dict[str, Any]]:
    """The served observations of the article the view shows."""
    items = [httpx.get(f"{live_server}/v1/observations/{id}").json() for id in observation_ids(source=SOURCE.id)]
    assert items
    return items


@pytest.fixture
def view(live_server: str) -> str:
    return f"{live_server}/v1/sources/{SOURCE.id}/view"


def test_every_quote_is_highlighted_exactly_once(
    browser_page: Page, view: str, observations: list[dict[str, Any]]
) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    response = page.goto(view)
    assert response is not None  # goto answers None only for a same-document navigation
    assert response.status == 200

    assert page.locator("script").count() == 0
    assert page.locator("style, [style]").count() == 0
    loaded = page.eval_on_selector_all(
        ":not(a)[href], [src]", "all => all.map(e => e.getAttribute('href') ?? e.getAttribute('src'))"
    )
    assert loaded == ["/static/source-view.css", "/static/favicon.svg"]
    # The article is linked, not loaded: browser_page fails the test on any request outside the app.
    outside = page.eval_on_selector_all("a:not([href^='/'])", "all => all.map(a => [a.getAttribute('href'), a.rel])")
    assert outside == [[SOURCE.url, "noreferrer"]]

    # What each mark highlights: the text from where it opens to its observation's link, without the
    # links inside it, so that quotes nested in one another or crossing read whole.
    marked = page.eval_on_selector_all("mark[id]", QUOTED)
    assert sorted(marked) == sorted([f"obs-{o['id']}", o["source"]["quote"]] for o in observations)

    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"  # the stylesheet applies
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "source-view.png", full_page=True)


def test_each_mark_links_to_its_observation(
    browser_page: Page, live_server: str, view: str, observations: list[dict[str, Any]]
) -> None:
    page = browser_page
    for observation in observations:
        page.goto(view)
        permalink = f"{live_server}{observation['href']}"
        with page.expect_response(permalink) as response:
            page.locator(f'mark[id="obs-{observation["id"]}"] + a').click()
        page.wait_for_url(permalink)
        assert response.value.json() == observation


def test_view_href_lands_on_the_mark(browser_page: Page, live_server: str, observations: list[dict[str, Any]]) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    for observation in observations:
        page.goto(f"{live_server}{observation['source']['view_href']}")
        assert page.evaluate("document.querySelector(':target')?.id") == f"obs-{observation['id']}"
        top = page.evaluate("document.querySelector(':target').getBoundingClientRect().top")
        assert 0 <= top < PHONE["height"]  # scrolled into view


def test_the_page_works_under_a_strict_content_security_policy(browser_page: Page, view: str) -> None:
    page = browser_page
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )

    def with_csp(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route(view, with_csp)
    page.goto(view)
    assert page.evaluate("getComputedStyle(document.querySelector('mark')).backgroundColor") != "rgb(255, 255, 0)"
    assert refused == []
