from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse

from app.api.deps import PRINTABLE, DatasetDep, Limit, Offset
from app.api.problems import error_responses
from app.schemas import Page, Source, SourceDetail
from app.source_view import source_page

router = APIRouter(prefix="/v1/sources", tags=["sources"])

SourceKey = Annotated[
    str,
    Path(max_length=200, pattern=PRINTABLE, description="Source id.", examples=["xinhua-2023-02-09-xinjiang-land-ports"]),
]


@router.get(
    "",
    summary="List the source documents",
    description="The articles the figures come from: publisher, date, headline and address.",
    responses=error_responses(422),
)
def list_sources(dataset: DatasetDep, limit: Limit = 100, offset: Offset = 0) -> Page[Source]:
    sources = [Source(**s.model_dump(exclude={"text"})) for s in dataset.sources.values()]
    return Page.of(sources, limit, offset)


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
        "each observation's quote in a `<mark id=\"obs-<observation id>\">`, followed by a link to that "
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
def view_source(dataset: DatasetDep, source: SourceKey) -> HTMLResponse:
    found = dataset.source(source)
    return HTMLResponse(source_page(found, list(dataset.observations.values())))
