"""The OpenAPI schema documents every route, and the docs pages need nothing from outside."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import seeded


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    schema: dict[str, Any] = client.get("/openapi.json").json()
    return schema


def test_openapi_describes_the_api(openapi: dict[str, Any]) -> None:
    assert openapi["info"]["title"] == "Xinjiang land port statistics"
    assert "/v1/sources" in openapi["info"]["description"]
    assert {t["name"] for t in openapi["tags"]} == {
        "ports",
        "series",
        "metrics",
        "observations",
        "sources",
        "downloads",
        "health",
    }


def test_the_prose_holds_for_any_seeds(client: TestClient, openapi: dict[str, Any]) -> None:
    """What the schema and the index say of the data is true whatever articles are seeded: they name
    no article (its id, date, headline or publisher) and no port, and leave the counts to the API."""
    prose = [
        openapi["info"]["summary"],
        openapi["info"]["description"],
        *(tag["description"] for tag in openapi["tags"]),
    ]
    operations = [operation for path in openapi["paths"].values() for operation in path.values()]
    prose += [operation[part] for operation in operations for part in ("summary", "description")]
    prose.append(client.get("/", headers={"Accept": "application/json"}).json()["description"])
    pinned = [name for port in seeded().ports for name in (port.name, port.id)]
    for source in seeded().sources:
        pinned += [source.id, source.published.isoformat(), source.headline, source.publisher]
    for text in prose:
        assert not [word for word in pinned if word.lower() in text.lower()], text
        assert not re.search(r"\b(one|two|three|four|five|six|seven|eight|nine|ten) (land )?ports\b", text), text


def test_every_route_has_summary_description_and_errors(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    assert set(paths) == {
        "/v1/ports", "/v1/ports/{port}", "/v1/ports/{port}/metrics/{metric}", "/v1/metrics",
        "/v1/metrics/{metric}", "/v1/observations", "/v1/observations.csv", "/v1/observations/{observation}",
        "/v1/observations/{observation}/citation", "/v1/observations/{observation}/citation.bib", "/v1/sources", "/v1/sources/{source}",
        "/v1/sources/{source}/view", "/v1/downloads/observations.csv", "/v1/downloads/ports.db", "/healthz",
        "/v1/ports/{port}/metrics/{metric}/series", "/v1/ports/{port}/metrics/{metric}/series.csv",
        "/v1/ports/{port}/metrics/{metric}/series.svg",
    }  # fmt: skip
    for path, operations in paths.items():
        operation = operations["get"]
        assert operation["summary"] and operation["description"], path
        if "{" in path:
            assert "404" in operation["responses"], path
            assert "application/problem+json" in operation["responses"]["404"]["content"]
        if operation.get("parameters"):
            assert "422" in operation["responses"], path
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"].get("examples") or parameter.get("examples"), (path, parameter["name"])


def test_prior_year_value_is_documented_as_derived(openapi: dict[str, Any]) -> None:
    description = openapi["components"]["schemas"]["Observation"]["properties"]["prior_year_value"]["description"]
    assert description.startswith("DERIVED")


def test_csv_is_documented(openapi: dict[str, Any]) -> None:
    assert "text/csv" in openapi["paths"]["/v1/observations.csv"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100
    assert "http://" not in html and "https://" not in html


def test_root_sends_browsers_to_the_docs_and_clients_to_an_index(client: TestClient) -> None:
    browser = client.get("/", headers={"Accept": "text/html,*/*"}, follow_redirects=False)
    assert (browser.status_code, browser.headers["location"]) == (303, "/docs")
    links = client.get("/", headers={"Accept": "application/json"}).json()["links"]
    assert links["ports"] == "/v1/ports" and links["docs"] == "/docs"
    assert links["observations_csv"] == "/v1/downloads/observations.csv"
    assert links["database"] == "/v1/downloads/ports.db"
