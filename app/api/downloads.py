"""Everything at once, for those who want the whole dataset: every observation as one CSV, and
the SQLite file itself. Neither goes through the response cache: both are as large as the data.
The CSV was written when the database was built (app.seed.write_observations_csv), so serving it
streams stored parts, one at a time; both are validated by the dataset's version."""

import zlib
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlmodel import SQLModel

from app import links, models
from app.middleware import etag_matches
from app.observations_csv import MEDIA_TYPE as CSV_MEDIA_TYPE

router = APIRouter(prefix=links.DOWNLOADS, tags=["downloads"])


def dataset_etag(request: Request, representation: str) -> str:
    return f'"{request.app.state.dataset_info.version[:32]}-{representation}"'


def not_modified(etag: str, if_none_match: str | None) -> Response | None:
    if if_none_match is not None and etag_matches(if_none_match, etag.encode()):
        return Response(status_code=304, headers={"ETag": etag})
    return None


def csv_parts(request: Request) -> Iterator[bytes]:
    """The CSV, a stored part at a time, from a connection held for as long as the download runs
    and closed when it ends, finished or not."""
    parts = SQLModel.metadata.tables[models.ObservationsCsvPart.__tablename__]
    query = select(parts.c.csv).order_by(parts.c.part)
    with request.app.state.engine.connect() as connection:
        for (part,) in connection.execute(query):
            yield zlib.decompress(part)


@router.get(
    "/observations.csv",
    summary="Every observation as one CSV file",
    description=(
        "All observations, in list order, with the columns of the CSV pages of `/v1/observations`, streamed: "
        "memory stays flat whatever the size of the data. Its ETag is the dataset's version, so "
        "`If-None-Match` answers 304 until the data changes."
    ),
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, 304: {"description": "Not modified."}},
)
async def download_observations(
    request: Request, if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    etag = dataset_etag(request, "csv")
    return not_modified(etag, if_none_match) or StreamingResponse(
        csv_parts(request),
        media_type=CSV_MEDIA_TYPE,
        headers={"ETag": etag, "Content-Disposition": 'attachment; filename="observations.csv"'},
    )


@router.get(
    "/ports.db",
    summary="The SQLite database itself",
    description=(
        "The database file the API serves, for SQL of your own (`sqlite3 ports.db`, Datasette). Supports "
        "`Range`, so an interrupted download resumes; its ETag is the dataset's version."
    ),
    response_class=FileResponse,
    responses={
        200: {"content": {"application/vnd.sqlite3": {"schema": {"type": "string", "format": "binary"}}}},
        206: {"description": "The byte range asked for."},
        304: {"description": "Not modified."},
    },
)
async def download_database(
    request: Request, if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    etag = dataset_etag(request, "db")
    return not_modified(etag, if_none_match) or FileResponse(
        request.app.state.database_path,
        media_type="application/vnd.sqlite3",
        filename="ports.db",
        headers={"ETag": etag},
    )
