"""The human entry points: `/` and the two docs pages, whose assets the app serves itself."""

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from app import links
from app.negotiation import preferred
from app.settings import PROJECT_ROOT

router = APIRouter(include_in_schema=False)

SWAGGER_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Xinjiang land port statistics API - Swagger UI</title>
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
<link rel="icon" type="image/svg+xml" href="{links.FAVICON}">
</head><body><div id="swagger-ui"></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-ui/init.js"></script>
</body></html>"""

REDOC_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Xinjiang land port statistics API - ReDoc</title>
<link rel="icon" type="image/svg+xml" href="{links.FAVICON}">
</head><body><redoc spec-url="/openapi.json"></redoc>
<script src="/static/redoc/redoc.standalone.js"></script>
</body></html>"""

INDEX = {
    "name": "Xinjiang land port statistics",
    "description": "Trade figures of Xinjiang's land ports as news reports state them; /v1/sources lists the articles.",
    "links": {
        "ports": links.PORTS,
        "metrics": links.METRICS,
        "observations": links.OBSERVATIONS,
        "sources": links.SOURCES,
        "observations_csv": links.OBSERVATIONS_CSV,
        "database": links.DATABASE,
        "health": "/healthz",
        "openapi": "/openapi.json",
        "docs": "/docs",
        "redoc": "/redoc",
    },
}


@router.get("/")
async def index(accept: Annotated[str | None, Header()] = None) -> Response:
    """Browsers go to the docs page; API clients get a JSON index of links."""
    if preferred(accept, ["application/json", "text/html"]) == "text/html":
        return RedirectResponse("/docs", status_code=303, headers={"Vary": "Accept"})
    return JSONResponse(INDEX, headers={"Vary": "Accept"})


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """Browsers ask for it on any page without an icon of its own, such as a JSON answer."""
    return FileResponse(PROJECT_ROOT / "app" / "static" / "favicon.ico", media_type="image/x-icon")


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(SWAGGER_PAGE)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return HTMLResponse(REDOC_PAGE)
