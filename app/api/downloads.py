"""Everything at once, for those who want the whole dataset: every observation as one CSV, and
the SQLite file itself. Neither goes through the response cache: both are as large as the data.
The CSV was written when the database was built (app.seed.write_observations_csv), so serving it
streams stored parts, one at a time, gzipped as they go for clients that take gzip; both are
validated by the dataset's version. At most MAX_DOWNLOADS stream at once per worker, and none holds
a thread or a connection of the pool while its client reads."""

import re
import sqlite3
import zlib
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.datastructures import State
from starlette.types import Message, Receive, Scope, Send

from app import links, models
from app.api.problems import Busy, error_responses
from app.db import connect_readonly
from app.middleware import etag_matches, send_refusals_as_problems
from app.negotiation import accepts_coding, preferred
from app.observations_csv import MEDIA_TYPE as CSV_MEDIA_TYPE
from app.problem import problem

router = APIRouter(prefix=links.DOWNLOADS, tags=["downloads"])

SQLITE = "application/vnd.sqlite3"
# Also offered because it is the one binary type generic clients and code generators all know.
OCTET_STREAM = "application/octet-stream"
FILE_TYPES = [SQLITE, OCTET_STREAM]
# Ranges one request may ask for. A resuming client asks for one; more than a few, or ranges that
# overlap, only make the server read the file many times over (Starlette would answer past 100
# ranges with the whole file), so they are refused with 416.
MAX_RANGES = 8


def take_place(state: State) -> None:
    """One of the worker's `max_downloads` places, or Busy (503) when all are taken. The place is
    given back by the response when it ends, however it ends (release_place)."""
    if state.downloads >= state.settings.max_downloads:
        raise Busy(
            f"This worker is streaming {state.downloads} downloads, its limit; retry in a moment, or read "
            "the same rows a page at a time from /v1/observations.csv."
        )
    state.downloads += 1


def release_place(state: State) -> None:
    state.downloads -= 1


class CsvDownload(StreamingResponse):
    """The bulk CSV, streamed from `csv_parts`. When the answer ends, finished or cut off by its
    client, the parts are closed here and then, not by the garbage collector, and the place taken
    by take_place is given back."""

    def __init__(self, state: State, parts: AsyncGenerator[bytes], headers: dict[str, str]):
        super().__init__(parts, media_type=CSV_MEDIA_TYPE, headers=headers)
        self.state = state
        self.parts = parts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.parts.aclose()
            release_place(self.state)


class DatabaseFileResponse(FileResponse):
    """FileResponse, but a Range it cannot use gets the whole file, as RFC 9110 (14.2) has it,
    where FileResponse refuses it with a 400; and a range outside the file is a 416 problem. It
    gives back the place take_place took when it ends."""

    def __init__(self, state: State, path: Path, **kwargs: Any):
        super().__init__(path, **kwargs)
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._send_file(scope, receive, send)
        finally:
            release_place(self.state)

    async def _send_file(self, scope: Scope, receive: Receive, send: Send) -> None:
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


_BYTE_RANGE = re.compile(r"\s*(?P<first>[0-9]*)-(?P<last>[0-9]*)\s*")


def range_refusal(header: str, size: int) -> str | None:
    """Why a Range header on a file of `size` bytes is refused with 416: more than MAX_RANGES
    ranges, or ranges that overlap. None for anything else, malformed headers included, which
    FileResponse answers (a malformed Range gets the whole file)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes":
        return None
    ranges = []
    for written in spec.split(","):
        match = _BYTE_RANGE.fullmatch(written)
        if match is None or not (match["first"] or match["last"]):
            return None
        first, last = match["first"], match["last"]
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:  # a suffix: the last N bytes
            start, end = max(size - int(last), 0), size - 1
        if end < start:
            return None
        ranges.append((start, end))
    if len(ranges) > MAX_RANGES:
        return f"The Range names {len(ranges)} ranges; at most {MAX_RANGES} are served in one request."
    ranges.sort()
    if any(start <= previous_end for (_, previous_end), (start, _) in zip(ranges, ranges[1:], strict=False)):
        return "The Range names ranges that overlap; ask for each byte once."
    return None


def dataset_etag(request: Request, representation: str) -> str:
    return f'"{request.app.state.dataset_info.version[:32]}-{representation}"'


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """304, with the answer's ETag and Vary, where If-None-Match names its ETag. Read from the
    request, not declared as a parameter: a validator is HTTP's business, not the operation's."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag_matches(if_none_match, headers["ETag"].encode()):
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k in ("ETag", "Vary")})
    return None


PIECE = 64 * 1024
_PART = f"SELECT csv FROM {models.ObservationsCsvPart.__tablename__} WHERE part = ?"


def _read_part(connection: sqlite3.Connection, part: int) -> bytes | None:
    """Part `part` of the CSV as stored (zlib); None past the last."""
    row = connection.execute(_PART, (part,)).fetchone()
    return None if row is None else bytes(row[0])


async def csv_parts(path: Path, gzip: bool) -> AsyncGenerator[bytes]:
    """The CSV, a stored part at a time, read in a thread on a connection of its own that the
    download closes when it ends, and sent in pieces of at most PIECE bytes, each decompressed (and
    for gzip compressed) as the client takes it: a fraction of a millisecond of work on the event
    loop per piece. While the client is slow to read, the download holds this connection, one part
    as stored (about 100 KB) and one piece: no thread, and no connection of the pool that answers
    every other request. Whole parts decompressed in threads (half a megabyte each) stayed in the
    process after their readers left.

    gzip: one gzip stream, compressed as it goes. Level 1: on this CSV, a seventh of the size at
    about 220 MB/s here; level 6 gained a quarter more, at a third of the speed."""
    compressor = zlib.compressobj(1, wbits=31) if gzip else None  # 31: a gzip header and trailer
    connection = connect_readonly(path)
    try:
        part = 0
        while (stored := await anyio.to_thread.run_sync(_read_part, connection, part)) is not None:
            decompressor = zlib.decompressobj()
            while stored:
                piece = decompressor.decompress(stored, PIECE)
                stored = decompressor.unconsumed_tail
                if compressor is not None:
                    piece = compressor.compress(piece)
                if piece:
                    yield piece
            part += 1
        if compressor is not None:
            yield compressor.flush()
    finally:
        connection.close()


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
    if request.method == "HEAD":  # the headers only, without reading a part or taking a place
        return StreamingResponse(iter(()), media_type=CSV_MEDIA_TYPE, headers=headers)
    if answer := not_modified(request, headers):
        return answer
    state = request.app.state
    take_place(state)
    return CsvDownload(state, csv_parts(state.database_path, gzip), headers)


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
    if answer := not_modified(request, headers):
        return answer
    state = request.app.state
    size = state.database_path.stat().st_size
    refusal = range_refusal(request.headers.get("range", ""), size)
    if refusal is not None:
        return problem(416, refusal, {"Content-Range": f"bytes */{size}"})
    take_place(state)
    return DatabaseFileResponse(state, state.database_path, media_type=media_type, filename="ports.db", headers=headers)


# HEAD, which every other route answers through the response cache, that the downloads bypass.
# Out of the schema: it is GET without the body, and an operation id names one operation.
router.add_api_route("/observations.csv", download_observations_csv, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/ports.db", download_database, methods=["HEAD"], include_in_schema=False)
