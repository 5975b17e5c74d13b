from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from app import links
from app.api.deps import PRINTABLE_SCHEMA, SOURCE_IDS, After, DatasetDep, Limit, Offset, Printable, page
from app.api.problems import error_responses
from app.schemas import Page, Source, SourceDetail
from app.source_view import Span, source_page

router = APIRouter(prefix=links.SOURCES, tags=["sources"])

SourceKey = Annotated[
    str,
    Path(
        max_length=200,
        json_schema_extra=PRINTABLE_SCHEMA,
        description="Source id.",
        examples=SOURCE_IDS,
    ),
    Printable,
]


@router.get(
    "",
    summary="List the source documents",
    description="The articles the figures come from: publisher, date, headline and address.",
    responses=error_responses(422),
)
def list_sources(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    after: After = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[Source]:
    return page(request, response, dataset.sources(after, limit, offset), dataset.info.sources, limit, offset)


@router.get(
    "/{source}",
    summary="One source document, with its full text",
    description=(
        "The article's metadata and its full `text`, exactly as received. Each observation's "
        "`source.start`/`source.end` are offsets into this text, in Unicode characters."
    ),
    responses=error_responses(404, 422),
)
def get_source(dataset: DatasetDep, source: SourceKey) -> SourceDetail:
    return dataset.source(source)


@router.get(
    "/{source}/view",
    summary="The article as a web page, every quote highlighted",
    description=(
        "An HTML page of the article: headline, publisher, date and address at the top, then the text with "
        'each observation\'s quote in a `<mark id="obs-<observation id>">`, followed by a link to that '
        "observation. Each observation's `source.view_href` points at its mark. The page loads only "
        "`/static/source-view.css`: no script, no inline style, nothing from elsewhere."
    ),
    response_class=HTMLResponse,
    responses={
        200: {
            "description": "The article as HTML, readable on a phone.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        **error_responses(404, 422),
    },
)
def get_source_view(dataset: DatasetDep, source: SourceKey) -> HTMLResponse:
    found = dataset.source(source)
    spans = [Span(start, end, id, links.observation(id)) for start, end, id in dataset.quotes_of(found.id)]
    return HTMLResponse(source_page(found, spans))
