"""What routes share: the dataset, and the paging and path parameters, declared once."""

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.dataset import Dataset


def get_dataset(request: Request) -> Dataset:
    return request.app.state.dataset


DatasetDep = Annotated[Dataset, Depends(get_dataset)]

Limit = Annotated[int, Query(ge=1, le=1000, description="Most items to return (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip before the first one returned.")]

PortKey = Annotated[
    str,
    Path(
        max_length=100,
        description=(
            "Port id (`urumqi`, `alataw`, `bakti`, `horgos`) or any of its other names, such as `Alashankou` "
            "or `霍尔果斯`; case, diacritics and punctuation are ignored."
        ),
        examples=["alataw"],
    ),
]
MetricKey = Annotated[
    str,
    Path(
        max_length=100,
        description="Metric id: `freight_trains`, `cargo_tonnage`, `vehicle_crossings` or `inspection_time`.",
        examples=["cargo_tonnage"],
    ),
]
