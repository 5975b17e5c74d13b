"""What routes share: the dataset, and the paging and path parameters, declared once."""

import re
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import BeforeValidator

from app.dataset import Dataset


def get_dataset(request: Request) -> Dataset:
    return request.app.state.dataset


DatasetDep = Annotated[Dataset, Depends(get_dataset)]

Limit = Annotated[int, Query(ge=1, le=1000, description="Most items to return (1-1000).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip before the first one returned.")]

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    # Pydantic alone would also take "0" or "1672531200" (Unix timestamps) and "2023-01-01T00:00"
    # as days. The schema says `format: date`, so only YYYY-MM-DD is a day.
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_date)]

# The ids the schema names, so that clients and generated tests know the values that find
# something. tests/test_openapi_properties.py checks that they are exactly the dataset's.
PORT_IDS = ["alataw", "bakti", "horgos", "urumqi"]
METRIC_IDS = ["cargo_tonnage", "freight_trains", "inspection_time", "vehicle_crossings"]
OBSERVATION_IDS = [
    "alataw-cargo-tonnage-2023-01", "bakti-cargo-tonnage-2023-01", "bakti-inspection-time-2023-02-09",
    "bakti-vehicle-crossings-2023-01", "urumqi-freight-trains-2023-02-06",
]  # fmt: skip

PortKey = Annotated[
    str,
    Path(
        max_length=100,
        description=(
            "Port id (`urumqi`, `alataw`, `bakti`, `horgos`) or any of its other names, such as `Alashankou` "
            "or `霍尔果斯`; case, diacritics and punctuation are ignored."
        ),
        examples=[*PORT_IDS, "Alashankou", "霍尔果斯"],
    ),
]
MetricKey = Annotated[
    str,
    Path(
        max_length=100,
        description="Metric id: `freight_trains`, `cargo_tonnage`, `vehicle_crossings` or `inspection_time`.",
        examples=METRIC_IDS,
    ),
]
