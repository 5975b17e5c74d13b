"""/v1/metrics, /v1/sources and /healthz."""

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

from app.db import open_readonly
from app.seed import content_version
from tests.helpers import FIGURES

METRIC_IDS = ["cargo_tonnage", "freight_trains", "inspection_time", "vehicle_crossings"]
SOURCE_ID = "xinhua-2023-02-09-xinjiang-land-ports"


def test_lists_the_metrics(client: TestClient) -> None:
    body = client.get("/v1/metrics").json()
    assert [m["id"] for m in body["items"]] == METRIC_IDS
    cargo = body["items"][0]
    assert (cargo["name"], cargo["unit"]) == ("Cargo tonnage", "tonnes")
    assert cargo["description"]


def test_metric_with_observations_across_ports(client: TestClient) -> None:
    body = client.get("/v1/metrics/cargo_tonnage").json()
    assert body["unit"] == "tonnes"
    assert {o["port"] for o in body["observations"]} == {"alataw", "bakti"}
    assert all(o["unit"] == "tonnes" for o in body["observations"])


def test_every_metric_has_its_figures(client: TestClient) -> None:
    for metric in METRIC_IDS:
        ids = {o["id"] for o in client.get(f"/v1/metrics/{metric}").json()["observations"]}
        assert ids == {i for i, f in FIGURES.items() if f["metric"] == metric}


def test_unknown_metric_is_404(client: TestClient) -> None:
    response = client.get("/v1/metrics/passengers")
    assert response.status_code == 404
    assert response.json()["valid_values"] == METRIC_IDS


def test_sources(client: TestClient) -> None:
    body = client.get("/v1/sources").json()
    assert body["total"] == 1
    source = body["items"][0]
    assert source["id"] == SOURCE_ID
    assert source["published"] == "2023-02-09"
    assert source["headline"] == "Wondrous Xinjiang: Busy land ports herald thriving foreign trade"
    assert "text" not in source


def test_source_has_the_article_exactly(client: TestClient) -> None:
    source = client.get(f"/v1/sources/{SOURCE_ID}").json()
    assert hashlib.sha256(source["text"].encode()).hexdigest() == source["sha256"]
    assert source["text"].startswith("URUMQI, Feb. 9 (Xinhua) --")
    assert client.get("/v1/sources/nope").json()["valid_values"] == [SOURCE_ID]


def test_healthz(client: TestClient, database: Path) -> None:
    """The version is the SHA-256 of the data's rows, stored by the seed: the server does not read
    the whole file at start to hash it."""
    engine = open_readonly(database)
    with engine.connect() as connection:
        version = content_version(connection)
    engine.dispose()
    body = client.get("/healthz").json()
    assert body == {
        "status": "ok",
        "dataset_version": version,
        "ports": 4,
        "metrics": 4,
        "sources": 1,
        "observations": 5,
        "connections_in_use": 0,  # none between requests
        "downloads": 0,
    }
