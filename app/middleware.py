"""ASGI middleware: answers served from memory with ETags, HEAD, the headers every answer carries,
and a problem document for any error no handler took."""

import gzip
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

import anyio
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import links
from app.negotiation import accepts_coding
from app.problem import RETRY_AFTER, problem

# Below about 1 KB, compression saves less than a packet and costs the client a decoder's work.
GZIP_MIN_BYTES = 1024


def compressible(content_type: bytes) -> bool:
    """Text, which gzip shrinks several times over; images and the SQLite file are left alone."""
    media_type = content_type.partition(b";")[0].strip().lower()
    return media_type.startswith(b"text/") or media_type.endswith(b"+json") or media_type in _TEXT_APPLICATION_TYPES


_TEXT_APPLICATION_TYPES = (b"application/json", b"application/javascript", b"application/x-bibtex")


@dataclass(frozen=True)
class Representation:
    """The bytes of one answer in one content coding, with the headers that describe them."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes  # b"" for an answer that is not kept (not a 200, or too large)

    async def send(self, send: Send, status: int, *, head: bool, if_none_match: str | None) -> None:
        if self.etag and if_none_match is not None and etag_matches(if_none_match, self.etag):
            # 304 keeps the headers a cache needs and drops those that describe a body.
            kept = [(k, v) for k, v in self.headers if k not in _BODY_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": status, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"" if head else self.body})


_BODY_HEADERS = (b"content-length", b"content-type", b"content-encoding")


@dataclass
class CachedResponse:
    status: int
    identity: Representation
    gzippable: bool = False  # a text 200 of GZIP_MIN_BYTES or more
    compressed: Representation | None = None  # the gzipped one, made the first time a client takes it

    @property
    def size(self) -> int:
        return len(self.identity.body) + (len(self.compressed.body) if self.compressed else 0)

    def gzipped(self) -> Representation:
        if self.compressed is None:
            body = gzip.compress(self.identity.body, compresslevel=6, mtime=0)  # mtime 0: the same bytes every time
            etag = self.identity.etag[:-1] + b'-gzip"'
            headers = [(k, v) for k, v in self.identity.headers if k not in (b"content-length", b"etag")]
            headers += [(b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode()), (b"etag", etag)]
            self.compressed = Representation(headers, body, etag)
        return self.compressed


def etag_matches(if_none_match: str, etag: bytes) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110, 13.1.2): W/"x" matches "x"."""
    if if_none_match.strip() == "*":
        return True
    tag = etag.decode()
    return any(candidate.strip().removeprefix("W/") == tag for candidate in if_none_match.split(","))


_CONDITIONAL_HEADERS = (b"range", b"if-range", b"if-none-match", b"if-modified-since")


class ResponseCache:
    """Answers each GET and HEAD from the bytes of the first identical request.

    The data cannot change while the server runs (the database is opened immutable), so the
    first answer to a request, computed by the real routes, is the answer to every identical one.
    Only complete 200 answers are kept, each with a strong ETag derived from the dataset's checksum
    and the bytes of the representation, and a Cache-Control unless the route set one; at most
    `max_entries` of them and `max_bytes` in all, the least recently used going first, so that
    requests made up to fill memory cannot. HEAD is answered as GET without the body. The routes
    never see Range or conditional headers: If-None-Match is answered here from the ETag, and Range
    is ignored (RFC 9110 allows a whole 200 instead of a part).

    A text answer of GZIP_MIN_BYTES or more is also kept gzipped, compressed once, when a client
    whose Accept-Encoding takes gzip first asks for it, and sent so to every such client. Each coding is its own
    representation with its own ETag (the identity one with `-gzip` added), and both carry
    `Vary: Accept-Encoding`. gzip only: Brotli would need a compiled dependency, for a few percent
    less on answers that are mostly small.

    Paths under `uncached` (the bulk downloads, as large as the data) go straight to the routes,
    conditional headers and all: they stream, and answer their own validators.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_entries: int = 1024,
        max_bytes: int = 32 << 20,
        max_body: int = 4 << 20,
        max_age: int = 3600,
        uncached: tuple[str, ...] = (),
    ):
        self.app = app
        self.uncached = uncached
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_body = max_body
        self.cache_control = f"public, max-age={max_age}".encode()
        self.entries: OrderedDict[tuple[str, bytes, str | None], CachedResponse] = OrderedDict()
        self.bytes = 0
        self.rendering: dict[tuple[str, bytes, str | None], anyio.Event] = {}  # keys being rendered now

    def clear(self) -> None:
        self.entries.clear()
        self.bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith(self.uncached):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = (scope["path"], scope["query_string"], headers.get("accept"))
        entry = self.entries.get(key)
        if entry is None and (in_flight := self.rendering.get(key)) is not None:
            # The same request is being rendered: wait for its answer rather than render it again,
            # so that a burst on a cold cache costs one rendering per distinct request, not one per
            # client. An answer that is not kept (an error) is rendered again by each.
            await in_flight.wait()
            entry = self.entries.get(key)
        if entry is None:
            entry = await self._render_and_keep(key, scope, receive)
        else:
            self.entries.move_to_end(key)
        chosen = entry.identity
        if entry.gzippable and accepts_coding(headers.get("accept-encoding"), "gzip"):
            if entry.compressed is None and self.entries.get(key) is entry:
                self.bytes += len(entry.gzipped().body)
                self._evict()
            chosen = entry.gzipped()
        await chosen.send(
            send, entry.status, head=scope["method"] == "HEAD", if_none_match=headers.get("if-none-match")
        )

    async def _render_and_keep(
        self, key: tuple[str, bytes, str | None], scope: Scope, receive: Receive
    ) -> CachedResponse:
        done = anyio.Event()
        first = self.rendering.setdefault(key, done) is done  # the others wait for the first
        try:
            entry = await self._render(scope, receive)
            # Another request for the same key may have been rendered meanwhile: the first one stays.
            if entry.identity.etag and key not in self.entries:
                self.entries[key] = entry
                self.bytes += entry.size
                self._evict()
            return entry
        finally:
            if first:
                del self.rendering[key]
                done.set()

    def _evict(self) -> None:
        while len(self.entries) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= self.entries.popitem(last=False)[1].size

    async def _render(self, scope: Scope, receive: Receive) -> CachedResponse:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        # The whole representation, whatever the request's Range or conditions.
        request_headers = [(k, v) for k, v in scope["headers"] if k not in _CONDITIONAL_HEADERS]
        await self.app({**scope, "method": "GET", "headers": request_headers}, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start["headers"] if k not in (b"etag", b"last-modified")]
        if start["status"] != 200 or len(body) > self.max_body:
            return CachedResponse(start["status"], Representation(list(start["headers"]), body, etag=b""))
        version = scope["app"].state.dataset_info.version
        content_type = _header(headers, b"content-type")
        digest = hashlib.sha256(version.encode() + b"\0" + content_type + b"\0" + body).hexdigest()[:32]
        if not _header(headers, b"cache-control"):
            headers.append((b"cache-control", self.cache_control))
        gzippable = len(body) >= GZIP_MIN_BYTES and compressible(content_type)
        if gzippable:  # then the answer depends on Accept-Encoding, whichever coding it takes
            headers = _vary(headers, b"Accept-Encoding")
        etag = f'"{digest}"'.encode()
        return CachedResponse(200, Representation([*headers, (b"etag", etag)], body, etag), gzippable)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    return next((v for k, v in headers if k == name), b"")


def _vary(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    """`headers` with `name` added to their Vary header."""
    vary = _header(headers, b"vary")
    return [(k, v) for k, v in headers if k != b"vary"] + [(b"vary", vary + b", " + name if vary else name)]


class LargeAnswers:
    """Renders the large answers, pages of more than `items` items and source views, `at_once` at a
    time; the others wait their turn, up to `wait` seconds, and past it are answered 503 with
    Retry-After. It sits inside the response cache, so that what is cached never waits.

    Why: a worker runs Python in one thread at a time (the GIL), and a large answer is tens of
    milliseconds of it. Four clients asking for such answers without a pause kept every cheap
    answer waiting for its turn behind them (p99 170 ms at a million observations); in a line of
    their own, large answers wait for each other, and cheap answers do not wait for them."""

    def __init__(self, app: ASGIApp, at_once: int, wait: float, items: int = 100):
        self.app = app
        self.turns = anyio.Semaphore(at_once)
        self.wait = wait
        self.items = items

    def is_large(self, scope: Scope) -> bool:
        path: str = scope["path"]
        if path.startswith(links.SOURCES) and path.endswith("/view"):
            return True
        query = parse_qsl(scope["query_string"].decode("latin-1"))
        return any(key == "limit" and value.isdigit() and int(value) > self.items for key, value in query)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.is_large(scope):
            await self.app(scope, receive, send)
            return
        try:
            with anyio.fail_after(self.wait):
                await self.turns.acquire()
        except TimeoutError:
            detail = (
                f"Large answers (pages of more than {self.items} items, source views) waited {self.wait:g} s "
                f"for their turn; retry in a moment, or ask for pages of at most {self.items}."
            )
            await problem(503, detail, RETRY_AFTER)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.turns.release()


class StandardHeaders:
    """Adds the headers every answer carries, errors and cached answers included, unless the
    answer already has them (a CORS preflight sets its own Access-Control-Allow-Origin)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]):
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                present = {name for name, _ in headers}
                message = {**message, "headers": [*headers, *(h for h in self.headers if h[0] not in present)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


logger = logging.getLogger(__name__)


class UnhandledErrors:
    """Answers an exception that no exception handler took with a 500 problem document, and logs
    it with its traceback. It runs inside StandardHeaders, so that this answer too carries the
    headers every answer does: Starlette's own last resort, ServerErrorMiddleware, sits outside all
    of the app's middleware. An error after the answer has started can only end the connection."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        responder = _StartTracker(send)
        try:
            await self.app(scope, receive, responder.send)
        except Exception as error:
            logger.error("unhandled error on %s %s", scope["method"], scope["path"], exc_info=error)
            if responder.started:
                raise
            await problem(500, "Internal error; it has been logged.")(scope, receive, send)


class _StartTracker:
    """Passes messages on, noting whether the answer has started."""

    def __init__(self, send: Send):
        self._send = send
        self.started = False

    async def send(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


class HeaderLimit:
    """Answers 431 to a request whose headers add up to more than `max_bytes`, before any route
    sees it. uvicorn's default parser (httptools) has no limit of its own; 16 KiB is h11's."""

    def __init__(self, app: ASGIApp, max_bytes: int = 16 * 1024):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and sum(len(k) + len(v) for k, v in scope["headers"]) > self.max_bytes:
            detail = f"The request's headers add up to more than {self.max_bytes} bytes."
            await problem(431, detail)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class PublicCORS:
    """CORS for public, read-only data. Any origin may read any answer, so the headers that say so
    are the same on every answer (StandardHeaders adds them), and only preflight requests need
    Starlette's CORSMiddleware. Running it on every request cost a third of a cached answer's time.
    """

    def __init__(
        self, app: ASGIApp, allow_origins: list[str], allow_methods: list[str], allow_headers: list[str], max_age: int
    ):
        self.app = app
        self.preflight = CORSMiddleware(
            app, allow_origins=allow_origins, allow_methods=allow_methods, allow_headers=allow_headers, max_age=max_age
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return

        def detail(text: str) -> str:
            return f"CORS preflight refused: {text}. This API allows GET, HEAD and OPTIONS."

        await send_refusals_as_problems(self.preflight, scope, receive, send, {400}, detail)


async def send_refusals_as_problems(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, statuses: set[int], detail: Callable[[str], str]
) -> None:
    """Runs `app`, and sends an answer of one of `statuses`, which it refuses with in plain text
    (Starlette's CORSMiddleware and FileResponse do), as a problem document instead: the same
    status and headers, with `detail(text)` as its detail."""
    refusal: Message | None = None
    body: list[bytes] = []

    async def send_or_convert(message: Message) -> None:
        nonlocal refusal
        if message["type"] == "http.response.start" and message["status"] in statuses:
            refusal = message
        elif refusal is None:
            await send(message)
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))
            if not message.get("more_body", False):
                kept = {k.decode(): v.decode() for k, v in refusal["headers"] if k not in _BODY_HEADERS}
                text = b"".join(body).decode()
                await problem(refusal["status"], detail(text), kept)(scope, receive, send)

    await app(scope, receive, send_or_convert)
