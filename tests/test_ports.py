"""/v1/ports: the four ports, by id or any of their names."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers import FIGURES

PORT_IDS = ["alataw", "bakti", "horgos", "urumqi"]


def test_lists_the_four_ports(client: TestClient) -> None:
    body = client.get("/v1/ports").json()
    assert [p["id"] for p in body["items"]] == PORT_IDS
    assert (body["total"], body["limit"], body["offset"]) == (4, 100, 0)
    alataw = body["items"][0]
    assert alataw["name"] == "Alataw"
    assert alataw["links"] == {"self": "/v1/ports/alataw", "observations": "/v1/observations?port=alataw"}


def test_paging(client: TestClient) -> None:
    body = client.get("/v1/ports?limit=2&offset=2").json()
    assert [p["id"] for p in body["items"]] == ["horgos", "urumqi"]


@pytest.mark.parametrize("port", PORT_IDS)
def test_each_port_with_its_figures(client: TestClient, port: str) -> None:
    body = client.get(f"/v1/ports/{port}").json()
    assert body["id"] == port
    assert {o["id"] for o in body["observations"]} == {i for i, f in FIGURES.items() if f["port"] == port}


def test_horgos_is_a_port_without_figures(client: TestClient) -> None:
    assert client.get("/v1/ports/horgos").json()["observations"] == []


@pytest.mark.parametrize(
    "spelling, port",
    [
        ("ALATAW", "alataw"),
        ("Alashankou", "alataw"),
        ("alataw-pass", "alataw"),
        ("阿拉山口", "alataw"),
        ("Ürümqi", "urumqi"),
        ("U\u0308ru\u0308mqi", "urumqi"),  # the same name, decomposed
        ("Урумчи", "urumqi"),
        ("ئۈرۈمچى", "urumqi"),
        ("Khorgos", "horgos"),
        ("Қорғас", "horgos"),
        ("霍尔果斯", "horgos"),
        ("Baketu", "bakti"),
        ("巴克图", "bakti"),
    ],
)
def test_other_spellings_address_the_same_port(client: TestClient, spelling: str, port: str) -> None:
    response = client.get(f"/v1/ports/{spelling}")
    assert response.status_code == 200
    assert response.json()["id"] == port


def test_port_metric(client: TestClient) -> None:
    body = client.get("/v1/ports/alataw/metrics/cargo_tonnage").json()
    assert [o["id"] for o in body["items"]] == ["alataw-cargo-tonnage-2023-01"]
    assert body["total"] == 1
    assert client.get("/v1/ports/horgos/metrics/cargo_tonnage").json()["items"] == []


@pytest.mark.parametrize(
    "url, valid",
    [
        ("/v1/ports/atlantis", PORT_IDS),
        ("/v1/ports/atlantis/metrics/cargo_tonnage", PORT_IDS),
        (
            "/v1/ports/alataw/metrics/passengers",
            ["cargo_tonnage", "freight_trains", "inspection_time", "vehicle_crossings"],
        ),
    ],
)
def test_unknown_port_or_metric_is_404_listing_the_valid_ids(client: TestClient, url: str, valid: list[str]) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["valid_values"] == valid
    assert ", ".join(valid) in body["detail"]


def test_names_by_language_with_their_source(client: TestClient) -> None:
    names = client.get("/v1/ports/horgos").json()["names"]
    by_language: dict[str, list[str]] = {}
    for n in names:
        by_language.setdefault(n["language"], []).append(n["name"])
        assert n["source_url"].startswith("http")
    assert by_language["zh-Hans"] == ["霍尔果斯"]
    assert by_language["ru"] == ["Хоргос"]
    assert by_language["kk-Cyrl"] == ["Қорғас"]
