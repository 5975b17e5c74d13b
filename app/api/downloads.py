"""Everything at once, for those who want the whole dataset: every observation as one CSV,
streamed, and the SQLite file itself. Neither goes through the response cache: both are as large
as the data, so they are streamed from the database, and validated by the dataset's version."""

import itertools
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from app import links
from app.api.observations import CSV_MEDIA_TYPE, to_csv
from app.dataset import Dataset
from app.middleware import etag_matches

router = APIRouter(prefix=links.DOWNLOADS, tags=["downloads"])

ROWS_PER_CHUNK = 1000  # a chunk is about 600 KB of CSV: few thread hops, flat memory


def dataset_etag(request: Request, representation: str) -> str:
    return f'"{request.app.state.dataset_info.version[:32]}-{representation}"'


def not_modified(etag: str, if_none_match: str | None) -> Response | None:
    if if_none_match is not None and etag_matches(if_none_match, etag.encode()):
        return Response(status_code=304, headers={"ETag": etag})
    return None


def csv_chunks(request: Request) -> Iterator[str]:
    """The CSV, a chunk at a time, from a connection held for as long as the download runs and
    closed when it ends, finished or not."""
    with request.app.state.engine.connect() as connection:
        observations = Dataset(connection, request.app.state.dataset_info).all_observations()
        yield to_csv(itertools.islice(observations, ROWS_PER_CHUNK))
        while chunk := to_csv(itertools.islice(observations, ROWS_PER_CHUNK), header=False):
            yield chunk


@router.get(
    "/observations.csv",
    summary="Every observation as one CSV file",
    description=(
        "All observations, in list order, with the columns of the CSV pages of `/v1/observations`, streamed "
        "as they are read: memory stays flat whatever the size of the data. Its ETag is the dataset's "
        "version, so `If-None-Match` answers 304 until the data changes."
    ),
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, 304: {"description": "Not modified."}},
)
def download_observations(
    request: Request, if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    etag = dataset_etag(request, "csv")
    return not_modified(etag, if_none_match) or StreamingResponse(
        csv_chunks(request),
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
def download_database(
    request: Request, if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    etag = dataset_etag(request, "db")
    return not_modified(etag, if_none_match) or FileResponse(
        request.app.state.database_path,
        media_type="application/vnd.sqlite3",
        filename="ports.db",
        headers={"ETag": etag},
    )
