from fastapi import APIRouter, Request, Response

from app.api.problems import error_responses
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Liveness and dataset version",
    description="200 once the database has been checked at start; the server does not start without it.",
    responses=error_responses(),
)
async def health(request: Request, response: Response) -> Health:
    response.headers["Cache-Control"] = "no-cache"  # probes must not be answered by a proxy's copy
    info = request.app.state.dataset_info
    return Health(
        status="ok",
        dataset_version=info.version,
        ports=info.ports,
        metrics=info.metrics,
        sources=info.sources,
        observations=info.observations,
    )
