"""/v1/ports: the seeded ports, by id or any of their names."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers import FIGURES, metric_ids, observation_ids, other_names, port_ids, ports_without_figures, seeded


def test_lists_the_ports(client: TestClient) -> None:
    body = client.get("/v1/ports").json()
    assert [p["id"] for p in body["items"]] == port_ids()
    assert (body["total"], body["limit"], body["offset"]) == (len(port_ids()), 100, 0)
    names = {port.id: port.name for port in seeded().ports}
    for port in body["items"]:
        assert port["name"] == names[port["id"]]
        assert port["links"] == {
            "self": f"/v1/ports/{port['id']}",
            "observations": f"/v1/observations?port={port['id']}",
        }


def test_paging(client: TestClient) -> None:
    body = client.get("/v1/ports?limit=2&offset=2").json()
    assert [p["id"] for p in body["items"]] == port_ids()[2:4]


@pytest.mark.parametrize("port", port_ids())
def test_each_port_with_its_figures(client: TestClient, port: str) -> None:
    body = client.get(f"/v1/ports/{port}").json()
    assert body["id"] == port
    assert [o["id"] for o in body["observations"]] == observation_ids(port=port)[:100]
    assert {i for i, f in FIGURES.items() if f["port"] == port} <= {o["id"] for o in body["observations"]}


@pytest.mark.parametrize("port", ports_without_figures())
def test_a_port_without_figures_has_none(client: TestClient, port: str) -> None:
    """A port the articles name without a figure is listed, with nothing invented for it."""
    assert client.get(f"/v1/ports/{port}").json()["observations"] == []


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


@pytest.mark.parametrize("port", port_ids())
def test_port_metric(client: TestClient, port: str) -> None:
    """Every port with every metric: exactly the seeded figures of both, empty where there are none."""
    for metric in metric_ids():
        body = client.get(f"/v1/ports/{port}/metrics/{metric}").json()
        assert [o["id"] for o in body["items"]] == observation_ids(port=port, metric=metric)[:100], metric
        assert body["total"] == len(observation_ids(port=port, metric=metric)), metric


@pytest.mark.parametrize(
    "url, valid",
    [
        ("/v1/ports/atlantis", port_ids()),
        (f"/v1/ports/atlantis/metrics/{metric_ids()[0]}", port_ids()),
        (f"/v1/ports/{port_ids()[0]}/metrics/passengers", metric_ids()),
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


@pytest.mark.parametrize("port", port_ids())
def test_every_name_in_the_seeds_is_served_and_addresses_its_port(client: TestClient, port: str) -> None:
    served = client.get(f"/v1/ports/{port}").json()["names"]
    seeded_names = sorted(other_names(port), key=lambda n: n.name)
    assert served == [{"name": n.name, "language": n.language, "source_url": n.source_url} for n in seeded_names]
    for name in seeded_names:
        assert client.get(f"/v1/ports/{name.name}").json()["id"] == port, name.name


def test_names_by_language_with_their_source(client: TestClient) -> None:
    names = client.get("/v1/ports/horgos").json()["names"]
    by_language: dict[str, list[str]] = {}
    for n in names:
        by_language.setdefault(n["language"], []).append(n["name"])
        assert n["source_url"].startswith("http")
    assert by_language["zh-Hans"] == ["霍尔果斯"]
    assert by_language["ru"] == ["Хоргос"]
    assert by_language["kk-Cyrl"] == ["Қорғас"]
