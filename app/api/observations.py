from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
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
# BibTeX has no registered media type; application/x-bibtex is the one reference managers send
# and ask for. text/plain too, for browsers, and for code generators, which all know it.
BIBTEX_TYPES = [BIBTEX, "text/plain"]
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
    dataset: DatasetDep,
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


FilterDep = Annotated[ObservationFilter, Depends(observation_filter)]
LIST_DESCRIPTION = (
    "Every figure, filterable by port, metric and period, in chronological order: by the last day of "
    "the period, then by id. A period filter keeps the observations whose period overlaps it. While more "
    'items follow, `links.next` (and, in both representations, a `Link: <...>; rel="next"` header) leads to '
    "the next page. Everything at once: `/v1/downloads/observations.csv`."
)


@router.get(
    "",
    summary="List and filter the observations",
    description=(
        f"{LIST_DESCRIPTION} The same page as CSV: `/v1/observations.csv` (here, `?format=csv` or "
        "`Accept: text/csv` also give CSV)."
    ),
    response_model=Page[Observation],
    responses=error_responses(422),
)
def list_observations(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    where: FilterDep,
    after: ObservationAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
    # Out of the schema: a generated client expects the one representation the schema declares
    # here, and reaches CSV through list_observations_csv instead.
    format: Annotated[Literal["json", "csv"] | None, Query(include_in_schema=False)] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Page[Any] | Response:
    response.headers.update(VARY_ACCEPT)
    if wants_csv(format, accept):
        return csv_page(dataset, request, response, where, after, limit, offset)
    found = dataset.observations(where, after, limit, offset)
    return page(request, response, found, dataset.count(where), limit, offset)


@router.get(
    ".csv",
    summary="List and filter the observations, as CSV",
    description=f"{LIST_DESCRIPTION} CSV (RFC 4180) with a header row; the columns are those of the JSON items, flattened.",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}},
        **error_responses(422),
    },
)
def list_observations_csv(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    where: FilterDep,
    after: ObservationAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    return csv_page(dataset, request, response, where, after, limit, offset)


def csv_page(
    dataset: Dataset,
    request: Request,
    response: Response,
    where: ObservationFilter,
    after: str | None,
    limit: int,
    offset: int,
) -> Response:
    found = dataset.observations_csv(where, after, limit, offset)
    next_page(request, response, found)
    return Response(to_csv(found.items), media_type=CSV_MEDIA_TYPE, headers=dict(response.headers))


@router.get(
    "/{observation}",
    summary="One observation (permalink)",
    description="A single figure by its id, with the quote it came from.",
    responses=error_responses(404, 422),
)
def get_observation(dataset: DatasetDep, observation: ObservationKey) -> Observation:
    return dataset.observation(observation)


class CslJsonResponse(JSONResponse):
    media_type = CSL_JSON


CITATION_DESCRIPTION = (
    "The article's citation (the agency as author and publisher, headline, full date, URL) together with "
    "the quote the figure was read from and its offsets, in `note`, ready for a reference manager."
)


@router.get(
    "/{observation}/citation",
    summary="Cite the article an observation comes from, as CSL-JSON",
    description=(
        f"{CITATION_DESCRIPTION} CSL-JSON (`{CSL_JSON}`), an array of one item, as Zotero, pandoc and "
        f"citeproc read it. The same as BibTeX: `/v1/observations/{{observation}}/citation.bib` (here, "
        f"`?format=bibtex` or `Accept: {BIBTEX}` also give BibTeX)."
    ),
    response_model=list[CslItem],
    response_class=CslJsonResponse,
    responses={
        200: {"description": "The citation.", "content": {CSL_JSON: {"example": CSL_JSON_EXAMPLE}}},
        **error_responses(404, 422),
    },
)
def get_citation(
    dataset: DatasetDep,
    observation: ObservationKey,
    # Out of the schema, as list_observations' format: get_citation_bibtex is the BibTeX operation.
    format: Annotated[Literal["csl-json", "bibtex"] | None, Query(include_in_schema=False)] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    found = dataset.observation(observation)
    source = dataset.source(found.source.id)
    if citation_format(format, accept) == "bibtex":
        return bibtex_response(bibtex(found, source))
    return CslJsonResponse(csl_json(found, source), headers=VARY_ACCEPT)


@router.get(
    "/{observation}/citation.bib",
    summary="Cite the article an observation comes from, as BibTeX",
    description=(
        f"{CITATION_DESCRIPTION} A BibTeX `@article` entry, read by BibTeX, biblatex and pybtex. Sent as "
        f"`{BIBTEX}`, or as `text/plain` to a client that asks for that (to read it in a browser)."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The citation.",
            "content": {
                media_type: {"schema": {"type": "string"}, "example": BIBTEX_EXAMPLE} for media_type in BIBTEX_TYPES
            },
        },
        **error_responses(404, 422),
    },
)
def get_citation_bibtex(
    dataset: DatasetDep,
    observation: ObservationKey,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    found = dataset.observation(observation)
    return bibtex_response(bibtex(found, dataset.source(found.source.id)), preferred(accept, BIBTEX_TYPES))


def bibtex_response(text: str, media_type: str = BIBTEX) -> Response:
    return Response(text, media_type=f"{media_type}; charset=utf-8", headers=VARY_ACCEPT)
