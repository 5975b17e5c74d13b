"""/v1/observations: every figure of every article, as stated, with its quote."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.examples import CSV_EXAMPLE
from tests.helpers import (
    FIGURES,
    after_every_period,
    as_served,
    observation_ids,
    observations,
    other_names,
    ports_with_figures,
    ports_without_figures,
    seeded,
)

OBSERVATION_IDS = observation_ids()
SEEDED = {o.id: o for o in seeded().observations}


def test_lists_exactly_the_seeded_figures(client: TestClient) -> None:
    body = client.get("/v1/observations?limit=1000").json()
    assert body["total"] == len(OBSERVATION_IDS)
    assert [o["id"] for o in body["items"]] == OBSERVATION_IDS[:1000]
    assert set(FIGURES) <= set(OBSERVATION_IDS)
    assert (body["limit"], body["offset"]) == (1000, 0)
    assert client.get("/v1/observations").json()["limit"] == 100


@pytest.mark.parametrize("observation_id", OBSERVATION_IDS)
def test_each_seeded_figure_as_seeded_with_its_quote(client: TestClient, observation_id: str) -> None:
    seeded_row = SEEDED[observation_id]
    served = client.get(f"/v1/observations/{seeded_row.id}").json()
    assert {key: served[key] for key in as_served(seeded_row)} == as_served(seeded_row)
    source = served["source"]
    assert (source["id"], source["start"], source["end"]) == (
        seeded_row.source_id,
        seeded_row.quote_start,
        seeded_row.quote_end,
    )
    article: str = client.get(source["href"]).json()["text"]
    assert article[source["start"] : source["end"]] == source["quote"] == seeded_row.quote
    assert served["value_text"] in source["quote"]
    assert served["href"] == f"/v1/observations/{seeded_row.id}"


@pytest.mark.parametrize("observation_id", FIGURES)
def test_each_figure_as_stated(client: TestClient, observation_id: str) -> None:
    """Today's article's figures, against values worked out by hand (the prior-year ones included)."""
    observation = client.get(f"/v1/observations/{observation_id}").json()
    assert {key: observation[key] for key in FIGURES[observation_id]} == FIGURES[observation_id]


def test_a_bound_is_never_an_exact_value(client: TestClient) -> None:
    alataw = client.get("/v1/observations/alataw-cargo-tonnage-2023-01").json()
    assert (alataw["value"], alataw["qualifier"]) == (1110000, "more_than")
    assert isinstance(alataw["value"], int)


# (query, the same filter as tests.helpers.observations() takes it): the expected figures are the
# seeds', whatever articles they hold.
FILTERS = [
    *((f"port={port.upper()}", {"port": port}) for port in ports_with_figures()[:1]),
    *((f"port={names[0].name}", {"port": port}) for port in ports_with_figures() if (names := other_names(port))),
    *((f"port={port}", {"port": port}) for port in ports_without_figures()),
    *((f"metric={o.metric_id}", {"metric": o.metric_id}) for o in observations()[:1]),
    *((f"port={o.port_id.upper()}&metric={o.metric_id}", {"port": o.port_id, "metric": o.metric_id}) for o in observations()[-1:]),
    # Periods overlap: a month, plus the running totals whose period has no start.
    ("period_to=2023-01-31", {"period_to": date(2023, 1, 31)}),
    ("period_from=2023-02-01", {"period_from": date(2023, 2, 1)}),
    ("period_from=2023-02-07", {"period_from": date(2023, 2, 7)}),
    ("period_from=2023-01-15&period_to=2023-01-15", {"period_from": date(2023, 1, 15), "period_to": date(2023, 1, 15)}),
    *((f"period_from={day}&period_to={day}", {"period_from": day, "period_to": day}) for day in sorted({o.period_end for o in observations()})),
    (f"period_from={after_every_period()}", {"period_from": after_every_period()}),
]  # fmt: skip


@pytest.mark.parametrize("query, where", FILTERS, ids=[query for query, _ in FILTERS])
def test_filters(client: TestClient, query: str, where: dict[str, Any]) -> None:
    body = client.get(f"/v1/observations?{query}&limit=1000").json()
    assert [o["id"] for o in body["items"]] == observation_ids(**where)
    assert body["total"] == len(observation_ids(**where))


def test_the_expected_filters_hold_todays_figures() -> None:
    """test_filters expects what tests.helpers.observations() selects: here that is held to today's
    figures by hand, so that it cannot drift into agreeing with a wrong filter."""
    assert set(observation_ids(period_to=date(2023, 1, 31))) >= set(FIGURES)
    assert {"urumqi-freight-trains-2023-02-06", "bakti-inspection-time-2023-02-09"} <= set(
        observation_ids(period_from=date(2023, 2, 1))
    )
    assert "alataw-cargo-tonnage-2023-01" not in observation_ids(period_from=date(2023, 2, 1))
    assert observation_ids(period_from=after_every_period()) == []


def test_paging(client: TestClient) -> None:
    everything = client.get("/v1/observations").json()["items"]
    page = client.get("/v1/observations?limit=2&offset=1").json()
    assert page["items"] == everything[1:3]
    assert (page["total"], page["limit"], page["offset"]) == (len(OBSERVATION_IDS), 2, 1)
    assert client.get(f"/v1/observations?offset={len(OBSERVATION_IDS)}").json()["items"] == []


@pytest.mark.parametrize(
    "url, headers",
    [("/v1/observations?format=csv", {}), ("/v1/observations", {"Accept": "text/csv"})],
)
def test_csv(client: TestClient, url: str, headers: dict[str, str]) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["id"] for row in rows] == OBSERVATION_IDS[:100]
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
    response = client.get(f"/v1/observations?format=csv&period_from={after_every_period()}")
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
    """The example is the header and one observation's row, as the API writes them."""
    header, row = CSV_EXAMPLE.splitlines(keepends=True)
    observation = row.split(",")[0]
    response = client.get(f"/v1/observations?port={SEEDED[observation].port_id}&format=csv&limit=1000")
    lines = response.text.splitlines(keepends=True)
    assert lines[0] == header
    assert row in lines[1:]
