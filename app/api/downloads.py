"""Everything at once, for those who want the whole dataset: every observation as one CSV, and
the SQLite file itself. Neither goes through the response cache: both are as large as the data.
The CSV was written when the database was built (app.seed.write_observations_csv), so serving it
streams stored parts, one at a time, gzipped as they go for clients that take gzip; both are
validated by the dataset's version."""

import zlib
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlmodel import SQLModel
from starlette.types import Message, Receive, Scope, Send

from app import links, models
from app.api.problems import error_responses
from app.middleware import etag_matches, send_refusals_as_problems
from app.negotiation import accepts_coding, preferred
from app.observations_csv import MEDIA_TYPE as CSV_MEDIA_TYPE

router = APIRouter(prefix=links.DOWNLOADS, tags=["downloads"])

SQLITE = "application/vnd.sqlite3"
# Also offered because it is the one binary type generic clients and code generators all know.
OCTET_STREAM = "application/octet-stream"
FILE_TYPES = [SQLITE, OCTET_STREAM]


class DatabaseFileResponse(FileResponse):
    """FileResponse, but a Range it cannot use gets the whole file, as RFC 9110 (14.2) has it,
    where FileResponse refuses it with a 400; and a range outside the file is a 416 problem."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        unusable = False

        async def send_unless_unusable(message: Message) -> None:
            nonlocal unusable
            unusable = unusable or (message["type"] == "http.response.start" and message["status"] == 400)
            if not unusable:
                await send(message)

        def detail(_text: str) -> str:
            return "The Range asked for lies outside the file; Content-Range gives its size."

        await send_refusals_as_problems(super().__call__, scope, receive, send_unless_unusable, {416}, detail)
        if unusable:
            whole = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"range"]}
            await super().__call__(whole, receive, send)


def dataset_etag(request: Request, representation: str) -> str:
    return f'"{request.app.state.dataset_info.version[:32]}-{representation}"'


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """304, with the answer's ETag and Vary, where If-None-Match names its ETag. Read from the
    request, not declared as a parameter: a validator is HTTP's business, not the operation's."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag_matches(if_none_match, headers["ETag"].encode()):
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k in ("ETag", "Vary")})
    return None


def csv_parts(request: Request) -> Iterator[bytes]:
    """The CSV, a stored part at a time, from a connection held for as long as the download runs
    and closed when it ends, finished or not."""
    parts = SQLModel.metadata.tables[models.ObservationsCsvPart.__tablename__]
    query = select(parts.c.csv).order_by(parts.c.part)
    with request.app.state.engine.connect() as connection:
        for (part,) in connection.execute(query):
            yield zlib.decompress(part)


def gzipped(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """One gzip stream of `chunks`, compressed as they go. Level 1: on this CSV, a seventh of the
    size at about 220 MB/s here; level 6 gained a quarter more, at a third of the speed."""
    compressor = zlib.compressobj(1, wbits=31)  # 31: deflate with a gzip header and trailer
    for chunk in chunks:
        if compressed := compressor.compress(chunk):
            yield compressed
    yield compressor.flush()


@router.get(
    "/observations.csv",
    summary="Every observation as one CSV file",
    description=(
        "All observations, in list order, with the columns of the CSV pages of `/v1/observations`, streamed: "
        "memory stays flat whatever the size of the data. Gzipped as it streams to clients whose "
        "`Accept-Encoding` takes gzip. Its ETag is the dataset's version, so `If-None-Match` answers 304 "
        "until the data changes."
    ),
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        304: {"description": "Not modified."},
        **error_responses(),
    },
)
async def download_observations_csv(request: Request) -> Response:
    gzip = accepts_coding(request.headers.get("accept-encoding"), "gzip")
    headers = {
        "ETag": dataset_etag(request, "csv-gzip" if gzip else "csv"),
        "Vary": "Accept-Encoding",
        "Content-Disposition": 'attachment; filename="observations.csv"',
        **({"Content-Encoding": "gzip"} if gzip else {}),
    }
    if request.method == "HEAD":  # the headers only, without reading a part
        body: Iterator[bytes] = iter(())
    else:
        body = gzipped(csv_parts(request)) if gzip else csv_parts(request)
    return not_modified(request, headers) or StreamingResponse(body, media_type=CSV_MEDIA_TYPE, headers=headers)


@router.get(
    "/ports.db",
    summary="The SQLite database itself",
    description=(
        "The database file the API serves, for SQL of your own (`sqlite3 ports.db`, Datasette). Supports "
        "`Range`, so an interrupted download resumes; its ETag is the dataset's version. Sent as "
        f"`{SQLITE}`, or as `{OCTET_STREAM}` to a client that asks for that."
    ),
    response_class=FileResponse,
    responses={
        200: {"content": {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in FILE_TYPES}},
        206: {"description": "The byte range asked for."},
        304: {"description": "Not modified."},
        **error_responses(416),
    },
)
async def download_database(request: Request) -> Response:
    media_type = preferred(request.headers.get("accept"), FILE_TYPES)
    headers = {"ETag": dataset_etag(request, "db" if media_type == SQLITE else "bin"), "Vary": "Accept"}
    return not_modified(request, headers) or DatabaseFileResponse(
        request.app.state.database_path, media_type=media_type, filename="ports.db", headers=headers
    )


# HEAD, which every other route answers through the response cache, that the downloads bypass.
# Out of the schema: it is GET without the body, and an operation id names one operation.
router.add_api_route("/observations.csv", download_observations_csv, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/ports.db", download_database, methods=["HEAD"], include_in_schema=False)
