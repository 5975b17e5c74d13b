"""RFC 9457 problem documents (application/problem+json), the shape of every error answer.

Below both the API layer and the middleware, so that each builds its errors the same way."""

from http import HTTPStatus

from fastapi.responses import JSONResponse

from app.schemas import ParameterError, Problem

MEDIA_TYPE = "application/problem+json"
# What a 503 asks a client to wait: the limits it meets (a connection, a turn among large answers,
# a download's place, a query that ran out of time under load) are held for a second or so.
RETRY_AFTER = {"Retry-After": "1"}


def problem(
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    valid_values: list[str] | None = None,
    errors: list[dict[str, str]] | None = None,
) -> JSONResponse:
    body = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        valid_values=valid_values,
        errors=None if errors is None else [ParameterError.model_validate(error) for error in errors],
    )
    return JSONResponse(
        body.model_dump(exclude_none=True, by_alias=True), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )
