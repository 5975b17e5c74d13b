"""Datasette serving the benchmark's database, as an ASGI app, so that uvicorn runs it with exactly
the same flags as this API. The file is opened immutable, as this API opens it.

BENCH_DATASETTE_DB is the SQLite file; Datasette names the database after its stem."""

import os

from datasette.app import Datasette

# Datasette opens its databases on the first request, not at lifespan start: the benchmark's
# readiness probe and warm-up pay that cost, not the measured runs.
app = Datasette(immutables=[os.environ["BENCH_DATASETTE_DB"]]).app()
