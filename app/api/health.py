from fastapi import APIRouter, Request, Response

from app import links
from app.api.problems import error_responses
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    links.HEALTH,
    summary="Liveness, dataset version, and what this worker holds now",
    description=(
        "200 once the database has been checked at start; the server does not start without it. "
        "`connections_in_use` and `downloads` are this worker's, at this moment: never cached."
    ),
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
        connections_in_use=request.app.state.engine.pool.checkedout(),
        downloads=request.app.state.downloads,
    )


# HEAD, which the response cache answers for every cached route; this one is never cached.
router.add_api_route(links.HEALTH, health, methods=["HEAD"], include_in_schema=False)
