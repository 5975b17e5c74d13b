"""/v1/metrics, /v1/sources and /healthz."""

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import open_readonly
from app.seed import content_version
from tests.helpers import FIGURES, FIGURES_SOURCE, metric_ids, observations, seeded, sources

METRIC_FIELDS = ("id", "name", "unit", "description")
SOURCE_FIELDS = ("id", "publisher", "dateline", "headline", "url", "language", "sha256")


def test_lists_the_metrics(client: TestClient) -> None:
    body = client.get("/v1/metrics").json()
    assert [m["id"] for m in body["items"]] == metric_ids()
    assert body["total"] == len(metric_ids())
    metrics = {metric.id: metric for metric in seeded().metrics}
    for served in body["items"]:
        assert {key: served[key] for key in METRIC_FIELDS} == metrics[served["id"]].model_dump(
            include=set(METRIC_FIELDS)
        )
        assert served["description"]


@pytest.mark.parametrize("metric", metric_ids())
def test_every_metric_has_its_figures_across_ports(client: TestClient, metric: str) -> None:
    body = client.get(f"/v1/metrics/{metric}").json()
    unit = next(m.unit for m in seeded().metrics if m.id == metric)
    assert body["unit"] == unit
    assert [o["id"] for o in body["observations"]] == [o.id for o in observations(metric=metric)][:100]
    assert {o["port"] for o in body["observations"]} == {o.port_id for o in observations(metric=metric)[:100]}
    assert all(o["unit"] == unit for o in body["observations"])
    assert {i for i, f in FIGURES.items() if f["metric"] == metric} <= {o["id"] for o in body["observations"]}


def test_unknown_metric_is_404(client: TestClient) -> None:
    response = client.get("/v1/metrics/passengers")
    assert response.status_code == 404
    assert response.json()["valid_values"] == metric_ids()


def test_sources(client: TestClient) -> None:
    body = client.get("/v1/sources").json()
    assert body["total"] == len(sources())
    assert [source["id"] for source in body["items"]] == [source.id for source in sources()][:100]
    for served, source in zip(body["items"], sources(), strict=False):
        assert {key: served[key] for key in SOURCE_FIELDS} == source.model_dump(include=set(SOURCE_FIELDS))
        assert served["published"] == source.published.isoformat()
        assert "text" not in served
    assert FIGURES_SOURCE in [source["id"] for source in body["items"]]


@pytest.mark.parametrize("source", [source.id for source in sources()])
def test_source_has_the_article_exactly(client: TestClient, source: str) -> None:
    served = client.get(f"/v1/sources/{source}").json()
    [seeded_source] = [s for s in sources() if s.id == source]
    assert served["text"] == seeded_source.text
    assert hashlib.sha256(served["text"].encode()).hexdigest() == served["sha256"]
    assert served["text"].startswith(seeded_source.dateline)  # the article opens with its dateline


def test_an_unknown_source_is_a_404_listing_them(client: TestClient) -> None:
    assert client.get("/v1/sources/nope").json()["valid_values"] == [source.id for source in sources()]


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
        "ports": len(seeded().ports),
        "metrics": len(seeded().metrics),
        "sources": len(seeded().sources),
        "observations": len(seeded().observations),
        "connections_in_use": 0,  # none between requests
        "downloads": 0,
    }
