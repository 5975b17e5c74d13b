"""/v1/observations: every figure of the article, as stated, with its quote."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from app.api.examples import CSV_EXAMPLE
from tests.helpers import FIGURES


@pytest.fixture(scope="module")
def article(client: TestClient) -> str:
    text: str = client.get("/v1/sources/xinhua-2023-02-09-xinjiang-land-ports").json()["text"]
    return text


def test_lists_exactly_the_figures_of_the_article(client: TestClient) -> None:
    body = client.get("/v1/observations").json()
    assert body["total"] == len(FIGURES)
    assert {o["id"] for o in body["items"]} == set(FIGURES)
    assert (body["limit"], body["offset"]) == (100, 0)


@pytest.mark.parametrize("observation_id", FIGURES)
def test_each_figure_as_stated(client: TestClient, article: str, observation_id: str) -> None:
    observation = client.get(f"/v1/observations/{observation_id}").json()
    assert {key: observation[key] for key in FIGURES[observation_id]} == FIGURES[observation_id]
    source = observation["source"]
    assert article[source["start"] : source["end"]] == source["quote"]
    assert observation["value_text"] in source["quote"]
    assert observation["href"] == f"/v1/observations/{observation_id}"


def test_a_bound_is_never_an_exact_value(client: TestClient) -> None:
    alataw = client.get("/v1/observations/alataw-cargo-tonnage-2023-01").json()
    assert (alataw["value"], alataw["qualifier"]) == (1110000, "more_than")
    assert isinstance(alataw["value"], int)


@pytest.mark.parametrize(
    "query, ids",
    [
        ("port=bakti", {"bakti-vehicle-crossings-2023-01", "bakti-cargo-tonnage-2023-01", "bakti-inspection-time-2023-02-09"}),
        ("port=BAKTI&metric=cargo_tonnage", {"bakti-cargo-tonnage-2023-01"}),
        ("port=Alashankou", {"alataw-cargo-tonnage-2023-01"}),
        ("metric=cargo_tonnage", {"alataw-cargo-tonnage-2023-01", "bakti-cargo-tonnage-2023-01"}),
        ("port=horgos", set()),
        # Periods overlap: January, plus the running total whose period has no start.
        ("period_to=2023-01-31", {"alataw-cargo-tonnage-2023-01", "bakti-vehicle-crossings-2023-01", "bakti-cargo-tonnage-2023-01", "urumqi-freight-trains-2023-02-06", "bakti-inspection-time-2023-02-09"}),
        ("period_from=2023-02-01", {"urumqi-freight-trains-2023-02-06", "bakti-inspection-time-2023-02-09"}),
        ("period_from=2023-02-07", {"bakti-inspection-time-2023-02-09"}),
        ("period_from=2023-01-15&period_to=2023-01-15", {"alataw-cargo-tonnage-2023-01", "bakti-vehicle-crossings-2023-01", "bakti-cargo-tonnage-2023-01", "urumqi-freight-trains-2023-02-06", "bakti-inspection-time-2023-02-09"}),
        ("period_from=2023-03-01", set()),
    ],
)  # fmt: skip
def test_filters(client: TestClient, query: str, ids: set[str]) -> None:
    body = client.get(f"/v1/observations?{query}").json()
    assert {o["id"] for o in body["items"]} == ids
    assert body["total"] == len(ids)


def test_paging(client: TestClient) -> None:
    everything = client.get("/v1/observations").json()["items"]
    page = client.get("/v1/observations?limit=2&offset=1").json()
    assert page["items"] == everything[1:3]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert client.get("/v1/observations?offset=10").json()["items"] == []


@pytest.mark.parametrize(
    "url, headers",
    [("/v1/observations?format=csv", {}), ("/v1/observations", {"Accept": "text/csv"})],
)
def test_csv(client: TestClient, url: str, headers: dict[str, str]) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {row["id"] for row in rows} == set(FIGURES)
    alataw = next(row for row in rows if row["id"] == "alataw-cargo-tonnage-2023-01")
    assert (alataw["value"], alataw["qualifier"], alataw["period_start"]) == ("1110000", "more_than", "2023-01-01")
    assert alataw["quote"].startswith("The Alataw port")
    urumqi = next(row for row in rows if row["id"] == "urumqi-freight-trains-2023-02-06")
    assert urumqi["period_start"] == ""  # null is an empty field


def test_json_wins_unless_csv_is_preferred(client: TestClient) -> None:
    response = client.get("/v1/observations", headers={"Accept": "application/json, text/csv;q=0.5"})
    assert response.headers["content-type"] == "application/json"
    response = client.get("/v1/observations?format=json", headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "application/json"


def test_csv_with_filters(client: TestClient) -> None:
    response = client.get("/v1/observations?format=csv&port=horgos")
    assert response.text.strip().splitlines() == [response.text.splitlines()[0]]  # header row only


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("text/*", "text/csv"),  # JSON is not text/*
        ("text/*;q=0.5, application/json", "application/json"),
        ("*/*", "application/json"),
        ("text/csv;q=0, */*", "application/json"),
        ("application/*, text/csv;q=0.9", "application/json"),
        ("image/png", "application/json"),  # nothing offered is acceptable: the default, not a 406
    ],
)
def test_accept_follows_media_ranges_and_q_values(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/v1/observations", headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == media_type


def test_the_schemas_csv_example_is_real_output(client: TestClient) -> None:
    assert client.get("/v1/observations?port=alataw&format=csv").text == CSV_EXAMPLE
