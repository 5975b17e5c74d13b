from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from app import links
from app.api.deps import (
    OBSERVATION_IDS,
    PRINTABLE_SCHEMA,
    DatasetDep,
    Day,
    Limit,
    ObservationAfter,
    Offset,
    Printable,
    next_page,
    page,
)
from app.api.examples import BIBTEX_EXAMPLE, CSL_JSON_EXAMPLE, CSV_EXAMPLE
from app.api.problems import InvalidParameter, error_responses
from app.citations import BIBTEX, CSL_JSON, bibtex, csl_json
from app.dataset import Dataset, NotFound, ObservationFilter
from app.negotiation import preferred
from app.observations_csv import MEDIA_TYPE as CSV_MEDIA_TYPE
from app.observations_csv import to_csv
from app.schemas import CslItem, Observation, Page

router = APIRouter(prefix=links.OBSERVATIONS, tags=["observations"])

VARY_ACCEPT = {"Vary": "Accept"}  # the representation depends on Accept
ObservationKey = Annotated[
    str,
    Path(max_length=200, json_schema_extra=PRINTABLE_SCHEMA, description="Observation id.", examples=OBSERVATION_IDS),
    Printable,
]


def wants_csv(format: str | None, accept: str | None) -> bool:
    """`?format=` decides; without it, CSV where the Accept header ranks text/csv above JSON
    (`text/*` included: JSON is not text/*)."""
    if format is not None:
        return format == "csv"
    return preferred(accept, ["application/json", "text/csv"]) == "text/csv"


def citation_format(format: str | None, accept: str | None) -> str:
    """`?format=` decides; without it, BibTeX only where the Accept header ranks it above CSL-JSON
    (or plain JSON). Anything else, `*/*` or no header included, gets CSL-JSON."""
    if format is not None:
        return format
    return "bibtex" if preferred(accept, [CSL_JSON, "application/json", BIBTEX]) == BIBTEX else "csl-json"


def observation_filter(
    dataset: Dataset, port: str | None, metric: str | None, period_from: date | None, period_to: date | None
) -> ObservationFilter:
    """The filter a request asks for, its port and metric resolved to ids (422 for an unknown one)."""
    if period_from and period_to and period_to < period_from:
        raise InvalidParameter("period_to", "period_to is before period_from.")
    try:
        port_id = dataset.port_id(port) if port is not None else None
    except NotFound as error:
        raise InvalidParameter("port", "Unknown port.", error.valid) from None
    try:
        metric_id = dataset.metric_id(metric) if metric is not None else None
    except NotFound as error:
        raise InvalidParameter("metric", "Unknown metric.", error.valid) from None
    return ObservationFilter(port=port_id, metric=metric_id, period_from=period_from, period_to=period_to)


@router.get(
    "",
    summary="List and filter the observations",
    description=(
        "Every figure, filterable by port, metric and period, in chronological order: by the last day of "
        "the period, then by id. A period filter keeps the observations whose period overlaps it. "
        "`?format=csv`, or `Accept: text/csv`, returns CSV with a header row. While more items follow, "
        '`links.next` (and, in both representations, a `Link: <...>; rel="next"` header) leads to the '
        "next page. Everything at once: `/v1/downloads/observations.csv`."
    ),
    response_model=Page[Observation],
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}},
        **error_responses(422),
    },
)
async def list_observations(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    # An unknown filter value is a 422 that lists the valid ones. Other names of a port, and ids in
    # other cases, are accepted, as on the paths.
    port: Annotated[
        str | None,
        Query(
            max_length=100,
            json_schema_extra=PRINTABLE_SCHEMA,
            description="Port id, or any other name of the port (see its `aliases`).",
            examples=["alataw"],
        ),
        Printable,
    ] = None,
    metric: Annotated[
        str | None,
        Query(max_length=100, json_schema_extra=PRINTABLE_SCHEMA, description="Metric id.", examples=["cargo_tonnage"]),
        Printable,
    ] = None,
    period_from: Annotated[
        Day | None, Query(description="Keep periods ending on or after this day.", examples=["2023-01-01"])
    ] = None,
    period_to: Annotated[
        Day | None, Query(description="Keep periods starting on or before this day.", examples=["2023-01-31"])
    ] = None,
    after: ObservationAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Annotated[
        Literal["json", "csv"] | None, Query(description="Representation; overrides the Accept header.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Page[Any] | Response:
    where = observation_filter(dataset, port, metric, period_from, period_to)
    response.headers.update(VARY_ACCEPT)
    if wants_csv(format, accept):
        csv_page = dataset.observations_csv(where, after, limit, offset)
        next_page(request, response, csv_page)
        return Response(to_csv(csv_page.items), media_type=CSV_MEDIA_TYPE, headers=dict(response.headers))
    found = dataset.observations(where, after, limit, offset)
    return page(request, response, found, dataset.count(where), limit, offset)


@router.get(
    "/{observation}",
    summary="One observation (permalink)",
    description="A single figure by its id, with the quote it came from.",
    responses=error_responses(404, 422),
)
async def get_observation(dataset: DatasetDep, observation: ObservationKey) -> Observation:
    return dataset.observation(observation)


class CslJsonResponse(JSONResponse):
    media_type = CSL_JSON


@router.get(
    "/{observation}/citation",
    summary="Cite the article an observation comes from",
    description=(
        "The article's citation (publisher, headline, date issued, URL) together with the quote the figure "
        "was read from and its offsets, ready for a reference manager. CSL-JSON "
        f"(`{CSL_JSON}`, an array of one item; the quote is in `note`, and in `custom` as data) or BibTeX "
        f"(`{BIBTEX}`, an `@article` whose `note` holds the quote). Choose with `?format=csl-json|bibtex`, "
        "or with the Accept header; `?format=` overrides Accept, and CSL-JSON is the default."
    ),
    response_model=list[CslItem],
    response_class=CslJsonResponse,
    responses={
        200: {
            "description": "The citation, in the format asked for.",
            "content": {
                CSL_JSON: {"example": CSL_JSON_EXAMPLE},
                BIBTEX: {"schema": {"type": "string"}, "example": BIBTEX_EXAMPLE},
            },
        },
        **error_responses(404, 422),
    },
)
async def get_citation(
    dataset: DatasetDep,
    observation: ObservationKey,
    format: Annotated[
        Literal["csl-json", "bibtex"] | None, Query(description="Citation format; overrides the Accept header.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    found = dataset.observation(observation)
    source = dataset.source(found.source.id)
    if citation_format(format, accept) == "bibtex":
        return Response(bibtex(found, source), media_type=f"{BIBTEX}; charset=utf-8", headers=VARY_ACCEPT)
    return CslJsonResponse(csl_json(found, source), headers=VARY_ACCEPT)
