"""/v1/observations/{id}/citation: the article cited with the quote, in CSL-JSON and BibTeX."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from app import models
from app.api.examples import BIBTEX_EXAMPLE, CSL_JSON_EXAMPLE
from app.api.observations import citation_format
from app.citations import BIBTEX, CSL_JSON, bibtex, bibtex_key, bibtex_text, bibtex_url, csl_json, quote_note
from app.schemas import CslItem, Observation, SourceDetail
from tests.helpers import article, assert_problem, observation_ids, observations, valid_values

ALATAW = "alataw-cargo-tonnage-2023-01"  # the observation the schema's examples show (app/api/examples.py)
URL = f"/v1/observations/{ALATAW}/citation"
# Every variable the CSL schema (csl-data.json) allows that these citations could use.
CSL_VARIABLES = {
    "id", "type", "title", "container-title", "publisher", "issued", "URL", "language", "note", "abstract",
    "accessed", "author",
}  # fmt: skip


def made_up(
    quote: str, headline: str = "A headline", url: str = "https://example.org/a"
) -> tuple[Observation, SourceDetail]:
    """An observation of a source that is not in the seeds, to try the characters the seeds lack."""
    text = f"Before. {quote} After."
    source = SourceDetail(
        id="s", publisher="Pub & Sons", dateline="X, Dec. 1", published=date(2021, 12, 1), headline=headline,
        url=url, language="en", sha256="0" * 64, href="/v1/sources/s", text=text,
    )  # fmt: skip
    observation = Observation(
        id="s-1", port="p", metric="m", value=1, unit="u", qualifier="exact", value_text="1", unit_text="u",
        scope=None, period_start=None, period_end=date(2021, 12, 1), period_text=None, yoy_change_pct=None,
        yoy_qualifier=None, yoy_text=None, prior_year_value=None, prior_year_qualifier=None, note=None,
        value_low=1, value_high=1, low_inclusive=True, high_inclusive=True, prior_year_low=None,
        prior_year_high=None, prior_year_low_inclusive=None, prior_year_high_inclusive=None,
        source={"id": "s", "quote": quote, "start": 8, "end": 8 + len(quote), "href": "/v1/sources/s",
                "view_href": "/v1/sources/s/view#obs-s-1"},
        href="/v1/observations/s-1",
    )  # fmt: skip
    assert text[observation.source.start : observation.source.end] == quote
    return observation, source


# Pure functions


def test_the_note_holds_the_quote_and_its_offsets() -> None:
    observation, _ = made_up("It rose 5% to $3.")
    assert quote_note(observation) == (
        "Figure s-1 was read from characters 8–25 (counted from 0, end excluded) of the article text: “It rose 5% to $3.”"
    )


def test_csl_item_names_the_article_and_carries_the_quote() -> None:
    observation, source = made_up("It rose 5% to $3.")
    [item] = csl_json(observation, source)
    assert set(item) <= CSL_VARIABLES
    assert item["id"] == "s-1" and item["type"] == "article-newspaper"
    assert (item["title"], item["publisher"], item["URL"]) == ("A headline", "Pub & Sons", "https://example.org/a")
    assert item["issued"] == {"date-parts": [[2021, 12, 1]]}
    assert "“It rose 5% to $3.”" in item["note"] and "8–25" in item["note"]
    assert item["author"] == [{"literal": "Pub & Sons"}]  # an institution: one name, never split
    assert CslItem.model_validate(item).model_dump(by_alias=True) == item  # the documented shape is the real one


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("plain words", "plain words"),
        ("5% & $3 # _x_", r"5\% \& \$3 \# \_x\_"),
        ("{braces} and \\back", r"\{braces\} and \textbackslash{}back"),
        ("a^2 ~b", r"a\textasciicircum{}2 \textasciitilde{}b"),
        ("Ürümqi “quoted” 霍尔果斯", "Ürümqi “quoted” 霍尔果斯"),
        ("two\n\nparagraphs  and\ttabs", "two paragraphs and tabs"),
    ],
)
def test_bibtex_text_escapes_what_latex_would_read_as_syntax(text: str, escaped: str) -> None:
    assert bibtex_text(text) == escaped


def test_bibtex_text_leaves_no_unescaped_brace() -> None:
    escaped = bibtex_text("}{ \\} {{")
    depth = 0
    for i, character in enumerate(escaped):
        if character in "{}" and escaped[i - 1] != "\\":
            depth += 1 if character == "{" else -1
            assert depth >= 0
    assert depth == 0


def test_bibtex_keys_and_urls() -> None:
    assert bibtex_key("alataw-cargo-tonnage-2023-01") == "alataw-cargo-tonnage-2023-01"
    assert bibtex_key("a b,c{d}%") == "a-b-c-d--"
    assert bibtex_url("https://example.org/a?x=1&y=2#f") == "https://example.org/a?x=1&y=2#f"
    assert bibtex_url("https://example.org/{a} b\\") == "https://example.org/%7Ba%7D%20b%5C"


def test_bibtex_entry_escapes_every_field() -> None:
    observation, source = made_up("It rose 5% to {$3}.", headline="Up 5% & more", url="https://example.org/{x}")
    entry = bibtex(observation, source)
    assert entry.startswith("@article{s-1,\n") and entry.endswith("\n}\n")
    assert "  title     = {{Up 5\\% \\& more}},\n" in entry
    assert "  author    = {{Pub \\& Sons}},\n" in entry
    assert "  journal   = {Pub \\& Sons},\n" in entry
    assert "  month     = dec,\n" in entry and "  year      = {2021},\n" in entry and "  day       = {1},\n" in entry
    assert "  url       = {https://example.org/%7Bx%7D},\n" in entry
    assert "“It rose 5\\% to \\{\\$3\\}.”" in entry


# Content negotiation


@pytest.mark.parametrize(
    "format, accept, chosen",
    [
        (None, None, "csl-json"),
        (None, "*/*", "csl-json"),
        (None, "text/html", "csl-json"),
        (None, BIBTEX, "bibtex"),
        (None, CSL_JSON, "csl-json"),
        (None, f"{CSL_JSON};q=0.5, {BIBTEX}", "bibtex"),
        (None, f"{BIBTEX};q=0.5, {CSL_JSON}", "csl-json"),
        (None, f"{BIBTEX};q=0.5, application/json", "csl-json"),
        (None, f"{BIBTEX}, {CSL_JSON}", "csl-json"),  # a tie goes to the default
        (None, "APPLICATION/X-BIBTEX", "bibtex"),
        ("csl-json", BIBTEX, "csl-json"),
        ("bibtex", CSL_JSON, "bibtex"),
    ],
)
def test_citation_format(format: str | None, accept: str | None, chosen: str) -> None:
    assert citation_format(format, accept) == chosen


# The route


@pytest.mark.parametrize("observation", observations(), ids=lambda o: o.id)
def test_csl_json_is_the_default_and_names_the_article(client: TestClient, observation: models.Observation) -> None:
    response = client.get(f"/v1/observations/{observation.id}/citation")
    assert response.status_code == 200
    assert response.headers["content-type"] == CSL_JSON
    assert "Accept" in response.headers["vary"]
    [item] = response.json()
    cited = article(observation.source_id)
    assert (item["title"], item["publisher"], item["URL"]) == (cited.headline, cited.publisher, cited.url)
    assert item["issued"] == {"date-parts": [[cited.published.year, cited.published.month, cited.published.day]]}


@pytest.mark.parametrize("observation", observations(), ids=lambda o: o.id)
def test_bibtex_by_accept_header_or_by_query(client: TestClient, observation: models.Observation) -> None:
    url = f"/v1/observations/{observation.id}/citation"
    by_accept = client.get(url, headers={"Accept": BIBTEX})
    by_query = client.get(url + "?format=bibtex", headers={"Accept": CSL_JSON})
    assert by_accept.headers["content-type"] == by_query.headers["content-type"] == f"{BIBTEX}; charset=utf-8"
    assert by_accept.text == by_query.text
    assert by_accept.text.startswith(f"@article{{{observation.id},")
    assert f"date      = {{{article(observation.source_id).published}}}" in by_accept.text


def test_the_query_wins_over_the_accept_header(client: TestClient) -> None:
    response = client.get(URL + "?format=csl-json", headers={"Accept": BIBTEX})
    assert response.headers["content-type"] == CSL_JSON


@pytest.mark.parametrize("format", ["csl-json", "bibtex"])
def test_every_observation_has_a_citation_with_its_quote(client: TestClient, format: str) -> None:
    for observation in client.get("/v1/observations").json()["items"]:
        response = client.get(f"{observation['href']}/citation?format={format}")
        assert response.status_code == 200
        source = observation["source"]
        if format == "csl-json":
            [item] = response.json()
            assert item["id"] == observation["id"]
            assert item["author"] == [{"literal": article(source["id"]).publisher}]
            assert f"“{source['quote']}”" in item["note"]
            assert f"characters {source['start']}–{source['end']}" in item["note"]
        else:
            assert bibtex_text(source["quote"]) in response.text
            assert f"characters {source['start']}–{source['end']}" in response.text


def test_the_openapi_examples_are_real_output(client: TestClient) -> None:
    assert client.get(URL).json() == CSL_JSON_EXAMPLE
    assert client.get(URL + "?format=bibtex").text == client.get(URL + ".bib").text == BIBTEX_EXAMPLE
    paths = client.get("/openapi.json").json()["paths"]
    content = paths["/v1/observations/{observation}/citation"]["get"]["responses"]["200"]["content"]
    assert content[CSL_JSON]["example"] == CSL_JSON_EXAMPLE
    assert content[CSL_JSON]["schema"]["items"] == {"$ref": "#/components/schemas/CslItem"}
    content = paths["/v1/observations/{observation}/citation.bib"]["get"]["responses"]["200"]["content"]
    assert content[BIBTEX]["example"] == BIBTEX_EXAMPLE


def test_unknown_observation_is_a_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/observations/atlantis-gold-2023-01/citation"), 404)
    assert body.get("valid_values") == valid_values(observation_ids())


def test_unknown_format_is_a_422_problem(client: TestClient) -> None:
    body = assert_problem(client.get(URL + "?format=ris"), 422)
    assert [e["name"] for e in body["errors"]] == ["format"]
