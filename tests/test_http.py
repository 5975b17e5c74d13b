"""HTTP behaviour every route shares: methods, HEAD, problem details for every client error."""

import pytest
from fastapi.testclient import TestClient

from tests.helpers import (
    assert_problem,
    metric_ids,
    observation_ids,
    port_ids,
    ports_with_figures,
    sources,
    valid_values,
)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("url", ["/v1/ports", f"/v1/ports/{port_ids()[0]}", "/v1/observations", "/healthz"])
def test_writes_are_405_with_allow(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url)
    body = assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"
    assert "only reads" in body["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/v1/ports", f"/v1/ports/{ports_with_figures()[0]}", "/v1/observations?format=csv", "/healthz", "/docs",
        f"/v1/observations/{observation_ids()[0]}/citation?format=bibtex",
        f"/v1/sources/{sources()[0].id}/view",
    ],
)  # fmt: skip
def test_head_is_get_without_a_body(client: TestClient, url: str) -> None:
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"] == str(get.num_bytes_downloaded)


def test_head_of_an_error_is_the_error_without_a_body(client: TestClient) -> None:
    response = client.head("/v1/ports/atlantis")
    assert response.status_code == 404
    assert response.content == b""


def test_unknown_path_is_a_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/v2/ports"), 404)
    assert "/v1/ports" in body["detail"]


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/v1/observations?limit=0", "limit"),
        ("/v1/observations?limit=1001", "limit"),
        ("/v1/observations?limit=ten", "limit"),
        ("/v1/observations?offset=-1", "offset"),
        ("/v1/observations?period_from=2023-02-30", "period_from"),
        ("/v1/observations?period_to=yesterday", "period_to"),
        ("/v1/observations?period_from=2023-02-01&period_to=2023-01-01", "period_to"),
        ("/v1/observations?format=xml", "format"),
        ("/v1/observations?port=atlantis", "port"),
        ("/v1/observations?metric=passengers", "metric"),
        ("/v1/ports?limit=-5", "limit"),
        (f"/v1/ports/{port_ids()[0]}/metrics/{metric_ids()[0]}?offset=x", "offset"),
        ("/v1/ports/" + "a" * 5000, "port"),
    ],
)
def test_invalid_parameters_are_422_naming_the_parameter(client: TestClient, url: str, parameter: str) -> None:
    body = assert_problem(client.get(url), 422)
    assert [e["name"] for e in body["errors"]] == [parameter]
    assert parameter in body["detail"]


def test_unknown_filter_values_list_the_valid_ones(client: TestClient) -> None:
    body = client.get("/v1/observations?port=atlantis").json()
    assert body.get("valid_values") == valid_values(port_ids())


def test_raw_input_is_not_echoed(client: TestClient) -> None:
    body = client.get("/v1/observations?limit=<script>alert(1)</script>").text
    assert "<script>" not in body
