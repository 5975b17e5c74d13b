"""/v1/sources/{id}/view: the article as a web page, each observation's quote highlighted."""

import re
from datetime import date
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from app.models import Source
from app.schemas import SourceDetail
from app.source_view import Span, highlight, source_page
from tests.helpers import assert_problem, observations, sources, valid_values

SOURCE_IDS = [source.id for source in sources()]


def span(start: int, end: int, id: str) -> Span:
    return Span(start, end, id, f"/v1/observations/{id}")


def link(id: str) -> str:
    return f'<a class="obs-link" href="/v1/observations/{id}">{id}</a>'


class Checker(HTMLParser):
    """Fails on elements that close out of order; collects ids and marked text per mark id."""

    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str | None] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if "id" in dict(attrs):
            self.ids.append(dict(attrs)["id"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


class ArticleOffsets(HTMLParser):
    """Reads a page's <article> back into the text it shows, noting at which character of it each
    mark opens and each observation's link stands: a quote from `start` to `end` is marked right
    if its mark opens at `start` and its link follows at `end`, however quotes nest or cross."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = self.started = self.in_link = False
        self.text: list[str] = []
        self.marks: dict[str, list[int]] = {}
        self.links: dict[str, list[int]] = {}

    @property
    def at(self) -> int:
        return sum(map(len, self.text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.inside |= tag == "article"
        self.started |= self.inside and tag == "p"
        if self.started and tag == "mark" and attributes.get("id"):
            self.marks.setdefault(str(attributes["id"]).removeprefix("obs-"), []).append(self.at)
        if self.started and tag == "a" and attributes.get("class") == "obs-link":
            self.in_link = True
            self.links.setdefault(str(attributes["href"]).rsplit("/", 1)[-1], []).append(self.at)

    def handle_endtag(self, tag: str) -> None:
        self.in_link &= tag != "a"
        if tag == "article":
            self.inside = self.started = False

    def handle_data(self, data: str) -> None:
        if self.started and not self.in_link:
            self.text.append(data)


def well_formed(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    return checker


# highlight(): pure


def test_no_spans_is_escaped_paragraphs() -> None:
    assert highlight('a < b & "c"\nd', []) == "<p>a &lt; b &amp; &quot;c&quot;</p>\n<p>d</p>"


def test_one_span_is_one_mark_then_its_link() -> None:
    assert highlight("one two three", [span(4, 7, "x")]) == f'<p>one <mark id="obs-x">two</mark>{link("x")} three</p>'


def test_spans_at_both_ends_of_the_text() -> None:
    assert highlight("ab", [span(0, 1, "x"), span(1, 2, "y")]) == (
        f'<p><mark id="obs-x">a</mark>{link("x")}<mark id="obs-y">b</mark>{link("y")}</p>'
    )


def test_adjacent_spans_are_separate_marks() -> None:
    html = highlight("aaa bbb", [span(4, 7, "b"), span(0, 3, "a")])  # given in any order
    assert html == f'<p><mark id="obs-a">aaa</mark>{link("a")} <mark id="obs-b">bbb</mark>{link("b")}</p>'


def test_a_span_inside_another_nests() -> None:
    html = highlight("0123456789", [span(0, 10, "outer"), span(3, 6, "inner")])
    assert html == (
        f'<p><mark id="obs-outer">012<mark id="obs-inner">345</mark>{link("inner")}6789</mark>{link("outer")}</p>'
    )
    well_formed(html)


def test_identical_spans_nest_in_id_order() -> None:
    html = highlight("abc", [span(0, 3, "b"), span(0, 3, "a")])
    assert html == f'<p><mark id="obs-a"><mark id="obs-b">abc</mark>{link("b")}</mark>{link("a")}</p>'


def test_crossing_spans_split_the_later_one() -> None:
    html = highlight("0123456789", [span(0, 6, "first"), span(3, 9, "second")])
    assert html == (
        f'<p><mark id="obs-first">012<mark id="obs-second">345</mark></mark>{link("first")}'
        f"<mark>678</mark>{link('second')}9</p>"
    )
    checker = well_formed(html)
    assert checker.ids == ["obs-first", "obs-second"]  # each id exactly once


def test_a_line_break_splits_a_mark_into_two_paragraphs() -> None:
    html = highlight("ab\ncd", [span(1, 4, "x")])
    assert html == f'<p>a<mark id="obs-x">b</mark></p>\n<p><mark>c</mark>{link("x")}d</p>'
    well_formed(html)


def test_a_span_ending_at_a_line_break_keeps_its_link_in_its_paragraph() -> None:
    assert highlight("ab\ncd", [span(0, 2, "x")]) == f'<p><mark id="obs-x">ab</mark>{link("x")}</p>\n<p>cd</p>'


def test_text_and_ids_are_escaped() -> None:
    html = highlight("<script>alert(1)</script>", [Span(0, 8, 'x"><b', '/v1/observations/x"><b')])
    assert "<script>" not in html and "<b" not in html
    assert 'id="obs-x&quot;&gt;&lt;b"' in html


def test_many_overlapping_spans_stay_well_formed_and_complete() -> None:
    text = "abcdefghijklmnopqrstuvwxyz\nabcdefghij"
    spans = [span(s, e, f"s{s}-{e}") for s, e in [(0, 5), (2, 8), (3, 4), (4, 30), (6, 7), (20, 36), (29, 37)]]
    html = highlight(text, spans)
    checker = well_formed(html)
    # cast: every mark has an id with a value, which the Checker records as str | None like any attribute
    assert sorted(cast(list[str], checker.ids)) == sorted(f"obs-{s.id}" for s in spans)
    assert re.sub(r"<[^>]+>|\n", "", re.sub(r"<a [^>]+>[^<]*</a>", "", html)) == text.replace("\n", "")
    assert all(html.count(link(s.id)) == 1 for s in spans)


@pytest.mark.parametrize("start, end", [(-1, 2), (2, 2), (3, 2), (0, 4)])
def test_a_span_outside_the_text_is_refused(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        highlight("abc", [span(start, end, "x")])


def test_article_offsets_read_nested_and_crossing_marks_back() -> None:
    text = "0123456789\nabc"
    spans = [span(0, 10, "outer"), span(3, 6, "inner"), span(5, 12, "crossing"), span(3, 6, "same")]
    reader = ArticleOffsets()
    reader.feed(f"<p>before</p><article>\n{highlight(text, spans)}\n</article><p>after</p>")
    assert "".join(reader.text).strip() == text
    assert reader.marks == {s.id: [s.start] for s in spans}
    assert reader.links == {s.id: [s.end] for s in spans}


# The route, on every seeded article


@pytest.fixture(scope="module", params=SOURCE_IDS)
def source(request: pytest.FixtureRequest) -> Source:
    [seeded] = [source for source in sources() if source.id == request.param]
    return seeded


@pytest.fixture(scope="module")
def page(client: TestClient, source: Source) -> str:
    response = client.get(f"/v1/sources/{source.id}/view")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    text: str = response.text
    return text


@pytest.fixture(scope="module")
def served(client: TestClient, source: Source) -> list[dict[str, Any]]:
    """The served observations of the article."""
    return [client.get(f"/v1/observations/{o.id}").json() for o in observations(source=source.id)]


def test_the_page_names_the_article(page: str, source: Source) -> None:
    assert f"<h1>{escape(source.headline)}</h1>" in page
    assert escape(source.publisher) in page
    day = source.published.isoformat()
    assert f'<time datetime="{day}">{day}</time>' in page
    if source.url.startswith(("https://", "http://")):
        assert f'<a href="{escape(source.url)}" rel="noreferrer">{escape(source.url)}</a>' in page


def test_the_page_is_for_phones_and_strict_csp(client: TestClient, page: str, source: Source) -> None:
    checker = well_formed(page)
    tags = [tag for tag, _ in checker.elements]
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in checker.elements
    assert "script" not in tags and "style" not in tags
    assert not any("style" in attrs or any(name.startswith("on") for name in attrs) for _, attrs in checker.elements)
    # What the page loads is all from this app; the one link elsewhere is to the article itself,
    # which is requested only if followed, and without a Referer.
    loaded = [
        attrs.get("href") or attrs.get("src")
        for tag, attrs in checker.elements
        if tag != "a" and {"href", "src"} & set(attrs)
    ]
    assert loaded == ["/static/source-view.css", "/static/favicon.svg"]
    outside = [attrs for tag, attrs in checker.elements if tag == "a" and not (attrs.get("href") or "").startswith("/")]
    assert outside == (
        [{"href": source.url, "rel": "noreferrer"}] if source.url.startswith(("https://", "http://")) else []
    )
    css = client.get("/static/source-view.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "url(" not in css.text and "@import" not in css.text  # nothing more to fetch


def test_every_observation_is_marked_once_at_its_quote_with_its_link(
    page: str, source: Source, served: list[dict[str, Any]]
) -> None:
    reader = ArticleOffsets()
    reader.feed(page)
    assert reader.marks == {o["id"]: [o["source"]["start"]] for o in served}
    assert reader.links == {o["id"]: [o["source"]["end"]] for o in served}
    shown = "".join(reader.text)
    for o in served:
        assert shown[o["source"]["start"] : o["source"]["end"]] == o["source"]["quote"]
        assert f'<a class="obs-link" href="{o["href"]}">' in page
    assert len(served) == len(observations(source=source.id))


def test_each_observation_links_to_its_mark(source: Source, served: list[dict[str, Any]]) -> None:
    for o in served:
        assert o["source"]["view_href"] == f"/v1/sources/{source.id}/view#obs-{o['id']}"


def test_the_article_text_is_all_there(page: str, source: Source) -> None:
    article = page[page.index("<article") : page.index("</article>")]
    article = re.sub(r'<a class="obs-link"[^>]*>[^<]*</a>', "", article)
    shown = re.sub(r"<[^>]+>", "", article).strip()
    assert unescape(shown) == source.text


def test_unknown_source_is_a_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/sources/nope/view"), 404)
    assert body.get("valid_values") == valid_values(SOURCE_IDS)


def test_the_view_is_in_the_openapi_schema(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/sources/{source}/view"]["get"]
    assert "text/html" in operation["responses"]["200"]["content"]
    assert operation["responses"]["200"]["description"]


def test_the_page_escapes_what_it_shows() -> None:
    """The page around the text is a template with autoescape: markup in the metadata is shown as text."""
    source = SourceDetail(
        id="s", publisher="<b>Agency</b>", dateline="d", published=date(2023, 2, 9), headline='A "quoted" <i>headline</i>',
        url="https://example.org/?a=1&b=2", language="en", sha256="0" * 64, href="/v1/sources/s",
        text="x < y",
    )  # fmt: skip
    html = source_page(source, [])
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;Agency&lt;/b&gt;" in html and "https://example.org/?a=1&amp;b=2" in html
    assert "<p>x &lt; y</p>" in html
