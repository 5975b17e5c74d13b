"""Every error is an RFC 9457 problem document (application/problem+json), never a traceback."""

import logging
from typing import Any, Literal, get_args, get_origin

from fastapi import FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import exc
from starlette.exceptions import HTTPException

from app.dataset import NotFound
from app.db import QueryTimeLimit
from app.problem import MEDIA_TYPE, RETRY_AFTER, problem
from app.schemas import Problem

logger = logging.getLogger(__name__)

ALLOWED_METHODS = "GET, HEAD"


class InvalidParameter(Exception):
    """A parameter that is well formed but names nothing, or conflicts with another."""

    def __init__(self, parameter: str, detail: str, valid: list[str] | None = None):
        super().__init__(detail)
        self.parameter = parameter
        self.detail = detail
        self.valid = valid


class Busy(Exception):
    """The server is at one of its limits for now (docs/operations.md, "Reliability"); the detail says which."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the errors a route can answer; for every route, 431 (headers too large,
    answered by app.middleware.HeaderLimit before any route) and 503 (a limit of the server's, met
    for now). Their media type is set by `declare_problem_media_type`."""
    descriptions = {
        404: "No such id; `valid_values` lists the ids that exist.",
        416: "The `Range` asked for lies outside the file, or names too many or overlapping ranges.",
        422: "A parameter is invalid; `errors` says which and why.",
        431: "The request's headers add up to more than 16 KiB.",
        503: "The server is at one of its limits for now; retry after `Retry-After` seconds.",
    }
    return {status: {"model": Problem, "description": descriptions[status]} for status in (*statuses, 431, 503)}


def declare_problem_media_type(schema: dict[str, Any]) -> None:
    """Declares every error response of an OpenAPI schema as what it is, a `Problem` in
    application/problem+json. FastAPI files a response's model under the route's own media type
    (JSON, CSV, HTML), and would have generated clients parse errors as that."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    response["content"] = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


async def _not_found(_request: Request, error: NotFound) -> JSONResponse:
    if error.valid is None:  # too many to list
        return problem(404, f"No such {error.kind}. There are {error.count:,}; {error.collection} lists them.")
    return problem(404, f"No such {error.kind}. Valid ids: {', '.join(error.valid)}.", valid_values=error.valid)


async def _invalid_parameter(_request: Request, error: InvalidParameter) -> JSONResponse:
    errors = [{"in": "query", "name": error.parameter, "message": error.detail}]
    return problem(422, error.detail, errors=errors, valid_values=error.valid or None)


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])  # our validators' words, without pydantic's "Value error, "
    return str(error["msg"])


def _choices(annotation: Any) -> list[str]:
    """The values of the Literal in a parameter's type (`Literal["json", "csv"] | None`)."""
    if get_origin(annotation) is Literal:
        return [str(value) for value in get_args(annotation)]
    return [value for argument in get_args(annotation) for value in _choices(argument)]


def _valid_values(request: Request, error: dict[str, Any]) -> list[str]:
    """The values a closed-set parameter takes, read from its declaration: in the route, or in a
    dependency of the route (FastAPI's flat list of the parameters of both)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return []
    name = error["loc"][-1]
    return next((_choices(p.field_info.annotation) for p in get_flat_params(route.dependant) if p.alias == name), [])


async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
    # Only where and what: the raw input is not echoed back.
    found = error.errors()
    errors = [
        {"in": str(e["loc"][0]), "name": ".".join(str(part) for part in e["loc"][1:]), "message": _message(e)}
        for e in found
    ]
    summary = "; ".join(f"{e['in']} parameter {e['name']!r}: {e['message']}" for e in errors)
    valid = None
    if len(found) == 1 and found[0]["type"] == "literal_error":
        # A closed set of values, such as `format`: list them, as for unknown ids.
        valid = _valid_values(request, found[0]) or None
    return problem(422, f"Invalid request: {summary}.", errors=errors, valid_values=valid)


async def _http(_request: Request, error: HTTPException) -> JSONResponse:
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = ALLOWED_METHODS
        detail = f"This API only reads. Allowed methods: {ALLOWED_METHODS}."
    elif error.status_code == 404:
        detail = "No such resource. Start from /v1/ports, /v1/metrics, /v1/observations or /docs."
    else:
        detail = str(error.detail)
    return problem(error.status_code, detail, headers=headers)


async def _unreadable_database(request: Request, error: exc.DatabaseError) -> JSONResponse:
    # The file was checked when it was built and is opened read-only; a page that fails to read
    # now means the file was damaged on disk. Nothing half-read goes out.
    path = request.app.state.database_path
    logger.error(
        "database %s cannot be read (%s) on %s: rebuild it with `make seed`",
        path,
        error.orig,
        request.url.path,
        exc_info=error,
    )
    return problem(500, "The data could not be read; the error has been logged.")


async def _busy(_request: Request, error: Busy) -> JSONResponse:
    return problem(503, error.detail, RETRY_AFTER)


async def _no_connection(request: Request, _error: exc.TimeoutError) -> JSONResponse:
    settings = request.app.state.settings
    detail = (
        f"All {settings.database_connections} database connections stayed busy for "
        f"{settings.queue_wait:g} s; retry in a moment."
    )
    return problem(503, detail, RETRY_AFTER)


async def _query_time_limit(_request: Request, error: QueryTimeLimit) -> JSONResponse:
    # Every legal query takes milliseconds alone, so a query stopped here met a server far behind.
    detail = (
        f"A query ran past the time limit of {error.seconds:g} s and was stopped. Retry in a moment; "
        "to walk a long list, follow `links.next` (a cursor costs the same wherever it points) rather than "
        "a large `offset`, and narrow the list by port, metric or period."
    )
    return problem(503, detail, RETRY_AFTER)


def add_problem_handlers(app: FastAPI) -> None:
    app.exception_handler(NotFound)(_not_found)
    app.exception_handler(InvalidParameter)(_invalid_parameter)
    app.exception_handler(RequestValidationError)(_validation)
    app.exception_handler(HTTPException)(_http)
    app.exception_handler(exc.DatabaseError)(_unreadable_database)
    app.exception_handler(exc.TimeoutError)(_no_connection)
    app.exception_handler(QueryTimeLimit)(_query_time_limit)
    app.exception_handler(Busy)(_busy)
