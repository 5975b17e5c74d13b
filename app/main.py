"""Assembles the app: the database checked at start, error handling, one router per resource,
and the self-hosted docs. `create_app(settings)` builds one; `app.main:app`, the ASGI app uvicorn
serves, is built from the environment."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app import links
from app.api import docs, downloads, health, metrics, observations, ports, series, sources
from app.api.problems import add_problem_handlers, declare_problem_media_type
from app.db import DatabaseError, check_database
from app.middleware import HeaderLimit, LargeAnswers, PublicCORS, ResponseCache, StandardHeaders, UnhandledErrors
from app.settings import PROJECT_ROOT, Settings, get_settings

DESCRIPTION = """
Trade figures of Xinjiang's land ports, China, as news reports state them. `/v1/sources` lists the
articles, each with its publisher, date, headline, address and full text; `/v1/ports` lists the ports, by
every name they are known by; `/healthz` says how many of each there are.

**Every figure carries its source.** Each observation has `source.quote`, the article's exact words, and
`source.start`/`source.end`, offsets into the article's text such that `text[start:end] == quote`.
`/v1/observations/{id}/citation` cites the article with that quote (CSL-JSON or BibTeX), and
`source.view_href` opens the article as a web page with the quote highlighted.

**Bounds stay bounds.** `qualifier` says how `value` relates to the true figure: "more than 1.11 million
tonnes" is `value: 1110000, qualifier: more_than`, never an exact 1.11 million. `prior_year_value` is
*derived* from the value and its year-on-year change, not stated by the source.

**Nothing is invented.** A port the articles name without a figure has no observations.

**Licence.** The code is under the MIT licence. The figures are facts as the articles report them; each
article's text, served here as their source, is (c) its publisher (`publisher` in `/v1/sources`).

Read-only: only GET and HEAD. Errors are RFC 9457 problem details (`application/problem+json`).
"""

# Strict enough that injected markup could neither run script nor load from elsewhere; the
# self-hosted docs pages work under it (tests/browser). Swagger UI and ReDoc set inline styles,
# ReDoc runs a worker from a blob: URL, and Swagger UI shows data: images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)

TAGS = [
    {"name": "ports", "description": "The land ports, addressable by id or any of their other names."},
    {
        "name": "series",
        "description": "Each port's figures of one metric consolidated: one point per period, what all statements prove.",
    },
    {"name": "metrics", "description": "What is measured, and in which unit."},
    {"name": "observations", "description": "The figures themselves, each with its quote; JSON or CSV."},
    {"name": "sources", "description": "The articles the figures come from, each with its full text."},
    {"name": "downloads", "description": "Everything at once: every observation as CSV, and the SQLite file."},
    {"name": "health", "description": "For probes and monitoring."},
]


logger = logging.getLogger("uvicorn.error")


class PortStatsAPI(FastAPI):
    """FastAPI, with what its schema cannot be told through parameters added to it."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            schema = super().openapi()  # which keeps it as self.openapi_schema
            schema["security"] = []  # public data: no operation asks for credentials
            declare_problem_media_type(schema)
            return schema
        return self.openapi_schema


def create_app(settings: Settings) -> FastAPI:
    """The app, serving the database `settings` names. Its checks run at start (the lifespan):
    a database that cannot be served stops the server there, naming the file."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            path = settings.database_path
            engine, info = check_database(path, settings.database_connections, settings.queue_wait)
        except (DatabaseError, ValueError) as error:  # ValueError: a DATABASE_URL that is not sqlite:///
            # Said plainly first; re-raised so that the server stops with a non-zero exit code.
            logger.error("cannot serve: %s", error)
            raise
        app.state.engine, app.state.dataset_info, app.state.database_path = engine, info, path
        app.state.settings = settings
        app.state.downloads = 0  # bulk downloads streaming now (app.api.downloads)
        # Everything allocated so far lives as long as the process: keep the garbage collector from
        # walking it again and again under load, which showed as long tail latencies.
        gc.collect()
        gc.freeze()
        yield
        engine.dispose()

    app = PortStatsAPI(
        title="Xinjiang land port statistics",
        version="1.0.0",
        summary="Trade figures of Xinjiang's land ports as news reports state them, each with the words it came from.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        license_info={"name": "MIT", "identifier": "MIT"},
        contact=settings.contact,
        servers=[{"url": "/"}],  # relative: the schema holds behind any proxy or host name
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # Operation ids are the route functions' names (list_ports, get_citation_bibtex), which
        # generated clients turn into their functions' names.
        generate_unique_id_function=lambda route: route.name,
        # No OpenTelemetry here; left on, FastAPI asks OpenTelemetry on every request whether it is
        # configured, which cost about a third of a cached answer's time.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    add_problem_handlers(app)
    for module in (ports, series, metrics, observations, sources, downloads, health, docs):
        app.include_router(module.router)
    # Outermost last: every answer, cached or not, gets CORS and the standard headers.
    app.add_middleware(LargeAnswers, at_once=settings.large_answers_at_once, wait=settings.queue_wait)
    # The downloads stream, and /healthz reports what is held right now.
    uncached = (links.DOWNLOADS + "/", links.HEALTH)
    app.add_middleware(ResponseCache, max_age=settings.cache_max_age, uncached=uncached)
    app.add_middleware(
        PublicCORS,
        allow_origins=["*"],  # public data
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["Accept", "If-None-Match"],
        max_age=86400,
    )
    app.add_middleware(HeaderLimit)
    app.add_middleware(UnhandledErrors)
    app.add_middleware(
        StandardHeaders,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "Referrer-Policy": "no-referrer",
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Expose-Headers": "ETag, Link",
        },
    )
    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "app" / "static"), name="static")
    return app


app = create_app(get_settings())
