"""What routes share: the dataset, and the paging and path parameters, declared once."""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from pydantic import AfterValidator, BeforeValidator

from app import links
from app.dataset import Dataset, Slice
from app.schemas import Page, PageLinks
from app.seed_files import seed_ids, source_ids


async def get_dataset(request: Request) -> Dataset:
    """The queries of this request (app.dataset.Dataset). Making one opens nothing, so this runs on
    the event loop; the queries themselves block, and run in the routes, which are plain `def`s that
    FastAPI calls in its thread pool: a slow query costs one thread, never the worker."""
    state = request.app.state
    return Dataset(state.engine, state.dataset_info, state.settings.query_time_limit)


DatasetDep = Annotated[Dataset, Depends(get_dataset)]

# What a name or id may hold: no control characters (NUL, CR, LF, ...) and no U+FFFD, which is
# what bytes that are not UTF-8 decode to. No name contains either, and the forgiving port look-up,
# which ignores punctuation, must not read "ala%00taw" as alataw. The schema states it as a
# pattern; the check is a validator of ours, so that its error is ours, in words.
_UNPRINTABLE_CHARACTERS = r"\x00-\x1f\x7f\ufffd"
PRINTABLE = rf"^[^{_UNPRINTABLE_CHARACTERS}]*$"
_NOT_PRINTABLE = re.compile(rf"[{_UNPRINTABLE_CHARACTERS}]")


def _printable(value: str | None) -> str | None:
    if value is not None and _NOT_PRINTABLE.search(value):
        raise ValueError("must not contain control characters or bytes that are not UTF-8")
    return value


Printable = AfterValidator(_printable)
PRINTABLE_SCHEMA = {"pattern": PRINTABLE}

WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def _whole_number(value: object) -> object:
    # Pydantic alone would also take " 5", "+5" and "5_0" (as 50). A count in a URL is digits.
    if isinstance(value, str) and not WHOLE_NUMBER.fullmatch(value):
        raise ValueError("must be a whole number, in digits")
    return value


# Query before the validator: the other way round, FastAPI writes the bounds into the schema as
# `ge`/`le` instead of `minimum`/`maximum`.
Limit = Annotated[
    int,
    Query(ge=1, le=1000, description="Most items to return (1-1000)."),
    BeforeValidator(_whole_number),
]
# Skipping costs as much as reading what is skipped, so an offset is kept to what a person pages
# through; a program walks a list by its cursor (`after`), which costs the same wherever it points.
MAX_OFFSET = 10_000


def _at_most_max_offset(value: int) -> int:
    if value > MAX_OFFSET:
        raise ValueError(
            f"must be at most {MAX_OFFSET:,}: skipping costs as much as reading; to go further, follow "
            "`links.next` (or the Link header), whose cursor costs the same wherever it points"
        )
    return value


Offset = Annotated[
    int,
    Query(
        ge=0,
        description=f"Items to skip before the first one returned, at most {MAX_OFFSET:,}; past that, follow `links.next`.",
        json_schema_extra={"maximum": MAX_OFFSET},
    ),
    BeforeValidator(_whole_number),
    AfterValidator(_at_most_max_offset),
]

AFTER_DOC = "Start after this position: the cursor that `links.next` carries. It costs the same wherever it points, unlike `offset`."
After = Annotated[
    str | None,
    Query(max_length=200, json_schema_extra=PRINTABLE_SCHEMA, description=f"{AFTER_DOC} For this list, an id."),
    Printable,
]
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# An observation's place in the chronological order is its period's end and its id.
OBSERVATION_CURSOR = rf"^{ISO_DATE.pattern}~[^{_UNPRINTABLE_CHARACTERS}]*$"


def _observation_cursor(value: str | None) -> str | None:
    if value is not None and not re.match(OBSERVATION_CURSOR, value):
        raise ValueError("must be `<period_end>~<id>`, the cursor that links.next carries")
    return value


ObservationAfter = Annotated[
    str | None,
    Query(
        max_length=200,
        json_schema_extra={"pattern": OBSERVATION_CURSOR},
        description=f"{AFTER_DOC} For observations, `<period_end>~<id>` of the last one seen.",
        examples=["2023-01-31~alataw-cargo-tonnage-2023-01"],
    ),
    AfterValidator(_observation_cursor),
]


def next_page(request: Request, response: Response, found: Slice) -> str | None:
    """The link to the page after `found`, while more items follow. It also goes out as an RFC 8288
    Link header, so that CSV clients and generic HTTP tools can follow it."""
    if found.next_after is None:
        return None
    link = links.page(request.url.path, list(request.query_params.multi_items()), after=found.next_after)
    response.headers["Link"] = f'<{link}>; rel="next"'
    return link


def page(request: Request, response: Response, found: Slice, total: int | None, limit: int, offset: int) -> Page[Any]:
    """A page of a list, with its `self` and `next` links."""
    self_link = links.page(request.url.path, list(request.query_params.multi_items()))
    page_links = PageLinks(self=self_link, next=next_page(request, response, found))
    return Page(items=found.items, total=total, limit=limit, offset=offset, links=page_links)


def _iso_date(value: object) -> object:
    # Pydantic alone would also take "0" or "1672531200" (Unix timestamps) and "2023-01-01T00:00"
    # as days. The schema says `format: date`, so only YYYY-MM-DD is a day.
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_date)]

# The ids the schema names as examples, so that clients and generated tests know values that find
# something: read from the seeds, which say what the seeded database holds, so that they are
# written in one place. tests/test_openapi_properties.py checks that each finds a row.
PORT_IDS, METRIC_IDS, OBSERVATION_IDS, SOURCE_IDS = (
    seed_ids("ports.toml", "port"),
    seed_ids("metrics.toml", "metric"),
    seed_ids("*.figures.toml", "figure"),
    source_ids(),
)

PortKey = Annotated[
    str,
    Path(
        max_length=100,
        json_schema_extra=PRINTABLE_SCHEMA,
        description=(
            f"Port id ({', '.join(f'`{port}`' for port in PORT_IDS)}) or any of its other names, such as "
            "`Alashankou` or `霍尔果斯`; case, diacritics and punctuation are ignored."
        ),
        examples=[*PORT_IDS, "Alashankou", "霍尔果斯"],
    ),
    Printable,
]
MetricKey = Annotated[
    str,
    Path(
        max_length=100,
        json_schema_extra=PRINTABLE_SCHEMA,
        description=f"Metric id: {', '.join(f'`{metric}`' for metric in METRIC_IDS)}.",
        examples=METRIC_IDS,
    ),
    Printable,
]
