from fastapi import APIRouter, Request, Response

from app import links
from app.api.deps import After, DatasetDep, Limit, MetricKey, ObservationAfter, Offset, PortKey, page
from app.api.problems import error_responses
from app.dataset import ObservationFilter
from app.schemas import Observation, Page, Port, PortDetail

router = APIRouter(prefix=links.PORTS, tags=["ports"])


@router.get(
    "",
    summary="List the ports",
    description="The land ports, in id order, with their other names and links.",
    responses=error_responses(422),
)
def list_ports(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    after: After = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[Port]:
    return page(request, response, dataset.ports(after, limit, offset), dataset.info.ports, limit, offset)


@router.get(
    "/{port}",
    summary="One port and its figures",
    description=(
        "A port with the first page (at most 100) of its observations and how many it has in all; "
        "`links.observations` lists every one. A port no source gives figures for has an "
        "empty `observations` list: nothing is invented."
    ),
    responses=error_responses(404, 422),
)
def get_port(dataset: DatasetDep, port: PortKey) -> PortDetail:
    found = dataset.port(port)
    return PortDetail(
        **found.model_dump(),
        **dataset.embedded(ObservationFilter(port=found.id)),
        series=dataset.series_links(port=found.id),
    )


@router.get(
    "/{port}/metrics/{metric}",
    summary="One port's figures for one metric",
    description="The observations of one metric at one port, in chronological order, with how many there are.",
    responses=error_responses(404, 422),
)
def list_port_metric_observations(
    dataset: DatasetDep,
    request: Request,
    response: Response,
    port: PortKey,
    metric: MetricKey,
    after: ObservationAfter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[Observation]:
    where = ObservationFilter(port=dataset.port_id(port), metric=dataset.metric_id(metric))
    return page(
        request, response, dataset.observations(where, after, limit, offset), dataset.count(where), limit, offset
    )
