from fastapi import APIRouter

from app.api.deps import DatasetDep, Limit, MetricKey, Offset, PortKey
from app.api.problems import error_responses
from app.schemas import Observation, Page, Port, PortDetail

router = APIRouter(prefix="/v1/ports", tags=["ports"])


@router.get(
    "",
    summary="List the ports",
    description="The four land ports the article names, in id order, with their other names and links.",
    responses=error_responses(422),
)
def list_ports(dataset: DatasetDep, limit: Limit = 100, offset: Offset = 0) -> Page[Port]:
    ports = list(dataset.ports.values())
    return Page.of(ports, limit, offset)


@router.get(
    "/{port}",
    summary="One port and all its figures",
    description=(
        "A port with every observation the article states for it. A port the article names without figures "
        "(Horgos) has an empty `observations` list: nothing is invented."
    ),
    responses=error_responses(404, 422),
)
def get_port(dataset: DatasetDep, port: PortKey) -> PortDetail:
    found = dataset.port(port)
    return PortDetail(**found.model_dump(), observations=dataset.select(port=found.id))


@router.get(
    "/{port}/metrics/{metric}",
    summary="One port's figures for one metric",
    description="The observations of one metric at one port, for example cargo tonnage at Alataw.",
    responses=error_responses(404, 422),
)
def get_port_metric(
    dataset: DatasetDep, port: PortKey, metric: MetricKey, limit: Limit = 100, offset: Offset = 0
) -> Page[Observation]:
    observations = dataset.select(port=dataset.port(port).id, metric=dataset.metric(metric).id)
    return Page.of(observations, limit, offset)
