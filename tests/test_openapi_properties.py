"""Property-based tests: schemathesis generates requests from the app's own OpenAPI schema, valid
and invalid ones, sends them to the real app in process, and checks each answer with every check
it has: no 5xx, documented status codes, content types, headers and response schemas, invalid
input rejected and valid input accepted."""

import itertools
from datetime import date
from typing import TYPE_CHECKING

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode, HookContext
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.result import Ok

from app.figures import fold_name
from app.main import create_app
from app.settings import Settings
from tests.helpers import metric_ids, observations, other_names, seeded

if TYPE_CHECKING:  # schemathesis names the type of an OpenAPI case for type checkers only
    from schemathesis.specs.openapi.schemas import OpenApiCase

# Taken from an app object, not over HTTP: building the schema needs no database. The requests go
# to the `app` fixture, which serves the seeded test database; schemathesis' ASGI transport starts
# its lifespan itself on the first request.
OPENAPI = create_app(Settings()).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI)


PORT_KEYS = {key.key for key in seeded().port_keys}
METRIC_IDS = set(metric_ids())
FIGURE = observations()[0]  # a port and a metric with a figure


@schema.hook
def map_case(_context: HookContext, case: "OpenApiCase") -> "OpenApiCase":
    # Another rule OpenAPI cannot state: a filter names a port or metric that exists. The schema
    # takes any name (there are many per port), and the API answers an unknown one 422 with the
    # valid ones (tests/test_observations.py), so a valid request names a real one.
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE or not case.query:
        return case
    if isinstance(case.query.get("port"), str) and fold_name(case.query["port"]) not in PORT_KEYS:
        case.query["port"] = FIGURE.port_id
    if isinstance(case.query.get("metric"), str) and case.query["metric"].lower() not in METRIC_IDS:
        case.query["metric"] = FIGURE.metric_id
    return case


@schema.hook
def filter_case(_context: HookContext, case: "OpenApiCase") -> bool:
    # The one rule OpenAPI cannot state: period_to must not be before period_from. The API answers
    # such a request 422 (tests/test_http.py), so it is not a valid request to expect a 200 for.
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    query = case.query or {}
    if isinstance(query.get("period_from"), str) and isinstance(query.get("period_to"), str):
        return date.fromisoformat(query["period_to"]) >= date.fromisoformat(query["period_from"])
    return True


# At most 40 generated requests per operation in the fuzzing phase, besides the schema's examples
# and the coverage phase's edge cases: enough to find what these routes can get wrong, in seconds.
# A busy machine is not a failure, so no deadline and no health check on speed.
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_answer_conforms_to_the_schema(case: "OpenApiCase", app: FastAPI) -> None:
    case.call_and_validate(app=app)


def test_every_check_is_enabled() -> None:
    load_all_checks()
    for operation in schema.get_all_operations():
        assert isinstance(operation, Ok)  # not an Err: the schema is valid
        config = schema.config.checks_config_for(operation=operation.ok(), phase=None)
        assert [name for name in CHECKS.get_all_names() if not config.get_by_name(name=name).enabled] == []


@pytest.mark.parametrize("path", sorted(OPENAPI["paths"]))
def test_the_schema_examples_find_real_rows(client: TestClient, path: str) -> None:
    """Generation starts from the examples, so each must name something that exists."""
    parameters = [p for p in OPENAPI["paths"][path]["get"].get("parameters", []) if p["in"] == "path"]
    for values in itertools.product(*(p["schema"]["examples"] for p in parameters)):
        url = path
        for parameter, value in zip(parameters, values, strict=True):
            url = url.replace("{" + parameter["name"] + "}", value)
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("parameter", ["port", "metric"])
def test_filters_take_any_name_not_an_enum(client: TestClient, parameter: str) -> None:
    """The schema must not close ?port= and ?metric= to a list typed into the code: the server
    takes any name of a port, and a dataset of 800 ports would make such a list wrong and large."""
    parameters = OPENAPI["paths"]["/v1/observations"]["get"]["parameters"]
    schema = next(p["schema"] for p in parameters if p["name"] == parameter)
    assert "enum" not in str(schema)
    names = [name.name for name in other_names(FIGURE.port_id)] or [FIGURE.port_id.upper()]
    name = names[0]  # a name other than the id, where the port has one
    assert client.get(f"/v1/observations?port={name}").json()["items"][0]["port"] == FIGURE.port_id
