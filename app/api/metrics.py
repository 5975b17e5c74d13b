from fastapi import APIRouter

from app.api.deps import DatasetDep, Limit, MetricKey, Offset
from app.api.problems import error_responses
from app.schemas import Metric, MetricDetail, Page

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])


@router.get(
    "",
    summary="List the metrics",
    description="What the figures measure, with the unit every value of that metric is in.",
    responses=error_responses(422),
)
def list_metrics(dataset: DatasetDep, limit: Limit = 100, offset: Offset = 0) -> Page[Metric]:
    metrics = list(dataset.metrics.values())
    return Page.of(metrics, limit, offset)


@router.get(
    "/{metric}",
    summary="One metric and its figures across all ports",
    description="A metric with every observation of it, at every port.",
    responses=error_responses(404, 422),
)
def get_metric(dataset: DatasetDep, metric: MetricKey) -> MetricDetail:
    found = dataset.metric(metric)
    return MetricDetail(**found.model_dump(), observations=dataset.select(metric=found.id))
