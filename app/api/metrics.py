from fastapi import APIRouter, Request, Response

from app import links
from app.api.deps import After, DatasetDep, Limit, MetricKey, Offset, page
from app.api.problems import error_responses
from app.dataset import ObservationFilter
from app.schemas import Metric, MetricDetail, Page

router = APIRouter(prefix=links.METRICS, tags=["metrics"])


@router.get(
    "",
    summary="List the metrics",
    description="What the figures measure, with the unit every value of that metric is in.",
    responses=error_responses(422),
)
def list_metrics(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    after: After = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[Metric]:
    return page(request, response, dataset.metrics(after, limit, offset), dataset.info.metrics, limit, offset)


@router.get(
    "/{metric}",
    summary="One metric and its figures across all ports",
    description=(
        "A metric with the first page (at most 100) of its observations, at every port, and how many there "
        "are in all; `links.observations` lists every one."
    ),
    responses=error_responses(404, 422),
)
def get_metric(dataset: DatasetDep, metric: MetricKey) -> MetricDetail:
    found = dataset.metric(metric)
    return MetricDetail(
        **found.model_dump(),
        **dataset.embedded(ObservationFilter(metric=found.id)),
        series=dataset.series_links(metric=found.id),
    )
