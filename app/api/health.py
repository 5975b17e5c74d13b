from fastapi import APIRouter, Response

from app.api.deps import DatasetDep
from app.schemas import Health

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="Liveness and dataset version",
    description="200 once the database has been checked and loaded; the server does not start without it.",
)
def healthz(dataset: DatasetDep, response: Response) -> Health:
    response.headers["Cache-Control"] = "no-cache"  # probes must not be answered by a proxy's copy
    return Health(
        status="ok",
        dataset_version=dataset.version,
        ports=len(dataset.ports),
        metrics=len(dataset.metrics),
        sources=len(dataset.sources),
        observations=len(dataset.observations),
    )
