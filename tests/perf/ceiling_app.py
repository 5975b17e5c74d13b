"""The framework ceiling: a bare Starlette app that answers with this API's own response bytes,
kept in a dict. Whatever this API does per request beyond that is what the ratio to it measures.

At start it calls this API once per path in-process (no HTTP, no server) and keeps each body and
content type. BENCH_PATHS lists the paths, one a line, query strings included; DATABASE_URL is
the database this API reads."""

import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from app.main import app as api


def capture(paths: list[str]) -> dict[tuple[str, bytes], tuple[bytes, str]]:
    responses: dict[tuple[str, bytes], tuple[bytes, str]] = {}
    # The `with` runs this API's lifespan, which loads the dataset.
    with TestClient(api) as client:
        for path in paths:
            response = client.get(path)
            response.raise_for_status()
            route, _, query = path.partition("?")
            responses[route, query.encode()] = (response.content, response.headers["content-type"])
    return responses


RESPONSES = capture(os.environ["BENCH_PATHS"].split())


async def serve(request: Request) -> Response:
    # Keyed by the raw scope, not request.url, which would build a URL object per request.
    body, content_type = RESPONSES[request.scope["path"], request.scope["query_string"]]
    return Response(body, media_type=content_type)


app = Starlette(routes=[Route(route, serve) for route in sorted({route for route, _ in RESPONSES})])
