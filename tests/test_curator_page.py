"""The curator's page (app/curator_page.py): every number of an article marked once, by what became
of it; each figure shown with its fields; everything escaped; nothing loaded from anywhere."""

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from app import extract
from app.curator_page import STATUSES, STYLESHEET, curator_page
from app.figures import dateline_in, figure_spans, numbers_in, paragraph_spans
from app.seed_files import FIGURES_SUFFIX, read_toml
from tests.helpers import SEEDS, sources

SOURCE_IDS = [source.id for source in sources()]


class Page(HTMLParser):
    """Reads a curator's page back: the article's paragraphs as they read without the labels and
    the figures shown between them, each mark's span in that text and its status, and the figures."""

    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[str] = []
        self.marks: list[tuple[int, int, int, str]] = []  # paragraph, start, end, status
        self.figures: list[dict[str, str]] = []  # status, number and the <dt>/<dd> pairs of each
        self.tags: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._in_p = self._in_mark = self._in_tag = False
        self._mark: tuple[int, str] | None = None
        self._figure: dict[str, str] | None = None
        self._dt: str | None = None
        self._text: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        classes = str(attributes.get("class") or "").split()
        if tag == "p" and self._depth == 1 and self._figure is None:
            self._in_p, self._text = True, []
        if tag == "article":
            self._depth = 1
        if self._in_p and tag == "mark":
            status = next(c.removeprefix("cp-") for c in classes if c.startswith("cp-"))
            self._mark = (sum(map(len, self._text)), status)
        if self._in_p and "cp-tag" in classes:
            self._in_tag, self._text_tag = True, ""
        if tag == "aside" and "cp-figure" in classes:
            status = next(c.removeprefix("cp-") for c in classes if c != "cp-figure")
            self._figure = {"status": status, "number": str(attributes["id"]).removeprefix("fig-")}
        if tag in ("dt", "dd", "p", "li") and self._figure is not None:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._in_tag and tag in ("a", "span"):
            self._in_tag = False
            self.tags.append(self._text_tag)
        elif tag == "mark" and self._mark is not None:
            start, status = self._mark
            self.marks.append((len(self.paragraphs), start, sum(map(len, self._text)), status))
            self._mark = None
        elif tag == "p" and self._in_p:
            self.paragraphs.append("".join(self._text))
            self._in_p = False
        elif self._figure is not None and tag == "dt":
            self._dt = "".join(self._text)
        elif self._figure is not None and tag == "dd" and self._dt:
            self._figure[self._dt] = "".join(self._text)
        elif self._figure is not None and tag in ("p", "li"):
            self._figure.setdefault("notes", "")
            self._figure["notes"] += "".join(self._text) + "\n"
        elif tag == "aside" and self._figure is not None:
            self.figures.append(self._figure)
            self._figure = None
        elif tag == "article":
            self._depth = 0

    def handle_data(self, data: str) -> None:
        if self._in_tag:
            self._text_tag += data
        elif self._in_p or self._figure is not None:
            self._text.append(data)


def read_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def marked_numbers(text: str, page: Page) -> dict[int, list[str]]:
    """For each number of the article (by where it starts), the statuses of the marks holding it."""
    spans = paragraph_spans(text)
    assert page.paragraphs == [text[start:end] for start, end in spans]  # the text, whole and unchanged
    holding: dict[int, list[str]] = {number.start: [] for number in numbers_in(text)}
    for paragraph, start, end, status in page.marks:
        offset = spans[paragraph][0]
        for number in numbers_in(text[offset + start : offset + end]):
            holding[offset + start + number.start].append(status)
    return holding


def render(source_id: str, figures_file: bool = True) -> tuple[str, dict[str, Any], dict[str, Any] | None, str]:
    """The page of a seeded article as `--html` writes it, with what it was made from."""
    text, meta, reading = extract.read_article(SEEDS / f"{source_id}.txt", SEEDS)
    loaded = read_toml(SEEDS / f"{source_id}{FIGURES_SUFFIX}") if figures_file else None
    extraction = extract.to_json(reading)
    return text, extraction, loaded, curator_page(text, meta, extraction, loaded)


def expected_status(text: str, extraction: dict[str, Any], loaded: dict[str, Any] | None) -> dict[int, str]:
    """What became of each number, by the seeds and the extractor's own accounting: a loaded
    figure's, else a proposal's, else an unresolved figure's, else excluded (the extractor lists
    every other number, and the dateline's date is the metadata's)."""
    loaded_spans = [span for f in (loaded or {}).get("figure", []) for span in figure_spans(f, text)]
    spans = {
        status: [span for f in extraction["figures"] if f["status"] == status for span in figure_spans(f, text)]
        for status in ("proposed", "unresolved")
    }
    dateline = dateline_in(text)
    expected = {}
    for number in numbers_in(text):
        inside = [
            status
            for status, held in (("loaded", loaded_spans), *spans.items())
            if any(a <= number.start and number.end <= b for a, b in held)
        ]
        expected[number.start] = inside[0] if inside else "excluded"
        if not inside and not (dateline and dateline[0] <= number.start < dateline[1]):
            assert any(e["text"] == number.written and e["quote"] in text for e in extraction["excluded"])
    return expected


# The seeded articles


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_every_number_of_the_article_is_marked_exactly_once_with_its_status(source_id: str) -> None:
    text, extraction, loaded, html = render(source_id)
    holding = marked_numbers(text, read_page(html))
    assert holding and all(len(statuses) == 1 for statuses in holding.values()), holding
    assert {at: statuses[0] for at, statuses in holding.items()} == expected_status(text, extraction, loaded)


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_without_a_figures_file_every_number_is_the_extractors(source_id: str) -> None:
    text, extraction, _, html = render(source_id, figures_file=False)
    page = read_page(html)
    holding = marked_numbers(text, page)
    assert {at: statuses[0] for at, statuses in holding.items()} == expected_status(text, extraction, None)
    assert sorted(f["status"] for f in page.figures) == sorted(f["status"] for f in extraction["figures"])
    assert "there is no <code>" in html


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_each_figure_is_shown_once_and_the_counts_add_up(source_id: str) -> None:
    text, _, loaded, html = render(source_id)
    page = read_page(html)
    assert loaded is not None
    shown = [f for f in page.figures if f["status"] == "loaded"]
    assert len(shown) == len(loaded.get("figure", []))
    assert [f["number"] for f in page.figures] == [str(n) for n in range(1, len(page.figures) + 1)]
    assert all("The extractor " in f["notes"] for f in shown)  # whether it reads them the same
    spans = paragraph_spans(text)
    numbers = dict.fromkeys(STATUSES, 0)
    for paragraph, start, end, status in page.marks:
        offset = spans[paragraph][0]
        numbers[status] += len(numbers_in(text[offset + start : offset + end]))
    figures = {status: sum(f["status"] == status for f in page.figures) for status in STATUSES}
    assert f"{len(numbers_in(text))} numbers in the article, all marked" in html
    for status in STATUSES:
        count = re.search(rf'cp-{status}">{status}</span> <span class="cp-count">([^<]*)</span>', html)
        assert count is not None
        said = [int(n) for n in re.findall(r"\d+", count[1])]
        assert said == ([numbers[status]] if status == "excluded" else [figures[status], numbers[status]])


# Made-up readings: fields, statuses, escaping


TEXT = (
    "KASHGAR, March 3 (Wire) -- The Torugart port handled more than 1.11 million tonnes <b>&</b> in January, "
    "up 12.8 percent year on year.\n"
    "It saw 420 trucks.\n"
    "Xinjiang's trade reached 7 billion yuan, said an official of COVID-19 fame."
)
META = {
    "id": "made-up",
    "publisher": "Wire <&>",
    "headline": 'Ports <script>alert("x")</script> & more',
    "published": date(2024, 3, 3),
    "url": "https://example.org/a?b=1&c=<2>",
    "language": "en",
}
PROPOSED = {
    "id": "torugart-cargo-tonnage-2024-01",
    "port": "torugart",
    "metric": "cargo_tonnage",
    "quote": "The Torugart port handled more than 1.11 million tonnes <b>&</b> in January, up 12.8 percent year on year.",
    "value_text": "more than 1.11 million tonnes",
    "value": 1110000,
    "qualifier": "more_than",
    "unit": "tonnes",
    "period_text": "in January",
    "period_start": "2024-01-01",
    "period_end": "2024-01-31",
    "yoy_text": "up 12.8 percent year on year",
    "yoy_change_pct": 12.8,
    "yoy_qualifier": "exact",
    "status": "proposed",
}
UNRESOLVED = {
    "port": "torugart",
    "metric": "vehicle_crossings",
    "quote": "It saw 420 trucks.",
    "value_text": "420 trucks",
    "value": 420,
    "qualifier": "exact",
    "unit": "vehicles",
    "period_start": None,
    "period_end": None,
    "yoy_change_pct": None,
    "status": "unresolved",
    "reason": "no period <given>",
}
EXCLUDED = [
    {"text": "7", "quote": "reached 7 billion", "reason": "a region's total <not a port's>"},
    {"text": "19", "quote": "COVID-19", "reason": "part of a name: COVID-19"},
]


def made_up(loaded: dict[str, Any] | None = None, excluded: list[dict[str, str]] | None = None) -> str:
    extraction = {
        "figures": [PROPOSED, UNRESOLVED],
        "ports": [],
        "excluded": EXCLUDED if excluded is None else excluded,
    }
    return curator_page(TEXT, META, extraction, loaded)


def test_a_proposal_shows_its_port_metric_value_bound_period_and_change() -> None:
    page = read_page(made_up())
    proposed = next(f for f in page.figures if f["status"] == "proposed")
    assert proposed["port"] == "torugart"
    assert proposed["metric"] == "cargo_tonnage"
    assert proposed["value"] == "1,110,000 tonnes"
    assert proposed["bound"] == "more than"
    assert proposed["period"] == "2024-01-01 to 2024-01-31 in January"  # the period as written, in <q>
    assert proposed["change"] == "+12.8 % year on year"
    assert "torugart-cargo-tonnage-2024-01" in proposed["notes"]


def test_an_unresolved_figure_says_why_and_what_it_lacks() -> None:
    page = read_page(made_up())
    unresolved = next(f for f in page.figures if f["status"] == "unresolved")
    assert "no period <given>" in unresolved["notes"]
    assert unresolved["period"] == "none"
    assert unresolved["change"] == "none stated"


def test_each_number_of_a_made_up_reading_has_its_status_and_reason() -> None:
    page = read_page(made_up())
    holding = marked_numbers(TEXT, page)
    written = {number.start: number.written for number in numbers_in(TEXT)}
    assert {written[at]: statuses for at, statuses in holding.items()} == {
        "3": ["excluded"],  # the dateline's date
        "1.11": ["proposed"],
        "12.8": ["proposed"],
        "420": ["unresolved"],
        "7": ["excluded"],
        "19": ["excluded"],
    }
    assert "excluded: the dateline's date" in page.tags
    assert "excluded: a region's total <not a port's>" in page.tags  # unescaped by the parser: it was escaped
    assert "proposed 1" in page.tags and "1 period" in page.tags and "1 change" in page.tags
    assert "unresolved 2" in page.tags


def test_a_loaded_figure_is_loaded_and_its_differences_from_the_extractor_are_shown() -> None:
    loaded = {
        "figure": [{**PROPOSED, "value": 1100000, "period_start": date(2024, 1, 1), "period_end": date(2024, 1, 31)}],
        "excluded": [{"text": "7", "quote": "trade reached 7", "reason": "the seeds' reason"}],
    }
    page = read_page(made_up(loaded))
    assert [f["status"] for f in page.figures] == ["loaded", "unresolved"]
    loaded_figure = page.figures[0]
    assert loaded_figure["value"] == "1,100,000 tonnes"  # the seeds' value, not the extractor's
    assert "reads it otherwise" in loaded_figure["notes"] and "1,110,000 (loaded: 1,100,000)" in loaded_figure["notes"]
    assert "period_start" not in loaded_figure["notes"]  # a TOML date and an ISO day are the same day
    assert "excluded: the seeds' reason" in page.tags


def test_a_number_nobody_accounts_for_is_shown_as_such() -> None:
    html = made_up(excluded=[])
    holding = marked_numbers(TEXT, read_page(html))
    assert sorted(s for statuses in holding.values() for s in statuses).count("unaccounted") == 2  # 7 and 19
    assert "make seed</code> fails on them" in html


def test_everything_from_the_article_and_its_readings_is_escaped() -> None:
    html = made_up()
    assert "<script>" not in html and "<b>" not in html
    assert "Ports &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html
    assert "no period &lt;given&gt;" in html
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in html


def test_the_page_loads_nothing_and_carries_its_stylesheet() -> None:
    html = made_up()
    page = read_page(html)
    assert not [e for e in page.elements if e[0] in ("script", "link", "img", "iframe", "object")]
    assert not [e for e in page.elements if "src" in e[1] or "style" in e[1]]
    links = [str(attributes["href"]) for tag, attributes in page.elements if tag == "a"]
    assert all(href.startswith("#fig-") or href == META["url"] for href in links)
    csp = next(a["content"] for tag, a in page.elements if tag == "meta" and a.get("http-equiv"))
    assert csp is not None and csp.startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert STYLESHEET.read_text(encoding="utf-8") in html  # inlined whole, unescaped


def test_the_page_is_the_source_views_with_its_header() -> None:
    """The curator's page extends source_view.html: the same header, its own title and body."""
    html = made_up()
    assert html.startswith("<!doctype html>") and "<title>Curator's page: " in html
    assert '<p class="publisher">Wire &lt;&amp;&gt;</p>' in html


def test_extract_html_writes_the_page_and_prints_no_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source_id = SOURCE_IDS[0]
    target = tmp_path / "page.html"
    assert extract.main([str(SEEDS / f"{source_id}.txt"), "--html", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert target.as_uri() in err
    assert target.read_text(encoding="utf-8") == render(source_id)[3]
