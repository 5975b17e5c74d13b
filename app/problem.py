"""RFC 9457 problem documents (application/problem+json), the shape of every error answer.

Below both the API layer and the middleware, so that each builds its errors the same way."""

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from app.schemas import Problem

MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, **extra)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=MEDIA_TYPE, headers=headers)
