"""A port's consolidated series of one metric (app.series): JSON, CSV and an SVG chart, each
paged by cursor like every list."""

import csv
import io
import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import AfterValidator

from app import chart, links
from app.api.deps import AFTER_DOC, DatasetDep, Limit, MetricKey, Offset, PortKey, next_page, page
from app.api.problems import error_responses
from app.dataset import Dataset, Slice
from app.negotiation import preferred
from app.observations_csv import MEDIA_TYPE as CSV_MEDIA_TYPE
from app.schemas import Metric, Page, SeriesPoint

router = APIRouter(prefix=links.PORTS, tags=["series"])
# SVG is XML: text/xml for a client that asks for it (and for generated clients, which know text/*).
CHART_TYPES = [chart.MEDIA_TYPE, "text/xml"]

# A point's place in the series: its period's end, then its start (empty for a running total).
SERIES_CURSOR = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}~([0-9]{4}-[0-9]{2}-[0-9]{2})?$"


def _series_cursor(value: str | None) -> str | None:
    if value is not None and not re.match(SERIES_CURSOR, value):
        raise ValueError(
            "must be `<period_end>~<period_start>` (the start empty for a running total), as links.next carries"
        )
    return value


SeriesAfter = Annotated[
    str | None,
    Query(
        max_length=30,
        json_schema_extra={"pattern": SERIES_CURSOR},
        description=f"{AFTER_DOC} For a series, `<period_end>~<period_start>` of the last point seen.",
        examples=["2023-01-31~2023-01-01"],
    ),
    AfterValidator(_series_cursor),
]

SERIES_DESCRIPTION = (
    "What every statement about this port and metric proves, one point per period, in chronological order (by "
    "the period's end, then its start; a running total, which has no start, first). A `stated` point is the "
    "intersection of the intervals of every statement about its period; a `derived` one is stated nowhere but "
    "implied: the year before a stated year-on-year change, or a month or quarter between two year-to-date "
    "totals (January–August minus January–July), by interval arithmetic on both ends. A derived point never "
    "overrides a stated one: where both exist, the point is their intersection. Each point names the statements "
    "it rests on and says `how` in words. Paged like every list: `links.next` and a `Link` header."
)
CSV_COLUMNS = [
    "period_start", "period_end", "kind", "value_low", "value_high", "low_inclusive", "high_inclusive", "unit",
    "statements", "how", "overrides", "resolution", "warning",
]  # fmt: skip


def _as_written(number: float | None) -> int | float | None:
    return None if number is None else int(number) if float(number).is_integer() else number


def _refs(ids: str | None) -> list[dict[str, str]]:
    return [{"id": id, "href": links.observation(id)} for id in (ids or "").split()]


def point_record(row: Mapping[str, Any], unit: str) -> dict[str, Any]:
    """The public shape of one series_point row (schemas.SeriesPoint, as plain data)."""
    return {
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "kind": row["kind"],
        "value_low": _as_written(row["value_low"]),
        "value_high": _as_written(row["value_high"]),
        "low_inclusive": row["low_inclusive"],
        "high_inclusive": row["high_inclusive"],
        "unit": unit,
        "statements": _refs(row["observations"]),
        "how": row["how"],
        "overrides": _refs(row["overrides"]),
        "resolution": row["resolution"],
        "warning": row["warning"],
    }


def _points(
    dataset: Dataset, port: str, metric: str, after: str | None, limit: int, offset: int
) -> tuple[Slice, str, Metric]:
    """One page of points as records, with the port's id and the metric."""
    port_id = dataset.port_id(port)
    found_metric = dataset.metric(metric)
    found = dataset.series(port_id, found_metric.id, after, limit, offset)
    records = [point_record(row, found_metric.unit) for row in found.items]
    return Slice(records, found.next_after), port_id, found_metric


@router.get(
    "/{port}/metrics/{metric}/series",
    summary="One port's consolidated series of one metric",
    description=f"{SERIES_DESCRIPTION} The same as CSV: `.../series.csv`; as a chart: `.../series.svg`.",
    responses=error_responses(404, 422),
)
def get_series(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    port: PortKey,
    metric: MetricKey,
    after: SeriesAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[SeriesPoint]:
    found, port_id, found_metric = _points(dataset, port, metric, after, limit, offset)
    return page(request, response, found, dataset.series_count(port_id, found_metric.id), limit, offset)


@router.get(
    "/{port}/metrics/{metric}/series.csv",
    summary="One port's consolidated series of one metric, as CSV",
    description=(
        f"{SERIES_DESCRIPTION} CSV (RFC 4180) with a header row: the JSON items flattened, `statements` and "
        "`overrides` as space-separated observation ids."
    ),
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **error_responses(404, 422)},
)
def get_series_csv(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    port: PortKey,
    metric: MetricKey,
    after: SeriesAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    found, _, _ = _points(dataset, port, metric, after, limit, offset)
    next_page(request, response, found)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for point in found.items:
        flat = {**point, **{name: " ".join(ref["id"] for ref in point[name]) for name in ("statements", "overrides")}}
        writer.writerow([flat[name] for name in CSV_COLUMNS])
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE, headers=dict(response.headers))


@router.get(
    "/{port}/metrics/{metric}/series.svg",
    summary="One port's consolidated series of one metric, as a chart",
    description=(
        "The same page of points as `.../series`, drawn as SVG on the server: each point a bar from its low to "
        "its high end (an arrow where there is no upper bound; a filled dot where an end is included, a hollow one "
        "where it is not), stated points dark and derived ones light, conflicts a curator resolved marked `!`, "
        "contradictions `?`, the y axis in the metric's unit, the x axis by period. Each bar links to its "
        "statement's permalink. No script and no style: it draws under `default-src 'self'`, and scales to a "
        "phone's width. Sent as `image/svg+xml`, or as `text/xml` to a client that asks for that."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The chart.",
            "content": {media_type: {"schema": {"type": "string"}} for media_type in CHART_TYPES},
        },
        **error_responses(404, 422),
    },
)
def get_series_chart(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    port: PortKey,
    metric: MetricKey,
    after: SeriesAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    found, port_id, found_metric = _points(dataset, port, metric, after, limit, offset)
    link = next_page(request, response, found)
    title = f"{found_metric.name} at {dataset.port(port_id).name}"
    svg = chart.render(title, found_metric.unit, found.items, link)
    media_type = preferred(accept, CHART_TYPES)
    headers = {**response.headers, "Vary": "Accept"}
    return Response(svg, media_type=f"{media_type}; charset=utf-8", headers=headers)
