"""The curator's page in a real browser, opened from disk as a curator opens it: every number of the
article marked once, by what the seeds and the extractor made of it; nothing requested but the
file; the page's own policy refusing nothing it needs. Screenshots at desktop and phone width."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, ViewportSize

from app import extract
from app.figures import dateline_in, figure_spans, numbers_in, paragraph_spans
from app.seed_files import FIGURES_SUFFIX, read_toml
from tests.browser.conftest import ARTIFACTS
from tests.helpers import SEEDS, sources

SOURCE_IDS = [source.id for source in sources()]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
# Each paragraph of the article as the page shows it: its text and marks, without the labels after
# the marks; the figures shown between paragraphs are not paragraphs of the article.
PIECES = """paragraphs => paragraphs.map(p => Array.from(p.childNodes)
    .filter(node => !(node.classList && node.classList.contains("cp-tag")))
    .map(node => [node.textContent, node.nodeName === "MARK" ? node.className : null]))"""


@pytest.fixture(scope="module", params=SOURCE_IDS)
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """An article's page, written by the real extractor as a curator runs it."""
    source_id: str = request.param
    path = tmp_path_factory.mktemp("curator") / f"{source_id}.html"
    assert extract.main([str(SEEDS / f"{source_id}.txt"), "--html", str(path)]) == 0
    return source_id, path


class Opened:
    """A page in a fresh context where every request is routed: the file opened goes through,
    anything else is refused and recorded, and so is every console message about the page's policy."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.allowed: list[str] = []
        self.refused: list[str] = []
        self.refused_by_policy: list[str] = []
        self.context.route("**/*", self._only_the_file)
        self.page.on("console", self._console)

    def _only_the_file(self, route: Route) -> None:
        if route.request.url in self.allowed:
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused_by_policy.append(message.text)

    def open(self, path: Path) -> Page:
        url = path.resolve().as_uri()
        self.allowed.append(url)
        response = self.page.goto(url)
        assert response is not None and response.ok
        return self.page


@pytest.fixture
def opened(browser: Browser) -> Iterator[Opened]:
    opened = Opened(browser)
    yield opened
    opened.context.close()
    assert not opened.refused, f"the curator's page requested more than itself: {opened.refused}"
    assert not opened.refused_by_policy, f"the page's Content-Security-Policy refused: {opened.refused_by_policy}"


def expected_status(source_id: str, text: str) -> dict[int, str]:
    """What became of each number, by the extractor's own accounting and the seeds: a loaded
    figure's value, change or period, else a proposal's, else an unresolved figure's; every other
    number the extractor lists as excluded, or it is the dateline's date."""
    reading = extract.to_json(extract.read_article(SEEDS / f"{source_id}.txt", SEEDS)[2])
    figures_file = SEEDS / f"{source_id}{FIGURES_SUFFIX}"
    loaded = read_toml(figures_file).get("figure", []) if figures_file.exists() else []
    held = [
        ("loaded", [span for f in loaded for span in figure_spans(f, text)]),
        *(
            (status, [span for f in reading["figures"] if f["status"] == status for span in figure_spans(f, text)])
            for status in ("proposed", "unresolved")
        ),
    ]
    dateline = dateline_in(text)
    excluded = {(e["text"], e["quote"]) for e in reading["excluded"]}
    expected = {}
    for number in numbers_in(text):
        statuses = [s for s, spans in held if any(a <= number.start and number.end <= b for a, b in spans)]
        if not statuses:
            in_dateline = dateline is not None and dateline[0] <= number.start < dateline[1]
            assert in_dateline or any(t == number.written and q in text for t, q in excluded), number
        expected[number.start] = statuses[0] if statuses else "excluded"
    return expected


def test_every_number_is_marked_once_as_the_extractor_accounts_for_it(
    opened: Opened, written: tuple[str, Path]
) -> None:
    source_id, path = written
    page = opened.open(path)
    text = next(s.text for s in sources() if s.id == source_id)
    shown: list[list[tuple[str, str | None]]] = page.eval_on_selector_all("article.cp-text > p", PIECES)

    paragraphs = paragraph_spans(text)
    assert ["".join(piece for piece, _ in p) for p in shown] == [text[a:b] for a, b in paragraphs]
    marked: dict[int, list[str]] = {n.start: [] for n in numbers_in(text)}
    for (start, _), pieces in zip(paragraphs, shown, strict=True):
        at = start
        for piece, classes in pieces:
            if classes is not None:
                status = next(c.removeprefix("cp-") for c in classes.split() if c.startswith("cp-"))
                for number in numbers_in(piece):
                    marked[at + number.start].append(status)
            at += len(piece)
    assert all(len(statuses) == 1 for statuses in marked.values()), marked
    assert {at: statuses[0] for at, statuses in marked.items()} == expected_status(source_id, text)
    # Every mark is followed by its label, and both are on the page, not hidden.
    marks = page.locator("article mark.cp")
    assert marks.count() == page.locator("article mark.cp + .cp-tag").count() >= len(marked)
    assert all(box is not None and box["width"] > 0 for box in (m.bounding_box() for m in marks.all()))
    assert page.locator("script").count() == 0


def test_each_figure_is_shown_with_its_fields(opened: Opened, written: tuple[str, Path]) -> None:
    source_id, path = written
    page = opened.open(path)
    reading: dict[str, Any] = extract.to_json(extract.read_article(SEEDS / f"{source_id}.txt", SEEDS)[2])
    cards = page.locator("aside.cp-figure")
    assert cards.count() >= len(reading["figures"])
    for card in cards.all():
        fields = card.locator("dt").all_inner_texts()
        assert fields[:6] == ["port", "metric", "value", "bound", "period", "change"]
        assert card.locator("dd").first.inner_text()  # a port, or "none"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_page_is_readable_and_kept_as_a_screenshot(
    opened: Opened, written: tuple[str, Path], viewport: ViewportSize
) -> None:
    source_id, path = written
    opened.page.set_viewport_size(viewport)
    page = opened.open(path)
    # The inlined stylesheet applies under the page's own policy, and each status has its outline.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
    styles = page.evaluate(
        """["loaded", "proposed", "unresolved", "excluded"].map(status => {
            const chip = document.querySelector(`.cp-legend .cp-${status}`);
            return getComputedStyle(chip).borderTopStyle;
        })"""
    )
    assert len(set(styles)) == 4, styles  # told apart without colour
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
    if source_id == SOURCE_IDS[0]:
        ARTIFACTS.mkdir(exist_ok=True)
        name = "curator-page.png" if viewport is DESKTOP else "curator-page-phone.png"
        page.screenshot(path=ARTIFACTS / name, full_page=True)
