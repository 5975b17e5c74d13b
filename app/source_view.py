"""The article as a web page, with the quote of every observation highlighted.

Pure functions: text and spans in, HTML out; the page around the text is a Jinja2 template
(app/templates/source_view.html). The page loads one stylesheet and the icon from this app and
nothing else: no script, no inline style, no external address. So it works offline, and under a
Content-Security-Policy as strict as `default-src 'self'`.

Overlapping quotes: every span gets exactly one `<mark id="obs-<observation id>">`, where it
starts, followed by a link to its observation where it ends. A span inside another nests in
its mark, and so do identical spans (ordered by id). Two spans that cross cannot both be whole
elements in HTML, so the one that starts later is split where the earlier one ends: its first
piece, inside the earlier mark, has the id, and the rest is a plain `<mark>`. A line break
splits a mark the same way, because each line of the article is a paragraph.
"""

from bisect import insort
from html import escape
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from app import links
from app.schemas import SourceDetail

STYLESHEET = "/static/source-view.css"


class Span(NamedTuple):
    start: int  # offsets into the text, end excluded
    end: int
    id: str  # the observation's id; the mark's is "obs-<id>"
    href: str  # the observation's permalink


def highlight(text: str, spans: list[Span]) -> str:
    """The text as escaped HTML paragraphs, one per line, with each span marked and linked."""
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise ValueError(f"span {span.id} [{span.start}, {span.end}) is empty or outside the text")
    # The text is cut wherever a span starts or ends and around each line break. For each piece,
    # the marks that should be open are the spans covering it, outermost first; the open marks
    # that differ are closed (innermost first) and the missing ones opened, so tags always nest.
    # The covering spans are kept as the text is walked, joined where they start and dropped
    # where they end, so the work grows with the text and the quotes, not with their product.
    breaks = [i for i, character in enumerate(text) if character == "\n"]
    cuts = sorted({0, len(text), *breaks, *(i + 1 for i in breaks), *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)
    covering: list[Span] = []  # the spans covering the current piece, outermost first

    html = ["<p>"]
    open_marks: list[Span] = []  # the spans whose marks are open, outermost first
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in covering if s.end > start]
        for span in starting.get(start, []):
            insort(covering, span, key=_nesting)
        line_break = text[start:end] == "\n"
        wanted = [] if line_break else covering
        kept = 0
        while kept < min(len(open_marks), len(wanted)) and open_marks[kept] == wanted[kept]:
            kept += 1
        for span in reversed(open_marks[kept:]):
            html.append("</mark>")
            if span.end == start:  # its last piece: the link follows it
                html.append(_link(span))
        del open_marks[kept:]
        if line_break:
            html.append("</p>\n<p>")
            continue
        for span in wanted[kept:]:
            html.append(f'<mark id="{escape(links.mark_id(span.id))}">' if span.start == start else "<mark>")
            open_marks.append(span)
        html.append(escape(text[start:end]))
    for span in reversed(open_marks):
        html.append("</mark>" + _link(span))
    html.append("</p>")
    return "".join(html)


def _nesting(span: Span) -> tuple[int, int, str]:
    """Outer marks before inner ones; identical spans in id order."""
    return span.start, -span.end, span.id


def _link(span: Span) -> str:
    return f'<a class="obs-link" href="{escape(span.href)}">{escape(span.id)}</a>'


# Autoescaped: every value the page shows is escaped by the template, and only highlight()'s
# markup, which escapes the text itself, goes in as it is.
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=True, keep_trailing_newline=True
)


def source_page(source: SourceDetail, spans: list[Span]) -> str:
    """The whole page: the article's metadata at the top, then its text with each observation's
    quote (a span) highlighted and linked to the observation. The article's own address is a link
    where it is a web address (a link makes no request until followed), and text otherwise."""
    return TEMPLATES.get_template("source_view.html").render(
        source=source,
        stylesheet=STYLESHEET,
        favicon=links.FAVICON,
        article_link=source.url if source.url.startswith(("https://", "http://")) else None,
        quotes=len(spans),
        text=Markup(highlight(source.text, spans)),
    )
